// The copy engine against real registries: a private seeded sandbox (docker-registry for the old
// and candidate registries, the quay emulator behind nginx), written to by the test and thrown
// away after it. skopeo reads back what was published, as an independent witness: digests
// preserved, every child present, nothing published when the source is incomplete or corrupt.
#include "await.h"
#include "jobs/bloblocations.h"
#include "jobs/copyengine.h"
#include "jobs/imagereference.h"
#include "inventory/profileloader.h"
#include "registry/transport.h"
#include "support/credentials.h"
#include "testsandbox.h"

#include <QBuffer>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace quayside;

class TestCopyEngine final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void indexAcrossHostsKeepsEveryDigest();
    void overwriteNeedsConfirmationAndKeepsABackup();
    void missingTagThenNothingToDo();
    void promotionOnOneHostMountsInsteadOfCopying();
    void pinnedDigestRefusesAMovedTag();
    void plannedDestinationThatMovedIsRefused();
    void incompleteSourceIsNeverPublished();
    void sparseDestinationIsFilled();
    void corruptBlobIsNeverPublished();
    void largeBlobsCrossThroughASpoolFile();
    void cancelLeavesTheTagAlone();
    void blobsOneCopyPushedAreMountedByTheNext();
    void parallelCopiesSendASharedBlobOnce();
    void cliCopiesAndSaysWhy();

private:
    struct Outcome {
        Result<CopyReport> result;
        int progressSignals = 0;
    };
    Outcome copy(const QString &from, const QString &to, bool allowOverwrite = false,
                 std::optional<QString> planned = std::nullopt, const QString &backupTag = {});
    ResolvedImage resolve(const QString &text);
    RegistryClient &client(const QString &registryId);
    // What the destination says a tag (or digest) is now; "" when absent.
    QString digestOf(const QString &registryId, const QString &repository, const QString &ref);
    QByteArray skopeoRaw(const QString &registryId, const QString &repository, const QString &ref,
                         QString *error = nullptr);
    QJsonObject oracle(const QString &registryId, const QString &repository, const QString &tag) const;
    // Pushes an image with one layer of the given size to a registry of the sandbox.
    QString pushImage(const QString &registryId, const QString &repository, const QString &tag,
                      qint64 layerBytes);

    std::unique_ptr<test::TestSandbox> m_sandbox;
    Profile m_profile;
    std::map<QString, std::unique_ptr<RegistryClient>> m_clients;
    QTemporaryDir m_spool;
};

void TestCopyEngine::initTestCase()
{
    QString error;
    m_sandbox = test::TestSandbox::start({QStringLiteral("registry"), QStringLiteral("candidate"),
                                          QStringLiteral("quay")},
                                         true, &error);
    QVERIFY2(m_sandbox, qPrintable(error));
    const ProfileLoad load = ProfileLoader::fromFile(m_sandbox->profilePath());
    QVERIFY2(load.ok(), qPrintable(load.errorText()));
    m_profile = *load.profile;
    Transport::RetryPolicy fast;
    fast.baseDelay = std::chrono::milliseconds(50);
    Transport::forCurrentThread()->setRetryPolicy(fast);
    // The sandbox's credentials, as CI would pass them in the environment.
    for (const RegistryConfig &r : m_profile.registries) {
        auto c = std::make_unique<RegistryClient>(r);
        const QString variable = CredentialStore::environmentVariable(r.id) + u'=';
        for (const QString &line : m_sandbox->credentialEnvironment()) {
            if (!line.startsWith(variable))
                continue;
            const QString value = line.mid(variable.size());
            c->setCredential(Credential{value.section(u':', 0, 0), value.section(u':', 1)});
        }
        m_clients[r.id] = std::move(c);
    }
    QVERIFY(m_spool.isValid());
}

ResolvedImage TestCopyEngine::resolve(const QString &text)
{
    QString error;
    const auto ref = ImageReference::parse(text, &error);
    if (!ref)
        qFatal("%s", qPrintable(error));
    const auto image = resolveImage(*ref, &m_profile, false, &error);
    if (!image)
        qFatal("%s", qPrintable(error));
    return *image;
}

RegistryClient &TestCopyEngine::client(const QString &registryId)
{
    return *m_clients.at(registryId);
}

