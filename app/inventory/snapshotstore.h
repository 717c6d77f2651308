#pragma once

#include "inventory/profile.h"
#include "inventory/snapshot.h"

#include <QString>

#include <optional>
#include <vector>

namespace quayside {

// Snapshots on disk, one file per registry of a profile, so the console opens at once on the
// last state (and says how old it is) and `quayside-cli compare --offline` needs no network.
// Files are versioned JSON written atomically (QSaveFile): a crash never leaves half a snapshot.
class SnapshotStore final
{
public:
    // dir: where snapshots live (default: <cache>/snapshots).
    explicit SnapshotStore(QString dir = QString());

    bool save(const Profile &profile, const Snapshot &snapshot, QString *error = nullptr) const;
    // The last snapshot of this registry, if one exists, is readable, of this format version,
    // and was taken of the same location (URL and prefix).
    std::optional<Snapshot> load(const Profile &profile, const RegistryConfig &registry,
                                 QString *error = nullptr) const;
    std::vector<Snapshot> loadAll(const Profile &profile) const;
    // The last snapshot in which the registry could be read at all (the latest one otherwise).
    std::optional<Snapshot> loadReadable(const Profile &profile, const RegistryConfig &registry,
                                         QString *error = nullptr) const;

    QString fileFor(const Profile &profile, const QString &registryId) const;
    QString readableFileFor(const Profile &profile, const QString &registryId) const;

    static QByteArray toJson(const Snapshot &snapshot);
    static std::optional<Snapshot> fromJson(const QByteArray &json, QString *error);

private:
    QString m_dir;
};

} // namespace quayside
