// The time-left estimate shown during scans and copies: silent until it has seen some history,
// right for a steady pace, quick to follow a change of pace, honest about a stall.
#include "inventory/scaneta.h"
#include "support/eta.h"

#include <QTest>

using namespace quayside;

class TestEta final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void silentWithoutHistory();
    void steadyPace();
    void doneIsZero();
    void followsAChangeOfPace();
    void stallIsUnknown();
    void scanWaitsForTheSlowerListing();
    void text_data();
    void text();
};

void TestEta::silentWithoutHistory()
{
    Eta eta(15000, 2000);
    QCOMPARE(eta.secondsLeft(100), qint64(-1));
    eta.sample(0, 0);
    QCOMPARE(eta.secondsLeft(100), qint64(-1));
    eta.sample(1000, 10); // 1 s of history is not enough
    QCOMPARE(eta.secondsLeft(100), qint64(-1));
}

void TestEta::steadyPace()
{
    Eta eta(15000, 2000);
    for (int s = 0; s <= 3; ++s)
        eta.sample(s * 1000, s * 10);
    QCOMPARE(eta.secondsLeft(100), qint64(7)); // 70 left at 10/s
    QCOMPARE(eta.secondsLeft(31), qint64(1));  // a fraction of a second rounds up
}

void TestEta::doneIsZero()
{
    Eta eta;
    eta.sample(0, 50);
    QCOMPARE(eta.secondsLeft(50), qint64(0));
    QCOMPARE(eta.secondsLeft(40), qint64(0));
}

void TestEta::followsAChangeOfPace()
{
    Eta eta(15000, 2000);
    qint64 done = 0;
    for (int s = 0; s <= 20; ++s) // 10/s
        eta.sample(s * 1000, done = s * 10);
    for (int s = 21; s <= 40; ++s) // then 1/s, for longer than the window
        eta.sample(s * 1000, ++done);
    // 1000 - 220 left at 1/s: the old fast pace no longer counts.
    QCOMPARE(eta.secondsLeft(1000), qint64(1000 - done));
}

void TestEta::stallIsUnknown()
{
    Eta eta(15000, 2000);
    for (int s = 0; s <= 5; ++s)
        eta.sample(s * 1000, s * 10);
    QVERIFY(eta.secondsLeft(100) > 0);
    for (int s = 6; s <= 30; ++s) // nothing moves for 25 s
        eta.sample(s * 1000, 50);
    QCOMPARE(eta.secondsLeft(100), qint64(-1));
    eta.reset();
    QCOMPARE(eta.secondsLeft(100), qint64(-1));
}

void TestEta::scanWaitsForTheSlowerListing()
{
    // Quay-like: the tags known so far are read fast (100/s), but repositories are listed at
    // 1/s with 60 still to go. The scan is not done when the known tags are.
    ScanEta eta;
    qint64 left = -1;
    for (int s = 0; s <= 10; ++s) {
        ScanProgress p;
        p.registriesTotal = 1;
        p.repositoriesDone = s;
        p.repositoriesKnown = 70;
        p.tagsDone = s * 100;
        p.tagsKnown = s * 100 + 50;
        left = eta.update(p, s * 1000);
    }
    QCOMPARE(left, qint64(60));
}

void TestEta::text_data()
{
    QTest::addColumn<qint64>("seconds");
    QTest::addColumn<QString>("expected");
    QTest::newRow("unknown") << qint64(-1) << QString();
    QTest::newRow("done") << qint64(0) << QStringLiteral("finishing");
    QTest::newRow("seconds") << qint64(42) << QStringLiteral("about 42 s left");
    QTest::newRow("a minute, rounded up") << qint64(61) << QStringLiteral("about 2 min left");
    QTest::newRow("hours") << qint64(7800) << QStringLiteral("about 2 h 10 min left");
}

void TestEta::text()
{
    QFETCH(qint64, seconds);
    QFETCH(QString, expected);
    QCOMPARE(Eta::text(seconds), expected);
}

QTEST_GUILESS_MAIN(TestEta)
#include "tst_eta.moc"
