#pragma once

#include "registry/digest.h"

#include <QDateTime>
#include <QHash>
#include <QString>
#include <QStringList>

#include <map>
#include <optional>
#include <vector>

namespace quayside {

// What a manifest is, as far as comparing registries goes. Content addressed: a digest's facts
// never change, so they are cached across scans and registries.
struct ManifestFacts {
    QString mediaType;
    bool isIndex = false;
    QStringList platforms;  // normalised, sorted ("linux/amd64"); an image's own, if known
    QStringList children;   // index entries, in order
    QStringList childPlatforms; // normalised, parallel to children ("" if the entry names none)
    QStringList rawPlatforms;   // as written, parallel to children
    QString configDigest;       // images: where their platform is written
    qint64 configSize = -1;
};

struct TagEntry {
    QString digest;
    QString mediaType; // "" when the registry's listing did not say and nothing else told us
    QDateTime lastModified; // quay tells; distribution does not
    QString error; // why this tag's manifest could not be read
};

struct RepositorySnapshot {
    std::map<QString, TagEntry> tags; // sorted by tag
    // Index children absent from this repository (digest → true), found by HEAD by digest.
    QStringList missingChildren;
    QString error; // why this repository could not be read (its tags then are unknown)
    // quay's REST API says when a repository's tags last changed: a fast rescan skips the tag
    // listing (5 requests/s on quay.io) of repositories that have not changed.
    QDateTime lastModified;
};

// What changed between two snapshots of one registry, for "rescan changed N tags".
struct SnapshotChange {
    enum class Kind { Appeared, Vanished, Moved };
    Kind kind;
    QString repository;
    QString tag;
    QString before; // digest (Moved, Vanished)
    QString after;  // digest (Moved, Appeared)
};

// Everything one registry held at one moment, keyed by logical repository name (the profile's
// prefix removed). Persisted between runs so the console opens at once on the last state.
struct Snapshot {
    static constexpr int kFormatVersion = 1;

    QString registryId;
    QString registryUrl; // location when taken; a snapshot of another place is not reused
    QDateTime takenAt;
    bool deep = false;
    QString error; // why the registry could not be listed at all
    std::map<QString, RepositorySnapshot> repositories;
    QHash<QString, ManifestFacts> manifests; // digest → facts, for every digest referenced
    // What this scan saw change since the one before it (taken at previousTakenAt), kept with
    // the snapshot so the console still marks moved tags after a restart.
    QDateTime previousTakenAt;
    std::vector<SnapshotChange> changes;

    qsizetype tagCount() const;
    const TagEntry *tag(const QString &repository, const QString &tag) const;
    const ManifestFacts *facts(const QString &digest) const;
};

std::vector<SnapshotChange> diffSnapshots(const Snapshot &before, const Snapshot &after);
// When the oldest of these snapshots was taken (invalid if there are none): how stale a matrix
// built from them may be.
QDateTime oldestTakenAt(const std::vector<Snapshot> &snapshots);
QString toString(SnapshotChange::Kind kind);
std::optional<SnapshotChange::Kind> changeKindFromString(const QString &text);

} // namespace quayside
