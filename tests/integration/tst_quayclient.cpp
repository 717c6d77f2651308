// RegistryClient against the quay.io emulator behind nginx with Project Quay's limit_req zones:
// the Bearer token flow (anonymous and robot), the REST API's paging, and throttling that
// really happens (429 + Retry-After) without a single failed request.
#include "await.h"
#include "inventory/profileloader.h"
#include "registry/authenticator.h"
#include "registry/registryclient.h"
#include "registry/transport.h"
#include "testsandbox.h"

#include <QBuffer>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using namespace quayside;
using test::await;

class TestQuayClient final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void anonymousBearerFlow();
    void robotBearerFlowAndRefusals();
    void restListingMatchesTheSandbox();
    void restPagingBeyondAHundred();
    void throttledListingLosesNothingAndKeepsItsBudget();
    void defaultBudgetStaysUnderQuayLimits();

private:
    void startPrivateQuay();
    QStringList bulkRepositories() const;

    std::unique_ptr<test::TestSandbox> m_sandbox;
    std::unique_ptr<test::TestSandbox> m_private;
    Profile m_profile;
    QJsonObject m_drift;
};

void TestQuayClient::initTestCase()
{
    QString error;
    m_sandbox = test::TestSandbox::shared(&error);
    QVERIFY2(m_sandbox, qPrintable(error));
    const ProfileLoad load = ProfileLoader::fromFile(m_sandbox->profilePath());
    QVERIFY2(load.ok(), qPrintable(load.errorText()));
    m_profile = *load.profile;
    m_drift = m_sandbox->drift();
}

void TestQuayClient::startPrivateQuay()
{
    if (m_private)
        return;
    QString error;
    m_private = test::TestSandbox::start({QStringLiteral("quay")}, false, &error);
    QVERIFY2(m_private, qPrintable(error));
    // Bulk content goes straight to the backing registry (a bulk seed may bypass the throttle;
    // reads by Quayside never do).
    const QString script = QFileInfo(qEnvironmentVariable("QUAYSIDE_SANDBOXCTL")).absolutePath() +
                           QStringLiteral("/../bulkrepos.py");
    const QString backend = m_private->url(QStringLiteral("quayBackend")).toString();
    for (const QStringList &args : {QStringList{backend, QStringLiteral("105"), QStringLiteral("--prefix"),
                                                QStringLiteral("fedora/bulk-")},
                                    QStringList{backend, QStringLiteral("1"), QStringLiteral("--prefix"),
                                                QStringLiteral("fedora/many-"), QStringLiteral("--tags"),
                                                QStringLiteral("120")}}) {
        QProcess bulk;
        bulk.start(QStringLiteral("python3"), QStringList{script} + args);
        QVERIFY(bulk.waitForFinished(180000));
        QVERIFY2(bulk.exitCode() == 0, bulk.readAllStandardError().constData());
    }
}

QStringList TestQuayClient::bulkRepositories() const
{
    QStringList names;
    for (int i = 0; i < 105; ++i)
        names << QStringLiteral("fedora/bulk-%1").arg(i, 5, 10, QLatin1Char('0'));
    return names;
}

void TestQuayClient::anonymousBearerFlow()
{
    RegistryClient c(*m_profile.registry(QStringLiteral("quay")));
    const QJsonObject fedora = m_drift.value(QLatin1String("registries"))
                                   .toObject()
                                   .value(QLatin1String("quay"))
                                   .toObject()
                                   .value(QLatin1String("fedora"))
                                   .toObject();
    auto tags = await<QStringList>([&](auto done) { c.listTags(QStringLiteral("fedora/fedora"), done); });
    QVERIFY2(tags.ok(), qPrintable(tags.errorText()));
    QStringList want = fedora.keys();
    want.sort();
    QCOMPARE(tags.value(), want);
    QCOMPARE(c.authenticator()->tokenFetches(), 1);

    // Same scope: the cached token is reused, no second fetch.
    auto head = await<ManifestHead>([&](auto done) {
        c.headManifest(QStringLiteral("fedora/fedora"), QStringLiteral("41"), done);
    });
    QVERIFY2(head.ok(), qPrintable(head.errorText()));
    QCOMPARE(head->digest.toString(),
             fedora.value(QLatin1String("41")).toObject().value(QLatin1String("digest")).toString());
    QCOMPARE(c.authenticator()->tokenFetches(), 1);

    // Nested names under a namespace go through the same flow.
    auto nested = await<Manifest>([&](auto done) {
        c.getManifest(QStringLiteral("fedora/f40/flatpak-runtime"), QStringLiteral("latest"), done);
    });
    QVERIFY2(nested.ok(), qPrintable(nested.errorText()));
    QVERIFY(nested->isIndex());
}

