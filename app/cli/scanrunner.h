#pragma once

#include "inventory/profile.h"
#include "inventory/scanner.h"
#include "inventory/snapshot.h"

#include <optional>
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

// What compare and plan work from: a scan (fast, or deep), or with offline the stored
// snapshots (nullopt, after saying which registry has none). Every registry or repository that
// could not be read is said on stderr and sets *unreadable.
std::optional<std::vector<Snapshot>> snapshotsFor(CliContext &context, const Profile &profile,
                                                  const QString &command, bool offline, bool deep,
                                                  bool *unreadable);

} // namespace quayside::cli
