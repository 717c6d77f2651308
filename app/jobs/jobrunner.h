#pragma once

#include "inventory/profile.h"
#include "jobs/copyengine.h"
#include "jobs/job.h"

#include <QHash>
#include <QObject>
#include <QPointer>

namespace quayside {

class JobQueue;
class RegistryClientPool;

// Runs a queue's jobs, a few at a time (the Transport keeps each host within its budget),
// writing every start and end to the journal before acting on it. Lives on one thread: the
// CLI's main thread, or the console's worker thread (JobService), never the GUI thread.
class JobRunner final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobRunner)

public:
    JobRunner(Profile profile, JobQueue *queue, RegistryClientPool *pool, QObject *parent = nullptr);
    ~JobRunner() override;

    void setParallel(int jobs) { m_parallel = std::max(1, jobs); }
    void setSpoolDir(const QString &dir) { m_spoolDir = dir; }

    // Starts queued jobs until none is left; idle() when nothing runs any more.
    void run();
    // No new job starts; the running ones finish (or are cancelled with cancelRunning()).
    void stop();
    void cancel(const QString &id);
    void cancelRunning();
    bool isBusy() const { return !m_running.isEmpty(); }

Q_SIGNALS:
    void jobChanged(const quayside::Job &job);
    void jobProgress(const QString &id, const quayside::CopyProgress &progress);
    void idle();
    // The journal could not be written: nothing more starts (it would not be remembered).
    void journalFailed(const QString &message);

private:
    void pump();
    void launch(const Job &job);

    Profile m_profile;
    JobQueue *m_queue;
    RegistryClientPool *m_pool;
    int m_parallel = 2;
    QString m_spoolDir;
    bool m_stopping = false;
    bool m_credentialsReady = false;
    bool m_readingCredentials = false;
    QHash<QString, QPointer<CopyEngine>> m_running;
};

} // namespace quayside
