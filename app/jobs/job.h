#pragma once

#include "inventory/profile.h"
#include "jobs/plan.h"

#include <QDateTime>
#include <QJsonObject>
#include <QMap>
#include <QString>

#include <optional>

namespace quayside {

enum class JobState {
    Queued,
    Running,
    Done,
    Failed,    // a registry failed; retrying may help
    Refused,   // a safety rule said no (a tag moved since planned): plan again
    Cancelled,
};

QString toString(JobState state);
std::optional<JobState> jobStateFromString(const QString &text);
inline bool isFinished(JobState s)
{
    return s == JobState::Done || s == JobState::Failed || s == JobState::Refused ||
           s == JobState::Cancelled;
}

// What a job does, self-contained: a plan item of a route, with what the user allowed.
struct JobSpec {
    Route route;
    QString repository; // logical
    QString tag;
    PlanAction action = PlanAction::Copy;
    QString sourceDigest;      // pinned
    QString destinationDigest; // expected at the destination ("" = absent)
    bool allowOverwrite = false;
    QString backupTag; // keep the replaced image under this tag first
    // Where the copy lands if not under `tag`: a restore writes a backup's image back under the
    // tag it was taken from.
    QString destinationTag;

    QString label() const
    {
        return repository + u':' + tag + (destinationTag.isEmpty() ? QString() : QStringLiteral(" → ") + destinationTag);
    }
};

struct JobResult {
    QString digest;
    bool tagMoved = false;
    int manifestsPushed = 0;
    int blobsCopied = 0;
    int blobsMounted = 0;
    int blobsPresent = 0;
    qint64 bytesCopied = 0;
};

struct Job {
    QString id;
    JobSpec spec;
    JobState state = JobState::Queued;
    int attempts = 0;
    bool resumed = false; // it was running when Quayside stopped; queued again
    QString error;
    QString errorKind; // what kind of failure ("not authorised", "throttled", …), for triage
    JobResult result;
    QDateTime queuedAt;
    QDateTime startedAt;
    QDateTime finishedAt;
};

// The job that carries out a work item of a plan. Overwrites are allowed (they were asked for)
// and keep the replaced image under <tag><backupSuffix> when a suffix is given.
JobSpec jobSpecFor(const Route &route, const PlanItem &item, const QString &backupSuffix = {});
// "-backup-YYYYMMDD" for today (UTC), the suffix Fedora's own backup tags use.
QString backupSuffixForToday();
// "41" for "41-backup-20261204"; nullopt for a tag that is not a backup.
std::optional<QString> backedUpTag(const QString &tag);
// Puts the image a backup tag names back under the tag it was taken from, on the same registry:
// pinned to the backup's digest, expecting the tag at currentDigest ("" = absent) and allowed to
// move it. The image it replaces stays in the registry by digest (kept in the job's record).
JobSpec restoreSpecFor(const QString &registryId, const QString &repository, const QString &backupTag,
                       const QString &backupDigest, const QString &currentDigest);

// The copy a job runs: the plan item's pins, with what the user allowed.
std::optional<CopySpec> copySpecFor(const Profile &profile, const JobSpec &spec, QString *error);

// Failed and refused jobs grouped by cause, the triage a release engineer does first: a wall of
// "not authorised" is one fix (credentials), "throttled" another (wait, then retry them all).
class FailureCauses
{
public:
    void add(const Job &job);
    bool isEmpty() const { return m_counts.isEmpty(); }
    QString text() const; // "2 not authorised, 1 throttled", most frequent first

private:
    QMap<QString, int> m_counts;
};

QJsonObject toJson(const JobSpec &spec);
std::optional<JobSpec> jobSpecFromJson(const QJsonObject &o, QString *error);
QJsonObject toJson(const Job &job); // for `queue --format json`

} // namespace quayside
