// RegistryClient against real CNCF distribution registries: the seeded sandbox (content pushed
// by skopeo, described by its drift.json) and a private registry for the large catalog.
#include "await.h"
#include "inventory/profileloader.h"
#include "registry/registryclient.h"
#include "registry/transport.h"
#include "testsandbox.h"

#include <QBuffer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using namespace quayside;
using test::await;

class TestDistributionClient final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void pingAnonymousAndBasic();
    void catalogAndTagsMatchTheSandbox_data();
    void catalogAndTagsMatchTheSandbox();
    void everyManifestMatchesTheSandbox_data();
    void everyManifestMatchesTheSandbox();
    void blobsStreamAndVerify();
    void unknownRepositoryAndTag();
    void catalogSpansPagesBeyondAThousand();

private:
    RegistryConfig registry(const QString &id) const;
    std::unique_ptr<RegistryClient> client(const QString &id, bool withCredentials = true);

    std::unique_ptr<test::TestSandbox> m_sandbox;
    Profile m_profile;
    QJsonObject m_drift;
};

void TestDistributionClient::initTestCase()
{
    QString error;
    m_sandbox = test::TestSandbox::shared(&error);
    QVERIFY2(m_sandbox, qPrintable(error));
    const ProfileLoad load = ProfileLoader::fromFile(m_sandbox->profilePath());
    QVERIFY2(load.ok(), qPrintable(load.errorText()));
    m_profile = *load.profile;
    m_drift = m_sandbox->drift();
    QVERIFY(!m_drift.isEmpty());
}

RegistryConfig TestDistributionClient::registry(const QString &id) const
{
    return *m_profile.registry(id);
}

std::unique_ptr<RegistryClient> TestDistributionClient::client(const QString &id,
                                                               bool withCredentials)
{
    auto c = std::make_unique<RegistryClient>(registry(id));
    if (withCredentials && !m_sandbox->password(id).isEmpty())
        c->setCredential(Credential{m_sandbox->username(id), m_sandbox->password(id)});
    return c;
}

void TestDistributionClient::pingAnonymousAndBasic()
{
    auto registryClient = client(QStringLiteral("registry"));
    auto pong = await<Unit>([&](auto done) { registryClient->ping(done); });
    QVERIFY2(pong.ok(), qPrintable(pong.errorText()));

    // candidate-registry wants Basic auth (htpasswd, bcrypt).
    auto anonymous = client(QStringLiteral("candidate"), false);
    auto refused = await<Unit>([&](auto done) { anonymous->ping(done); });
    QVERIFY(!refused.ok());
    QVERIFY(refused.error().kind == RegistryError::Kind::Auth);
    QCOMPARE(refused.error().registry, QStringLiteral("candidate"));
    QVERIFY2(refused.error().toString().contains(QStringLiteral("QUAYSIDE_CREDENTIALS_CANDIDATE")),
             qPrintable(refused.errorText()));

    auto good = client(QStringLiteral("candidate"));
    auto ok = await<Unit>([&](auto done) { good->ping(done); });
    QVERIFY2(ok.ok(), qPrintable(ok.errorText()));

    auto wrong = client(QStringLiteral("candidate"), false);
    wrong->setCredential(Credential{m_sandbox->username(QStringLiteral("candidate")),
                                    QStringLiteral("not-the-password")});
    auto bad = await<Unit>([&](auto done) { wrong->ping(done); });
    QVERIFY(!bad.ok());
    QVERIFY(bad.error().kind == RegistryError::Kind::Auth);
    QVERIFY2(bad.error().toString().contains(QStringLiteral("refused")),
             qPrintable(bad.errorText()));
    QVERIFY(!bad.error().toString().contains(QStringLiteral("not-the-password")));
}

void TestDistributionClient::catalogAndTagsMatchTheSandbox_data()
{
    QTest::addColumn<QString>("id");
    QTest::newRow("registry") << QStringLiteral("registry");
    QTest::newRow("candidate") << QStringLiteral("candidate");
}