TestCopyEngine::Outcome TestCopyEngine::copy(const QString &from, const QString &to,
                                             bool allowOverwrite, std::optional<QString> planned,
                                             const QString &backupTag)
{
    CopySpec spec;
    spec.source = resolve(from);
    spec.destination = resolve(to);
    spec.allowOverwrite = allowOverwrite;
    spec.plannedDestination = std::move(planned);
    spec.backupTag = backupTag;
    spec.spoolDir = m_spool.path();
    CopyEngine engine(spec, &client(spec.source.registry.id), &client(spec.destination.registry.id));
    QSignalSpy progress(&engine, &CopyEngine::progressChanged);
    auto result = test::await<CopyReport>([&](auto done) { engine.start(done); }, 120000);
    return {std::move(result), static_cast<int>(progress.count())};
}

QString TestCopyEngine::digestOf(const QString &registryId, const QString &repository,
                                 const QString &ref)
{
    const RegistryConfig *r = m_profile.registry(registryId);
    auto head = test::await<ManifestHead>([&](auto done) {
        client(registryId).headManifest(r->repositoryFor(repository), ref, done);
    });
    if (!head.ok() && head.error().kind == RegistryError::Kind::NotFound)
        return QString();
    if (!head.ok())
        qWarning("%s", qPrintable(head.errorText()));
    return head.ok() ? head->digest.toString() : QStringLiteral("error");
}

QByteArray TestCopyEngine::skopeoRaw(const QString &registryId, const QString &repository,
                                     const QString &ref, QString *error)
{
    const RegistryConfig *r = m_profile.registry(registryId);
    const QString image = QStringLiteral("docker://") + r->hostPort() + u'/' +
                          r->repositoryFor(repository) + (ref.contains(u':') ? u'@' : u':') + ref;
    QStringList args{QStringLiteral("inspect"), QStringLiteral("--raw"), QStringLiteral("--tls-verify=false")};
    QString creds;
    for (const QString &line : m_sandbox->credentialEnvironment())
        if (line.startsWith(CredentialStore::environmentVariable(registryId) + u'='))
            creds = line.section(u'=', 1);
    if (!creds.isEmpty())
        args << QStringLiteral("--creds") << creds;
    else
        args << QStringLiteral("--no-creds");
    args << image;
    QProcess skopeo;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("REGISTRY_AUTH_FILE"), m_spool.filePath(QStringLiteral("auth.json")));
    skopeo.setProcessEnvironment(env);
    skopeo.start(QStringLiteral("skopeo"), args);
    skopeo.waitForFinished(60000);
    if (skopeo.exitCode() != 0) {
        if (error)
            *error = QString::fromUtf8(skopeo.readAllStandardError());
        return {};
    }
    return skopeo.readAllStandardOutput();
}

QJsonObject TestCopyEngine::oracle(const QString &registryId, const QString &repository,
                                   const QString &tag) const
{
    return m_sandbox->drift()
        .value(QLatin1String("registries")).toObject()
        .value(registryId).toObject()
        .value(repository).toObject()
        .value(tag).toObject();
}

