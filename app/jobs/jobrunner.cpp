#include "jobrunner.h"

#include "jobs/clientpool.h"
#include "jobs/jobqueue.h"
#include "support/logging.h"

#include <QMetaObject>

namespace quayside {

JobRunner::JobRunner(Profile profile, JobQueue *queue, RegistryClientPool *pool, QObject *parent)
    : QObject(parent)
    , m_profile(std::move(profile))
    , m_queue(queue)
    , m_pool(pool)
{
}

JobRunner::~JobRunner()
{
    for (const auto &engine : std::as_const(m_running))
        if (engine)
            engine->cancel();
}

void JobRunner::run()
{
    m_stopping = false;
    if (m_credentialsReady) {
        QMetaObject::invokeMethod(this, &JobRunner::pump, Qt::QueuedConnection);
        return;
    }
    if (m_readingCredentials)
        return;
    // Every registry of the profile may appear in a job: read their credentials once.
    for (const RegistryConfig &r : m_profile.registries)
        m_pool->client(r);
    m_readingCredentials = true;
    m_pool->readCredentials([this](const QStringList &warnings) {
        for (const QString &w : warnings)
            log::jobs()->warn("{}", w);
        m_readingCredentials = false;
        m_credentialsReady = true;
        pump();
    });
}

void JobRunner::stop()
{
    m_stopping = true;
}

void JobRunner::cancel(const QString &id)
{
    if (const auto engine = m_running.value(id))
        engine->cancel();
    else if (m_queue->find(id) && m_queue->find(id)->state == JobState::Queued) {
        QString error;
        if (m_queue->cancel(id, &error))
            Q_EMIT jobChanged(*m_queue->find(id));
        else
            Q_EMIT journalFailed(error);
    }
}

void JobRunner::cancelRunning()
{
    m_stopping = true;
    for (const auto &engine : std::as_const(m_running))
        if (engine)
            engine->cancel();
}

void JobRunner::pump()
{
    while (!m_stopping && m_running.size() < m_parallel) {
        QString error;
        const auto job = m_queue->startNext(&error);
        if (!job) {
            if (!error.isEmpty()) {
                m_stopping = true;
                Q_EMIT journalFailed(error);
            }
            break;
        }
        Q_EMIT jobChanged(*job);
        launch(*job);
    }
    if (m_running.isEmpty())
        Q_EMIT idle();
}

void JobRunner::launch(const Job &job)
{
    QString error;
    auto spec = copySpecFor(m_profile, job.spec, &error);
    if (!spec) {
        RegistryError e;
        e.kind = RegistryError::Kind::Refused;
        e.registry = job.spec.route.to;
        e.repository = job.spec.repository;
        e.reference = job.spec.tag;
        e.message = error;
        if (m_queue->finish(job.id, Result<CopyReport>(e), &error))
            Q_EMIT jobChanged(*m_queue->find(job.id));
        else
            Q_EMIT journalFailed(error);
        return;
    }
    spec->spoolDir = m_spoolDir;
    auto *engine = new CopyEngine(*spec, m_pool->client(spec->source.registry),
                                  m_pool->client(spec->destination.registry), this);
    engine->setBlobLocations(m_pool->blobLocations());
    m_running.insert(job.id, engine);
    const QString id = job.id;
    connect(engine, &CopyEngine::progressChanged, this,
            [this, id](const CopyProgress &progress) { Q_EMIT jobProgress(id, progress); });
    engine->start([this, id, engine](Result<CopyReport> outcome) {
        m_running.remove(id);
        engine->deleteLater(); // later: this runs inside it
        QString failure;
        if (!m_queue->finish(id, outcome, &failure)) {
            m_stopping = true;
            Q_EMIT journalFailed(failure);
        } else {
            Q_EMIT jobChanged(*m_queue->find(id));
        }
        pump();
    });
}

} // namespace quayside
