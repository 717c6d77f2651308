#include "jobsrunner.h"

#include "clicontext.h"
#include "commands.h"
#include "jobs/clientpool.h"
#include "jobs/jobqueue.h"
#include "jobs/jobrunner.h"
#include "support/eta.h"
#include "texttable.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QLocale>

namespace quayside::cli {
namespace {

QString bytesText(qint64 bytes)
{
    return QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

QString outcomeText(const Job &job)
{
    switch (job.state) {
    case JobState::Done: {
        // Which digest the tag names now, the fact a release engineer checks against the plan.
        QString text = job.result.tagMoved
                           ? QStringLiteral("tag set to %1").arg(job.spec.sourceDigest.mid(7, 12))
                           : QStringLiteral("already there");
        if (job.spec.action == PlanAction::Fill || (!job.result.tagMoved && job.result.manifestsPushed > 0))
            text = QStringLiteral("%1 child manifest(s) pushed").arg(job.result.manifestsPushed);
        if (job.result.blobsCopied > 0 || job.result.blobsMounted > 0)
            text += QStringLiteral("; %1 blobs (%2) copied, %3 mounted")
                        .arg(job.result.blobsCopied)
                        .arg(bytesText(job.result.bytesCopied))
                        .arg(job.result.blobsMounted);
        return text;
    }
    case JobState::Queued:
        return job.resumed ? QStringLiteral("interrupted; will run again") : QString();
    case JobState::Running:
        return QStringLiteral("attempt %1").arg(job.attempts);
    default:
        return job.error;
    }
}

} // namespace

void runQueuedJobs(CliContext &context, const Profile &profile, JobQueue &queue, int parallel)
{
    RegistryClientPool pool;
    JobRunner runner(profile, &queue, &pool);
    runner.setParallel(parallel);
    const bool showProgress = context.stderrIsTerminal();
    int finished = 0;
    const int total = queue.count(JobState::Queued);
    // Jobs finish in steps; the pace of finished jobs over the last minute is what predicts.
    Eta eta(60000, 3000);
    QElapsedTimer clock;
    clock.start();
    eta.sample(0, 0);
    QEventLoop loop;
    QObject::connect(&runner, &JobRunner::jobChanged, &runner, [&](const Job &job) {
        if (isFinished(job.state))
            eta.sample(clock.elapsed(), ++finished);
    });
    QObject::connect(&runner, &JobRunner::jobProgress, &runner,
                     [&](const QString &id, const CopyProgress &p) {
                         if (!showProgress)
                             return;
                         const Job *job = queue.find(id);
                         eta.sample(clock.elapsed(), finished); // a stall shows as "no estimate"
                         const QString left = Eta::text(eta.secondsLeft(total));
                         context.err() << QStringLiteral("\r\x1b[K%1/%2 done%8; %3: %4, blobs %5/%6 (%7)")
                                              .arg(finished)
                                              .arg(total)
                                              .arg(job ? job->spec.label() : id, toString(p.phase))
                                              .arg(p.blobsDone)
                                              .arg(p.blobsTotal)
                                              .arg(bytesText(p.bytesDone))
                                              .arg(left.isEmpty() ? QString() : QStringLiteral(", ") + left);
                         context.err().flush();
                     });
    QObject::connect(&runner, &JobRunner::journalFailed, &runner, [&](const QString &message) {
        context.err() << "\nquayside-cli: " << message << "; no further job starts\n";
    });
    QObject::connect(&runner, &JobRunner::idle, &loop, &QEventLoop::quit);
    runner.run();
    loop.exec();
    if (showProgress)
        context.err() << "\r\x1b[K";
}

void printJobs(CliContext &context, const std::vector<Job> &jobs)
{
    TextTable table({QStringLiteral("JOB"), QStringLiteral("STATE"), QStringLiteral("ACTION"),
                     QStringLiteral("ROUTE"), QStringLiteral("IMAGE"), QStringLiteral("RESULT")});
    for (const Job &job : jobs)
        table.addRow({job.id, toString(job.state), toString(job.spec.action), job.spec.route.label(),
                      job.spec.label(), outcomeText(job)});
    if (table.isEmpty()) {
        context.out() << "No jobs.\n";
        return;
    }
    table.print(context.out());
    FailureCauses causes;
    for (const Job &job : jobs)
        causes.add(job);
    if (!causes.isEmpty())
        context.out() << "\nNot done, by cause: " << causes.text()
                      << ". Fix the cause, then `quayside-cli queue retry` (refused jobs need a new plan).\n";
}

QJsonArray jobsJson(const std::vector<Job> &jobs)
{
    QJsonArray out;
    for (const Job &job : jobs)
        out.append(toJson(job));
    return out;
}

int exitCodeFor(const std::vector<Job> &jobs)
{
    bool failed = false, refused = false;
    for (const Job &job : jobs) {
        failed = failed || job.state == JobState::Failed;
        refused = refused || job.state == JobState::Refused || job.state == JobState::Cancelled;
    }
    return failed ? ExitRegistry : refused ? ExitRefused : ExitOk;
}

} // namespace quayside::cli
