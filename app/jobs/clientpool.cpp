#include "clientpool.h"

#include "registry/transport.h"

#include <QMetaObject>

namespace quayside {

RegistryClientPool::RegistryClientPool(Transport *transport, QObject *parent)
    : QObject(parent)
    , m_transport(transport ? transport : Transport::forCurrentThread())
{
}

RegistryClientPool::~RegistryClientPool() = default;

RegistryClient *RegistryClientPool::client(const RegistryConfig &config)
{
    auto &slot = m_clients[config.id];
    if (!slot) {
        slot = std::make_unique<RegistryClient>(config, m_transport);
        if (const auto preset = m_preset.find(config.id); preset != m_preset.end())
            slot->setCredential(preset->second);
    }
    return slot.get();
}

RegistryClient *RegistryClientPool::find(const QString &registryId) const
{
    const auto it = m_clients.find(registryId);
    return it == m_clients.end() ? nullptr : it->second.get();
}

void RegistryClientPool::setCredential(const QString &registryId,
                                       std::optional<Credential> credential)
{
    if (RegistryClient *c = find(registryId))
        c->setCredential(credential);
    m_preset[registryId] = std::move(credential);
    m_credentialsKnown.insert(registryId);
}

void RegistryClientPool::readCredentials(std::function<void(const QStringList &)> done)
{
    struct Reading {
        int pending = 0;
        QStringList warnings;
        std::function<void(const QStringList &)> done;
    };
    auto reading = std::make_shared<Reading>();
    reading->done = std::move(done);
    auto *store = new CredentialStore(this);
    for (auto &[id, client] : m_clients) {
        if (m_credentialsKnown.contains(id))
            continue;
        m_credentialsKnown.insert(id);
        ++reading->pending;
        RegistryClient *c = client.get();
        store->read(c->config(), [reading, c, store](const CredentialResult &result) {
            if (!result.error.isEmpty())
                reading->warnings << c->config().id + QStringLiteral(": ") + result.error +
                                         QStringLiteral("; reading anonymously");
            c->setCredential(result.credential);
            if (--reading->pending == 0) {
                store->deleteLater();
                reading->done(reading->warnings);
            }
        });
    }
    if (reading->pending == 0) {
        store->deleteLater();
        QMetaObject::invokeMethod(this, [reading] { reading->done(reading->warnings); },
                                  Qt::QueuedConnection);
    }
}

} // namespace quayside