void TestCopyEngine::indexAcrossHostsKeepsEveryDigest()
{
    // fedora-minimal:41 lacks s390x on quay (planted): the old registry's 4-arch index goes over.
    const QJsonObject source = oracle(QStringLiteral("registry"), QStringLiteral("fedora-minimal"),
                                      QStringLiteral("41"));
    QVERIFY(!source.isEmpty());
    const QString digest = source.value(QLatin1String("digest")).toString();
    const QString before = digestOf(QStringLiteral("quay"), QStringLiteral("fedora-minimal"), QStringLiteral("41"));
    QVERIFY(!before.isEmpty() && before != digest);

    // Into a repository quay does not have yet: every blob crosses hosts (no mount possible).
    const Outcome out = copy(QStringLiteral("registry/fedora-minimal:41"),
                             QStringLiteral("quay/fedora-minimal-migrated:41"));
    QVERIFY2(out.result.ok(), qPrintable(out.result.errorText()));
    const CopyReport &r = out.result.value();
    QCOMPARE(r.digest.toString(), digest);
    QVERIFY(r.tagMoved);
    QVERIFY(r.previousDigest.isEmpty());
    QCOMPARE(r.manifests, 1 + static_cast<int>(source.value(QLatin1String("children")).toArray().size()));
    QCOMPARE(r.platforms.size(), 4);
    QVERIFY(r.blobs > 0);
    QCOMPARE(r.blobsCopied, r.blobs);
    QCOMPARE(r.blobsMounted + r.blobsPresent, 0);
    QVERIFY(r.bytesCopied > 0);
    QCOMPARE(r.manifestsPushed, r.manifests);
    QVERIFY(out.progressSignals > 3);

    // skopeo sees exactly the bytes the old registry holds, and every child by digest.
    const QByteArray src = skopeoRaw(QStringLiteral("registry"), QStringLiteral("fedora-minimal"), QStringLiteral("41"));
    QString error;
    const QByteArray dst = skopeoRaw(QStringLiteral("quay"), QStringLiteral("fedora-minimal-migrated"), QStringLiteral("41"), &error);
    QVERIFY2(!dst.isEmpty(), qPrintable(error));
    QCOMPARE(dst, src);
    for (const QJsonValue child : source.value(QLatin1String("children")).toArray()) {
        const QByteArray bytes = skopeoRaw(QStringLiteral("quay"), QStringLiteral("fedora-minimal-migrated"),
                                           child.toString(), &error);
        QVERIFY2(!bytes.isEmpty(), qPrintable(error));
        QCOMPARE(QString::fromLatin1("sha256:" + QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex()),
                 child.toString());
    }
    // The original tag was not touched.
    QCOMPARE(digestOf(QStringLiteral("quay"), QStringLiteral("fedora-minimal"), QStringLiteral("41")), before);

    // Into quay's own fedora-minimal, which holds every child already (as 41-<arch>): only the
    // index moves, no blob.
    const Outcome beside = copy(QStringLiteral("registry/fedora-minimal:41"),
                                QStringLiteral("quay/fedora-minimal:41-complete"));
    QVERIFY2(beside.result.ok(), qPrintable(beside.result.errorText()));
    QCOMPARE(beside.result->blobs, 0);
    QCOMPARE(beside.result->manifestsPushed, 1);
    QCOMPARE(digestOf(QStringLiteral("quay"), QStringLiteral("fedora-minimal"), QStringLiteral("41-complete")), digest);
}

void TestCopyEngine::overwriteNeedsConfirmationAndKeepsABackup()
{
    const QString wanted = oracle(QStringLiteral("registry"), QStringLiteral("fedora-toolbox"), QStringLiteral("41"))
                               .value(QLatin1String("digest")).toString();
    const QString before = digestOf(QStringLiteral("quay"), QStringLiteral("fedora-toolbox"), QStringLiteral("41"));
    QVERIFY(!before.isEmpty() && before != wanted);

    const Outcome refused = copy(QStringLiteral("registry/fedora-toolbox:41"), QStringLiteral("quay/fedora-toolbox:41"));
    QVERIFY(!refused.result.ok());
    QVERIFY2(refused.result.error().kind == RegistryError::Kind::Refused, qPrintable(refused.result.errorText()));
    QVERIFY2(refused.result.errorText().contains(QLatin1String("--allow-overwrite")), qPrintable(refused.result.errorText()));
    QVERIFY(refused.result.errorText().contains(before));
    QCOMPARE(digestOf(QStringLiteral("quay"), QStringLiteral("fedora-toolbox"), QStringLiteral("41")), before);

    const Outcome done = copy(QStringLiteral("registry/fedora-toolbox:41"), QStringLiteral("quay/fedora-toolbox:41"),
                              true, before, QStringLiteral("41-before-migration"));
    QVERIFY2(done.result.ok(), qPrintable(done.result.errorText()));
    QCOMPARE(done.result->previousDigest, before);
    QCOMPARE(done.result->backupTag, QStringLiteral("41-before-migration"));
    QCOMPARE(digestOf(QStringLiteral("quay"), QStringLiteral("fedora-toolbox"), QStringLiteral("41")), wanted);
    QCOMPARE(digestOf(QStringLiteral("quay"), QStringLiteral("fedora-toolbox"), QStringLiteral("41-before-migration")), before);
}

