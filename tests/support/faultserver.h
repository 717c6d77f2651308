#pragma once

#include <QJsonArray>
#include <QProcess>
#include <QString>
#include <QUrl>

#include <memory>

namespace quayside::test {

// tests/support/faults/faultserver.py, started for one test and stopped with the object.
class FaultServer final
{
public:
    ~FaultServer();
    static std::unique_ptr<FaultServer> start(const QString &host, const QUrl &peer,
                                              QString *error);

    QUrl url() const { return m_url; }
    bool isRunning() const { return m_process->state() == QProcess::Running; }
    // Every request it saw: [{method, path, host, authorization, accept}].
    QJsonArray requests() const;

private:
    FaultServer() = default;
    std::unique_ptr<QProcess> m_process;
    QUrl m_url;
};

} // namespace quayside::test
