// What the client does when registries misbehave: every fault ends in a clear, typed error that
// names the registry, repository and cause, or (when retrying can cure it) in success. The
// faults come from tests/support/faults/faultserver.py, a real HTTP server.
#include "await.h"
#include "faultserver.h"
#include "registry/registryclient.h"
#include "registry/transport.h"
#include "support/logging.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace quayside;
using test::await;

class TestRegistryFaults final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void resetConnectionIsRetriedThenReported();
    void truncatedBody();
    void digestThatDoesNotMatchTheBytes();
    void malformedJson();
    void oversizedBodies();
    void notAManifest();
    void transientServerErrorsAreRetried();
    void throttledWithHttpDate();
    void statuses_data();
    void statuses();
    void redirectToAnotherHostDropsCredentials();
    void serverDiesMidListing();
    void unreachableHost();
    void catalogFollowsRelativeAndAbsoluteLinks();

private:
    RegistryConfig config(const QUrl &url) const;

    std::unique_ptr<test::FaultServer> m_peer;
    std::unique_ptr<test::FaultServer> m_server;
    std::unique_ptr<Transport> m_transport;
    QTemporaryDir m_logDir;
};

void TestRegistryFaults::initTestCase()
{
    // Everything the client logs, at the most verbose level, goes to a file a test reads back.
    QVERIFY(m_logDir.isValid());
    log::init({.level = QStringLiteral("trace"),
               .filePath = m_logDir.filePath(QStringLiteral("net.log")),
               .toStderr = false});
    QString error;
    // The peer stands for another host (127.0.0.2 is loopback too on Linux).
    m_peer = test::FaultServer::start(QStringLiteral("127.0.0.2"), QUrl(), &error);
    QVERIFY2(m_peer, qPrintable(error));
}

void TestRegistryFaults::init()
{
    QString error;
    m_server = test::FaultServer::start(QStringLiteral("127.0.0.1"), m_peer->url(), &error);
    QVERIFY2(m_server, qPrintable(error));
    m_transport = std::make_unique<Transport>();
    // Short delays keep the test quick; the policy is the same.
    m_transport->setRetryPolicy({.maxAttempts = 4,
                                 .maxThrottledAttempts = 4,
                                 .baseDelay = std::chrono::milliseconds(20),
                                 .maxDelay = std::chrono::milliseconds(200),
                                 .transferTimeout = std::chrono::milliseconds(5000)});
}

RegistryConfig TestRegistryFaults::config(const QUrl &url) const
{
    RegistryConfig c;
    c.id = QStringLiteral("faulty");
    c.url = url;
    c.insecure = true;
    return c;
}

void TestRegistryFaults::resetConnectionIsRetriedThenReported()
{
    RegistryClient c(config(m_server->url()), m_transport.get());
    auto tags = await<QStringList>([&](auto done) { c.listTags(QStringLiteral("reset"), done); });
    QVERIFY(!tags.ok());
    QVERIFY(tags.error().kind == RegistryError::Kind::Network);
    QCOMPARE(tags.error().registry, QStringLiteral("faulty"));
    QCOMPARE(tags.error().repository, QStringLiteral("reset"));
    QCOMPARE(tags.error().attempts, 4);
    QCOMPARE(m_transport->stats(m_server->url()).retries, 3);
    QVERIFY(tags.errorText().startsWith(QStringLiteral("faulty: reset: network error")));
}

void TestRegistryFaults::truncatedBody()
{
    RegistryClient c(config(m_server->url()), m_transport.get());
    auto m = await<Manifest>([&](auto done) { c.getManifest(QStringLiteral("truncated"), QStringLiteral("1"), done); });
    QVERIFY(!m.ok());
    QVERIFY(m.error().kind == RegistryError::Kind::Network);
    QCOMPARE(m.error().reference, QStringLiteral("1"));
    QVERIFY(m.error().attempts > 1);
}

void TestRegistryFaults::digestThatDoesNotMatchTheBytes()
{
    RegistryClient c(config(m_server->url()), m_transport.get());
    auto m = await<Manifest>([&](auto done) { c.getManifest(QStringLiteral("baddigest"), QStringLiteral("41"), done); });
    QVERIFY(!m.ok());
    QVERIFY(m.error().kind == RegistryError::Kind::Protocol);
    QVERIFY2(m.errorText().contains(QStringLiteral("digest mismatch")), qPrintable(m.errorText()));
    QVERIFY(m.errorText().startsWith(QStringLiteral("faulty: baddigest:41")));

    // Asking by a digest the bytes do not have is caught as well.
    const QString wrong = QStringLiteral("sha256:") + QString(64, u'1');
    auto byDigest = await<Manifest>([&](auto done) { c.getManifest(QStringLiteral("plain"), wrong, done); });
    QVERIFY(!byDigest.ok());
    QVERIFY2(byDigest.errorText().contains(QStringLiteral("digest mismatch")), qPrintable(byDigest.errorText()));
}

