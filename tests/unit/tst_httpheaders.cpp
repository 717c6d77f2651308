#include "registry/httpheaders.h"

#include <QTest>
#include <QTimeZone>

using namespace quayside;

class TestHttpHeaders final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void wwwAuthenticate_data();
    void wwwAuthenticate();
    void severalChallenges();
    void link_data();
    void link();
    void retryAfter_data();
    void retryAfter();
};

void TestHttpHeaders::wwwAuthenticate_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QString>("scheme");
    QTest::addColumn<QString>("realm");
    QTest::addColumn<QString>("service");
    QTest::addColumn<QString>("scope");

    QTest::newRow("quay.io")
        << QByteArray(R"(Bearer realm="https://quay.io/v2/auth",service="quay.io",scope="repository:fedora/fedora:pull")")
        << "bearer" << "https://quay.io/v2/auth" << "quay.io" << "repository:fedora/fedora:pull";
    QTest::newRow("comma in scope")
        << QByteArray(R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push")")
        << "bearer" << "https://auth.docker.io/token" << "registry.docker.io"
        << "repository:samalba/my-app:pull,push";
    QTest::newRow("spaces and case")
        << QByteArray(R"(  bearer   Realm = "https://r/t" ,  SERVICE=r   )") << "bearer" << "https://r/t"
        << "r" << "";
    QTest::newRow("unquoted") << QByteArray("Bearer realm=https://r/token,service=r") << "bearer"
                              << "https://r/token" << "r" << "";
    QTest::newRow("escaped quote")
        << QByteArray(R"(Bearer realm="https://r/t\"x",service="s")") << "bearer"
        << "https://r/t\"x" << "s" << "";
    QTest::newRow("basic") << QByteArray(R"(Basic realm="basic-realm")") << "basic"
                           << "basic-realm" << "" << "";
    QTest::newRow("unterminated quote")
        << QByteArray(R"(Bearer realm="https://r/t)") << "bearer" << "https://r/t" << "" << "";
}

void TestHttpHeaders::wwwAuthenticate()
{
    QFETCH(QByteArray, header);
    QFETCH(QString, scheme);
    QFETCH(QString, realm);
    QFETCH(QString, service);
    QFETCH(QString, scope);
    const auto challenges = http::parseWwwAuthenticate(header);
    QCOMPARE(challenges.size(), std::size_t(1));
    QCOMPARE(challenges[0].scheme, scheme);
    QCOMPARE(challenges[0].param(QStringLiteral("realm")), realm);
    QCOMPARE(challenges[0].param(QStringLiteral("service")), service);
    QCOMPARE(challenges[0].param(QStringLiteral("scope")), scope);
}

void TestHttpHeaders::severalChallenges()
{
    // Qt joins repeated headers with ", ": the parser must split them again.
    const auto c = http::parseWwwAuthenticate(
        R"(Basic realm="r1", Bearer realm="https://a/t",service="a",scope="repository:x:pull,push", Negotiate, Foo abc==)");
    QCOMPARE(c.size(), std::size_t(4));
    QCOMPARE(c[0].scheme, QStringLiteral("basic"));
    QCOMPARE(c[1].scheme, QStringLiteral("bearer"));
    QCOMPARE(c[1].param(QStringLiteral("scope")), QStringLiteral("repository:x:pull,push"));
    QCOMPARE(c[2].scheme, QStringLiteral("negotiate"));
    QCOMPARE(c[3].scheme, QStringLiteral("foo"));
    QCOMPARE(c[3].token68, QStringLiteral("abc=="));
    QVERIFY(http::parseWwwAuthenticate("").empty());
    QVERIFY(http::parseWwwAuthenticate(",,, ,").empty());
}

void TestHttpHeaders::link_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QString>("next");
    const QString base = QStringLiteral("http://127.0.0.1:5000/v2/_catalog?n=1000");

    QTest::newRow("distribution relative")
        << QByteArray(R"(</v2/_catalog?last=f39%2Fflatpak-runtime&n=1>; rel="next")")
        << "http://127.0.0.1:5000/v2/_catalog?last=f39%2Fflatpak-runtime&n=1";
    QTest::newRow("quay absolute")
        << QByteArray(R"(<https://quay.io/v2/fedora/fedora/tags/list?n=100&last=40>; rel="next")")
        << "https://quay.io/v2/fedora/fedora/tags/list?n=100&last=40";
    QTest::newRow("prev and next")
        << QByteArray(R"(</a?p=1>; rel="prev", </a?p=3>; rel="next")")
        << "http://127.0.0.1:5000/a?p=3";
    QTest::newRow("rel list unquoted") << QByteArray("</b>; rel=\"last next\"; title=x")
                                       << "http://127.0.0.1:5000/b";
    QTest::newRow("no next") << QByteArray(R"(</a>; rel="prev")") << "";
    QTest::newRow("garbage") << QByteArray("rel=next, <<<") << "";
    QTest::newRow("unterminated") << QByteArray("</v2/x; rel=\"next\"") << "";
    QTest::newRow("javascript scheme") << QByteArray(R"(<javascript:alert(1)>; rel="next")") << "";
    Q_UNUSED(base);
}

void TestHttpHeaders::link()
{
    QFETCH(QByteArray, header);
    QFETCH(QString, next);
    const auto url =
        http::nextLink(header, QUrl(QStringLiteral("http://127.0.0.1:5000/v2/_catalog?n=1000")));
    if (next.isEmpty()) {
        QVERIFY(!url);
        return;
    }
    QVERIFY(url);
    QCOMPARE(url->toString(QUrl::FullyEncoded), next);
}

void TestHttpHeaders::retryAfter_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<qint64>("expectedMs");
    QTest::newRow("seconds") << QByteArray("3") << qint64(3000);
    QTest::newRow("zero") << QByteArray("0") << qint64(0);
    QTest::newRow("date") << QByteArray("Thu, 03 Dec 2026 12:00:05 GMT") << qint64(5000);
    QTest::newRow("past date") << QByteArray("Thu, 03 Dec 2026 11:00:00 GMT") << qint64(0);
    QTest::newRow("capped") << QByteArray("99999999") << qint64(24 * 3600 * 1000);
    QTest::newRow("negative") << QByteArray("-5") << qint64(-1);
    QTest::newRow("garbage") << QByteArray("soon") << qint64(-1);
    QTest::newRow("empty") << QByteArray() << qint64(-1);
}

void TestHttpHeaders::retryAfter()
{
    QFETCH(QByteArray, value);
    QFETCH(qint64, expectedMs);
    const QDateTime now(QDate(2026, 12, 3), QTime(12, 0, 0), QTimeZone::utc());
    const auto parsed = http::parseRetryAfter(value, now);
    if (expectedMs < 0) {
        QVERIFY(!parsed);
        return;
    }
    QVERIFY(parsed);
    QCOMPARE(parsed->count(), expectedMs);
}

QTEST_APPLESS_MAIN(TestHttpHeaders)
#include "tst_httpheaders.moc"
