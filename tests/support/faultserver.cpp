#include "faultserver.h"

#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTest>

namespace quayside::test {

FaultServer::~FaultServer()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->kill();
        m_process->waitForFinished(5000);
    }
}

std::unique_ptr<FaultServer> FaultServer::start(const QString &host, const QUrl &peer,
                                                QString *error)
{
    const QString script = QFileInfo(qEnvironmentVariable("QUAYSIDE_SANDBOXCTL")).absolutePath() +
                           QStringLiteral("/../faults/faultserver.py");
    std::unique_ptr<FaultServer> server(new FaultServer);
    server->m_process = std::make_unique<QProcess>();
    QStringList arguments{QDir::cleanPath(script), QStringLiteral("--host"), host};
    if (peer.isValid())
        arguments << QStringLiteral("--peer-url") << peer.toString();
    server->m_process->start(QStringLiteral("python3"), arguments);
    if (!server->m_process->waitForReadyRead(10000)) {
        *error = QStringLiteral("the fault server did not start: %1")
                     .arg(QString::fromUtf8(server->m_process->readAllStandardError()));
        return nullptr;
    }
    const QJsonObject hello =
        QJsonDocument::fromJson(server->m_process->readLine()).object();
    server->m_url = QUrl(hello.value(QLatin1String("url")).toString());
    if (!server->m_url.isValid()) {
        *error = QStringLiteral("the fault server said nothing usable");
        return nullptr;
    }
    return server;
}

QJsonArray FaultServer::requests() const
{
    QNetworkAccessManager network;
    QUrl url = m_url;
    url.setPath(QStringLiteral("/_log"));
    QNetworkReply *reply = network.get(QNetworkRequest(url));
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const QJsonArray log = QJsonDocument::fromJson(reply->readAll()).array();
    reply->deleteLater();
    return log;
}

} // namespace quayside::test
