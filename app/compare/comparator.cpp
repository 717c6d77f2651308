#include "comparator.h"

#include <QHash>
#include <QSet>

#include <algorithm>
#include <map>

namespace quayside {
namespace {

std::optional<DriftCell> cellFor(const Snapshot *snapshot, const QString &repository,
                                 const QString &tag)
{
    if (!snapshot)
        return DriftCell{{}, {}, {}, {}, QStringLiteral("not scanned yet")};
    if (!snapshot->error.isEmpty())
        return DriftCell{{}, {}, {}, {}, snapshot->error};
    const auto r = snapshot->repositories.find(repository);
    if (r == snapshot->repositories.end())
        return std::nullopt;
    if (!r->second.error.isEmpty())
        return DriftCell{{}, {}, {}, {}, r->second.error};
    const auto t = r->second.tags.find(tag);
    if (t == r->second.tags.end())
        return std::nullopt;
    DriftCell cell;
    cell.error = t->second.error;
    cell.digest = t->second.digest;
    cell.mediaType = t->second.mediaType;
    if (const ManifestFacts *facts = snapshot->facts(cell.digest)) {
        cell.platforms = facts->platforms;
        if (facts->isIndex)
            for (const QString &child : facts->children)
                if (r->second.missingChildren.contains(child))
                    cell.missingChildren << child;
    }
    return cell;
}

} // namespace

std::optional<RouteCell> routeStatus(const std::optional<DriftCell> &from,
                                     const std::optional<DriftCell> &to)
{
    const bool fromError = from && !from->error.isEmpty();
    const bool toError = to && !to->error.isEmpty();
    if (fromError || toError)
        return RouteCell{DriftStatus::Error, {}};
    if (!from && !to)
        return std::nullopt;
    if (!to)
        return RouteCell{DriftStatus::Missing, {}};
    if (!from)
        return RouteCell{DriftStatus::Extra, {}};
    if (from->digest == to->digest) {
        if (!to->missingChildren.isEmpty())
            return RouteCell{DriftStatus::Sparse, {}};
        return RouteCell{DriftStatus::InSync, {}};
    }
    // Different content. If the destination simply lacks some of the source's platforms, say
    // which: that is the drift a release engineer acts on (copy the missing architectures).
    QStringList missing;
    for (const QString &platform : from->platforms)
        if (!to->platforms.contains(platform))
            missing << platform;
    if (!missing.isEmpty() && !to->platforms.isEmpty() && from->platforms.size() > 1)
        return RouteCell{DriftStatus::ArchMissing, missing};
    return RouteCell{DriftStatus::Differs, {}};
}

DriftMatrix compare(const Profile &profile, const std::vector<const Snapshot *> &snapshots)
{
    DriftMatrix matrix;
    matrix.routes = profile.routes;
    std::map<QString, int> indexOf;
    std::vector<const Snapshot *> byRegistry(profile.registries.size(), nullptr);
    for (std::size_t i = 0; i < profile.registries.size(); ++i) {
        matrix.registryIds << profile.registries[i].id;
        indexOf[profile.registries[i].id] = static_cast<int>(i);
        for (const Snapshot *s : snapshots)
            if (s && s->registryId == profile.registries[i].id)
                byRegistry[i] = s;
    }

    // Every repository:tag any registry holds, in order. A registry that failed whole adds no
    // rows but marks every row's cell with its error.
    std::map<QString, QSet<QString>> rows;
    for (const Snapshot *s : byRegistry) {
        if (!s)
            continue;
        for (const auto &[repository, snapshot] : s->repositories) {
            if (!profile.includesRepository(repository))
                continue;
            auto &tags = rows[repository];
            for (const auto &[tag, entry] : snapshot.tags)
                tags.insert(tag);
        }
        // A tag the last scan saw vanish keeps its row until the next scan, even when no
        // registry holds it any more: a deletion everywhere is exactly what must not go unseen.
        for (const SnapshotChange &c : s->changes)
            if (c.kind == SnapshotChange::Kind::Vanished && profile.includesRepository(c.repository))
                rows[c.repository].insert(c.tag);
    }

    // What each registry's last scan saw change, by repository:tag, to mark those cells.
    std::vector<QHash<QString, const SnapshotChange *>> changesOf(byRegistry.size());
    bool anyChange = false;
    for (std::size_t i = 0; i < byRegistry.size(); ++i)
        if (byRegistry[i])
            for (const SnapshotChange &c : byRegistry[i]->changes) {
                changesOf[i].insert(c.repository + u':' + c.tag, &c);
                anyChange = true;
            }

    for (const auto &[repository, tagSet] : rows) {
        QStringList tags(tagSet.cbegin(), tagSet.cend());
        std::sort(tags.begin(), tags.end());
        for (const QString &tag : tags) {
            DriftRow row;
            row.repository = repository;
            row.tag = tag;
            row.cells.reserve(byRegistry.size());
            for (const Snapshot *s : byRegistry)
                row.cells.push_back(cellFor(s, repository, tag));
            if (anyChange) {
                row.changes.resize(byRegistry.size());
                const QString key = repository + u':' + tag;
                for (std::size_t i = 0; i < byRegistry.size(); ++i)
                    if (const SnapshotChange *c = changesOf[i].value(key))
                        row.changes[i] = *c;
            }
            row.routes.reserve(profile.routes.size());
            for (const Route &route : profile.routes) {
                const auto from = indexOf.find(route.from);
                const auto to = indexOf.find(route.to);
                if (from == indexOf.end() || to == indexOf.end()) {
                    row.routes.emplace_back(std::nullopt);
                    continue;
                }
                row.routes.push_back(routeStatus(row.cells[static_cast<std::size_t>(from->second)],
                                                 row.cells[static_cast<std::size_t>(to->second)]));
            }
            matrix.rows.push_back(std::move(row));
        }
    }
    return matrix;
}

} // namespace quayside
