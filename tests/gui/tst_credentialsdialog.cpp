// The credentials dialog against a real keychain and the sandbox's htpasswd registry: save,
// test (accepted, then refused with a wrong secret), forget.
#include "credentialsdialog.h"
#include "inventory/profileloader.h"
#include "support/application.h"
#include "support/credentials.h"
#include "testsandbox.h"

#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QTest>
#include <QTimer>

using namespace quayside;

class TestCredentialsDialog final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void saveTestForget();

private:
    std::unique_ptr<test::TestSandbox> m_sandbox;
    Profile m_profile;
};

void TestCredentialsDialog::initTestCase()
{
    QString error;
    m_sandbox = test::TestSandbox::shared(&error);
    QVERIFY2(m_sandbox, qPrintable(error));
    QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"), "needs with-keyring.sh");
    qunsetenv("QUAYSIDE_CREDENTIALS_CANDIDATE");
    identifyApplication();
    const ProfileLoad load = ProfileLoader::fromFile(m_sandbox->profilePath());
    QVERIFY(load.ok());
    m_profile = *load.profile;
}

void TestCredentialsDialog::saveTestForget()
{
    CredentialsDialog dialog(m_profile);
    dialog.selectRegistry(QStringLiteral("candidate"));
    dialog.show();
    auto *status = dialog.findChild<QLabel *>(QStringLiteral("credentialStatus"));
    auto *secret = dialog.findChild<QLineEdit *>(QStringLiteral("secretEdit"));
    auto *save = dialog.findChild<QPushButton *>(QStringLiteral("saveButton"));
    auto *testButton = dialog.findChild<QPushButton *>(QStringLiteral("testButton"));
    auto *forget = dialog.findChild<QPushButton *>(QStringLiteral("forgetButton"));
    QTRY_COMPARE_WITH_TIMEOUT(status->text(), QStringLiteral("No secret stored yet."), 10000);
    QCOMPARE(secret->echoMode(), QLineEdit::Password);

    // A wrong secret typed in, tested before saving: refused, clearly.
    QTest::keyClicks(secret, QStringLiteral("wrong"));
    testButton->click();
    QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QStringLiteral("refused")), 20000);

    secret->clear();
    QTest::keyClicks(secret, m_sandbox->password(QStringLiteral("candidate")));
    save->click();
    QTRY_COMPARE_WITH_TIMEOUT(status->text(), QStringLiteral("Saved in the keychain."), 10000);
    QVERIFY(secret->text().isEmpty()); // the secret does not linger in the widget

    testButton->click(); // with nothing typed: tests what the keychain holds
    QTRY_COMPARE_WITH_TIMEOUT(status->text(), QStringLiteral("The registry accepted these credentials."), 20000);
    // For people reviewing the UI: QUAYSIDE_SCREENSHOTS=DIR keeps a picture of the dialog.
    if (const QString dir = qEnvironmentVariable("QUAYSIDE_SCREENSHOTS"); !dir.isEmpty())
        QVERIFY(dialog.grab().save(dir + QStringLiteral("/credentials-dialog.png")));

    QTimer::singleShot(0, this, [] {
        if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget()))
            box->button(QMessageBox::Yes)->click();
    });
    forget->click();
    QTRY_COMPARE_WITH_TIMEOUT(status->text(), QStringLiteral("Removed from the keychain."), 10000);

    // The keychain really is empty again.
    CredentialStore store;
    std::optional<CredentialResult> after;
    store.read(*m_profile.registry(QStringLiteral("candidate")), [&after](const CredentialResult &r) { after = r; });
    QTRY_VERIFY_WITH_TIMEOUT(after.has_value(), 10000);
    QVERIFY(!after->credential);
}

QTEST_MAIN(TestCredentialsDialog)
#include "tst_credentialsdialog.moc"
