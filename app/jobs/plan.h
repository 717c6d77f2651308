#pragma once

#include "compare/driftmatrix.h"
#include "jobs/copyengine.h"
#include "inventory/profile.h"
#include "support/glob.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace quayside {

// What a plan will do with one repository:tag of its route.
enum class PlanAction {
    Copy,      // the destination lacks the tag
    Overwrite, // the destination tag names another image: needs confirmation to apply
    Fill,      // same index, but the destination lacks children: push them, the tag stays
    Skip,      // in sync, only on the destination (never deleted), or unreadable
};

QString toString(PlanAction action);
std::optional<PlanAction> planActionFromString(const QString &text);

// What a copy would move, from a dry run against the destination (-1: not estimated).
struct PlanEstimate {
    int blobs = -1;
    int blobsPresent = -1;
    int blobsMounted = -1;
    int blobsCopied = -1;
    qint64 bytes = -1; // to send over the network
    QString error;     // the dry run failed: the copy will too, for this reason
};

struct PlanItem {
    QString repository; // logical
    QString tag;
    DriftStatus status = DriftStatus::InSync;
    PlanAction action = PlanAction::Skip;
    QString sourceDigest;      // pinned: apply refuses if the source tag moved since
    QString destinationDigest; // what the destination tag named when planned ("" = absent)
    QString mediaType;
    QStringList platforms;
    QStringList missingPlatforms;
    QString reason; // why, in a few words (skips, overwrites)
    PlanEstimate estimate;

    bool isWork() const { return action != PlanAction::Skip; }
};

// A reviewed, exportable list of what a route needs, pinned to digests: `quayside-cli plan -o
// plan.json`, then `apply plan.json`. Applying re-checks every pin, so a plan that has gone
// stale is refused item by item rather than followed blindly.
struct Plan {
    static constexpr int kVersion = 1;

    QString profileName;
    QString profileSource;
    Route route;
    QDateTime createdAt;
    QDateTime snapshotAt; // the oldest snapshot the plan was made from
    std::vector<PlanItem> items;

    int count(PlanAction action) const;
    int workCount() const;
    qint64 estimatedBytes() const; // -1 when no item was estimated
};

struct PlanFilter {
    GlobSet repositories; // logical names; empty = all
    GlobSet tags;         // empty = all
};

// Pure: from the drift matrix (every registry of the profile, compared) to the plan of one
// route. Rows outside the filter are left out; rows the route does not touch too.
Plan makePlan(const Profile &profile, const DriftMatrix &matrix, int routeIndex,
              const PlanFilter &filter, const QDateTime &snapshotAt);

// The copy that carries out one item: source pinned to the planned digest, destination
// expected where the plan saw it. nullopt (and *error) when the profile lacks a registry.
std::optional<CopySpec> copySpecFor(const Profile &profile, const Route &route,
                                    const PlanItem &item, QString *error);

QJsonObject toJson(const Plan &plan);
// Every problem is reported with the JSON path at fault.
std::optional<Plan> planFromJson(const QByteArray &json, QString *error);

} // namespace quayside