void TestRegistryFaults::malformedJson()
{
    RegistryClient c(config(m_server->url()), m_transport.get());
    auto tags = await<QStringList>([&](auto done) { c.listTags(QStringLiteral("malformed"), done); });
    QVERIFY(!tags.ok());
    QVERIFY(tags.error().kind == RegistryError::Kind::Protocol);
    QVERIFY2(tags.errorText().contains(QStringLiteral("not the expected JSON")), qPrintable(tags.errorText()));
}

void TestRegistryFaults::oversizedBodies()
{
    RegistryClient c(config(m_server->url()), m_transport.get());
    // 6 MiB where a manifest (≤ 4 MiB) is expected: refused before it is all read.
    auto m = await<Manifest>([&](auto done) { c.getManifest(QStringLiteral("huge"), QStringLiteral("1"), done); });
    QVERIFY(!m.ok());
    QVERIFY(m.error().kind == RegistryError::Kind::Protocol);
    QVERIFY2(m.errorText().contains(QStringLiteral("bytes")), qPrintable(m.errorText()));
    // /v2/ answers in a few bytes; a ping limited to 64 KiB refuses more.
    auto tags = await<QStringList>([&](auto done) { c.listTags(QStringLiteral("huge"), done); });
    QVERIFY(tags.ok() || tags.error().kind == RegistryError::Kind::Protocol);
}

void TestRegistryFaults::notAManifest()
{
    RegistryClient c(config(m_server->url()), m_transport.get());
    auto m = await<Manifest>([&](auto done) { c.getManifest(QStringLiteral("notmanifest"), QStringLiteral("1"), done); });
    QVERIFY(!m.ok());
    QVERIFY(m.error().kind == RegistryError::Kind::Protocol);
    QVERIFY2(m.errorText().contains(QStringLiteral("not a manifest")), qPrintable(m.errorText()));
}

void TestRegistryFaults::transientServerErrorsAreRetried()
{
    RegistryClient c(config(m_server->url()), m_transport.get());
    auto tags = await<QStringList>([&](auto done) { c.listTags(QStringLiteral("flaky"), done); });
    QVERIFY2(tags.ok(), qPrintable(tags.errorText()));
    QCOMPARE(tags.value(), QStringList{QStringLiteral("1")});
    const HostStats stats = m_transport->stats(m_server->url());
    QCOMPARE(stats.retries, 2);
    QCOMPARE(stats.requests, 4); // GET /v2/ (how does it authenticate?), then 503, 503, 200
    QCOMPARE(stats.failures, 0);
}

void TestRegistryFaults::throttledWithHttpDate()
{
    RegistryClient c(config(m_server->url()), m_transport.get());
    QElapsedTimer timer;
    timer.start();
    auto tags = await<QStringList>([&](auto done) { c.listTags(QStringLiteral("throttled"), done); });
    QVERIFY2(tags.ok(), qPrintable(tags.errorText()));
    // Retry-After was a date about 2 s ahead (1 s resolution): the client waited for it.
    QVERIFY2(timer.elapsed() >= 900, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(m_transport->stats(m_server->url()).throttled, 1);
}

void TestRegistryFaults::statuses_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("attempts");
    QTest::newRow("401") << 401 << int(RegistryError::Kind::Auth) << 1;
    QTest::newRow("403") << 403 << int(RegistryError::Kind::Auth) << 1;
    QTest::newRow("404") << 404 << int(RegistryError::Kind::NotFound) << 1;
    QTest::newRow("400") << 400 << int(RegistryError::Kind::Protocol) << 1;
    QTest::newRow("500") << 500 << int(RegistryError::Kind::Server) << 4;
    QTest::newRow("502") << 502 << int(RegistryError::Kind::Server) << 4;
}

