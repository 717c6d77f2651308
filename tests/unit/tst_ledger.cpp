// The sign-off ledger's chain, entry by entry: it verifies as written, and every way of
// changing history (editing a field, the evidence, the order, removing an entry) is caught at
// the entry where it happened. A crash mid-append is not tampering.
#include "roadmap/ledger.h"

#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace quayside;

namespace {

StepEvidence evidence(int step, bool passed)
{
    StepEvidence e;
    e.step = step;
    e.at = QDateTime::fromString(QStringLiteral("2026-12-04T08:00:00.000Z"), Qt::ISODateWithMs);
    e.checks.push_back({QStringLiteral("registry → quay: in sync"), passed, QStringLiteral("312 in sync")});
    return e;
}

QList<QByteArray> linesOf(const QString &path)
{
    QFile f(path);
    f.open(QIODevice::ReadOnly);
    QList<QByteArray> lines = f.readAll().split('\n');
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    return lines;
}

void writeLines(const QString &path, const QList<QByteArray> &lines, bool finalNewline = true)
{
    QFile f(path);
    f.open(QIODevice::WriteOnly | QIODevice::Truncate);
    f.write(lines.join('\n') + (finalNewline ? "\n" : ""));
}

} // namespace

class TestLedger final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void chainVerifiesAndSurvivesReloading();
    void tampering_data();
    void tampering();
    void tornLastLineIsNotTampering();

private:
    QString path() const { return m_dir->filePath(QStringLiteral("ledger.jsonl")); }
    void signThree();
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestLedger::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
}

void TestLedger::signThree()
{
    Ledger ledger(path());
    QString error;
    QVERIFY(ledger.load(&error));
    QVERIFY(ledger.append(QStringLiteral("Fedora"), 1, QStringLiteral("Ann"), QStringLiteral("ticket 1"), {}, evidence(1, true), &error));
    QVERIFY(ledger.append(QStringLiteral("Fedora"), 2, QStringLiteral("Bob"), {}, QStringLiteral("Bodhi lags"), evidence(2, false), &error));
    QVERIFY(ledger.append(QStringLiteral("Fedora"), 3, QStringLiteral("Cy"), {}, {}, evidence(3, true), &error));
}

void TestLedger::chainVerifiesAndSurvivesReloading()
{
    signThree();
    Ledger ledger(path());
    QString error;
    QVERIFY(ledger.load(&error));
    const LedgerVerification v = ledger.verify();
    QVERIFY2(v.ok, qPrintable(v.problem));
    QCOMPARE(v.entries, 3);
    QCOMPARE(v.headHash, ledger.entries().back().hash);
    QCOMPARE(ledger.entries()[1].previousHash, ledger.entries()[0].hash);
    QCOMPARE(ledger.entries()[0].previousHash, QString::fromLatin1(Ledger::kGenesis));
    QCOMPARE(ledger.signOff(2)->override, QStringLiteral("Bodhi lags"));
    QVERIFY(!ledger.signOff(2)->evidence.passed());
    QVERIFY(!ledger.signOff(4));
}

void TestLedger::tampering_data()
{
    QTest::addColumn<QString>("how");
    QTest::addColumn<int>("brokenAt");
    QTest::addColumn<QString>("message");
    QTest::newRow("name edited") << "name" << 2 << "entry 2 was altered";
    QTest::newRow("evidence flipped to pass") << "evidence" << 2 << "altered";
    QTest::newRow("override removed") << "override" << 2 << "entry 2 was altered";
    QTest::newRow("middle entry removed") << "remove" << 2 << "numbered 3";
    QTest::newRow("entries swapped") << "swap" << 1 << "numbered 2";
    QTest::newRow("hash recomputed after an edit") << "rehash" << 3 << "does not follow entry 2";
}

void TestLedger::tampering()
{
    QFETCH(QString, how);
    QFETCH(int, brokenAt);
    QFETCH(QString, message);
    signThree();
    QList<QByteArray> lines = linesOf(path());
    QCOMPARE(lines.size(), 3);
    if (how == QLatin1String("name")) {
        lines[1].replace("\"Bob\"", "\"Eve\"");
    } else if (how == QLatin1String("evidence")) {
        lines[1].replace("\"passed\":false", "\"passed\":true");
    } else if (how == QLatin1String("override")) {
        lines[1].replace("\"Bodhi lags\"", "\"\"");
    } else if (how == QLatin1String("remove")) {
        lines.removeAt(1);
    } else if (how == QLatin1String("swap")) {
        lines.swapItemsAt(0, 1);
    } else if (how == QLatin1String("rehash")) {
        // A careful forger edits entry 2 and gives it a correct hash: entry 3 still points at
        // the old one.
        Ledger ledger(path());
        QString error;
        QVERIFY(ledger.load(&error));
        LedgerEntry e = ledger.entries()[1];
        e.name = QStringLiteral("Eve");
        e.hash = e.computeHash();
        lines[1] = QJsonDocument(e.toJson()).toJson(QJsonDocument::Compact);
    }
    writeLines(path(), lines);
    Ledger ledger(path());
    QString error;
    QVERIFY(ledger.load(&error));
    const LedgerVerification v = ledger.verify();
    QVERIFY(!v.ok);
    QVERIFY2(v.problem.contains(message), qPrintable(v.problem));
    if (how != QLatin1String("evidence"))
        QCOMPARE(v.brokenAt, brokenAt);
    // Nothing is ever signed on top of a broken chain.
    QVERIFY(!ledger.append(QStringLiteral("Fedora"), 4, QStringLiteral("Dee"), {}, {}, evidence(4, true), &error));
    QVERIFY2(error.contains(QLatin1String("does not verify")), qPrintable(error));
}

void TestLedger::tornLastLineIsNotTampering()
{
    signThree();
    QFile f(path());
    QVERIFY(f.open(QIODevice::Append));
    f.write(R"({"sequence":4,"at":"2026-12)"); // the machine died mid-append
    f.close();
    Ledger ledger(path());
    QString error;
    QVERIFY(ledger.load(&error));
    QVERIFY2(ledger.verify().ok, qPrintable(ledger.verify().problem));
    QCOMPARE(ledger.entries().size(), std::size_t(3));
    QVERIFY(ledger.append(QStringLiteral("Fedora"), 4, QStringLiteral("Dee"), {}, {}, evidence(4, true), &error));
    Ledger again(path());
    QVERIFY(again.load(&error));
    QVERIFY2(again.verify().ok, qPrintable(again.verify().problem));
    QCOMPARE(again.entries().size(), std::size_t(4));
}

QTEST_APPLESS_MAIN(TestLedger)
#include "tst_ledger.moc"
