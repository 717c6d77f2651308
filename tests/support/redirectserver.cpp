#include "redirectserver.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QThread>

#include <csignal>
#include <unistd.h>

namespace quayside::test {
namespace {

bool answers(int port)
{
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), static_cast<quint16>(port));
    return socket.waitForConnected(200);
}

} // namespace

RedirectServer::~RedirectServer()
{
    if (m_nginx.state() != QProcess::NotRunning) {
        m_nginx.terminate();
        if (!m_nginx.waitForFinished(5000))
            m_nginx.kill();
        m_nginx.waitForFinished(2000);
    }
}

std::unique_ptr<RedirectServer> RedirectServer::start(int port, const QUrl &target, const QString &prefix,
                                                      QString *error)
{
    std::unique_ptr<RedirectServer> server(new RedirectServer);
    const QString dir = server->m_dir.path();
    for (const char *sub : {"body", "proxy", "fastcgi", "uwsgi", "scgi"})
        QDir().mkpath(dir + QStringLiteral("/tmp/") + QLatin1String(sub));
    const QString base = target.toString(QUrl::StripTrailingSlash);
    const QString config =
        QStringLiteral("%1\nworker_processes 1;\ndaemon off;\npid %2/nginx.pid;\n"
                       "error_log %2/error.log warn;\nevents { worker_connections 64; }\n"
                       "http {\n  access_log %2/access.log;\n"
                       "  client_body_temp_path %2/tmp/body; proxy_temp_path %2/tmp/proxy;\n"
                       "  fastcgi_temp_path %2/tmp/fastcgi; uwsgi_temp_path %2/tmp/uwsgi; scgi_temp_path %2/tmp/scgi;\n"
                       "  server {\n    listen 127.0.0.1:%3;\n"
                       "    location = /v2/ { return 302 %4/v2/; }\n"
                       "    location ~ ^/v2/(.+)$ { return 302 %4/v2/%5$1$is_args$args; }\n"
                       "    location / { return 302 %4/organization/%6/; }\n  }\n}\n")
            .arg(geteuid() == 0 ? QStringLiteral("user root;") : QString(), dir)
            .arg(port)
            .arg(base, prefix, prefix.section(u'/', 0, 0));
    QFile file(dir + QStringLiteral("/nginx.conf"));
    if (!file.open(QIODevice::WriteOnly) || file.write(config.toUtf8()) < 0) {
        *error = QStringLiteral("cannot write %1").arg(file.fileName());
        return nullptr;
    }
    file.close();
    const QString nginx = QFile::exists(QStringLiteral("/usr/sbin/nginx")) ? QStringLiteral("/usr/sbin/nginx")
                                                                          : QStringLiteral("nginx");
    server->m_nginx.setProcessChannelMode(QProcess::MergedChannels);
    server->m_nginx.start(nginx, {QStringLiteral("-c"), file.fileName(), QStringLiteral("-p"), dir});
    if (!server->m_nginx.waitForStarted(5000)) {
        *error = QStringLiteral("nginx did not start: %1").arg(server->m_nginx.errorString());
        return nullptr;
    }
    const QDeadlineTimer deadline(10000);
    while (!answers(port)) {
        if (server->m_nginx.state() == QProcess::NotRunning || deadline.hasExpired()) {
            *error = QStringLiteral("nginx did not answer on %1: %2")
                         .arg(port)
                         .arg(QString::fromUtf8(server->m_nginx.readAll()));
            return nullptr;
        }
        QThread::msleep(50);
    }
    server->m_url = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
    return server;
}

bool stopSandboxService(const QString &stateDir, const QString &service, QString *error)
{
    QFile pidFile(stateDir + QStringLiteral("/run/") + service + QStringLiteral(".pid"));
    if (!pidFile.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("no PID recorded for %1 in %2").arg(service, stateDir);
        return false;
    }
    const QByteArray text = pidFile.readAll().trimmed();
    // The sandbox records either a bare PID or JSON with one.
    qint64 pid = text.toLongLong();
    if (pid <= 0)
        pid = QJsonDocument::fromJson(text).object().value(QLatin1String("pid")).toInteger();
    if (pid <= 0 || ::kill(static_cast<pid_t>(pid), SIGTERM) != 0) {
        *error = QStringLiteral("cannot stop %1 (pid %2)").arg(service).arg(pid);
        return false;
    }
    const QDeadlineTimer deadline(10000);
    while (::kill(static_cast<pid_t>(pid), 0) == 0 && !deadline.hasExpired())
        QThread::msleep(50);
    return true;
}

} // namespace quayside::test
