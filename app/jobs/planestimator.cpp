#include "planestimator.h"

#include "jobs/clientpool.h"
#include "jobs/copyengine.h"

#include <QMetaObject>

namespace quayside {
namespace {

// Dry runs are reads (manifests, HEADs): a few at a time keep well inside any host's budget,
// which the Transport enforces anyway.
constexpr int kParallelEstimates = 4;

} // namespace

PlanEstimator::PlanEstimator(Profile profile, RegistryClientPool *pool, QObject *parent)
    : QObject(parent)
    , m_profile(std::move(profile))
    , m_pool(pool)
{
}

PlanEstimator::~PlanEstimator() = default;

void PlanEstimator::start(Plan *plan, std::function<void()> done)
{
    m_plan = plan;
    m_done = std::move(done);
    for (std::size_t i = 0; i < plan->items.size(); ++i)
        if (plan->items[i].isWork())
            m_todo.push_back(i);
    QMetaObject::invokeMethod(this, &PlanEstimator::pump, Qt::QueuedConnection);
}

void PlanEstimator::cancel()
{
    m_cancelled = true;
    for (CopyEngine *engine : findChildren<CopyEngine *>(Qt::FindDirectChildrenOnly))
        engine->cancel();
}

void PlanEstimator::pump()
{
    while (!m_cancelled && m_running < kParallelEstimates && m_next < m_todo.size()) {
        const std::size_t index = m_todo[m_next++];
        PlanItem &item = m_plan->items[index];
        QString error;
        auto spec = copySpecFor(m_profile, m_plan->route, item, &error);
        if (!spec) {
            item.estimate.error = error;
            ++m_finished;
            continue;
        }
        spec->dryRun = true;
        spec->allowOverwrite = true; // an estimate, not a permission
        auto *raw = new CopyEngine(*spec, m_pool->client(spec->source.registry),
                                   m_pool->client(spec->destination.registry), this);
        raw->setBlobLocations(m_pool->blobLocations());
        ++m_running;
        raw->start([this, raw, index](Result<CopyReport> report) {
            PlanEstimate &e = m_plan->items[index].estimate;
            if (report.ok()) {
                e.blobs = report->blobs;
                e.blobsPresent = report->blobsPresent;
                e.blobsMounted = report->blobsMounted;
                e.blobsCopied = report->blobsCopied;
                e.bytes = report->bytesCopied;
            } else {
                e.error = report.errorText();
            }
            --m_running;
            ++m_finished;
            Q_EMIT progressChanged(m_finished, static_cast<int>(m_todo.size()));
            raw->deleteLater(); // later: this callback runs inside it
            pump();
        });
    }
    if (m_running == 0 && (m_cancelled || m_next >= m_todo.size()) && m_done) {
        auto done = std::exchange(m_done, nullptr);
        done();
    }
}

} // namespace quayside
