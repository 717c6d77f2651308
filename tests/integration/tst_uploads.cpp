// The upload primitives the copy engine stands on, against a real docker-registry: blob
// existence, monolithic and chunked uploads (offsets kept by the client), cross-repository mount
// with its 202 fallback, manifest PUT of exact bytes, and recovery when a registry fails a PUT.
// skopeo reads back what was pushed, as an independent witness.
#include "await.h"
#include "faultserver.h"
#include "registry/registryclient.h"
#include "registry/transport.h"
#include "testsandbox.h"

#include <QBuffer>
#include <QJsonArray>
#include <QJsonObject>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace quayside;
using test::await;

namespace {

BodySource bytesSource(const QByteArray &bytes)
{
    return [bytes] {
        auto buffer = std::make_unique<QBuffer>();
        buffer->setData(bytes);
        buffer->open(QIODevice::ReadOnly);
        return std::unique_ptr<QIODevice>(std::move(buffer));
    };
}

QByteArray layer(int size, char seed)
{
    QByteArray bytes(size, '\0');
    for (int i = 0; i < size; ++i)
        bytes[i] = static_cast<char>(seed + i * 31 % 251);
    return bytes;
}

} // namespace

class TestUploads final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void monolithicAndChunkedUploads_data();
    void monolithicAndChunkedUploads();
    void mountWithinTheRegistryAndFallBack();
    void manifestPutKeepsExactBytes();
    void failedPutStartsANewSession_data();
    void failedPutStartsANewSession();
    void artifactPushedBySkopeo();

private:
    std::unique_ptr<test::TestSandbox> m_sandbox;
    std::unique_ptr<RegistryClient> m_client;
};

void TestUploads::initTestCase()
{
    QString error;
    m_sandbox = test::TestSandbox::start({QStringLiteral("registry")}, false, &error);
    QVERIFY2(m_sandbox, qPrintable(error));
    RegistryConfig config;
    config.id = QStringLiteral("target");
    config.url = m_sandbox->url(QStringLiteral("registry"));
    config.insecure = true;
    m_client = std::make_unique<RegistryClient>(config);
}

void TestUploads::monolithicAndChunkedUploads_data()
{
    QTest::addColumn<int>("size");
    QTest::addColumn<qint64>("chunk");
    QTest::newRow("monolithic") << 100 * 1000 << qint64(0);
    QTest::newRow("chunked, uneven last chunk") << 100 * 1000 << qint64(16 * 1024);
    QTest::newRow("chunked, one chunk") << 1000 << qint64(4096);
    QTest::newRow("empty blob") << 0 << qint64(0);
}

void TestUploads::monolithicAndChunkedUploads()
{
    QFETCH(int, size);
    QFETCH(qint64, chunk);
    const QByteArray bytes = layer(size, static_cast<char>(size % 97 + chunk % 13));
    const Digest digest = Digest::sha256Of(bytes);
    const QString repository = QStringLiteral("uploads/blob");

    auto before = await<std::optional<qint64>>([&](auto done) { m_client->headBlob(repository, digest, done); });
    QVERIFY2(before.ok(), qPrintable(before.errorText()));
    QVERIFY(!before.value().has_value());

    auto uploaded = await<Unit>([&](auto done) {
        m_client->uploadBlob(repository, digest, bytes.size(), bytesSource(bytes), done, chunk);
    });
    QVERIFY2(uploaded.ok(), qPrintable(uploaded.errorText()));

    auto after = await<std::optional<qint64>>([&](auto done) { m_client->headBlob(repository, digest, done); });
    QVERIFY2(after.ok(), qPrintable(after.errorText()));
    QCOMPARE(after.value().value_or(-1), qint64(bytes.size()));
    QBuffer sink;
    sink.open(QIODevice::ReadWrite);
    auto back = await<qint64>([&](auto done) { m_client->getBlob(repository, digest, bytes.size(), &sink, done); });
    QVERIFY2(back.ok(), qPrintable(back.errorText()));
    QCOMPARE(sink.data(), bytes);
}