void TestDistributionClient::catalogAndTagsMatchTheSandbox()
{
    QFETCH(QString, id);
    auto c = client(id);
    const QJsonObject expected = m_drift.value(QLatin1String("registries")).toObject().value(id).toObject();
    QStringList expectedRepositories = expected.keys();
    for (const QJsonValue &empty :
         m_drift.value(QLatin1String("emptyRepositories")).toObject().value(id).toArray())
        expectedRepositories << empty.toString();
    expectedRepositories.sort();

    auto catalog = await<QStringList>([&](auto done) { c->catalog(done); });
    QVERIFY2(catalog.ok(), qPrintable(catalog.errorText()));
    QCOMPARE(catalog.value(), expectedRepositories);

    for (const QString &repository : expectedRepositories) {
        auto tags = await<QStringList>([&](auto done) { c->listTags(repository, done); });
        QVERIFY2(tags.ok(), qPrintable(tags.errorText()));
        QStringList want = expected.value(repository).toObject().keys();
        want.sort();
        // Empty repositories answer "tags": null, which is an empty list, not an error.
        QCOMPARE(tags.value(), want);
    }
}

void TestDistributionClient::everyManifestMatchesTheSandbox_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("repository");
    QTest::addColumn<QString>("tag");
    QString error;
    auto sandbox = test::TestSandbox::shared(&error);
    if (!sandbox)
        return;
    const QJsonObject registries = sandbox->drift().value(QLatin1String("registries")).toObject();
    for (const QString &id : {QStringLiteral("registry"), QStringLiteral("candidate")}) {
        const QJsonObject repositories = registries.value(id).toObject();
        for (auto r = repositories.constBegin(); r != repositories.constEnd(); ++r)
            for (const QString &tag : r.value().toObject().keys())
                QTest::addRow("%s %s:%s", qPrintable(id), qPrintable(r.key()), qPrintable(tag))
                    << id << r.key() << tag;
    }
}

void TestDistributionClient::everyManifestMatchesTheSandbox()
{
    QFETCH(QString, id);
    QFETCH(QString, repository);
    QFETCH(QString, tag);
    const QJsonObject expected = m_drift.value(QLatin1String("registries"))
                                     .toObject()
                                     .value(id)
                                     .toObject()
                                     .value(repository)
                                     .toObject()
                                     .value(tag)
                                     .toObject();
    auto c = client(id);
    auto head = await<ManifestHead>([&](auto done) { c->headManifest(repository, tag, done); });
    QVERIFY2(head.ok(), qPrintable(head.errorText()));
    auto got = await<Manifest>([&](auto done) { c->getManifest(repository, tag, done); });
    QVERIFY2(got.ok(), qPrintable(got.errorText()));

    const QString digest = expected.value(QLatin1String("digest")).toString();
    QCOMPARE(head->digest.toString(), digest);
    QCOMPARE(got->digest.toString(), digest);
    QCOMPARE(head->mediaType, expected.value(QLatin1String("mediaType")).toString());
    QCOMPARE(got->mediaType, expected.value(QLatin1String("mediaType")).toString());
    QCOMPARE(head->size, got->raw.size());

    if (got->isIndex()) {
        QStringList platforms;
        QStringList children;
        for (const auto &child : got->manifests) {
            platforms << child.platform->toString();
            children << child.digest;
        }
        platforms.sort();
        QStringList wantPlatforms;
        for (const QJsonValue &p : expected.value(QLatin1String("platforms")).toArray())
            wantPlatforms << p.toString();
        QCOMPARE(platforms, wantPlatforms);
        QStringList wantChildren;
        for (const QJsonValue &d : expected.value(QLatin1String("children")).toArray())
            wantChildren << d.toString();
        QCOMPARE(children, wantChildren);
    }

    // By digest too: the registry serves the same bytes, and the client checks them.
    auto byDigest = await<Manifest>([&](auto done) { c->getManifest(repository, digest, done); });
    QVERIFY2(byDigest.ok(), qPrintable(byDigest.errorText()));
    QCOMPARE(byDigest->raw, got->raw);
}

