#include "support/redact.h"

#include <QTest>

using namespace quayside;

class TestRedact final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void text_data();
    void text();
    void headerValue();
    void url();
};

void TestRedact::text_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("secret");

    QTest::newRow("bearer header") << QStringLiteral("Authorization: Bearer eyJhbGciOi.x.y")
                                   << QStringLiteral("eyJhbGciOi.x.y");
    QTest::newRow("basic header lower")
        << QStringLiteral("authorization: basic cmVsZW5nOmh1bnRlcjI=")
        << QStringLiteral("cmVsZW5nOmh1bnRlcjI=");
    QTest::newRow("token json") << QStringLiteral(R"({"token": "s3cr3t-token", "expires_in": 3600})")
                                << QStringLiteral("s3cr3t-token");
    QTest::newRow("access token json")
        << QStringLiteral(R"({"access_token":"abc.def.ghi"})") << QStringLiteral("abc.def.ghi");
    QTest::newRow("password json") << QStringLiteral(R"({"password" : "hunter2"})")
                                   << QStringLiteral("hunter2");
    QTest::newRow("query token") << QStringLiteral("GET https://h/v2/auth?service=x&token=zzz9")
                                 << QStringLiteral("zzz9");
    QTest::newRow("userinfo") << QStringLiteral("docker://releng:hunter2@registry.example/fedora")
                              << QStringLiteral("hunter2");
}

void TestRedact::text()
{
    QFETCH(QString, input);
    QFETCH(QString, secret);
    const QString out = redact::text(input);
    QVERIFY2(!out.contains(secret), qPrintable(out));
    QVERIFY2(out.contains(QLatin1String(redact::kMask)), qPrintable(out));
}

void TestRedact::headerValue()
{
    QCOMPARE(redact::headerValue("Authorization", "Bearer abc"), QByteArray("Bearer ***"));
    QCOMPARE(redact::headerValue("authorization", "Basic abc"), QByteArray("Basic ***"));
    QCOMPARE(redact::headerValue("Cookie", "session=1"), QByteArray("***"));
    QCOMPARE(redact::headerValue("Accept", "application/json"), QByteArray("application/json"));
    QVERIFY(redact::isSensitiveHeader("PROXY-AUTHORIZATION"));
    QVERIFY(!redact::isSensitiveHeader("WWW-Authenticate"));
}

void TestRedact::url()
{
    const QString out = redact::url(
        QUrl(QStringLiteral("https://bob:pw@quay.io/v2/auth?service=quay.io&token=abc")));
    QVERIFY2(!out.contains(QStringLiteral("pw@")), qPrintable(out));
    QVERIFY2(!out.contains(QStringLiteral("token=abc")), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("service=quay.io")), qPrintable(out));
    QCOMPARE(redact::url(QUrl(QStringLiteral("https://quay.io/v2/"))),
             QStringLiteral("https://quay.io/v2/"));
}

QTEST_APPLESS_MAIN(TestRedact)
#include "tst_redact.moc"
