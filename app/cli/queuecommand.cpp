// quayside-cli queue: the journalled jobs of a profile — list them, run what is queued (and what
// a crash interrupted), retry failures, cancel, forget finished ones.
#include "clicontext.h"
#include "commands.h"
#include "jobs/jobqueue.h"
#include "jobsrunner.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

namespace quayside::cli {

int runQueue(CliContext &context, const QStringList &arguments)
{
    QCommandLineParser parser;
    CliContext::addCommonOptions(parser);
    parser.addPositionalArgument(QStringLiteral("action"),
                                 QStringLiteral("list (default), run, retry [JOB...], cancel JOB..., "
                                                "clear"),
                                 QStringLiteral("[action] [JOB...]"));
    parser.addOption({QStringLiteral("parallel"), QStringLiteral("Copies at a time (default 2)."),
                      QStringLiteral("N"), QStringLiteral("2")});
    parser.addOption({QStringLiteral("failures"),
                      QStringLiteral("clear: forget failed and refused jobs too.")});
    if (auto exit = context.parse(parser, QStringLiteral("queue"), arguments))
        return *exit;
    const auto format = context.format(parser);
    if (!format)
        return ExitUsage;
    QStringList words = parser.positionalArguments();
    const QString action = words.isEmpty() ? QStringLiteral("list") : words.takeFirst();
    static const QStringList kActions{QStringLiteral("list"), QStringLiteral("run"), QStringLiteral("retry"),
                                      QStringLiteral("cancel"), QStringLiteral("clear")};
    if (!kActions.contains(action)) {
        context.err() << "quayside-cli queue: unknown action \"" << action << "\" ("
                      << kActions.join(QStringLiteral(", ")) << ")\n";
        return ExitUsage;
    }
    if ((action == QLatin1String("cancel") && words.isEmpty()) ||
        ((action == QLatin1String("list") || action == QLatin1String("run") ||
          action == QLatin1String("clear")) &&
         !words.isEmpty())) {
        context.err() << "quayside-cli queue " << action << ": unexpected arguments\n";
        return ExitUsage;
    }
    bool parallelOk = false;
    const int parallel = parser.value(QStringLiteral("parallel")).toInt(&parallelOk);
    if (!parallelOk || parallel < 1 || parallel > 16) {
        context.err() << "quayside-cli queue: --parallel must be 1 to 16\n";
        return ExitUsage;
    }
    const auto profile = context.loadProfile(parser);
    if (!profile)
        return ExitUsage;

    JobQueue queue(JobQueue::journalFor(*profile));
    QString error;
    const bool writes = action != QLatin1String("list");
    if (!(writes ? queue.open(&error) : queue.load(&error))) {
        context.err() << "quayside-cli queue: " << error << '\n';
        return ExitUsage;
    }
    for (const QString &warning : queue.warnings())
        context.err() << "quayside-cli queue: " << warning << '\n';

    // The jobs this invocation runs decide its exit code, not old failures in the journal.
    auto queuedNow = [&queue] {
        QSet<QString> ids;
        for (const Job &job : queue.jobs())
            if (job.state == JobState::Queued)
                ids.insert(job.id);
        return ids;
    };
    QSet<QString> ran;
    if (action == QLatin1String("cancel")) {
        for (const QString &id : std::as_const(words))
            if (!queue.cancel(id, &error)) {
                context.err() << "quayside-cli queue cancel: " << error << '\n';
                return ExitUsage;
            }
    } else if (action == QLatin1String("clear")) {
        const int dropped = queue.forget(parser.isSet(QStringLiteral("failures")), &error);
        if (dropped < 0) {
            context.err() << "quayside-cli queue clear: " << error << '\n';
            return ExitRegistry;
        }
        context.err() << "forgot " << dropped << " finished job(s)\n";
    } else if (action == QLatin1String("retry")) {
        QStringList ids = words;
        if (ids.isEmpty())
            for (const Job &job : queue.jobs())
                if (job.state == JobState::Failed || job.state == JobState::Cancelled)
                    ids << job.id;
        for (const QString &id : std::as_const(ids))
            if (!queue.retry(id, &error)) {
                context.err() << "quayside-cli queue retry: " << error << '\n';
                return ExitUsage;
            }
        ran = queuedNow();
        runQueuedJobs(context, *profile, queue, parallel);
    } else if (action == QLatin1String("run")) {
        ran = queuedNow();
        runQueuedJobs(context, *profile, queue, parallel);
    }

    const std::vector<Job> &jobs = queue.jobs();
    if (*format == QLatin1String("json"))
        context.out() << QJsonDocument(QJsonObject{{QStringLiteral("journal"), queue.path()},
                                                   {QStringLiteral("jobs"), jobsJson(jobs)}})
                             .toJson(QJsonDocument::Indented);
    else
        printJobs(context, jobs);
    std::vector<Job> ranJobs;
    for (const Job &job : jobs)
        if (ran.contains(job.id))
            ranJobs.push_back(job);
    return exitCodeFor(ranJobs);
}

} // namespace quayside::cli