void TestDistributionClient::blobsStreamAndVerify()
{
    auto c = client(QStringLiteral("registry"));
    auto manifest =
        await<Manifest>([&](auto done) { c->getManifest(QStringLiteral("fedora"), QStringLiteral("41-x86_64"), done); });
    QVERIFY2(manifest.ok(), qPrintable(manifest.errorText()));
    const auto blobs = manifest->blobs();
    QVERIFY(!blobs.empty());
    for (const Descriptor &blob : blobs) {
        const Digest digest = *Digest::parse(blob.digest);
        auto size = await<std::optional<qint64>>(
            [&](auto done) { c->headBlob(QStringLiteral("fedora"), digest, done); });
        QVERIFY2(size.ok(), qPrintable(size.errorText()));
        QCOMPARE(size.value().value_or(-1), blob.size);

        QBuffer sink;
        sink.open(QIODevice::ReadWrite);
        auto bytes = await<qint64>([&](auto done) {
            c->getBlob(QStringLiteral("fedora"), digest, blob.size, &sink, done);
        });
        QVERIFY2(bytes.ok(), qPrintable(bytes.errorText()));
        QCOMPARE(bytes.value(), blob.size);
        QCOMPARE(Digest::sha256Of(sink.data()), digest);
    }
    // A descriptor that lies about the size is caught.
    QBuffer sink;
    sink.open(QIODevice::ReadWrite);
    const Digest first = *Digest::parse(blobs.front().digest);
    auto lie = await<qint64>([&](auto done) {
        c->getBlob(QStringLiteral("fedora"), first, blobs.front().size + 1, &sink, done);
    });
    QVERIFY(!lie.ok());
    QVERIFY(lie.error().kind == RegistryError::Kind::Protocol);
    // An absent blob is "no", not an error.
    auto absent = await<std::optional<qint64>>([&](auto done) {
        c->headBlob(QStringLiteral("fedora"), Digest::sha256Of("not stored anywhere"), done);
    });
    QVERIFY(absent.ok());
    QVERIFY(!absent.value().has_value());
}

void TestDistributionClient::unknownRepositoryAndTag()
{
    auto c = client(QStringLiteral("registry"));
    auto tags = await<QStringList>([&](auto done) { c->listTags(QStringLiteral("no/such-repo"), done); });
    QVERIFY(!tags.ok());
    QVERIFY(tags.error().kind == RegistryError::Kind::NotFound);
    QCOMPARE(tags.error().code, QStringLiteral("NAME_UNKNOWN"));
    QVERIFY(tags.error().toString().startsWith(QStringLiteral("registry: no/such-repo: not found")));

    auto manifest = await<Manifest>(
        [&](auto done) { c->getManifest(QStringLiteral("fedora"), QStringLiteral("no-such-tag"), done); });
    QVERIFY(!manifest.ok());
    QVERIFY(manifest.error().kind == RegistryError::Kind::NotFound);
    QCOMPARE(manifest.error().code, QStringLiteral("MANIFEST_UNKNOWN"));
    QCOMPARE(manifest.error().reference, QStringLiteral("no-such-tag"));
    QCOMPARE(manifest.error().attempts, 1); // a 404 is not retried
}

void TestDistributionClient::catalogSpansPagesBeyondAThousand()
{
    QString error;
    auto own = test::TestSandbox::start({QStringLiteral("registry")}, false, &error);
    QVERIFY2(own, qPrintable(error));
    QProcess bulk;
    bulk.start(QStringLiteral("python3"),
               {QFileInfo(qEnvironmentVariable("QUAYSIDE_SANDBOXCTL")).absolutePath() +
                    QStringLiteral("/../bulkrepos.py"),
                own->url(QStringLiteral("registry")).toString(), QStringLiteral("1003")});
    QVERIFY(bulk.waitForFinished(180000));
    QVERIFY2(bulk.exitCode() == 0, bulk.readAllStandardError().constData());

    RegistryConfig config;
    config.id = QStringLiteral("bulk");
    config.url = own->url(QStringLiteral("registry"));
    config.insecure = true;
    RegistryClient c(config);
    c.transport()->resetStats();
    auto catalog = await<QStringList>([&](auto done) { c.catalog(done); });
    QVERIFY2(catalog.ok(), qPrintable(catalog.errorText()));
    QCOMPARE(catalog->size(), 1003);
    QCOMPARE(catalog->first(), QStringLiteral("bulk/repo-00000"));
    QCOMPARE(catalog->last(), QStringLiteral("bulk/repo-01002"));
    // n=1000 is distribution's maximum: two pages, following its relative Link.
    QCOMPARE(c.transport()->stats(config.url).perClass[static_cast<int>(EndpointClass::Catalog)], 2);
}

QTEST_GUILESS_MAIN(TestDistributionClient)
#include "tst_distributionclient.moc"
