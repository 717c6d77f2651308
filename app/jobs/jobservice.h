#pragma once

#include "inventory/profile.h"
#include "jobs/copyengine.h"
#include "jobs/job.h"

#include <QObject>
#include <QThread>

#include <vector>

namespace quayside {

class JobWorker;

// The console's side of the job queue: the journal, the registry clients and the copies live
// on a named worker thread ("quayside-jobs"), so no upload ever waits on the GUI thread and the
// GUI never touches them. Every call here is queued to the worker; every answer comes back as
// a queued signal carrying values (Job, CopyProgress), never pointers into the worker.
class JobService final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobService)

public:
    explicit JobService(QObject *parent = nullptr);
    ~JobService() override; // stops the worker: running copies are cancelled, the journal kept

    // Opens the profile's journal (resuming what a crash interrupted) and starts its jobs.
    void setProfile(const Profile &profile);
    void enqueue(const std::vector<JobSpec> &specs);
    void cancel(const QString &id);
    void retryFailed();
    void clearFinished();

Q_SIGNALS:
    // The whole queue (after opening a journal, retrying, clearing).
    void jobsReset(const std::vector<quayside::Job> &jobs);
    void jobChanged(const quayside::Job &job);
    void jobProgress(const QString &id, const quayside::CopyProgress &progress);
    // Nothing runs any more; done: jobs that finished "done" since the last idle.
    void idle(int done);
    // The journal cannot be used (another process holds it, the disk is full): said once.
    void unavailable(const QString &message);

private:
    QThread m_thread;
    JobWorker *m_worker;
};

} // namespace quayside