void TestCopyEngine::missingTagThenNothingToDo()
{
    QCOMPARE(digestOf(QStringLiteral("quay"), QStringLiteral("fedora-minimal"), QStringLiteral("40-s390x")), QString());
    const Outcome first = copy(QStringLiteral("registry/fedora-minimal:40-s390x"),
                               QStringLiteral("quay/fedora-minimal:40-s390x"), false, QString());
    QVERIFY2(first.result.ok(), qPrintable(first.result.errorText()));
    QVERIFY(first.result->tagMoved);
    QCOMPARE(first.result->manifests, 1);
    QCOMPARE(first.result->platforms.size(), 0); // an image names no platforms of children
    QCOMPARE(digestOf(QStringLiteral("quay"), QStringLiteral("fedora-minimal"), QStringLiteral("40-s390x")),
             first.result->digest.toString());

    const Outcome again = copy(QStringLiteral("registry/fedora-minimal:40-s390x"),
                               QStringLiteral("quay/fedora-minimal:40-s390x"));
    QVERIFY2(again.result.ok(), qPrintable(again.result.errorText()));
    QVERIFY(!again.result->tagMoved);
    QCOMPARE(again.result->manifestsPushed, 0);
    QCOMPARE(again.result->blobs, 0);
    QCOMPARE(again.result->bytesCopied, qint64(0));
}

void TestCopyEngine::promotionOnOneHostMountsInsteadOfCopying()
{
    // quay-candidate → quay is one host: a new repository gets every blob by mount.
    const QString digest = digestOf(QStringLiteral("quay-candidate"), QStringLiteral("fedora-bootc"), QStringLiteral("41"));
    QVERIFY(!digest.isEmpty());
    const Outcome out = copy(QStringLiteral("quay-candidate/fedora-bootc:41@") + digest,
                             QStringLiteral("quay/fedora-bootc-promoted:41"));
    QVERIFY2(out.result.ok(), qPrintable(out.result.errorText()));
    QVERIFY(out.result->blobs > 0);
    QCOMPARE(out.result->blobsMounted, out.result->blobs);
    QCOMPARE(out.result->blobsCopied, 0);
    QCOMPARE(out.result->bytesCopied, qint64(0));
    QCOMPARE(digestOf(QStringLiteral("quay"), QStringLiteral("fedora-bootc-promoted"), QStringLiteral("41")), digest);
}

void TestCopyEngine::pinnedDigestRefusesAMovedTag()
{
    // The reviewed digest is the old registry's fedora-bootc:41; the candidate tag names another.
    const QString reviewed = digestOf(QStringLiteral("registry"), QStringLiteral("fedora-bootc"), QStringLiteral("41"));
    const QString now = digestOf(QStringLiteral("candidate"), QStringLiteral("fedora-bootc"), QStringLiteral("41"));
    QVERIFY(!reviewed.isEmpty() && !now.isEmpty() && reviewed != now);
    const Outcome out = copy(QStringLiteral("candidate/fedora-bootc:41@") + reviewed,
                             QStringLiteral("registry/fedora-bootc:41-promoted"));
    QVERIFY(!out.result.ok());
    QVERIFY2(out.result.error().kind == RegistryError::Kind::Refused, qPrintable(out.result.errorText()));
    QVERIFY2(out.result.errorText().contains(now), qPrintable(out.result.errorText()));
    QCOMPARE(digestOf(QStringLiteral("registry"), QStringLiteral("fedora-bootc"), QStringLiteral("41-promoted")), QString());
}

void TestCopyEngine::plannedDestinationThatMovedIsRefused()
{
    // Planned while quay had no fedora:41-planned; someone tagged it since.
    const Outcome first = copy(QStringLiteral("registry/fedora:39"), QStringLiteral("quay/fedora:41-planned"));
    QVERIFY2(first.result.ok(), qPrintable(first.result.errorText()));
    const Outcome out = copy(QStringLiteral("registry/fedora:41"), QStringLiteral("quay/fedora:41-planned"),
                             true, QString());
    QVERIFY(!out.result.ok());
    QVERIFY2(out.result.error().kind == RegistryError::Kind::Refused, qPrintable(out.result.errorText()));
    QVERIFY2(out.result.errorText().contains(QLatin1String("moved since")), qPrintable(out.result.errorText()));
    QCOMPARE(digestOf(QStringLiteral("quay"), QStringLiteral("fedora"), QStringLiteral("41-planned")),
             first.result->digest.toString());
}

