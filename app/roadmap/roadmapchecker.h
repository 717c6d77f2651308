#pragma once

#include "inventory/profile.h"
#include "inventory/snapshot.h"
#include "roadmap/roadmap.h"

#include <QObject>

#include <functional>
#include <memory>
#include <vector>

namespace quayside {

class RegistryClientPool;

// Gathers the evidence for one roadmap step from the profile's registries: the old hosts are
// the sources of its migrate routes, the new ones their destinations. Registry content comes
// from the snapshots it is given (scan first for fresh evidence); probes (namespaces, pings,
// redirects) go to the network. Every check ends in a pass or a fail with what was seen: an
// unreachable host is a fail with its cause, never a hang.
class RoadmapChecker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RoadmapChecker)

public:
    RoadmapChecker(Profile profile, std::vector<Snapshot> snapshots, RegistryClientPool *pool,
                   QObject *parent = nullptr);
    ~RoadmapChecker() override;

    // Tags of each old host probed for redirects and decommissioning (spread over repositories).
    void setSampleSize(int tags) { m_sample = std::max(1, tags); }

    // done runs once, after check() returns.
    void check(int step, std::function<void(StepEvidence)> done);

    // Which registries the roadmap moves from and to (sources and destinations of migrate routes).
    static std::vector<const Route *> migrateRoutes(const Profile &profile);

private:
    struct Run;
    void namespaces(const std::shared_ptr<Run> &run);
    void routesInSync(const std::shared_ptr<Run> &run, bool lastReadable);
    void redirects(const std::shared_ptr<Run> &run);
    void decommissioned(const std::shared_ptr<Run> &run);
    const Snapshot *snapshot(const QString &registryId) const;
    // Up to m_sample repository:tag pairs of a snapshot, spread over its repositories.
    std::vector<std::pair<QString, QString>> sampleTags(const Snapshot &snapshot) const;

    Profile m_profile;
    std::vector<Snapshot> m_snapshots;
    RegistryClientPool *m_pool;
    int m_sample = 12;
};

} // namespace quayside
