#pragma once

#include <QObject>
#include <QString>

#include <functional>
#include <optional>

namespace quayside {

struct RegistryConfig;

struct Credential {
    QString username;
    QString secret;
};

struct CredentialResult {
    std::optional<Credential> credential; // nullopt: none stored (anonymous), or an error
    QString error;                        // empty unless the keychain itself failed
    QString source;                       // "environment" or "keychain", for the UI
};

// Registry secrets live in the desktop keychain (Secret Service on Linux) or, for CI, in
// QUAYSIDE_CREDENTIALS_<ID>=user:secret. Never in profiles, never in logs. Every keychain call
// is asynchronous: the GUI thread must never wait for a D-Bus round trip or an unlock prompt.
class CredentialStore final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CredentialStore)

public:
    using Callback = std::function<void(const CredentialResult &)>;
    using Done = std::function<void(const QString &error)>;

    explicit CredentialStore(QObject *parent = nullptr);

    // "QUAYSIDE_CREDENTIALS_QUAY_CANDIDATE" for id "quay-candidate".
    static QString environmentVariable(const QString &registryId);
    static std::optional<Credential> fromEnvironment(const QString &registryId);
    // The keychain key: "<registry-host[:port]>/<username>".
    static QString keychainKey(const RegistryConfig &registry, const QString &username);

    // The environment wins (CI); otherwise the keychain entry for the profile's username.
    // The callback runs on this object's thread, after the call returns.
    void read(const RegistryConfig &registry, Callback callback);
    void write(const RegistryConfig &registry, const QString &username, const QString &secret,
               Done done);
    void remove(const RegistryConfig &registry, const QString &username, Done done);
};

} // namespace quayside