void TestCopyEngine::incompleteSourceIsNeverPublished()
{
    // quay's fedora-toolbox:40 is a sparse index (a child was deleted): copying it must fail
    // before anything is tagged on the destination.
    const Outcome out = copy(QStringLiteral("quay/fedora-toolbox:40"), QStringLiteral("registry/fedora-toolbox:40-from-quay"));
    QVERIFY(!out.result.ok());
    QVERIFY2(out.result.error().kind == RegistryError::Kind::NotFound, qPrintable(out.result.errorText()));
    QVERIFY2(out.result.errorText().contains(QLatin1String("incomplete index")), qPrintable(out.result.errorText()));
    QCOMPARE(digestOf(QStringLiteral("registry"), QStringLiteral("fedora-toolbox"), QStringLiteral("40-from-quay")), QString());
}

void TestCopyEngine::sparseDestinationIsFilled()
{
    // Same index digest on both sides, but quay lacks a child: the copy pushes what is missing
    // and leaves the tag alone.
    const QJsonObject source = oracle(QStringLiteral("registry"), QStringLiteral("fedora-toolbox"), QStringLiteral("40"));
    const QString digest = source.value(QLatin1String("digest")).toString();
    QCOMPARE(digestOf(QStringLiteral("quay"), QStringLiteral("fedora-toolbox"), QStringLiteral("40")), digest);
    QStringList missing;
    for (const QJsonValue child : source.value(QLatin1String("children")).toArray())
        if (digestOf(QStringLiteral("quay"), QStringLiteral("fedora-toolbox"), child.toString()).isEmpty())
            missing << child.toString();
    QVERIFY(!missing.isEmpty());

    const Outcome out = copy(QStringLiteral("registry/fedora-toolbox:40"), QStringLiteral("quay/fedora-toolbox:40"));
    QVERIFY2(out.result.ok(), qPrintable(out.result.errorText()));
    QVERIFY(!out.result->tagMoved);
    QCOMPARE(out.result->manifestsPushed, static_cast<int>(missing.size()));
    for (const QString &child : missing)
        QCOMPARE(digestOf(QStringLiteral("quay"), QStringLiteral("fedora-toolbox"), child), child);
}

void TestCopyEngine::corruptBlobIsNeverPublished()
{
    // Damage a layer of the candidate registry's gnome-calculator:46.2-1 on disk: its bytes no
    // longer match their digest. The copy must fail and the destination tag must not appear.
    const QByteArray raw = skopeoRaw(QStringLiteral("candidate"), QStringLiteral("gnome-calculator"), QStringLiteral("46.2-1"));
    QVERIFY(!raw.isEmpty());
    QJsonObject index = QJsonDocument::fromJson(raw).object();
    QString child = index.value(QLatin1String("manifests")).toArray().first().toObject().value(QLatin1String("digest")).toString();
    const QByteArray childRaw = skopeoRaw(QStringLiteral("candidate"), QStringLiteral("gnome-calculator"), child);
    const QString layer = QJsonDocument::fromJson(childRaw).object().value(QLatin1String("layers")).toArray()
                              .first().toObject().value(QLatin1String("digest")).toString();
    QVERIFY(layer.startsWith(QLatin1String("sha256:")));
    const QString hex = layer.mid(7);
    const QString data = m_sandbox->stateDir() + QStringLiteral("/storage/candidate/docker/registry/v2/blobs/sha256/") +
                         hex.left(2) + u'/' + hex + QStringLiteral("/data");
    QFile file(data);
    QVERIFY2(file.exists(), qPrintable(data));
    QVERIFY(file.open(QIODevice::ReadWrite));
    QByteArray bytes = file.readAll();
    QVERIFY(!bytes.isEmpty());
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x5a);
    file.seek(0);
    file.write(bytes);
    file.close();

    // A new repository on quay holds none of the blobs, so every one is read from the source.
    const Outcome out = copy(QStringLiteral("candidate/gnome-calculator:46.2-1"),
                             QStringLiteral("quay/gnome-calculator-corrupt:46.2-1"));
    QVERIFY(!out.result.ok());
    QVERIFY2(out.result.errorText().contains(layer.left(19)) ||
                 out.result.errorText().contains(QLatin1String("digest")),
             qPrintable(out.result.errorText()));
    QCOMPARE(digestOf(QStringLiteral("quay"), QStringLiteral("gnome-calculator-corrupt"), QStringLiteral("46.2-1")), QString());
    QString error;
    QVERIFY(skopeoRaw(QStringLiteral("quay"), QStringLiteral("gnome-calculator-corrupt"), QStringLiteral("46.2-1"), &error).isEmpty());
}

