// quayside-cli as scripts see it: exit codes, help, JSON, and no display needed.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {
QStringList args(std::initializer_list<const char *> list)
{
    QStringList out;
    for (const char *a : list)
        out << QString::fromUtf8(a);
    return out;
}
} // namespace

class TestCli final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void exitCodes_data();
    void exitCodes();
    void profileShowJson();
    void profileCheckNamesLineAndKey();
    void profileSecretsAreRefusedAndNotEchoed();

private:
    struct Run {
        int code = -1;
        QString out;
        QString err;
    };
    Run run(const QStringList &arguments);
    QTemporaryDir m_home;
};

TestCli::Run TestCli::run(const QStringList &arguments)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // The CLI must run where no display exists (CI, cron, ssh).
    env.remove(QStringLiteral("DISPLAY"));
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    env.remove(QStringLiteral("QT_QPA_PLATFORM"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.path());
    process.setProcessEnvironment(env);
    process.start(qEnvironmentVariable("QUAYSIDE_CLI"), arguments);
    if (!process.waitForFinished(30000))
        return {};
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError())};
}

void TestCli::exitCodes_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("expectedText");

    QTest::newRow("no arguments") << QStringList() << 2 << "Usage: quayside-cli";
    QTest::newRow("help") << args({"--help"}) << 0 << "Commands:";
    QTest::newRow("version") << args({"--version"}) << 0 << "quayside-cli 0.";
    QTest::newRow("unknown command") << args({"frobnicate"}) << 2 << "unknown command";
    QTest::newRow("subcommand help") << args({"profile", "--help"}) << 0 << "--profile";
    QTest::newRow("unknown option") << args({"profile", "--bogus"}) << 2 << "bogus";
    QTest::newRow("unknown profile")
        << args({"profile", "show", "--profile", "nope"}) << 2 << "no profile file or name";
    QTest::newRow("bad format")
        << args({"profile", "show", "--profile", "fedora", "--format", "xml"}) << 2
        << "--format must be table or json";
    QTest::newRow("table") << args({"profile", "show", "--profile", "fedora-staging"}) << 0
                           << "registry.stg.fedoraproject.org";
    QTest::newRow("list") << args({"profile", "list"}) << 0 << "fedora-staging";
}

void TestCli::exitCodes()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, code);
    QFETCH(QString, expectedText);
    const Run r = run(arguments);
    QVERIFY2(r.code == code, qPrintable(QStringLiteral("exit %1, stderr: %2").arg(r.code).arg(r.err)));
    QVERIFY2(QString(r.out + r.err).contains(expectedText), qPrintable(r.out + r.err));
}

void TestCli::profileShowJson()
{
    const Run r = run({QStringLiteral("profile"), QStringLiteral("show"), QStringLiteral("--profile"),
                       QStringLiteral("fedora"), QStringLiteral("--format"), QStringLiteral("json")});
    QCOMPARE(r.code, 0);
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(r.out.toUtf8(), &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    const QJsonObject o = doc.object();
    QCOMPARE(o.value(QLatin1String("name")).toString(), QStringLiteral("Fedora production"));
    QCOMPARE(o.value(QLatin1String("registries")).toArray().size(), 4);
    QCOMPARE(o.value(QLatin1String("routes")).toArray().at(0).toObject().value(QLatin1String("kind")).toString(),
             QStringLiteral("migrate"));
}

void TestCli::profileCheckNamesLineAndKey()
{
    QTemporaryDir dir;
    const QString good = dir.filePath(QStringLiteral("good.json"));
    const QString bad = dir.filePath(QStringLiteral("bad.json"));
    QFile g(good);
    QVERIFY(g.open(QIODevice::WriteOnly));
    g.write(R"({"name": "g", "registries": [{"id": "r", "url": "https://r.example", "prefix": "", "kind": "distribution"}]})");
    g.close();
    QFile b(bad);
    QVERIFY(b.open(QIODevice::WriteOnly));
    b.write("{\n \"name\": \"b\",\n \"registries\": [{\"id\": \"r\", \"url\": \"https://r.example\",\n"
            "   \"prefix\": \"\", \"kind\": \"harbour\"}]\n}\n");
    b.close();
    const Run r = run({QStringLiteral("profile"), QStringLiteral("check"), good, bad});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.out.contains(QStringLiteral("good.json: ok")), qPrintable(r.out));
    QVERIFY2(r.err.contains(QStringLiteral("bad.json:4: registries[0].kind")), qPrintable(r.err));
}

void TestCli::profileSecretsAreRefusedAndNotEchoed()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("secret.json"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"name": "s", "registries": [{"id": "r", "url": "https://r.example", "prefix": "",
              "kind": "distribution", "username": "bob", "password": "hunter2-secret"}]})");
    f.close();
    const Run r = run({QStringLiteral("profile"), QStringLiteral("check"), path});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains(QStringLiteral("secrets do not belong in profiles")));
    QVERIFY(!QString(r.out + r.err).contains(QStringLiteral("hunter2-secret")));
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
