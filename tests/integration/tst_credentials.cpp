// Credentials against a real Secret Service (gnome-keyring in a private D-Bus session, see
// tests/support/with-keyring.sh): written, read back, removed, and never anywhere else.
#include "inventory/profileloader.h"
#include "support/application.h"
#include "support/credentials.h"

#include <QDirIterator>
#include <QSignalSpy>
#include <QTest>

using namespace quayside;

class TestCredentials final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void environmentNames_data();
    void environmentNames();
    void environmentWinsOverKeychain();
    void roundTripThroughTheKeychain();
    void anonymousWithoutUsername();

private:
    RegistryConfig registry(const QString &id, const QString &username) const;
    CredentialResult readNow(CredentialStore &store, const RegistryConfig &r);
};

void TestCredentials::initTestCase()
{
    identifyApplication();
    QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"),
             "run through tests/support/with-keyring.sh (ctest does)");
}

RegistryConfig TestCredentials::registry(const QString &id, const QString &username) const
{
    RegistryConfig r;
    r.id = id;
    r.url = QUrl(QStringLiteral("https://quay.io"));
    r.prefix = QStringLiteral("fedora/");
    r.kind = RegistryKind::Quay;
    r.username = username;
    return r;
}

CredentialResult TestCredentials::readNow(CredentialStore &store, const RegistryConfig &r)
{
    std::optional<CredentialResult> result;
    store.read(r, [&result](const CredentialResult &value) { result = value; });
    // The callback never runs synchronously: the GUI thread must not wait for D-Bus.
    if (result)
        return {std::nullopt, QStringLiteral("callback ran synchronously"), {}};
    if (!QTest::qWaitFor([&result] { return result.has_value(); }, 10000))
        return {std::nullopt, QStringLiteral("no answer from the keychain in 10 s"), {}};
    return *result;
}

void TestCredentials::environmentNames_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("variable");
    QTest::newRow("plain") << "quay" << "QUAYSIDE_CREDENTIALS_QUAY";
    QTest::newRow("dash") << "quay-candidate" << "QUAYSIDE_CREDENTIALS_QUAY_CANDIDATE";
    QTest::newRow("dots") << "reg.stg" << "QUAYSIDE_CREDENTIALS_REG_STG";
}

void TestCredentials::environmentNames()
{
    QFETCH(QString, id);
    QFETCH(QString, variable);
    QCOMPARE(CredentialStore::environmentVariable(id), variable);
}

void TestCredentials::environmentWinsOverKeychain()
{
    CredentialStore store;
    const RegistryConfig r = registry(QStringLiteral("ci-quay"), QStringLiteral("fedora+robot"));
    qputenv("QUAYSIDE_CREDENTIALS_CI_QUAY", "fedora+ci:from:env");
    const CredentialResult result = readNow(store, r);
    qunsetenv("QUAYSIDE_CREDENTIALS_CI_QUAY");
    QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
    QVERIFY(result.credential);
    QCOMPARE(result.credential->username, QStringLiteral("fedora+ci"));
    // Only the first colon separates: secrets may contain colons.
    QCOMPARE(result.credential->secret, QStringLiteral("from:env"));
    QCOMPARE(result.source, QStringLiteral("environment"));
}

void TestCredentials::roundTripThroughTheKeychain()
{
    CredentialStore store;
    const RegistryConfig r = registry(QStringLiteral("quay"), QStringLiteral("fedora+releng"));
    const QString secret = QStringLiteral("robot-token-%1").arg(QDateTime::currentMSecsSinceEpoch());

    // Nothing stored yet: anonymous, and not an error.
    const CredentialResult before = readNow(store, r);
    QVERIFY2(before.error.isEmpty(), qPrintable(before.error));
    QVERIFY(!before.credential);

    std::optional<QString> written;
    store.write(r, r.username, secret, [&written](const QString &error) { written = error; });
    QTRY_VERIFY_WITH_TIMEOUT(written.has_value(), 10000);
    QVERIFY2(written->isEmpty(), qPrintable(*written));

    const CredentialResult after = readNow(store, r);
    QVERIFY2(after.error.isEmpty(), qPrintable(after.error));
    QVERIFY(after.credential);
    QCOMPARE(after.credential->username, QStringLiteral("fedora+releng"));
    QCOMPARE(after.credential->secret, secret);
    QCOMPARE(after.source, QStringLiteral("keychain"));
    QCOMPARE(CredentialStore::keychainKey(r, r.username), QStringLiteral("quay.io/fedora+releng"));

    // The secret is in the keyring's encrypted store only: no plain-text copy in HOME.
    QDirIterator it(qEnvironmentVariable("HOME"), QDir::Files | QDir::Hidden,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile file(it.next());
        if (file.size() < 1024 * 1024 && file.open(QIODevice::ReadOnly))
            QVERIFY2(!file.readAll().contains(secret.toUtf8()), qPrintable(file.fileName()));
    }

    std::optional<QString> removed;
    store.remove(r, r.username, [&removed](const QString &error) { removed = error; });
    QTRY_VERIFY_WITH_TIMEOUT(removed.has_value(), 10000);
    QVERIFY2(removed->isEmpty(), qPrintable(*removed));
    QVERIFY(!readNow(store, r).credential);
}

void TestCredentials::anonymousWithoutUsername()
{
    CredentialStore store;
    const CredentialResult result = readNow(store, registry(QStringLiteral("anon"), QString()));
    QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
    QVERIFY(!result.credential);
}

QTEST_GUILESS_MAIN(TestCredentials)
#include "tst_credentials.moc"
