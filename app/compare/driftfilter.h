#pragma once

#include "driftmatrix.h"
#include "support/glob.h"

#include <optional>

namespace quayside {

// Which rows and routes of a matrix someone asked for: the CLI's --only-drift, --only-changed,
// --route, --repository, and the console's filter bar.
struct DriftFilter {
    bool onlyDrift = false;
    bool onlyChanged = false; // rows whose tag the last scan saw move, appear or vanish
    std::optional<int> route; // index into DriftMatrix::routes; nullopt = all
    GlobSet repositories;     // empty = all
    QString text;             // substring of repository:tag, case-insensitive

    bool accepts(const DriftRow &row) const;
    // The matrix reduced to accepted rows (and to the one route, if a route is chosen).
    DriftMatrix apply(const DriftMatrix &matrix) const;
};

// "registry:quay" → the route's index, or nullopt.
std::optional<int> findRoute(const DriftMatrix &matrix, const QString &fromColonTo);

} // namespace quayside
