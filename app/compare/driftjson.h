#pragma once

#include "driftmatrix.h"

#include <QJsonObject>

namespace quayside {

// The public JSON of `quayside-cli compare --format json` (docs/cli.md):
// {"profile", "registries": [ids], "rows": [{"repository", "tag",
//   "cells": {id: null | {"digest", "mediaType", "platforms", "error"?, "missingChildren"?}},
//   "routes": [{"from", "to", "kind", "status", "missingPlatforms"}]}]}
// Routes on which the row's tag is on neither side are left out of its "routes".
QJsonObject toJson(const QString &profileName, const DriftMatrix &matrix);

} // namespace quayside
