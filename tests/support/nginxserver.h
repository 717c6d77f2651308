#pragma once

#include <QProcess>
#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace quayside::test {

// A real nginx in a private prefix, running the server blocks given (their "listen" lines
// included), started in the foreground and stopped with the object. start() returns once the
// port answers.
class NginxServer final
{
public:
    ~NginxServer();
    NginxServer(const NginxServer &) = delete;
    NginxServer &operator=(const NginxServer &) = delete;

    static std::unique_ptr<NginxServer> start(const QString &serverBlocks, int port, QString *error);
    QString dir() const { return m_dir.path(); }

private:
    NginxServer() = default;
    QTemporaryDir m_dir;
    QProcess m_nginx;
};

// A free loopback TCP port, for a server the test starts next.
int freePort();

} // namespace quayside::test