QString TestCopyEngine::pushImage(const QString &registryId, const QString &repository,
                                  const QString &tag, qint64 layerBytes)
{
    RegistryClient &c = client(registryId);
    const QString name = m_profile.registry(registryId)->repositoryFor(repository);
    QByteArray layer(layerBytes, '\0');
    for (qint64 i = 0; i < layerBytes; ++i)
        layer[i] = static_cast<char>((i * 7919 + layerBytes) % 251);
    const QByteArray config = QJsonDocument(QJsonObject{
        {QStringLiteral("architecture"), QStringLiteral("amd64")},
        {QStringLiteral("os"), QStringLiteral("linux")},
        {QStringLiteral("rootfs"), QJsonObject{{QStringLiteral("type"), QStringLiteral("layers")},
                                               {QStringLiteral("diff_ids"), QJsonArray{}}}}}).toJson(QJsonDocument::Compact);
    for (const QByteArray &blob : {layer, config}) {
        const QByteArray bytes = blob;
        auto up = test::await<Unit>([&](auto done) {
            c.uploadBlob(name, Digest::sha256Of(bytes), bytes.size(), [bytes] {
                auto b = std::make_unique<QBuffer>();
                b->setData(bytes);
                b->open(QIODevice::ReadOnly);
                return std::unique_ptr<QIODevice>(std::move(b));
            }, done);
        });
        if (!up.ok())
            qFatal("%s", qPrintable(up.errorText()));
    }
    const QJsonObject manifest{
        {QStringLiteral("schemaVersion"), 2},
        {QStringLiteral("mediaType"), QStringLiteral("application/vnd.oci.image.manifest.v1+json")},
        {QStringLiteral("config"), QJsonObject{{QStringLiteral("mediaType"), QStringLiteral("application/vnd.oci.image.config.v1+json")},
                                              {QStringLiteral("digest"), Digest::sha256Of(config).toString()},
                                              {QStringLiteral("size"), config.size()}}},
        {QStringLiteral("layers"), QJsonArray{QJsonObject{{QStringLiteral("mediaType"), QStringLiteral("application/vnd.oci.image.layer.v1.tar")},
                                                          {QStringLiteral("digest"), Digest::sha256Of(layer).toString()},
                                                          {QStringLiteral("size"), layer.size()}}}}};
    const QByteArray raw = QJsonDocument(manifest).toJson(QJsonDocument::Compact);
    auto put = test::await<Digest>([&](auto done) {
        c.putManifest(name, tag, raw, QStringLiteral("application/vnd.oci.image.manifest.v1+json"), done);
    });
    if (!put.ok())
        qFatal("%s", qPrintable(put.errorText()));
    return put->toString();
}

void TestCopyEngine::largeBlobsCrossThroughASpoolFile()
{
    const QString digest = pushImage(QStringLiteral("registry"), QStringLiteral("big/image"), QStringLiteral("1"),
                                     3 * 1024 * 1024 + 17);
    const Outcome out = copy(QStringLiteral("registry/big/image:1"), QStringLiteral("quay/big/image:1"));
    QVERIFY2(out.result.ok(), qPrintable(out.result.errorText()));
    QCOMPARE(out.result->blobsCopied, 2);
    // The layer and a config of a few hundred bytes.
    QVERIFY(out.result->bytesCopied > 3 * 1024 * 1024 + 17);
    QVERIFY(out.result->bytesCopied < 3 * 1024 * 1024 + 17 + 4096);
    QCOMPARE(digestOf(QStringLiteral("quay"), QStringLiteral("big/image"), QStringLiteral("1")), digest);
    QCOMPARE(skopeoRaw(QStringLiteral("quay"), QStringLiteral("big/image"), QStringLiteral("1")),
             skopeoRaw(QStringLiteral("registry"), QStringLiteral("big/image"), QStringLiteral("1")));
    // The spool file went with the copy.
    QCOMPARE(QDir(m_spool.path()).entryList({QStringLiteral("quayside-blob-*")}, QDir::Files).size(), 0);
}

