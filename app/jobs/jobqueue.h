#pragma once

#include "jobs/job.h"
#include "registry/registryerror.h"

#include <QFile>
#include <QLockFile>
#include <QString>

#include <memory>
#include <optional>
#include <vector>

namespace quayside {

struct CopyReport;
struct Profile;

// The persistent queue of copies: an append-only journal (one JSON event per line, flushed and
// fsync'd before anything depends on it), folded into job states when opened. A job that was
// running when Quayside stopped (a crash, a power cut, kill -9) is queued again: copies are
// idempotent and move their tag last, so running one twice never half-publishes anything.
// Only one process at a time may open a journal for writing (a lock file beside it).
class JobQueue final
{
public:
    // The journal of a profile's jobs: <data>/jobs/<profile>-<key>.jsonl.
    static QString journalFor(const Profile &profile);

    explicit JobQueue(QString journalPath);
    ~JobQueue();
    JobQueue(const JobQueue &) = delete;
    JobQueue &operator=(const JobQueue &) = delete;

    // For writing: takes the lock, folds the journal, re-queues interrupted jobs.
    bool open(QString *error);
    // For reading (`queue list`, the console while another process runs the jobs).
    bool load(QString *error);
    bool isWritable() const { return m_file.isOpen(); }
    QString path() const { return m_path; }
    // Lines that could not be read (a torn last line after a crash is expected, others not).
    const QStringList &warnings() const { return m_warnings; }

    const std::vector<Job> &jobs() const { return m_jobs; }
    const Job *find(const QString &id) const;
    int count(JobState state) const;

    // Each of these appends to the journal first; false (and *error) if it could not.
    std::optional<QString> enqueue(const JobSpec &spec, QString *error = nullptr);
    // The oldest queued job, now running (one attempt more).
    std::optional<Job> startNext(QString *error = nullptr);
    bool finish(const QString &id, const Result<CopyReport> &outcome, QString *error = nullptr);
    bool retry(const QString &id, QString *error = nullptr); // failed, refused or cancelled → queued
    bool cancel(const QString &id, QString *error = nullptr); // queued → cancelled
    // Drops finished jobs (all of them, or only done and cancelled) and rewrites the journal.
    int forget(bool includingFailures, QString *error = nullptr);

private:
    bool fold(QString *error);
    bool append(const QJsonObject &event, QString *error);
    Job *mutableFind(const QString &id);

    QString m_path;
    QFile m_file;
    std::unique_ptr<QLockFile> m_lock;
    std::vector<Job> m_jobs;
    QStringList m_warnings;
    qint64 m_sequence = 0;
};

} // namespace quayside
