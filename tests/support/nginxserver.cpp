#include "nginxserver.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

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

int freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

NginxServer::~NginxServer()
{
    if (m_nginx.state() != QProcess::NotRunning) {
        m_nginx.terminate();
        if (!m_nginx.waitForFinished(5000))
            m_nginx.kill();
        m_nginx.waitForFinished(2000);
    }
}

std::unique_ptr<NginxServer> NginxServer::start(const QString &serverBlocks, int port, QString *error)
{
    std::unique_ptr<NginxServer> server(new NginxServer);
    const QString dir = server->m_dir.path();
    for (const char *sub : {"body", "proxy", "fastcgi", "uwsgi", "scgi"})
        QDir().mkpath(dir + QStringLiteral("/tmp/") + QLatin1String(sub));
    // As root the workers would drop to "nobody" and lose access to the private prefix.
    const QString config =
        QStringLiteral("%1\nworker_processes 1;\ndaemon off;\npid %2/nginx.pid;\n"
                       "error_log %2/error.log warn;\nevents { worker_connections 64; }\n"
                       "http {\n  access_log %2/access.log;\n"
                       "  client_body_temp_path %2/tmp/body; proxy_temp_path %2/tmp/proxy;\n"
                       "  fastcgi_temp_path %2/tmp/fastcgi; uwsgi_temp_path %2/tmp/uwsgi; scgi_temp_path %2/tmp/scgi;\n"
                       "%3\n}\n")
            .arg(geteuid() == 0 ? QStringLiteral("user root;") : QString(), dir, serverBlocks);
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
    return server;
}

} // namespace quayside::test
