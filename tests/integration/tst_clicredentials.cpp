// Registry secrets end to end through a real Secret Service: stored with `quayside-cli
// credentials set` (from stdin), used by a scan of the htpasswd registry, forgotten again; never
// on a command line, never in the output.
#include "testsandbox.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class TestCliCredentials final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void storeUseForget();

private:
    struct Run {
        int code = -1;
        QByteArray out;
        QByteArray err;
    };
    Run cli(const QStringList &arguments, const QByteArray &stdinData = {});

    std::unique_ptr<quayside::test::TestSandbox> m_sandbox;
    QTemporaryDir m_cache;
};

void TestCliCredentials::initTestCase()
{
    QString error;
    m_sandbox = quayside::test::TestSandbox::shared(&error);
    QVERIFY2(m_sandbox, qPrintable(error));
    QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"), "needs with-keyring.sh");
}

TestCliCredentials::Run TestCliCredentials::cli(const QStringList &arguments, const QByteArray &stdinData)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_CACHE_HOME"), m_cache.path());
    for (const QString &key : env.keys())
        if (key.startsWith(QLatin1String("QUAYSIDE_CREDENTIALS_")))
            env.remove(key);
    process.setProcessEnvironment(env);
    process.start(qEnvironmentVariable("QUAYSIDE_CLI"),
                  QStringList(arguments) << QStringLiteral("--profile") << m_sandbox->profilePath());
    process.write(stdinData);
    process.closeWriteChannel();
    if (!process.waitForFinished(120000))
        return {};
    return {process.exitCode(), process.readAllStandardOutput(), process.readAllStandardError()};
}

void TestCliCredentials::storeUseForget()
{
    const QByteArray secret = m_sandbox->password(QStringLiteral("candidate")).toUtf8();
    QVERIFY(!secret.isEmpty());

    Run before = cli({QStringLiteral("scan"), QStringLiteral("--registry"), QStringLiteral("candidate")});
    QCOMPARE(before.code, 3);
    QVERIFY2(before.out.contains("QUAYSIDE_CREDENTIALS_CANDIDATE") || before.err.contains("QUAYSIDE_CREDENTIALS_CANDIDATE"),
             before.out.constData());

    Run set = cli({QStringLiteral("credentials"), QStringLiteral("set"), QStringLiteral("candidate")}, secret + '\n');
    QVERIFY2(set.code == 0, set.err.constData());
    QVERIFY(set.out.contains("Stored the secret of releng"));
    QVERIFY(!set.out.contains(secret) && !set.err.contains(secret));

    Run status = cli({QStringLiteral("credentials"), QStringLiteral("status")});
    QCOMPARE(status.code, 0);
    QVERIFY2(status.out.contains("keychain"), status.out.constData());
    QVERIFY(!status.out.contains(secret));

    Run scan = cli({QStringLiteral("scan"), QStringLiteral("--registry"), QStringLiteral("candidate")});
    QVERIFY2(scan.code == 0, scan.out.constData());
    QVERIFY(!scan.out.contains(secret) && !scan.err.contains(secret));

    Run forget = cli({QStringLiteral("credentials"), QStringLiteral("forget"), QStringLiteral("candidate")});
    QCOMPARE(forget.code, 0);
    Run after = cli({QStringLiteral("scan"), QStringLiteral("--registry"), QStringLiteral("candidate")});
    QCOMPARE(after.code, 3);

    Run noUser = cli({QStringLiteral("credentials"), QStringLiteral("set"), QStringLiteral("registry")}, "x\n");
    QCOMPARE(noUser.code, 2);
    QVERIFY(noUser.err.contains("no \"username\""));
}

QTEST_GUILESS_MAIN(TestCliCredentials)
#include "tst_clicredentials.moc"
