#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <memory>

namespace quayside::test {

// Real registries for integration tests, started by tests/support/sandbox/sandboxctl.py on free
// loopback ports. Either the run's shared seeded sandbox (read-only for tests), or a private
// one a test starts for itself (for writes), stopped and deleted with the object.
class TestSandbox final
{
public:
    ~TestSandbox();
    TestSandbox(const TestSandbox &) = delete;
    TestSandbox &operator=(const TestSandbox &) = delete;

    // The shared sandbox named by QUAYSIDE_TEST_SANDBOX (the CTest "sandbox" fixture).
    static std::unique_ptr<TestSandbox> shared(QString *error);
    // A private sandbox with only the servers named ("registry", "candidate", "quay"), empty
    // unless seed is true.
    static std::unique_ptr<TestSandbox> start(const QStringList &only, bool seed, QString *error);

    QUrl url(const QString &server) const; // "registry", "candidate", "quay", "quayBackend", …
    QString stateDir() const { return m_state; }
    QString profilePath() const;
    QJsonObject endpoints() const { return m_endpoints; }
    QJsonObject drift() const; // the sandbox's oracle: content and planted drift
    QString username(const QString &server) const;
    QString password(const QString &server) const;
    // Environment lines for child processes (QUAYSIDE_CREDENTIALS_<ID>=user:secret).
    QStringList credentialEnvironment() const;

private:
    TestSandbox(QString state, QJsonObject endpoints, bool owned);

    QString m_state;
    QJsonObject m_endpoints;
    bool m_owned;
};

// Runs sandboxctl.py with arguments; returns its exit code, stdout in *out, stderr in *err.
int runSandboxCtl(const QStringList &arguments, QByteArray *out, QByteArray *err, int timeoutMs);

} // namespace quayside::test