void TestQuayClient::robotBearerFlowAndRefusals()
{
    startPrivateQuay();
    RegistryConfig config = *m_profile.registry(QStringLiteral("quay"));
    config.url = m_private->url(QStringLiteral("quay"));

    // Anonymous may pull public content but not push.
    RegistryClient anonymous(config);
    auto denied = await<QUrl>([&](auto done) { anonymous.startUpload(QStringLiteral("fedora/pushed"), done); });
    QVERIFY(!denied.ok());
    QVERIFY(denied.error().kind == RegistryError::Kind::Auth);
    QVERIFY2(denied.errorText().contains(QStringLiteral("anonymous may not repository:fedora/pushed:pull,push")),
             qPrintable(denied.errorText()));

    // The robot may push: a blob and a manifest, read back by digest.
    RegistryClient robot(config);
    robot.setCredential(Credential{m_private->username(QStringLiteral("quay")),
                                   m_private->password(QStringLiteral("quay"))});
    const QByteArray blob = R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
    const Digest blobDigest = Digest::sha256Of(blob);
    auto uploaded = await<Unit>([&](auto done) {
        robot.uploadBlob(QStringLiteral("fedora/pushed"), blobDigest, blob.size(), [blob] {
            auto buffer = std::make_unique<QBuffer>();
            buffer->setData(blob);
            buffer->open(QIODevice::ReadOnly);
            return std::unique_ptr<QIODevice>(std::move(buffer));
        }, done);
    });
    QVERIFY2(uploaded.ok(), qPrintable(uploaded.errorText()));
    const QByteArray manifest = QStringLiteral(
        R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%1","size":%2},"layers":[]})")
                                    .arg(blobDigest.toString())
                                    .arg(blob.size())
                                    .toUtf8();
    auto put = await<Digest>([&](auto done) {
        robot.putManifest(QStringLiteral("fedora/pushed"), QStringLiteral("v1"), manifest,
                          QStringLiteral("application/vnd.oci.image.manifest.v1+json"), done);
    });
    QVERIFY2(put.ok(), qPrintable(put.errorText()));
    QCOMPARE(put.value(), Digest::sha256Of(manifest));
    auto back = await<Manifest>([&](auto done) {
        anonymous.getManifest(QStringLiteral("fedora/pushed"), put->toString(), done);
    });
    QVERIFY2(back.ok() || back.error().kind == RegistryError::Kind::Auth, qPrintable(back.errorText()));
    auto robotBack = await<Manifest>([&](auto done) {
        robot.getManifest(QStringLiteral("fedora/pushed"), QStringLiteral("v1"), done);
    });
    QVERIFY2(robotBack.ok(), qPrintable(robotBack.errorText()));
    QCOMPARE(robotBack->raw, manifest);

    // An OAuth application token works as a registry login ($oauthtoken) and, on the REST
    // API, as a Bearer token that also shows the namespace's private repositories.
    RegistryClient oauth(config);
    oauth.setCredential(Credential{QStringLiteral("$oauthtoken"),
                                   m_private->endpoints().value(QLatin1String("credentials")).toObject()
                                       .value(QLatin1String("quayOAuthToken")).toString()});
    auto oauthTags = await<QStringList>([&](auto done) { oauth.listTags(QStringLiteral("fedora/pushed"), done); });
    QVERIFY2(oauthTags.ok(), qPrintable(oauthTags.errorText()));
    QCOMPARE(oauthTags.value(), QStringList{QStringLiteral("v1")});
    auto withToken = await<std::vector<QuayRepository>>([&](auto done) { oauth.quayRepositories(QStringLiteral("fedora"), done); });
    auto withoutToken = await<std::vector<QuayRepository>>([&](auto done) { anonymous.quayRepositories(QStringLiteral("fedora"), done); });
    QVERIFY2(withToken.ok() && withoutToken.ok(), qPrintable(withToken.errorText() + withoutToken.errorText()));
    auto names = [](const std::vector<QuayRepository> &repos) {
        QStringList out;
        for (const auto &r : repos)
            out << r.name;
        return out;
    };
    QVERIFY(names(withToken.value()).contains(QStringLiteral("pushed")));
    QVERIFY(!names(withoutToken.value()).contains(QStringLiteral("pushed")));

    // A wrong robot token is refused by the token service, clearly.
    RegistryClient wrong(config);
    wrong.setCredential(Credential{m_private->username(QStringLiteral("quay")), QStringLiteral("nope")});
    auto refused = await<QStringList>([&](auto done) { wrong.listTags(QStringLiteral("fedora/pushed"), done); });
    QVERIFY(!refused.ok());
    QVERIFY(refused.error().kind == RegistryError::Kind::Auth);
    QVERIFY2(refused.errorText().contains(QStringLiteral("fedora+sandbox")), qPrintable(refused.errorText()));
    QVERIFY(!refused.errorText().contains(QStringLiteral("nope")));
}

