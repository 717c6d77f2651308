#pragma once

#include "driftmatrix.h"
#include "inventory/profile.h"
#include "inventory/snapshot.h"

#include <vector>

namespace quayside {

// From what each registry holds to where they differ. Pure: the same snapshots always give the
// same matrix, so it is tested table by table and re-run freely (filters, --offline).
//
// Per route, for each repository:tag held by either side:
//   error        either side could not be read there (registry, repository)
//   missing      the source has the tag, the destination does not
//   extra        the destination has a tag the source does not
//   sparse       same digest, but the destination's index names children it does not hold
//   arch-missing different digests and the destination lacks platforms the source has
//   differs      different digests otherwise
//   in-sync      same digest, complete
DriftMatrix compare(const Profile &profile, const std::vector<const Snapshot *> &snapshots);

// The status of one route for one row (exposed for table-driven tests).
std::optional<RouteCell> routeStatus(const std::optional<DriftCell> &from,
                                     const std::optional<DriftCell> &to);

} // namespace quayside
