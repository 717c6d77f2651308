#pragma once

#include <QString>
#include <QUrl>

#include <memory>

namespace quayside::test {

class NginxServer;
struct TestCertificates;

// What Fedora's proxies would do in roadmap step 3, with a real nginx: every /v2/<name>/… on
// this port answers 302 to <target>/v2/<prefix><name>/…, and /v2/ to <target>/v2/. Started on
// the port given (the old registry's, once it is stopped), stopped with the object.
class RedirectServer final
{
public:
    ~RedirectServer();
    RedirectServer(const RedirectServer &) = delete;
    RedirectServer &operator=(const RedirectServer &) = delete;

    // With tls, it listens for HTTPS with that server certificate, as Fedora's proxies do.
    static std::unique_ptr<RedirectServer> start(int port, const QUrl &target, const QString &prefix,
                                                 QString *error, const TestCertificates *tls = nullptr);
    QUrl url() const { return m_url; }

private:
    RedirectServer() = default;
    std::unique_ptr<NginxServer> m_nginx;
    QUrl m_url;
};

// Stops a sandbox service (e.g. "registry") by the PID its sandbox recorded, so its port can be
// taken over, the way an old host is replaced by a redirecting proxy or shut down.
bool stopSandboxService(const QString &stateDir, const QString &service, QString *error);

} // namespace quayside::test