void TestQuayClient::restListingMatchesTheSandbox()
{
    for (const QString &id : {QStringLiteral("quay"), QStringLiteral("quay-candidate")}) {
        const RegistryConfig &config = *m_profile.registry(id);
        RegistryClient c(config);
        const QString ns = config.prefix.chopped(1);
        const QJsonObject expected = m_drift.value(QLatin1String("registries")).toObject().value(id).toObject();
        auto repos = await<std::vector<QuayRepository>>([&](auto done) { c.quayRepositories(ns, done); });
        QVERIFY2(repos.ok(), qPrintable(repos.errorText()));
        QStringList names;
        for (const auto &r : repos.value()) {
            QCOMPARE(r.ns, ns);
            names << r.name;
        }
        QStringList want = expected.keys();
        want.sort();
        QCOMPARE(names, want);

        for (const QString &repository : want) {
            auto tags = await<std::vector<QuayTag>>(
                [&](auto done) { c.quayTags(config.repositoryFor(repository), done); });
            QVERIFY2(tags.ok(), qPrintable(tags.errorText()));
            const QJsonObject wantTags = expected.value(repository).toObject();
            QCOMPARE(static_cast<qsizetype>(tags->size()), wantTags.size());
            for (const QuayTag &tag : tags.value()) {
                const QJsonObject w = wantTags.value(tag.name).toObject();
                QCOMPARE(tag.digest.toString(), w.value(QLatin1String("digest")).toString());
                QCOMPARE(tag.isManifestList,
                         w.value(QLatin1String("mediaType")).toString().contains(QLatin1String("index")) ||
                             w.value(QLatin1String("mediaType")).toString().contains(QLatin1String("list")));
                QVERIFY(tag.lastModified.isValid());
            }
        }
    }
}

void TestQuayClient::restPagingBeyondAHundred()
{
    startPrivateQuay();
    RegistryConfig config = *m_profile.registry(QStringLiteral("quay"));
    config.url = m_private->url(QStringLiteral("quay"));
    Transport transport;
    RegistryClient c(config, &transport);
    auto repos = await<std::vector<QuayRepository>>([&](auto done) { c.quayRepositories(QStringLiteral("fedora"), done); });
    QVERIFY2(repos.ok(), qPrintable(repos.errorText()));
    QVERIFY(repos->size() >= 106); // 105 bulk + many (+ anything pushed by other test functions)
    auto tags = await<std::vector<QuayTag>>([&](auto done) { c.quayTags(QStringLiteral("fedora/many-00000"), done); });
    QVERIFY2(tags.ok(), qPrintable(tags.errorText()));
    QCOMPARE(tags->size(), std::size_t(120));
    QCOMPARE(tags->front().name, QStringLiteral("t0000"));
    QCOMPARE(tags->back().name, QStringLiteral("t0119"));
    // Two pages each: next_page for repositories, page/has_additional for tags.
    QCOMPARE(transport.stats(config.url).perClass[static_cast<int>(EndpointClass::Api)], 4);
}

