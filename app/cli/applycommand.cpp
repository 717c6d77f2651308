// quayside-cli apply: carry out a reviewed plan through the journalled job queue. Every item's
// pins are re-checked by its copy, so a stale plan is refused item by item, never followed.
#include "clicontext.h"
#include "commands.h"
#include "inventory/profileloader.h"
#include "jobs/jobqueue.h"
#include "jobs/plan.h"
#include "jobsrunner.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <cstdio>
#include <unistd.h>

namespace quayside::cli {
namespace {

bool confirmOnTerminal(CliContext &context, const QString &question)
{
    if (isatty(STDIN_FILENO) != 1)
        return false;
    context.err() << question << " [y/N] ";
    context.err().flush();
    char answer[16] = {};
    if (!std::fgets(answer, sizeof answer, stdin))
        return false;
    return answer[0] == 'y' || answer[0] == 'Y';
}

} // namespace

int runApply(CliContext &context, const QStringList &arguments)
{
    QCommandLineParser parser;
    CliContext::addCommonOptions(parser);
    parser.addPositionalArgument(QStringLiteral("plan"), QStringLiteral("A plan written by quayside-cli plan -o."));
    parser.addOption({QStringLiteral("yes"), QStringLiteral("Do not ask: apply the plan.")});
    parser.addOption({QStringLiteral("allow-overwrite"),
                      QStringLiteral("Also carry out the plan's overwrites (tags that name another "
                                     "image on the destination).")});
    parser.addOption({QStringLiteral("backup"),
                      QStringLiteral("Before each overwrite, keep the replaced image under "
                                     "<tag>-backup-<YYYYMMDD>.")});
    parser.addOption({QStringLiteral("parallel"), QStringLiteral("Copies at a time (default 2)."),
                      QStringLiteral("N"), QStringLiteral("2")});
    if (auto exit = context.parse(parser, QStringLiteral("apply"), arguments))
        return *exit;
    const auto format = context.format(parser);
    if (!format)
        return ExitUsage;
    if (parser.positionalArguments().size() != 1) {
        context.err() << "quayside-cli apply: needs one plan file\nTry 'quayside-cli apply --help'.\n";
        return ExitUsage;
    }
    bool parallelOk = false;
    const int parallel = parser.value(QStringLiteral("parallel")).toInt(&parallelOk);
    if (!parallelOk || parallel < 1 || parallel > 16) {
        context.err() << "quayside-cli apply: --parallel must be 1 to 16\n";
        return ExitUsage;
    }
    const QString planPath = parser.positionalArguments().first();
    QFile file(planPath);
    if (!file.open(QIODevice::ReadOnly)) {
        context.err() << "quayside-cli apply: cannot read " << planPath << ": " << file.errorString() << '\n';
        return ExitUsage;
    }
    QString error;
    const auto plan = planFromJson(file.readAll(), &error);
    if (!plan) {
        context.err() << "quayside-cli apply: " << planPath << ": " << error << '\n';
        return ExitUsage;
    }
    // The plan's own profile unless told otherwise.
    std::optional<Profile> profile;
    if (parser.isSet(QStringLiteral("profile"))) {
        profile = context.loadProfile(parser);
    } else {
        const ProfileLoad load = ProfileLoader::resolve(plan->profileSource.isEmpty() ? plan->profileName
                                                                                      : plan->profileSource);
        if (load.ok())
            profile = load.profile;
        else
            context.err() << "quayside-cli apply: the plan's profile (" << plan->profileSource
                          << ") is not usable: " << load.errorText() << "\n  (give --profile)\n";
    }
    if (!profile)
        return ExitUsage;
    if (!profile->route(plan->route.from, plan->route.to)) {
        context.err() << "quayside-cli apply: profile " << profile->name << " has no route "
                      << plan->route.label() << '\n';
        return ExitUsage;
    }

    const bool allowOverwrite = parser.isSet(QStringLiteral("allow-overwrite"));
    const QString backupSuffix = parser.isSet(QStringLiteral("backup")) ? backupSuffixForToday() : QString();
    std::vector<JobSpec> specs;
    std::vector<const PlanItem *> held; // overwrites not allowed: reported, not queued
    for (const PlanItem &item : plan->items) {
        if (!item.isWork())
            continue;
        if (item.action == PlanAction::Overwrite && !allowOverwrite) {
            held.push_back(&item);
            continue;
        }
        specs.push_back(jobSpecFor(plan->route, item, backupSuffix));
    }
    // stdout carries the JSON report alone when one is asked for.
    printPlanSummary(*format == QLatin1String("json") ? context.err() : context.out(), *plan);
    if (!held.empty()) {
        QStringList names;
        for (const PlanItem *item : held)
            names << item->repository + u':' + item->tag;
        context.err() << "quayside-cli apply: " << held.size()
                      << " overwrite(s) held back (give --allow-overwrite to replace what "
                      << plan->route.to << " has): " << names.join(QStringLiteral(", ")) << '\n';
    }
    if (specs.empty()) {
        context.err() << "quayside-cli apply: nothing to apply\n";
        return held.empty() ? ExitOk : ExitRefused;
    }
    if (!parser.isSet(QStringLiteral("yes")) &&
        !confirmOnTerminal(context, QStringLiteral("Apply %1 job(s) to %2?").arg(specs.size()).arg(plan->route.to))) {
        context.err() << "quayside-cli apply: not applied (give --yes to apply without asking)\n";
        return ExitUsage;
    }

    JobQueue queue(JobQueue::journalFor(*profile));
    if (!queue.open(&error)) {
        context.err() << "quayside-cli apply: " << error << '\n';
        return ExitUsage;
    }
    const int earlier = queue.count(JobState::Queued);
    QSet<QString> ours;
    for (const JobSpec &spec : specs) {
        const auto id = queue.enqueue(spec, &error);
        if (!id) {
            context.err() << "quayside-cli apply: " << error << '\n';
            return ExitRegistry;
        }
        ours.insert(*id);
    }
    if (earlier > 0)
        context.err() << "quayside-cli apply: " << earlier
                      << " job(s) queued earlier (or interrupted) run first\n";
    runQueuedJobs(context, *profile, queue, parallel);

    std::vector<Job> jobs;
    for (const Job &job : queue.jobs())
        if (ours.contains(job.id))
            jobs.push_back(job);
    if (*format == QLatin1String("json")) {
        QJsonArray heldJson;
        for (const PlanItem *item : held)
            heldJson.append(QJsonObject{{QStringLiteral("repository"), item->repository},
                                        {QStringLiteral("tag"), item->tag},
                                        {QStringLiteral("reason"), QStringLiteral("needs --allow-overwrite")}});
        context.out() << QJsonDocument(QJsonObject{{QStringLiteral("plan"), planPath},
                                                   {QStringLiteral("jobs"), jobsJson(jobs)},
                                                   {QStringLiteral("heldBack"), heldJson}})
                             .toJson(QJsonDocument::Indented);
    } else {
        printJobs(context, jobs);
    }
    const int code = exitCodeFor(jobs);
    return code == ExitOk && !held.empty() ? ExitRefused : code;
}

} // namespace quayside::cli
