#pragma once

#include <QHash>
#include <QString>

#include <functional>
#include <vector>

namespace quayside {

// Where blobs are known to live on each host, learnt by the copies of a run: a layer one job
// pushed to quay.io/fedora/fedora-minimal is mounted into quay.io/fedora/fedora-toolbox by the
// next instead of crossing the network again (Fedora's images share their base layers). A blob
// on its way to a host is claimed, so parallel copies wait for that one transfer and then
// mount, rather than each sending the same layer. A mount that fails falls back to an upload,
// so a stale entry costs one request, never a wrong result. One per thread of copies.
class BlobLocations final
{
public:
    using Waiter = std::function<void(const QString &repository)>; // "" when the transfer failed

    void remember(const QString &hostKey, const QString &digest, const QString &repository)
    {
        m_where[hostKey].insert(digest, repository);
    }

    // A repository of that host holding the blob, other than notIn; "" if none is known.
    QString find(const QString &hostKey, const QString &digest, const QString &notIn) const
    {
        const QString repository = m_where.value(hostKey).value(digest);
        return repository == notIn ? QString() : repository;
    }

    // True: the caller transfers the blob and must release() it. False: another copy is
    // transferring it; wait() to hear where it landed.
    bool claim(const QString &hostKey, const QString &digest)
    {
        const QString key = hostKey + u'|' + digest;
        if (m_inFlight.contains(key))
            return false;
        m_inFlight.insert(key, {});
        return true;
    }

    void wait(const QString &hostKey, const QString &digest, Waiter waiter)
    {
        const auto it = m_inFlight.find(hostKey + u'|' + digest);
        if (it == m_inFlight.end()) {
            waiter(m_where.value(hostKey).value(digest));
            return;
        }
        it->push_back(std::move(waiter));
    }

    void release(const QString &hostKey, const QString &digest, const QString &repository)
    {
        if (!repository.isEmpty())
            remember(hostKey, digest, repository);
        const auto waiters = m_inFlight.take(hostKey + u'|' + digest);
        for (const Waiter &waiter : waiters)
            waiter(repository);
    }

private:
    QHash<QString, QHash<QString, QString>> m_where;
    QHash<QString, std::vector<Waiter>> m_inFlight;
};

} // namespace quayside
