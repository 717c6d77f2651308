#include "registry/manifest.h"
#include "registry/mediatypes.h"

#include <QTest>

using namespace quayside;

class TestManifest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void platforms_data();
    void platforms();
    void rejects_data();
    void rejects();
    void legacyFedoraListNormalises();
    void contentTypeWinsOverGuessing();
    void imageBlobsAndArtifacts();
    void digests();
};

void TestManifest::platforms_data()
{
    QTest::addColumn<QString>("raw");
    QTest::addColumn<QString>("normalised");
    QTest::newRow("amd64") << "linux/amd64" << "linux/amd64";
    QTest::newRow("x86_64") << "linux/x86_64" << "linux/amd64";
    QTest::newRow("aarch64") << "linux/aarch64" << "linux/arm64";
    QTest::newRow("arm64/v8") << "linux/arm64/v8" << "linux/arm64";
    QTest::newRow("armhfp") << "linux/armhfp" << "linux/arm/v7";
    QTest::newRow("arm/v7") << "linux/arm/v7" << "linux/arm/v7";
    QTest::newRow("ppc64le") << "linux/ppc64le" << "linux/ppc64le";
    QTest::newRow("s390x") << "linux/s390x" << "linux/s390x";
    QTest::newRow("i686") << "linux/i686" << "linux/386";
    QTest::newRow("bare arch") << "x86_64" << "linux/amd64";
    QTest::newRow("upper case") << "Linux/AMD64" << "linux/amd64";
}

void TestManifest::platforms()
{
    QFETCH(QString, raw);
    QFETCH(QString, normalised);
    const Platform p = Platform::parse(raw);
    QCOMPARE(p.toString(), normalised);
    QCOMPARE(Platform::parse(normalised), p);
}

void TestManifest::rejects_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("contentType");
    QTest::addColumn<QString>("why");

    QTest::newRow("empty") << QByteArray() << QString() << "invalid JSON";
    QTest::newRow("html") << QByteArray("<html>502 Bad Gateway</html>") << QString()
                          << "invalid JSON";
    QTest::newRow("array") << QByteArray("[]") << QString() << "not an object";
    QTest::newRow("no version") << QByteArray(R"({"tags": []})") << QString()
                                << "no schemaVersion";
    QTest::newRow("version 3") << QByteArray(R"({"schemaVersion": 3})") << QString()
                               << "schemaVersion 3";
    QTest::newRow("index without manifests")
        << QByteArray(R"({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json"})")
        << QString() << "without a \"manifests\" array";
    QTest::newRow("child digest")
        << QByteArray(R"({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                     "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                                    "digest": "sha256:xyz", "size": 3}]})")
        << QString() << "manifests[0]: \"sha256:xyz\" is not a valid digest";
    QTest::newRow("negative size")
        << QByteArray(R"({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                     "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 2,
                                "digest": "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},
                     "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": -1,
                                 "digest": "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"}]})")
        << QString() << "layers[0]: missing or negative size";
    QTest::newRow("image without config")
        << QByteArray(R"({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json"})")
        << QString() << "without a \"config\"";
    QTest::newRow("served as another type")
        << QByteArray(R"({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": []})")
        << QString(mediatype::DockerList) << "but was served as";
}

void TestManifest::rejects()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, contentType);
    QFETCH(QString, why);
    const ManifestParse parsed = parseManifest(bytes, contentType);
    QVERIFY(!parsed.ok());
    QVERIFY2(parsed.error.contains(why), qPrintable(parsed.error));
}

