#include "registry/tokenbucket.h"

#include <QTest>

using namespace quayside;

class TestTokenBucket final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void unlimitedNeverWaits();
    void burstThenRate();
    void neverExceedsRateOverAnyWindow();
    void throttleHalvesAndRecovers();
    void retryAfterBlocksEvenUnlimited();
};

void TestTokenBucket::unlimitedNeverWaits()
{
    TokenBucket bucket;
    QVERIFY(bucket.isUnlimited());
    for (int i = 0; i < 1000; ++i) {
        QCOMPARE(bucket.delayMs(0), 0);
        bucket.take(0);
    }
}

void TestTokenBucket::burstThenRate()
{
    TokenBucket bucket(5, 2); // quay's tags zone
    qint64 now = 1000;
    QCOMPARE(bucket.delayMs(now), 0);
    bucket.take(now);
    QCOMPARE(bucket.delayMs(now), 0);
    bucket.take(now);
    // Burst spent: the next token comes 1/5 s later.
    QCOMPARE(bucket.delayMs(now), 200);
    now += 200;
    QCOMPARE(bucket.delayMs(now), 0);
}

void TestTokenBucket::neverExceedsRateOverAnyWindow()
{
    // Greedy client: takes a token the moment one is available, for 20 simulated seconds.
    const double rate = 5;
    const int burst = 2;
    TokenBucket bucket(rate, burst);
    std::vector<qint64> sent;
    for (qint64 now = 0; now < 20000;) {
        const qint64 wait = bucket.delayMs(now);
        if (wait > 0) {
            now += wait;
            continue;
        }
        bucket.take(now);
        sent.push_back(now);
    }
    // In any window of w ms at most burst + rate*w/1000 requests: what nginx limit_req allows
    // (it lets burst + 1 through at once, so this stays one request under it).
    for (std::size_t i = 0; i < sent.size(); ++i)
        for (std::size_t j = i; j < sent.size(); ++j) {
            const double window = static_cast<double>(sent[j] - sent[i]);
            QVERIFY(static_cast<double>(j - i + 1) <= burst + rate * window / 1000.0 + 1e-9);
        }
    // And it does use the budget: within 2% of rate × time + burst.
    QVERIFY(sent.size() >= static_cast<std::size_t>(0.98 * (rate * 20 + burst)));
}

void TestTokenBucket::throttleHalvesAndRecovers()
{
    TokenBucket bucket(10, 5);
    bucket.onThrottled(0, 1000);
    QCOMPARE(bucket.effectiveRate(), 5.0);
    QVERIFY(bucket.delayMs(0) >= 1000); // Retry-After honoured
    for (int i = 0; i < 10; ++i)
        bucket.onSuccess();
    QCOMPARE(bucket.effectiveRate(), 10.0); // back, but never above the configured rate
    bucket.onSuccess();
    QCOMPARE(bucket.effectiveRate(), 10.0);
    for (int i = 0; i < 20; ++i)
        bucket.onThrottled(0, 0);
    QVERIFY(bucket.effectiveRate() >= 0.2);
}

void TestTokenBucket::retryAfterBlocksEvenUnlimited()
{
    TokenBucket bucket;
    bucket.onThrottled(100, 2000);
    QCOMPARE(bucket.delayMs(100), 2000);
    QCOMPARE(bucket.delayMs(2100), 0);
}

QTEST_APPLESS_MAIN(TestTokenBucket)
#include "tst_tokenbucket.moc"
