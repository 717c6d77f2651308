#pragma once

#include "inventory/profile.h"
#include "inventory/snapshot.h"

#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace quayside {

// Route statuses, as `compare --format json` spells them (a public interface).
enum class DriftStatus { InSync, Missing, Differs, ArchMissing, Extra, Sparse, Error };

QString toString(DriftStatus status);
std::optional<DriftStatus> driftStatusFromString(const QString &text);

// What one registry holds for one repository:tag.
struct DriftCell {
    QString digest;
    QString mediaType;
    QStringList platforms; // normalised "linux/amd64", sorted
    QStringList missingChildren; // child digests an index names but the registry lacks
    QString error;         // set when this registry could not be read for this row
};

struct RouteCell {
    DriftStatus status = DriftStatus::InSync;
    QStringList missingPlatforms;
};

struct DriftRow {
    QString repository; // logical name
    QString tag;
    std::vector<std::optional<DriftCell>> cells;  // one per registry, profile order
    std::vector<std::optional<RouteCell>> routes; // one per route; nullopt: tag on neither side
    // Per registry (empty when nothing changed): how the last scan of that registry saw this
    // tag change. A vanished tag's cell is empty; its change says what it named before.
    std::vector<std::optional<SnapshotChange>> changes;

    const SnapshotChange *change(std::size_t registry) const
    {
        return registry < changes.size() && changes[registry] ? &*changes[registry] : nullptr;
    }
    bool changed() const
    {
        for (const auto &c : changes)
            if (c)
                return true;
        return false;
    }

    bool hasDrift() const
    {
        for (const auto &r : routes)
            if (r && r->status != DriftStatus::InSync)
                return true;
        return false;
    }
};

struct DriftMatrix {
    QStringList registryIds;
    std::vector<Route> routes;
    std::vector<DriftRow> rows; // sorted by repository, then tag
};

} // namespace quayside