void TestManifest::legacyFedoraListNormalises()
{
    // generate-manifest-list.py (2018) wrote Fedora's arch names into Docker lists literally.
    const QByteArray list = R"({
      "schemaVersion": 2,
      "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
      "manifests": [
        {"mediaType": "application/vnd.docker.distribution.manifest.v2+json", "size": 528,
         "digest": "sha256:1111111111111111111111111111111111111111111111111111111111111111",
         "platform": {"architecture": "amd64", "os": "linux"}},
        {"mediaType": "application/vnd.docker.distribution.manifest.v2+json", "size": 528,
         "digest": "sha256:2222222222222222222222222222222222222222222222222222222222222222",
         "platform": {"architecture": "aarch64", "os": "linux"}},
        {"mediaType": "application/vnd.docker.distribution.manifest.v2+json", "size": 528,
         "digest": "sha256:3333333333333333333333333333333333333333333333333333333333333333",
         "platform": {"architecture": "armhfp", "os": "linux"}}
      ]
    })";
    const ManifestParse parsed = parseManifest(list);
    QVERIFY2(parsed.ok(), qPrintable(parsed.error));
    QVERIFY(parsed.manifest->kind == ManifestKind::DockerList);
    const auto platforms = parsed.manifest->childPlatforms();
    QCOMPARE(platforms[1].toString(), QStringLiteral("linux/arm64"));
    QCOMPARE(platforms[1].rawString(), QStringLiteral("linux/aarch64"));
    QCOMPARE(platforms[2].toString(), QStringLiteral("linux/arm/v7"));
}

void TestManifest::contentTypeWinsOverGuessing()
{
    // No mediaType field (OCI image-spec < 1.0.2): the Content-Type decides.
    const QByteArray index = R"({"schemaVersion": 2, "manifests": []})";
    const ManifestParse parsed = parseManifest(index, QStringLiteral("application/vnd.oci.image.index.v1+json; charset=utf-8"));
    QVERIFY2(parsed.ok(), qPrintable(parsed.error));
    QVERIFY(parsed.manifest->kind == ManifestKind::OciIndex);
    QVERIFY(parsed.manifest->manifests.empty());
}

void TestManifest::imageBlobsAndArtifacts()
{
    const QByteArray image = R"({"schemaVersion": 2,
      "mediaType": "application/vnd.oci.image.manifest.v1+json",
      "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": 7,
                 "digest": "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
      "layers": [
        {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "size": 10,
         "digest": "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"},
        {"mediaType": "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", "size": 11,
         "digest": "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc",
         "urls": ["https://example.com/layer"]}]})";
    const ManifestParse parsed = parseManifest(image);
    QVERIFY2(parsed.ok(), qPrintable(parsed.error));
    const Manifest &m = *parsed.manifest;
    QVERIFY(!m.isArtifact());
    const auto blobs = m.blobs();
    QCOMPARE(blobs.size(), std::size_t(3));
    QCOMPARE(blobs[0].size, 7); // config first
    QVERIFY(!blobs[1].isNonDistributable());
    QVERIFY(blobs[2].isNonDistributable());

    const QByteArray artifact = R"({"schemaVersion": 2,
      "mediaType": "application/vnd.oci.image.manifest.v1+json",
      "artifactType": "application/vnd.example.sbom",
      "config": {"mediaType": "application/vnd.oci.empty.v1+json", "size": 2,
                 "digest": "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},
      "layers": [], "subject": {"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 1,
                 "digest": "sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"}})";
    const ManifestParse a = parseManifest(artifact);
    QVERIFY2(a.ok(), qPrintable(a.error));
    QVERIFY(a.manifest->isArtifact());
    QVERIFY(a.manifest->subject.has_value());
}

void TestManifest::digests()
{
    QVERIFY(Digest::parse(QStringLiteral("sha256:") + QString(64, u'a')));
    QVERIFY(!Digest::parse(QStringLiteral("sha256:") + QString(63, u'a')));
    QVERIFY(!Digest::parse(QStringLiteral("sha256:") + QString(64, u'A')));
    QVERIFY(!Digest::parse(QStringLiteral("md5:") + QString(32, u'a')));
    QVERIFY(Digest::parse(QStringLiteral("sha512:") + QString(128, u'0')));
    QCOMPARE(Digest::sha256Of("{}").toString(),
             QStringLiteral("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"));
    DigestHasher hasher;
    hasher.addData("{");
    hasher.addData("}");
    QCOMPARE(hasher.result(), Digest::sha256Of("{}"));
    QCOMPARE(hasher.bytes(), 2);
    hasher.reset();
    QCOMPARE(hasher.bytes(), 0);
}

QTEST_APPLESS_MAIN(TestManifest)
#include "tst_manifest.moc"
