// Registries over HTTPS, as every real one is: a real nginx terminates TLS with a certificate
// from a throwaway authority in front of a real docker-registry. Unverifiable certificates are
// a clear TLS error (never silently accepted); the profile's "caCertificates" trusts a private
// authority with verification kept on; "insecure" skips it only when asked; a redirect from
// HTTPS to plain HTTP is refused. Copies and scans go through it end to end, and skopeo, which
// verifies with the same authority, reads back the digest Quayside pushed. Roadmap step 3 holds
// when the old host, itself on HTTPS, redirects to the new one, as Fedora's proxies will.
#include "await.h"
#include "nginxserver.h"
#include "redirectserver.h"
#include "registry/registryclient.h"
#include "registry/transport.h"
#include "testcertificates.h"
#include "testsandbox.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>

using namespace quayside;
using test::await;

class TestTls final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void unverifiableCertificateIsATlsError();
    void insecureSkipsVerificationOnlyWhenAsked();
    void downgradeRedirectIsRefused();
    void copyAndScanThroughTrustedTls();
    void redirectsOverTlsPassStep3();

private:
    struct Run {
        int code = -1;
        QByteArray out;
        QByteArray err;
    };
    Run cli(const QStringList &arguments);
    RegistryConfig secure(bool withCa, bool insecure) const;
    QString proxyBlock(int port, int backendPort) const;
    QString writeProfile(const QString &name, const QJsonArray &registries, const QString &from) const;
    QByteArray serverErrors() const;

    std::unique_ptr<test::TestSandbox> m_source;  // the shared seeded sandbox, read only
    std::unique_ptr<test::TestSandbox> m_backend; // an empty registry behind the TLS proxy
    std::unique_ptr<test::NginxServer> m_proxy;
    QTemporaryDir m_dir;
    test::TestCertificates m_certificates;
    QUrl m_url;
    QString m_profile;
};

void TestTls::initTestCase()
{
    QString error;
    m_source = test::TestSandbox::shared(&error);
    QVERIFY2(m_source, qPrintable(error));
    m_backend = test::TestSandbox::start({QStringLiteral("registry")}, false, &error);
    QVERIFY2(m_backend, qPrintable(error));
    const auto certificates = test::TestCertificates::make(m_dir.path(), &error);
    QVERIFY2(certificates, qPrintable(error));
    m_certificates = *certificates;

    const int port = test::freePort();
    QVERIFY(port > 0);
    m_proxy = test::NginxServer::start(proxyBlock(port, m_backend->url(QStringLiteral("registry")).port()), port,
                                       &error);
    QVERIFY2(m_proxy, qPrintable(error));
    m_url = QUrl(QStringLiteral("https://127.0.0.1:%1").arg(port));

    m_profile = writeProfile(QStringLiteral("profile.json"),
                             {QJsonObject{{QStringLiteral("id"), QStringLiteral("registry")},
                                          {QStringLiteral("url"), m_source->url(QStringLiteral("registry")).toString()},
                                          {QStringLiteral("prefix"), QString()},
                                          {QStringLiteral("kind"), QStringLiteral("distribution")},
                                          {QStringLiteral("insecure"), true}}},
                             QStringLiteral("registry"));
}

// TLS in front of a registry on backendPort. X-Forwarded-Proto makes the registry write https://
// upload Locations, as behind any real TLS front; /v2/downgrade/ stands for a misconfigured
// proxy that sends clients to plain http.
QString TestTls::proxyBlock(int port, int backendPort) const
{
    return QStringLiteral("  server {\n    listen 127.0.0.1:%1 ssl;\n    ssl_certificate %2;\n"
                          "    ssl_certificate_key %3;\n    client_max_body_size 0;\n"
                          "    location /v2/downgrade/ { return 302 http://127.0.0.1:%4$request_uri; }\n"
                          "    location / {\n      proxy_pass http://127.0.0.1:%4;\n"
                          "      proxy_set_header Host $http_host;\n"
                          "      proxy_set_header X-Forwarded-Proto https;\n"
                          "      proxy_request_buffering off;\n      proxy_buffering off;\n    }\n  }")
        .arg(port)
        .arg(m_certificates.serverCert, m_certificates.serverKey)
        .arg(backendPort);
}

// A profile beside the CA, naming it by a relative path: the given source registries, "secure"
// (the TLS registry, under mirror/) and a migrate route from `from` to it, fedora-minimal only.
QString TestTls::writeProfile(const QString &name, const QJsonArray &registries, const QString &from) const
{
    QJsonArray all = registries;
    all.append(QJsonObject{{QStringLiteral("id"), QStringLiteral("secure")},
                           {QStringLiteral("url"), m_url.toString()},
                           {QStringLiteral("prefix"), QStringLiteral("mirror/")},
                           {QStringLiteral("kind"), QStringLiteral("distribution")},
                           {QStringLiteral("caCertificates"), QStringLiteral("ca.pem")}});
    const QJsonObject profile{
        {QStringLiteral("name"), name},
        {QStringLiteral("registries"), all},
        {QStringLiteral("routes"), QJsonArray{QJsonObject{{QStringLiteral("from"), from},
                                                          {QStringLiteral("to"), QStringLiteral("secure")},
                                                          {QStringLiteral("kind"), QStringLiteral("migrate")}}}},
        {QStringLiteral("repositories"),
         QJsonObject{{QStringLiteral("include"), QJsonArray{QStringLiteral("fedora-minimal")}}}}};
    const QString path = m_dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(profile).toJson()) < 0)
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

