#pragma once

#include "inventory/scanner.h"
#include "support/eta.h"

namespace quayside {

// Time left of a scan: the slower of its repositories and its tags at their recent pace, since
// a throttled listing (quay's REST API at 5 r/s) can trail the digest reads it feeds, and the
// tags still unlisted are not yet counted in tagsKnown.
class ScanEta
{
public:
    // Seconds left after this progress report, or -1 while it cannot tell.
    qint64 update(const ScanProgress &progress, qint64 nowMs);

private:
    Eta m_repositories;
    Eta m_tags;
};

} // namespace quayside