void TestRegistryFaults::statuses()
{
    QFETCH(int, status);
    QFETCH(int, kind);
    QFETCH(int, attempts);
    RegistryClient c(config(m_server->url()), m_transport.get());
    const QString repository = QStringLiteral("status/%1").arg(status);
    auto tags = await<QStringList>([&](auto done) { c.listTags(repository, done); });
    QVERIFY(!tags.ok());
    QCOMPARE(int(tags.error().kind), kind);
    QCOMPARE(tags.error().httpStatus, status);
    QCOMPARE(tags.error().attempts, attempts); // 4xx are never retried blindly
    QVERIFY2(tags.errorText().contains(QStringLiteral("status %1 on purpose").arg(status)),
             qPrintable(tags.errorText()));
    QVERIFY(tags.errorText().startsWith(QStringLiteral("faulty: ") + repository));
}

void TestRegistryFaults::redirectToAnotherHostDropsCredentials()
{
    RegistryClient c(config(m_server->url()), m_transport.get());
    c.setCredential(Credential{QStringLiteral("releng"), QStringLiteral("s3cret")});
    auto m = await<Manifest>([&](auto done) { c.getManifest(QStringLiteral("redirect"), QStringLiteral("41"), done); });
    QVERIFY2(m.ok(), qPrintable(m.errorText()));

    // The origin saw the credentials (it asked for them)…
    bool originGotBasic = false;
    for (const QJsonValue &r : m_server->requests())
        if (r.toObject().value(QLatin1String("path")).toString().startsWith(QLatin1String("/v2/redirect")) &&
            r.toObject().value(QLatin1String("authorization")).toString().startsWith(QLatin1String("Basic ")))
            originGotBasic = true;
    QVERIFY(originGotBasic);
    // …the other host served the manifest and never saw them.
    bool peerServed = false;
    for (const QJsonValue &r : m_peer->requests()) {
        if (!r.toObject().value(QLatin1String("path")).toString().startsWith(QLatin1String("/v2/redirect")))
            continue;
        peerServed = true;
        QCOMPARE(r.toObject().value(QLatin1String("authorization")).toString(), QString());
        // The manifest Accept list is kept across the redirect.
        QVERIFY(r.toObject().value(QLatin1String("accept")).toString().contains(QLatin1String("oci.image.index")));
    }
    QVERIFY(peerServed);

    // The secret never reached the log, even at trace level; the header's scheme did.
    log::net()->flush();
    QFile logFile(m_logDir.filePath(QStringLiteral("net.log")));
    QVERIFY(logFile.open(QIODevice::ReadOnly));
    const QByteArray logged = logFile.readAll();
    QVERIFY(logged.contains("Authorization: Basic ***"));
    QVERIFY(!logged.contains("s3cret"));
    QVERIFY(!logged.contains(QByteArray("releng:s3cret").toBase64()));
}

void TestRegistryFaults::serverDiesMidListing()
{
    RegistryClient c(config(m_server->url()), m_transport.get());
    auto tags = await<QStringList>([&](auto done) { c.listTags(QStringLiteral("dying"), done); });
    QVERIFY(!tags.ok());
    QVERIFY(tags.error().kind == RegistryError::Kind::Network);
    QCOMPARE(tags.error().repository, QStringLiteral("dying"));
    QVERIFY(!m_server->isRunning() || tags.error().attempts > 1);
}

void TestRegistryFaults::unreachableHost()
{
    // A port nobody listens on: bind one, note it, close it.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost));
    const quint16 port = probe.serverPort();
    probe.close();
    QUrl url(QStringLiteral("http://127.0.0.1"));
    url.setPort(port);
    RegistryClient c(config(url), m_transport.get());
    auto pong = await<Unit>([&](auto done) { c.ping(done); });
    QVERIFY(!pong.ok());
    QVERIFY(pong.error().kind == RegistryError::Kind::Network);
    QVERIFY2(pong.errorText().contains(QStringLiteral("refused"), Qt::CaseInsensitive),
             qPrintable(pong.errorText()));
    QCOMPARE(pong.error().attempts, 4);
}

void TestRegistryFaults::catalogFollowsRelativeAndAbsoluteLinks()
{
    RegistryClient c(config(m_server->url()), m_transport.get());
    auto catalog = await<QStringList>([&](auto done) { c.catalog(done); });
    QVERIFY2(catalog.ok(), qPrintable(catalog.errorText()));
    QCOMPARE(catalog.value(), (QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c/nested"),
                               QStringLiteral("d"), QStringLiteral("e")}));
}

QTEST_GUILESS_MAIN(TestRegistryFaults)
#include "tst_registryfaults.moc"
