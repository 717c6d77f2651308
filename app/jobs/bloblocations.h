#pragma once

#include <QHash>
#include <QString>

namespace quayside {

// Where blobs are known to live on each host, learnt by the copies of a run: a layer one job
// pushed to quay.io/fedora/fedora-minimal is mounted into quay.io/fedora/fedora-toolbox by the
// next instead of crossing the network again (Fedora's images share their base layers).
// One per thread of copies; a mount that fails falls back to an upload, so a stale entry costs
// one request, never a wrong result.
class BlobLocations final
{
public:
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

private:
    QHash<QString, QHash<QString, QString>> m_where;
};

} // namespace quayside