void TestUploads::mountWithinTheRegistryAndFallBack()
{
    const QByteArray bytes = layer(5000, 'm');
    const Digest digest = Digest::sha256Of(bytes);
    auto uploaded = await<Unit>([&](auto done) {
        m_client->uploadBlob(QStringLiteral("mount/source"), digest, bytes.size(), bytesSource(bytes), done);
    });
    QVERIFY2(uploaded.ok(), qPrintable(uploaded.errorText()));

    auto mounted = await<MountResult>([&](auto done) {
        m_client->mountBlob(QStringLiteral("mount/target"), digest, QStringLiteral("mount/source"), done);
    });
    QVERIFY2(mounted.ok(), qPrintable(mounted.errorText()));
    QVERIFY(mounted->mounted);
    auto there = await<std::optional<qint64>>([&](auto done) {
        m_client->headBlob(QStringLiteral("mount/target"), digest, done);
    });
    QCOMPARE(there.value().value_or(-1), qint64(bytes.size()));

    // Mounting what the source does not have opens an upload session instead (202).
    const Digest absent = Digest::sha256Of("never uploaded");
    auto fallback = await<MountResult>([&](auto done) {
        m_client->mountBlob(QStringLiteral("mount/target"), absent, QStringLiteral("mount/source"), done);
    });
    QVERIFY2(fallback.ok(), qPrintable(fallback.errorText()));
    QVERIFY(!fallback->mounted);
    QVERIFY(fallback->uploadLocation.isValid());
    QVERIFY(fallback->uploadLocation.path().contains(QStringLiteral("/blobs/uploads/")));
}

void TestUploads::manifestPutKeepsExactBytes()
{
    const QByteArray config = R"({"architecture":"s390x","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
    const QByteArray layerBytes = layer(2048, 'l');
    const Digest configDigest = Digest::sha256Of(config);
    const Digest layerDigest = Digest::sha256Of(layerBytes);
    for (const auto &[bytes, digest] : {std::pair{config, configDigest}, std::pair{layerBytes, layerDigest}}) {
        auto up = await<Unit>([&](auto done) {
            m_client->uploadBlob(QStringLiteral("manifests/app"), digest, bytes.size(), bytesSource(bytes), done);
        });
        QVERIFY2(up.ok(), qPrintable(up.errorText()));
    }
    // Unusual but valid formatting: a re-serialised manifest would get another digest.
    const QByteArray manifest = QStringLiteral(
        "{\n  \"schemaVersion\" : 2,\n  \"mediaType\" : \"application/vnd.docker.distribution.manifest.v2+json\",\n"
        "  \"config\" : {\"mediaType\": \"application/vnd.docker.container.image.v1+json\", \"size\": %1, \"digest\": \"%2\"},\n"
        "  \"layers\" : [ {\"mediaType\": \"application/vnd.docker.image.rootfs.diff.tar.gzip\", \"size\": %3, \"digest\": \"%4\"} ]\n}\n")
                                    .arg(config.size())
                                    .arg(configDigest.toString())
                                    .arg(layerBytes.size())
                                    .arg(layerDigest.toString())
                                    .toUtf8();
    auto put = await<Digest>([&](auto done) {
        m_client->putManifest(QStringLiteral("manifests/app"), QStringLiteral("1.0"), manifest,
                              QStringLiteral("application/vnd.docker.distribution.manifest.v2+json"), done);
    });
    QVERIFY2(put.ok(), qPrintable(put.errorText()));
    QCOMPARE(put.value(), Digest::sha256Of(manifest));

    QProcess skopeo;
    skopeo.start(QStringLiteral("skopeo"),
                 {QStringLiteral("inspect"), QStringLiteral("--raw"), QStringLiteral("--tls-verify=false"),
                  QStringLiteral("docker://%1/manifests/app:1.0").arg(m_sandbox->url(QStringLiteral("registry")).authority())});
    QVERIFY(skopeo.waitForFinished(60000));
    QCOMPARE(skopeo.readAllStandardOutput(), manifest);
}

void TestUploads::failedPutStartsANewSession_data()
{
    QTest::addColumn<QString>("repository");
    QTest::newRow("500 on the first PUT") << QStringLiteral("upload");
    // A 400 DIGEST_INVALID on bytes that were checked against their digest when read means they
    // were damaged on the way (seen once in a thousand uploads through a TLS proxy): the upload
    // is sent again rather than failing the job.
    QTest::newRow("400 DIGEST_INVALID on the first PUT") << QStringLiteral("damaged");
}