void TestQuayClient::throttledListingLosesNothingAndKeepsItsBudget()
{
    startPrivateQuay();
    RegistryConfig config = *m_profile.registry(QStringLiteral("quay"));
    config.url = m_private->url(QStringLiteral("quay"));
    // Ask for four times what nginx allows on tags/ (5 r/s, burst 2): 429s must happen.
    const double rate = 20;
    const int burst = 8;
    config.rateLimit.perClass[static_cast<int>(EndpointClass::Tags)] = RateBudget{rate, burst};
    Transport transport;
    transport.setRetryPolicy({.maxAttempts = 5, .maxThrottledAttempts = 30});
    std::vector<qint64> sent;
    connect(&transport, &Transport::requestStarted, this,
            [&sent](const QString &, EndpointClass endpoint, const QByteArray &, qint64 at) {
                if (endpoint == EndpointClass::Tags)
                    sent.push_back(at);
            });
    RegistryClient c(config, &transport);
    const QStringList repositories = bulkRepositories().mid(0, 40);
    int answered = 0;
    int failed = 0;
    QElapsedTimer timer;
    timer.start();
    for (const QString &repository : repositories)
        c.listTags(repository, [&](Result<QStringList> tags) {
            ++answered;
            if (!tags.ok() || tags->size() != 1) {
                ++failed;
                qWarning("%s", qPrintable(tags.errorText()));
            }
        });
    QTRY_COMPARE_WITH_TIMEOUT(answered, repositories.size(), 120000);
    const HostStats stats = transport.stats(config.url);
    QCOMPARE(failed, 0);
    QCOMPARE(stats.failures, 0);
    QVERIFY2(stats.throttled > 0, "nginx never throttled: the test proves nothing");
    // Never above its own configured budget, in any window.
    for (std::size_t i = 0; i < sent.size(); ++i)
        for (std::size_t j = i; j < sent.size(); ++j)
            QVERIFY(double(j - i + 1) <= burst + rate * double(sent[j] - sent[i]) / 1000.0 + 1.0);
    qInfo("throttled listing at %g r/s against a 5 r/s zone: %zu tags/list requests for %lld "
          "repositories, %lld answered 429, %lld retries, %lld ms (ideal at 5 r/s: %lld ms)",
          rate, sent.size(), qlonglong(repositories.size()), stats.throttled, stats.retries,
          timer.elapsed(), qlonglong(repositories.size() * 1000 / 5));
}

void TestQuayClient::defaultBudgetStaysUnderQuayLimits()
{
    startPrivateQuay();
    RegistryConfig config = *m_profile.registry(QStringLiteral("quay"));
    config.url = m_private->url(QStringLiteral("quay"));
    config.rateLimit = quayDefaultRateLimit();
    // nginx's zone forgets slowly: let the previous test's burst drain first.
    QTest::qWait(2000);
    Transport transport;
    RegistryClient c(config, &transport);
    const QStringList repositories = bulkRepositories().mid(40, 40);
    int answered = 0;
    int failed = 0;
    QElapsedTimer timer;
    timer.start();
    for (const QString &repository : repositories)
        c.listTags(repository, [&](Result<QStringList> tags) {
            ++answered;
            failed += tags.ok() ? 0 : 1;
        });
    QTRY_COMPARE_WITH_TIMEOUT(answered, repositories.size(), 120000);
    const HostStats stats = transport.stats(config.url);
    const qint64 elapsed = timer.elapsed();
    // Requests beyond the burst at 5 r/s: the floor the zone allows.
    const qint64 ideal = (repositories.size() - 2) * 1000 / 5;
    qInfo("quay default budget: %lld tags/list requests, %lld answered 429, %lld retries, "
          "%lld ms (ideal %lld ms, ratio %.2f)",
          stats.perClass[static_cast<int>(EndpointClass::Tags)], stats.throttled, stats.retries,
          elapsed, ideal, double(elapsed) / double(ideal));
    QCOMPARE(failed, 0);
    QVERIFY2(stats.throttled <= 1, qPrintable(QString::number(stats.throttled)));
    QVERIFY2(double(elapsed) <= 1.1 * double(ideal) + 500, qPrintable(QString::number(elapsed)));
}

QTEST_GUILESS_MAIN(TestQuayClient)
#include "tst_quayclient.moc"
