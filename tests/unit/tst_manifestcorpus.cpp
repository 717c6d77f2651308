// The parser against containers/image's manifest corpus (skopeo's own test data), read in place
// from ../shared: every expectation recorded there must hold.
#include "registry/manifest.h"
#include "sharedfixtures.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace quayside;

class TestManifestCorpus final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void corpus_data();
    void corpus();
    void everyFileIsCovered();

private:
    QString m_dir;
    QJsonObject m_expectations;
};

void TestManifestCorpus::initTestCase()
{
    m_dir = test::manifestCorpusDir();
    if (m_dir.isEmpty())
        QSKIP("../shared/fixtures/containers-image-manifests is absent: the corpus test needs the "
              "shared folder beside the project (set QUAYSIDE_SHARED_DIR)");
    QFile file(m_dir + QStringLiteral("/expectations.json"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    m_expectations = QJsonDocument::fromJson(file.readAll()).object();
    QVERIFY(m_expectations.size() > 30);
}

void TestManifestCorpus::corpus_data()
{
    QTest::addColumn<QString>("file");
    const QString dir = test::manifestCorpusDir();
    if (dir.isEmpty())
        return;
    QFile file(dir + QStringLiteral("/expectations.json"));
    if (!file.open(QIODevice::ReadOnly))
        return;
    const QJsonObject all = QJsonDocument::fromJson(file.readAll()).object();
    for (auto it = all.constBegin(); it != all.constEnd(); ++it)
        QTest::newRow(qPrintable(it.key())) << it.key();
}

void TestManifestCorpus::corpus()
{
    QFETCH(QString, file);
    const QJsonObject expected = m_expectations.value(file).toObject();
    QFile f(m_dir + u'/' + file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray bytes = f.readAll();

    // The digest a registry would serve for these exact bytes.
    QCOMPARE(Digest::sha256Of(bytes).toString(), expected.value(QLatin1String("sha256")).toString());

    if (expected.contains(QLatin1String("guessed_media_type")))
        QCOMPARE(guessManifestMediaType(bytes),
                 expected.value(QLatin1String("guessed_media_type")).toString());

    const ManifestParse parsed = parseManifest(bytes);
    const bool notAManifest = expected.value(QLatin1String("json_error")).toBool() ||
                              (expected.contains(QLatin1String("guessed_media_type")) &&
                               expected.value(QLatin1String("guessed_media_type")).toString().isEmpty());
    if (notAManifest) {
        QVERIFY2(!parsed.ok(), "a non-manifest was accepted");
        QVERIFY2(parsed.error.startsWith(QStringLiteral("not a")), qPrintable(parsed.error));
        return;
    }
    QVERIFY2(parsed.ok(), qPrintable(parsed.error));
    const Manifest &m = *parsed.manifest;
    QCOMPARE(m.digest.toString(), expected.value(QLatin1String("sha256")).toString());
    QCOMPARE(m.raw, bytes);

    if (expected.contains(QLatin1String("declared_media_type"))) {
        QCOMPARE(m.declaredMediaType,
                 expected.value(QLatin1String("declared_media_type")).toString());
        QCOMPARE(m.mediaType, m.declaredMediaType);
    }

    const QJsonArray platforms = expected.value(QLatin1String("platforms")).toArray();
    const QJsonArray children = expected.value(QLatin1String("children")).toArray();
    if (expected.contains(QLatin1String("platforms"))) {
        QVERIFY(m.isIndex());
        QCOMPARE(m.manifests.size(), static_cast<std::size_t>(platforms.size()));
        const auto childPlatforms = m.childPlatforms();
        for (qsizetype i = 0; i < platforms.size(); ++i) {
            QCOMPARE(childPlatforms[static_cast<std::size_t>(i)].rawString(),
                     platforms.at(i).toString());
            QCOMPARE(m.manifests[static_cast<std::size_t>(i)].digest, children.at(i).toString());
        }
    } else {
        QVERIFY(!m.isIndex());
    }
    QCOMPARE(m.isLegacy(), m.mediaType.contains(QLatin1String("distribution.manifest.v1")));
}

void TestManifestCorpus::everyFileIsCovered()
{
    const QStringList files = QDir(m_dir).entryList({QStringLiteral("*.json")}, QDir::Files);
    for (const QString &file : files) {
        if (file == QLatin1String("expectations.json"))
            continue;
        QVERIFY2(m_expectations.contains(file), qPrintable(file + QStringLiteral(" has no expectation")));
    }
}

QTEST_APPLESS_MAIN(TestManifestCorpus)
#include "tst_manifestcorpus.moc"