// What the TLS front and the registry behind it logged as errors: printed with a failed copy,
// so a failure says which side saw what.
QByteArray TestTls::serverErrors() const
{
    QByteArray out;
    for (const QString &path : QStringList{m_backend->stateDir() + QStringLiteral("/logs/registry.log"),
                                            m_proxy->dir() + QStringLiteral("/error.log")}) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        for (const QByteArray &line : file.readAll().split('\n'))
            // Errors, leaving out the 404s every copy meets while it checks what is there.
            if ((line.contains("error") || line.contains("warn")) && !line.contains("unknown"))
                out += line.left(1500) + '\n';
    }
    return out.right(12000);
}

TestTls::Run TestTls::cli(const QStringList &arguments)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("DISPLAY"));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), m_dir.filePath(QStringLiteral("cache")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
    process.setProcessEnvironment(env);
    process.start(qEnvironmentVariable("QUAYSIDE_CLI"), arguments);
    if (!process.waitForFinished(120000))
        return {};
    return {process.exitCode(), process.readAllStandardOutput(), process.readAllStandardError()};
}

RegistryConfig TestTls::secure(bool withCa, bool insecure) const
{
    RegistryConfig c;
    c.id = QStringLiteral("secure");
    c.url = m_url;
    c.insecure = insecure;
    if (withCa)
        c.caCertificates = m_certificates.caPem;
    return c;
}

void TestTls::unverifiableCertificateIsATlsError()
{
    Transport transport; // its own: TLS sessions and host settings start fresh
    RegistryClient client(secure(false, false), &transport);
    const auto tags = await<QStringList>([&](auto done) { client.listTags(QStringLiteral("anything"), done); });
    QVERIFY(!tags.ok());
    QVERIFY2(tags.error().kind == RegistryError::Kind::Tls, qPrintable(tags.errorText()));
    const QString text = tags.errorText();
    QVERIFY2(text.contains(QLatin1String("secure")) && text.contains(QLatin1String("anything")) &&
                 text.contains(QLatin1String("caCertificates")),
             qPrintable(text));

    // The CLI says the same and exits 3 (a registry could not be read).
    QFile plain(m_dir.filePath(QStringLiteral("untrusted.json")));
    QVERIFY(plain.open(QIODevice::WriteOnly));
    plain.write(QStringLiteral(R"({"name": "untrusted", "registries": [{"id": "secure", "url": "%1",
               "prefix": "", "kind": "distribution"}]})")
                    .arg(m_url.toString())
                    .toUtf8());
    plain.close();
    const Run r = cli({QStringLiteral("scan"), QStringLiteral("--profile"), plain.fileName()});
    QCOMPARE(r.code, 3);
    QVERIFY2(r.err.contains("TLS") && r.err.contains("secure"), r.err.constData());
}

void TestTls::insecureSkipsVerificationOnlyWhenAsked()
{
    Transport transport;
    RegistryClient client(secure(false, true), &transport);
    const auto pong = await<Unit>([&](auto done) { client.ping(done); });
    QVERIFY2(pong.ok(), qPrintable(pong.errorText()));
}

void TestTls::downgradeRedirectIsRefused()
{
    Transport transport;
    RegistryClient client(secure(true, false), &transport);
    const auto head = await<ManifestHead>(
        [&](auto done) { client.headManifest(QStringLiteral("downgrade/fedora"), QStringLiteral("latest"), done); });
    QVERIFY(!head.ok());
    QVERIFY2(head.error().kind == RegistryError::Kind::Tls, qPrintable(head.errorText()));
    QVERIFY2(head.errorText().contains(QLatin1String("refused a redirect from HTTPS to http://")),
             qPrintable(head.errorText()));
}

