#pragma once

#include "inventory/profile.h"
#include "inventory/scanner.h"
#include "inventory/snapshot.h"

#include <vector>

namespace quayside::cli {

class CliContext;

struct ScanOutcome {
    std::vector<Snapshot> snapshots;
    std::vector<std::pair<QString, SnapshotChange>> changes;
    qint64 elapsedMs = 0;
    qint64 requests = 0;
    qint64 throttled = 0;
    qint64 retries = 0;
    bool anyRegistryFailed = false;
};

// Scans (fast, or deep), with a progress line on stderr when it is a terminal, saves the
// snapshots, and returns them. Blocks in a local event loop: the CLI has nothing else to do.
ScanOutcome runScan(CliContext &context, const Profile &profile, const ScanOptions &options);

} // namespace quayside::cli
