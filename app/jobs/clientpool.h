#pragma once

#include "inventory/profile.h"
#include "jobs/bloblocations.h"
#include "registry/registryclient.h"
#include "support/credentials.h"

#include <QObject>
#include <QSet>
#include <QStringList>

#include <functional>
#include <map>
#include <memory>
#include <optional>

namespace quayside {

class Transport;

// One RegistryClient per registry of a thread's work, so every copy to a registry shares its
// token cache (a Bearer token per scope, not per copy) and the Transport's per-host budget.
// Credentials are read once per registry, from the environment or the keychain.
class RegistryClientPool final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RegistryClientPool)

public:
    explicit RegistryClientPool(Transport *transport = nullptr, QObject *parent = nullptr);
    ~RegistryClientPool() override;

    // The client of this registry (by id), created on first use.
    RegistryClient *client(const RegistryConfig &config);
    RegistryClient *find(const QString &registryId) const;
    // Where the copies made with these clients have seen blobs (for mounts).
    BlobLocations *blobLocations() { return &m_locations; }

    // Sets a credential now (tests; the console after the user edits one); not read again.
    void setCredential(const QString &registryId, std::optional<Credential> credential);
    // Reads the credentials of every client not read yet; done gets one line per registry
    // whose keychain could not be read (it is then used anonymously). Runs after it returns.
    void readCredentials(std::function<void(const QStringList &warnings)> done);

private:
    Transport *m_transport;
    std::map<QString, std::unique_ptr<RegistryClient>> m_clients;
    std::map<QString, std::optional<Credential>> m_preset;
    QSet<QString> m_credentialsKnown;
    BlobLocations m_locations;
};

} // namespace quayside
