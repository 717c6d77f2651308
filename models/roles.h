#pragma once

#include <Qt>

namespace quayside {

// Custom roles shared by the models, their proxies and delegates.
enum ItemRole : int {
    RawValueRole = Qt::UserRole + 1, // what sorting and filtering compare
    StatusRole,                      // DriftStatus as int, on route columns
    DigestRole,                      // full digest, on registry columns
    PlatformsRole,                   // QStringList, on registry columns
    ErrorRole,                       // error text of a cell, if any
    RegistryIdRole,
};

} // namespace quayside