void TestUploads::failedPutStartsANewSession()
{
    QFETCH(QString, repository);
    QString error;
    auto faults = test::FaultServer::start(QStringLiteral("127.0.0.1"), QUrl(QStringLiteral("http://127.0.0.2:1")), &error);
    QVERIFY2(faults, qPrintable(error));
    RegistryConfig config;
    config.id = QStringLiteral("faulty");
    config.url = faults->url();
    config.insecure = true;
    Transport transport;
    transport.setRetryPolicy({.maxAttempts = 3, .baseDelay = std::chrono::milliseconds(10)});
    RegistryClient client(config, &transport);
    const QByteArray bytes = layer(30000, 'u');
    const Digest digest = Digest::sha256Of(bytes);
    auto up = await<Unit>([&](auto done) {
        client.uploadBlob(repository, digest, bytes.size(), bytesSource(bytes), done);
    });
    QVERIFY2(up.ok(), qPrintable(up.errorText()));
    int posts = 0;
    int puts = 0;
    for (const QJsonValue &r : faults->requests()) {
        posts += r.toObject().value(QLatin1String("method")).toString() == QLatin1String("POST");
        puts += r.toObject().value(QLatin1String("method")).toString() == QLatin1String("PUT");
    }
    // The failed PUT was not repeated on a spent session: a new session was opened.
    QCOMPARE(posts, 2);
    QCOMPARE(puts, 2);
    QBuffer sink;
    sink.open(QIODevice::ReadWrite);
    auto back = await<qint64>([&](auto done) { client.getBlob(repository, digest, bytes.size(), &sink, done); });
    QVERIFY2(back.ok(), qPrintable(back.errorText()));
    QCOMPARE(sink.data(), bytes);
}

void TestUploads::artifactPushedBySkopeo()
{
    // An OCI artifact (an SBOM: empty config, custom artifactType), written as a skopeo dir:
    // layout and pushed by skopeo, then read by the client.
    QTemporaryDir dir;
    auto write = [&dir](const QString &name, const QByteArray &bytes) {
        QFile f(dir.filePath(name));
        return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
    };
    const QByteArray config = "{}";
    const QByteArray sbom = R"({"spdxVersion":"SPDX-2.3","name":"fedora-minimal"})";
    QVERIFY(write(Digest::sha256Of(config).hex(), config));
    QVERIFY(write(Digest::sha256Of(sbom).hex(), sbom));
    const QByteArray manifest = QStringLiteral(
        R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/spdx+json","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"%1","size":2},"layers":[{"mediaType":"application/spdx+json","digest":"%2","size":%3}]})")
                                    .arg(Digest::sha256Of(config).toString(), Digest::sha256Of(sbom).toString())
                                    .arg(sbom.size())
                                    .toUtf8();
    QVERIFY(write(QStringLiteral("manifest.json"), manifest));
    QVERIFY(write(QStringLiteral("version"), "Directory Transport Version: 1.1\n"));
    QProcess skopeo;
    skopeo.start(QStringLiteral("skopeo"),
                 {QStringLiteral("copy"), QStringLiteral("--preserve-digests"), QStringLiteral("--dest-tls-verify=false"),
                  QStringLiteral("dir:") + dir.path(),
                  QStringLiteral("docker://%1/artifacts/sbom:1").arg(m_sandbox->url(QStringLiteral("registry")).authority())});
    QVERIFY(skopeo.waitForFinished(60000));
    QVERIFY2(skopeo.exitCode() == 0, skopeo.readAllStandardError().constData());

    auto got = await<Manifest>([&](auto done) { m_client->getManifest(QStringLiteral("artifacts/sbom"), QStringLiteral("1"), done); });
    QVERIFY2(got.ok(), qPrintable(got.errorText()));
    QCOMPARE(got->digest, Digest::sha256Of(manifest));
    QVERIFY(got->isArtifact());
    QCOMPARE(got->artifactType, QStringLiteral("application/spdx+json"));
    QCOMPARE(got->blobs().size(), std::size_t(2));
}

QTEST_GUILESS_MAIN(TestUploads)
#include "tst_uploads.moc"
