#include "jobservice.h"

#include "jobs/clientpool.h"
#include "jobs/jobqueue.h"
#include "jobs/jobrunner.h"
#include "support/logging.h"

#include <QMetaObject>

#include <memory>

namespace quayside {

// Lives on the worker thread: everything it owns is created, used and deleted there.
class JobWorker final : public QObject
{
    Q_OBJECT

public:
    void setProfile(const Profile &profile)
    {
        m_runner.reset();
        m_pool.reset();
        m_queue.reset();
        m_doneSinceIdle = 0;
        m_profile = profile;
        m_queue = std::make_unique<JobQueue>(JobQueue::journalFor(profile));
        QString error;
        if (!m_queue->open(&error)) {
            // Show what the other process is doing, read-only.
            m_queue->load(nullptr);
            Q_EMIT jobsReset(m_queue->jobs());
            Q_EMIT unavailable(error);
            m_queue.reset();
            return;
        }
        for (const QString &warning : m_queue->warnings())
            log::jobs()->warn("{}", warning);
        m_pool = std::make_unique<RegistryClientPool>();
        m_runner = std::make_unique<JobRunner>(profile, m_queue.get(), m_pool.get());
        connect(m_runner.get(), &JobRunner::jobChanged, this, [this](const Job &job) {
            if (job.state == JobState::Done)
                ++m_doneSinceIdle;
            Q_EMIT jobChanged(job);
        });
        connect(m_runner.get(), &JobRunner::jobProgress, this, &JobWorker::jobProgress);
        connect(m_runner.get(), &JobRunner::idle, this, [this] {
            Q_EMIT idle(std::exchange(m_doneSinceIdle, 0));
        });
        connect(m_runner.get(), &JobRunner::journalFailed, this, &JobWorker::unavailable);
        Q_EMIT jobsReset(m_queue->jobs());
        m_runner->run();
    }

    void enqueue(const std::vector<JobSpec> &specs)
    {
        if (!m_queue) {
            Q_EMIT unavailable(QStringLiteral("the job queue is not open"));
            return;
        }
        for (const JobSpec &spec : specs) {
            QString error;
            const auto id = m_queue->enqueue(spec, &error);
            if (!id) {
                Q_EMIT unavailable(error);
                return;
            }
            Q_EMIT jobChanged(*m_queue->find(*id));
        }
        m_runner->run();
    }

    void cancel(const QString &id)
    {
        if (m_runner)
            m_runner->cancel(id);
    }

    void retryFailed()
    {
        if (!m_queue)
            return;
        for (const Job &job : std::vector<Job>(m_queue->jobs()))
            if (job.state == JobState::Failed || job.state == JobState::Cancelled)
                m_queue->retry(job.id, nullptr);
        Q_EMIT jobsReset(m_queue->jobs());
        m_runner->run();
    }

    void clearFinished()
    {
        if (!m_queue)
            return;
        QString error;
        if (m_queue->forget(false, &error) < 0)
            Q_EMIT unavailable(error);
        Q_EMIT jobsReset(m_queue->jobs());
    }

    void shutDown()
    {
        if (m_runner)
            m_runner->cancelRunning();
        m_runner.reset();
        m_pool.reset();
        m_queue.reset();
    }

Q_SIGNALS:
    void jobsReset(const std::vector<quayside::Job> &jobs);
    void jobChanged(const quayside::Job &job);
    void jobProgress(const QString &id, const quayside::CopyProgress &progress);
    void idle(int done);
    void unavailable(const QString &message);

private:
    Profile m_profile;
    std::unique_ptr<JobQueue> m_queue;
    std::unique_ptr<RegistryClientPool> m_pool;
    std::unique_ptr<JobRunner> m_runner;
    int m_doneSinceIdle = 0;
};

JobService::JobService(QObject *parent)
    : QObject(parent)
    , m_worker(new JobWorker)
{
    qRegisterMetaType<Job>();
    qRegisterMetaType<std::vector<Job>>();
    qRegisterMetaType<CopyProgress>();
    m_thread.setObjectName(QStringLiteral("quayside-jobs"));
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &JobWorker::jobsReset, this, &JobService::jobsReset);
    connect(m_worker, &JobWorker::jobChanged, this, &JobService::jobChanged);
    connect(m_worker, &JobWorker::jobProgress, this, &JobService::jobProgress);
    connect(m_worker, &JobWorker::idle, this, &JobService::idle);
    connect(m_worker, &JobWorker::unavailable, this, &JobService::unavailable);
    m_thread.start();
}

JobService::~JobService()
{
    // Cancel what runs (a copy's tag moves last, so nothing is left half-published) and let
    // the worker's objects die on their own thread before it stops.
    QMetaObject::invokeMethod(m_worker, &JobWorker::shutDown, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void JobService::setProfile(const Profile &profile)
{
    QMetaObject::invokeMethod(m_worker, [w = m_worker, profile] { w->setProfile(profile); },
                              Qt::QueuedConnection);
}

void JobService::enqueue(const std::vector<JobSpec> &specs)
{
    QMetaObject::invokeMethod(m_worker, [w = m_worker, specs] { w->enqueue(specs); },
                              Qt::QueuedConnection);
}

void JobService::cancel(const QString &id)
{
    QMetaObject::invokeMethod(m_worker, [w = m_worker, id] { w->cancel(id); }, Qt::QueuedConnection);
}

void JobService::retryFailed()
{
    QMetaObject::invokeMethod(m_worker, &JobWorker::retryFailed, Qt::QueuedConnection);
}

void JobService::clearFinished()
{
    QMetaObject::invokeMethod(m_worker, &JobWorker::clearFinished, Qt::QueuedConnection);
}

} // namespace quayside

#include "jobservice.moc"
