#include "testsandbox.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>

namespace quayside::test {
namespace {

QJsonObject readJson(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return {};
    }
    return QJsonDocument::fromJson(file.readAll()).object();
}

} // namespace

int runSandboxCtl(const QStringList &arguments, QByteArray *out, QByteArray *err, int timeoutMs)
{
    const QString script = qEnvironmentVariable("QUAYSIDE_SANDBOXCTL");
    QProcess process;
    process.start(QStringLiteral("python3"), QStringList{script} + arguments);
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        if (err)
            *err = "sandboxctl.py timed out: " + process.readAllStandardError();
        return -1;
    }
    if (out)
        *out = process.readAllStandardOutput();
    if (err)
        *err = process.readAllStandardError();
    return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
}

TestSandbox::TestSandbox(QString state, QJsonObject endpoints, bool owned)
    : m_state(std::move(state))
    , m_endpoints(std::move(endpoints))
    , m_owned(owned)
{
}

TestSandbox::~TestSandbox()
{
    if (m_owned)
        runSandboxCtl({QStringLiteral("down"), QStringLiteral("--purge"),
                       QStringLiteral("--state"), m_state},
                      nullptr, nullptr, 30000);
}

std::unique_ptr<TestSandbox> TestSandbox::shared(QString *error)
{
    const QString state = qEnvironmentVariable("QUAYSIDE_TEST_SANDBOX");
    if (state.isEmpty()) {
        *error = QStringLiteral("QUAYSIDE_TEST_SANDBOX is not set: run this test through ctest, "
                                "which starts the shared sandbox fixture");
        return nullptr;
    }
    const QJsonObject endpoints = readJson(state + QStringLiteral("/endpoints.json"), error);
    if (endpoints.isEmpty()) {
        *error = QStringLiteral("the shared sandbox is not running (%1)").arg(*error);
        return nullptr;
    }
    return std::unique_ptr<TestSandbox>(new TestSandbox(state, endpoints, false));
}

std::unique_ptr<TestSandbox> TestSandbox::start(const QStringList &only, bool seed, QString *error)
{
    // On a tmpfs if there is one (registries fsync every write), else /tmp: short paths suit
    // nginx better than the build tree.
    const QString base = QFileInfo(QStringLiteral("/dev/shm")).isWritable() ? QStringLiteral("/dev/shm")
                                                                          : QDir::tempPath();
    QTemporaryDir dir(base + QStringLiteral("/quayside-test-XXXXXX"));
    dir.setAutoRemove(false);
    QStringList arguments{QStringLiteral("up"), QStringLiteral("--ports"), QStringLiteral("auto"),
                          QStringLiteral("--state"), dir.path(), QStringLiteral("--only"),
                          only.join(u',')};
    if (!seed)
        arguments << QStringLiteral("--no-seed");
    QByteArray out;
    QByteArray err;
    const int code = runSandboxCtl(arguments, &out, &err, 180000);
    if (code != 0) {
        *error = QStringLiteral("sandboxctl.py up failed (%1): %2")
                     .arg(code)
                     .arg(QString::fromUtf8(err));
        runSandboxCtl({QStringLiteral("down"), QStringLiteral("--purge"),
                       QStringLiteral("--state"), dir.path()},
                      nullptr, nullptr, 30000);
        return nullptr;
    }
    const QJsonObject endpoints = readJson(dir.path() + QStringLiteral("/endpoints.json"), error);
    return std::unique_ptr<TestSandbox>(new TestSandbox(dir.path(), endpoints, true));
}

QUrl TestSandbox::url(const QString &server) const
{
    return QUrl(m_endpoints.value(server).toString());
}

QString TestSandbox::profilePath() const
{
    return m_endpoints.value(QLatin1String("profile")).toString();
}

QJsonObject TestSandbox::drift() const
{
    QString error;
    return readJson(m_endpoints.value(QLatin1String("drift")).toString(), &error);
}

QString TestSandbox::username(const QString &server) const
{
    return m_endpoints.value(QLatin1String("credentials"))
        .toObject()
        .value(server)
        .toObject()
        .value(QLatin1String("username"))
        .toString();
}

QString TestSandbox::password(const QString &server) const
{
    return m_endpoints.value(QLatin1String("credentials"))
        .toObject()
        .value(server)
        .toObject()
        .value(QLatin1String("password"))
        .toString();
}

QStringList TestSandbox::credentialEnvironment() const
{
    QStringList lines;
    QFile file(m_state + QStringLiteral("/credentials.env"));
    if (!file.open(QIODevice::ReadOnly))
        return lines;
    for (QByteArray line : file.readAll().split('\n')) {
        line = line.trimmed();
        if (line.startsWith("export "))
            line = line.mid(7);
        if (line.startsWith("QUAYSIDE_CREDENTIALS_")) {
            QString text = QString::fromUtf8(line);
            // Values may be quoted for the shell.
            const qsizetype eq = text.indexOf(u'=');
            QString value = text.mid(eq + 1);
            if (value.size() >= 2 && (value.startsWith(u'\'') || value.startsWith(u'"')))
                value = value.mid(1, value.size() - 2);
            lines << text.left(eq + 1) + value;
        }
    }
    return lines;
}

} // namespace quayside::test
