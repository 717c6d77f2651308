#include "redirectserver.h"

#include "nginxserver.h"
#include "testcertificates.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QThread>

#include <csignal>
#include <unistd.h>

namespace quayside::test {

RedirectServer::~RedirectServer() = default;

std::unique_ptr<RedirectServer> RedirectServer::start(int port, const QUrl &target, const QString &prefix,
                                                      QString *error, const TestCertificates *tls)
{
    std::unique_ptr<RedirectServer> server(new RedirectServer);
    const QString base = target.toString(QUrl::StripTrailingSlash);
    const QString listen =
        tls ? QStringLiteral("%1 ssl;\n    ssl_certificate %2;\n    ssl_certificate_key %3")
                  .arg(port)
                  .arg(tls->serverCert, tls->serverKey)
            : QString::number(port);
    const QString block = QStringLiteral("  server {\n    listen 127.0.0.1:%1;\n"
                                         "    location = /v2/ { return 302 %2/v2/; }\n"
                                         "    location ~ ^/v2/(.+)$ { return 302 %2/v2/%3$1$is_args$args; }\n"
                                         "    location / { return 302 %2/organization/%4/; }\n  }")
                              .arg(listen, base, prefix, prefix.section(u'/', 0, 0));
    server->m_nginx = NginxServer::start(block, port, error);
    if (!server->m_nginx)
        return nullptr;
    server->m_url = QUrl(QStringLiteral("%1://127.0.0.1:%2").arg(tls ? QStringLiteral("https") : QStringLiteral("http")).arg(port));
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