void TestCopyEngine::cancelLeavesTheTagAlone()
{
    pushImage(QStringLiteral("registry"), QStringLiteral("big/cancel"), QStringLiteral("1"), 8 * 1024 * 1024);
    CopySpec spec;
    spec.source = resolve(QStringLiteral("registry/big/cancel:1"));
    spec.destination = resolve(QStringLiteral("quay/big/cancel:1"));
    spec.spoolDir = m_spool.path();
    CopyEngine engine(spec, &client(QStringLiteral("registry")), &client(QStringLiteral("quay")));
    connect(&engine, &CopyEngine::progressChanged, &engine, [&engine](const CopyProgress &p) {
        if (p.phase == CopyProgress::Phase::Blobs)
            engine.cancel();
    });
    auto result = test::await<CopyReport>([&](auto done) { engine.start(done); });
    QVERIFY(!result.ok());
    QVERIFY2(result.error().kind == RegistryError::Kind::Cancelled, qPrintable(result.errorText()));
    QVERIFY(result.errorText().contains(QLatin1String("not moved")));
    QCOMPARE(digestOf(QStringLiteral("quay"), QStringLiteral("big/cancel"), QStringLiteral("1")), QString());
}

void TestCopyEngine::blobsOneCopyPushedAreMountedByTheNext()
{
    // Two images of the old registry sharing their config blob, copied into two new quay
    // repositories: the second mounts what the first pushed instead of sending it again.
    pushImage(QStringLiteral("registry"), QStringLiteral("shared/one"), QStringLiteral("1"), 64 * 1024);
    pushImage(QStringLiteral("registry"), QStringLiteral("shared/two"), QStringLiteral("1"), 96 * 1024);
    BlobLocations locations;
    auto run = [&](const QString &from, const QString &to) {
        CopySpec spec;
        spec.source = resolve(from);
        spec.destination = resolve(to);
        CopyEngine engine(spec, &client(spec.source.registry.id), &client(spec.destination.registry.id));
        engine.setBlobLocations(&locations);
        return test::await<CopyReport>([&](auto done) { engine.start(done); });
    };
    const auto first = run(QStringLiteral("registry/shared/one:1"), QStringLiteral("quay/shared/one:1"));
    QVERIFY2(first.ok(), qPrintable(first.errorText()));
    QCOMPARE(first->blobsCopied, 2);
    QCOMPARE(first->blobsMounted, 0);
    const auto second = run(QStringLiteral("registry/shared/two:1"), QStringLiteral("quay/shared/two:1"));
    QVERIFY2(second.ok(), qPrintable(second.errorText()));
    QCOMPARE(second->blobsMounted, 1); // the config
    QCOMPARE(second->blobsCopied, 1);  // its own layer
    QCOMPARE(skopeoRaw(QStringLiteral("quay"), QStringLiteral("shared/two"), QStringLiteral("1")),
             skopeoRaw(QStringLiteral("registry"), QStringLiteral("shared/two"), QStringLiteral("1")));
}

