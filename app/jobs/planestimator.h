#pragma once

#include "jobs/plan.h"

#include <QObject>

#include <functional>
#include <vector>

namespace quayside {

class RegistryClientPool;

// Fills each work item's estimate with a dry run of its copy against the destination: which
// blobs it already has, which a mount would bring, how many bytes would cross the network. A
// dry run that fails says why the copy would (a source tag moved, an incomplete index).
class PlanEstimator final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PlanEstimator)

public:
    PlanEstimator(Profile profile, RegistryClientPool *pool, QObject *parent = nullptr);
    ~PlanEstimator() override;

    // plan must outlive the run; done runs once, after start() returns.
    void start(Plan *plan, std::function<void()> done);
    void cancel();

Q_SIGNALS:
    void progressChanged(int done, int total);

private:
    void pump();

    Profile m_profile;
    RegistryClientPool *m_pool;
    Plan *m_plan = nullptr;
    std::function<void()> m_done;
    std::vector<std::size_t> m_todo;
    std::size_t m_next = 0;
    int m_running = 0;
    int m_finished = 0;
    bool m_cancelled = false;
};

} // namespace quayside
