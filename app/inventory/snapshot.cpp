#include "snapshot.h"

namespace quayside {

qsizetype Snapshot::tagCount() const
{
    qsizetype count = 0;
    for (const auto &[name, repository] : repositories)
        count += static_cast<qsizetype>(repository.tags.size());
    return count;
}

const TagEntry *Snapshot::tag(const QString &repository, const QString &tagName) const
{
    const auto r = repositories.find(repository);
    if (r == repositories.end())
        return nullptr;
    const auto t = r->second.tags.find(tagName);
    return t == r->second.tags.end() ? nullptr : &t->second;
}

const ManifestFacts *Snapshot::facts(const QString &digest) const
{
    const auto it = manifests.constFind(digest);
    return it == manifests.constEnd() ? nullptr : &it.value();
}

QString toString(SnapshotChange::Kind kind)
{
    switch (kind) {
    case SnapshotChange::Kind::Appeared:
        return QStringLiteral("appeared");
    case SnapshotChange::Kind::Vanished:
        return QStringLiteral("vanished");
    case SnapshotChange::Kind::Moved:
        break;
    }
    return QStringLiteral("moved");
}

std::optional<SnapshotChange::Kind> changeKindFromString(const QString &text)
{
    for (const auto kind : {SnapshotChange::Kind::Appeared, SnapshotChange::Kind::Vanished,
                            SnapshotChange::Kind::Moved})
        if (toString(kind) == text)
            return kind;
    return std::nullopt;
}

QDateTime oldestTakenAt(const std::vector<Snapshot> &snapshots)
{
    QDateTime oldest;
    for (const Snapshot &s : snapshots)
        if (!oldest.isValid() || s.takenAt < oldest)
            oldest = s.takenAt;
    return oldest;
}

std::vector<SnapshotChange> diffSnapshots(const Snapshot &before, const Snapshot &after)
{
    std::vector<SnapshotChange> changes;
    auto emptyRepository = RepositorySnapshot{};
    // Walk the union of repositories in order; a repository that could not be read in either
    // snapshot reports nothing (its tags are unknown, not gone).
    auto b = before.repositories.begin();
    auto a = after.repositories.begin();
    while (b != before.repositories.end() || a != after.repositories.end()) {
        const bool takeBefore =
            a == after.repositories.end() ||
            (b != before.repositories.end() && b->first <= a->first);
        const bool takeAfter =
            b == before.repositories.end() ||
            (a != after.repositories.end() && a->first <= b->first);
        const QString name = takeBefore ? b->first : a->first;
        const RepositorySnapshot &old = takeBefore ? b->second : emptyRepository;
        const RepositorySnapshot &now = takeAfter ? a->second : emptyRepository;
        if (old.error.isEmpty() && now.error.isEmpty()) {
            for (const auto &[tag, entry] : old.tags) {
                const auto it = now.tags.find(tag);
                if (it == now.tags.end())
                    changes.push_back({SnapshotChange::Kind::Vanished, name, tag, entry.digest, {}});
                else if (it->second.digest != entry.digest)
                    changes.push_back(
                        {SnapshotChange::Kind::Moved, name, tag, entry.digest, it->second.digest});
            }
            for (const auto &[tag, entry] : now.tags)
                if (!old.tags.count(tag))
                    changes.push_back({SnapshotChange::Kind::Appeared, name, tag, {}, entry.digest});
        }
        if (takeBefore)
            ++b;
        if (takeAfter)
            ++a;
    }
    return changes;
}

} // namespace quayside