void TestTls::copyAndScanThroughTrustedTls()
{
    // Push through TLS with the private authority trusted by the profile (relative path).
    Run r = cli({QStringLiteral("copy"), QStringLiteral("registry/fedora-minimal:latest"),
                 QStringLiteral("secure/fedora-minimal:latest"), QStringLiteral("--profile"), m_profile});
    QVERIFY2(r.code == 0, r.err.constData());

    // Scan both sides and compare: the route is in sync for the copied tag.
    r = cli({QStringLiteral("scan"), QStringLiteral("--deep"), QStringLiteral("--profile"), m_profile});
    QVERIFY2(r.code == 0, r.err.constData());
    r = cli({QStringLiteral("compare"), QStringLiteral("--format"), QStringLiteral("json"), QStringLiteral("--offline"),
             QStringLiteral("--profile"), m_profile});
    QVERIFY2(r.code == 0, r.err.constData());
    QString sourceDigest;
    QString status;
    for (const QJsonValue row : QJsonDocument::fromJson(r.out).object().value(QLatin1String("rows")).toArray()) {
        const QJsonObject o = row.toObject();
        if (o.value(QLatin1String("repository")).toString() != QLatin1String("fedora-minimal") ||
            o.value(QLatin1String("tag")).toString() != QLatin1String("latest"))
            continue;
        sourceDigest = o.value(QLatin1String("cells")).toObject().value(QLatin1String("registry")).toObject()
                           .value(QLatin1String("digest")).toString();
        status = o.value(QLatin1String("routes")).toArray().at(0).toObject().value(QLatin1String("status")).toString();
    }
    QVERIFY(sourceDigest.startsWith(QLatin1String("sha256:")));
    QCOMPARE(status, QStringLiteral("in-sync"));

    // skopeo, verifying with the same authority, reads the exact bytes back.
    const QString certDir = m_dir.filePath(QStringLiteral("skopeo-certs"));
    QVERIFY(QDir().mkpath(certDir));
    QVERIFY(QFile::copy(m_certificates.caPem, certDir + QStringLiteral("/ca.crt")));
    QProcess skopeo;
    skopeo.start(QStringLiteral("skopeo"),
                 {QStringLiteral("inspect"), QStringLiteral("--raw"), QStringLiteral("--cert-dir"), certDir,
                  QStringLiteral("docker://%1/mirror/fedora-minimal:latest").arg(m_url.authority())});
    QVERIFY(skopeo.waitForFinished(60000));
    QVERIFY2(skopeo.exitCode() == 0, skopeo.readAllStandardError().constData());
    QCOMPARE(QStringLiteral("sha256:") +
                 QString::fromLatin1(QCryptographicHash::hash(skopeo.readAllStandardOutput(), QCryptographicHash::Sha256).toHex()),
             sourceDigest);
}

void TestTls::redirectsOverTlsPassStep3()
{
    // The old host on HTTPS too (the same TLS front, over the seeded registry), mirrored to secure.
    QString error;
    const int oldPort = test::freePort();
    auto oldHost = test::NginxServer::start(proxyBlock(oldPort, m_source->url(QStringLiteral("registry")).port()),
                                            oldPort, &error);
    QVERIFY2(oldHost, qPrintable(error));
    const QString profile = writeProfile(
        QStringLiteral("roadmap.json"),
        {QJsonObject{{QStringLiteral("id"), QStringLiteral("old")},
                     {QStringLiteral("url"), QStringLiteral("https://127.0.0.1:%1").arg(oldPort)},
                     {QStringLiteral("prefix"), QString()},
                     {QStringLiteral("kind"), QStringLiteral("distribution")},
                     {QStringLiteral("caCertificates"), QStringLiteral("ca.pem")}}},
        QStringLiteral("old"));
    const QString plan = m_dir.filePath(QStringLiteral("plan.json"));
    const QString ledger = m_dir.filePath(QStringLiteral("ledger.jsonl"));
    Run r = cli({QStringLiteral("scan"), QStringLiteral("--deep"), QStringLiteral("--profile"), profile});
    QVERIFY2(r.code == 0, r.err.constData());
    r = cli({QStringLiteral("plan"), QStringLiteral("--route"), QStringLiteral("old:secure"), QStringLiteral("-o"), plan,
             QStringLiteral("--no-estimate"), QStringLiteral("--profile"), profile});
    QVERIFY2(r.code == 0, r.err.constData());
    r = cli({QStringLiteral("apply"), plan, QStringLiteral("--yes"), QStringLiteral("--profile"), profile});
    if (r.code != 0) // QTest cuts long messages: the whole story goes to stderr
        std::fprintf(stderr, "apply failed:\n%s\n%s\nserver errors:\n%s\n", r.out.constData(),
                     r.err.constData(), serverErrors().constData());
    QCOMPARE(r.code, 0);

    const QStringList check{QStringLiteral("roadmap"), QStringLiteral("check"), QStringLiteral("3"),
                            QStringLiteral("--offline"), QStringLiteral("--profile"), profile,
                            QStringLiteral("--ledger"), ledger};
    r = cli(check);
    QCOMPARE(r.code, 1);
    QVERIFY2(r.out.contains("served itself"), r.out.constData());

    // The old host's proxy now redirects, HTTPS to HTTPS, to the same repository on secure.
    oldHost.reset();
    const auto redirect = test::RedirectServer::start(oldPort, m_url, QStringLiteral("mirror/"), &error, &m_certificates);
    QVERIFY2(redirect, qPrintable(error));
    r = cli(check);
    QVERIFY2(r.code == 0, QByteArray(r.out + r.err).constData());
    QVERIFY2(r.out.contains("302 to https://127.0.0.1:") && r.out.contains("same digest"), r.out.constData());
}

QTEST_MAIN(TestTls)
#include "tst_tls.moc"