void TestCopyEngine::parallelCopiesSendASharedBlobOnce()
{
    // Started together, two copies needing the same config blob: one sends it, the other waits
    // for it and mounts it.
    pushImage(QStringLiteral("registry"), QStringLiteral("together/one"), QStringLiteral("1"), 2 * 1024 * 1024);
    pushImage(QStringLiteral("registry"), QStringLiteral("together/two"), QStringLiteral("1"), 2 * 1024 * 1024 + 1);
    BlobLocations locations;
    auto specFor = [&](const QString &name) {
        CopySpec spec;
        spec.source = resolve(QStringLiteral("registry/") + name + QStringLiteral(":1"));
        spec.destination = resolve(QStringLiteral("quay/") + name + QStringLiteral(":1"));
        spec.spoolDir = m_spool.path();
        return spec;
    };
    CopyEngine one(specFor(QStringLiteral("together/one")), &client(QStringLiteral("registry")), &client(QStringLiteral("quay")));
    CopyEngine two(specFor(QStringLiteral("together/two")), &client(QStringLiteral("registry")), &client(QStringLiteral("quay")));
    one.setBlobLocations(&locations);
    two.setBlobLocations(&locations);
    std::optional<Result<CopyReport>> a, b;
    one.start([&a](Result<CopyReport> r) { a = std::move(r); });
    two.start([&b](Result<CopyReport> r) { b = std::move(r); });
    QTRY_VERIFY_WITH_TIMEOUT(a && b, 60000);
    QVERIFY2(a->ok(), qPrintable(a->errorText()));
    QVERIFY2(b->ok(), qPrintable(b->errorText()));
    QCOMPARE(a->value().blobsCopied + b->value().blobsCopied, 3); // two own layers, one config
    QCOMPARE(a->value().blobsMounted + b->value().blobsMounted, 1);
    for (const QString &name : {QStringLiteral("together/one"), QStringLiteral("together/two")})
        QCOMPARE(skopeoRaw(QStringLiteral("quay"), name, QStringLiteral("1")),
                 skopeoRaw(QStringLiteral("registry"), name, QStringLiteral("1")));
}

void TestCopyEngine::cliCopiesAndSaysWhy()
{
    auto run = [this](const QStringList &args) {
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("DISPLAY"));
        for (const QString &line : m_sandbox->credentialEnvironment())
            env.insert(line.section(u'=', 0, 0), line.section(u'=', 1));
        process.setProcessEnvironment(env);
        process.start(qEnvironmentVariable("QUAYSIDE_CLI"),
                      QStringList{QStringLiteral("copy"), QStringLiteral("--profile"), m_sandbox->profilePath()} + args);
        process.waitForFinished(120000);
        return std::tuple{process.exitCode(), process.readAllStandardOutput(), process.readAllStandardError()};
    };
    // A new tag: exit 0, JSON for pipelines, no secret anywhere in the output.
    auto [code, out, err] = run({QStringLiteral("registry/fedora:40"), QStringLiteral("quay/fedora:40-cli"),
                                 QStringLiteral("--format"), QStringLiteral("json")});
    QVERIFY2(code == 0, err.constData());
    const QJsonObject json = QJsonDocument::fromJson(out).object();
    QCOMPARE(json.value(QLatin1String("digest")).toString(),
             digestOf(QStringLiteral("registry"), QStringLiteral("fedora"), QStringLiteral("40")));
    QCOMPARE(json.value(QLatin1String("tagMoved")).toBool(), true);
    QVERIFY(!out.contains(m_sandbox->password(QStringLiteral("quay")).toUtf8()));
    QVERIFY(!err.contains(m_sandbox->password(QStringLiteral("quay")).toUtf8()));
    QVERIFY(!err.contains("\r")); // piped: no progress line

    // An overwrite without confirmation: exit 4 and the reason.
    auto [code2, out2, err2] = run({QStringLiteral("registry/fedora:41"), QStringLiteral("quay/fedora:40-cli")});
    QCOMPARE(code2, 4);
    QVERIFY2(err2.contains("--allow-overwrite"), err2.constData());

    // Bad references are usage errors that say what is wrong.
    auto [code3, out3, err3] = run({QStringLiteral("registry/fedora"), QStringLiteral("quay/fedora:x")});
    QCOMPARE(code3, 2);
    QVERIFY2(err3.contains("no tag or digest"), err3.constData());
    auto [code4, out4, err4] = run({QStringLiteral("nowhere/fedora:40"), QStringLiteral("quay/fedora:x")});
    QCOMPARE(code4, 2);
    QVERIFY2(err4.contains("no registry \"nowhere\""), err4.constData());
    // An unknown source tag is a registry error (3) naming registry, repository and tag.
    auto [code5, out5, err5] = run({QStringLiteral("registry/fedora:no-such-tag"), QStringLiteral("quay/fedora:x")});
    QCOMPARE(code5, 3);
    QVERIFY2(err5.contains("registry: fedora:no-such-tag: not found"), err5.constData());
}

QTEST_GUILESS_MAIN(TestCopyEngine)
#include "tst_copyengine.moc"
