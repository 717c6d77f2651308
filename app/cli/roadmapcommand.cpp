// quayside-cli roadmap: the migration roadmap's four steps — automated evidence, recorded
// sign-offs in a hash-chained ledger, its verification, and a report for the ticket.
#include "clicontext.h"
#include "commands.h"
#include "inventory/snapshotstore.h"
#include "jobs/clientpool.h"
#include "roadmap/ledger.h"
#include "roadmap/report.h"
#include "roadmap/roadmapchecker.h"
#include "scanrunner.h"
#include "texttable.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

#include <map>

namespace quayside::cli {
namespace {

// Fresh evidence by default: a fast scan first (it saves its snapshots), then the last readable
// snapshot of each registry (a retired host's content is proven by what was last read of it).
std::vector<Snapshot> evidenceSnapshots(CliContext &context, const Profile &profile, bool offline)
{
    if (!offline)
        runScan(context, profile, ScanOptions{});
    std::vector<Snapshot> snapshots;
    SnapshotStore store;
    for (const RegistryConfig &r : profile.registries)
        if (auto s = store.loadReadable(profile, r))
            snapshots.push_back(std::move(*s));
    return snapshots;
}

std::map<int, StepEvidence> runChecks(CliContext &context, const Profile &profile,
                                      const std::vector<int> &steps, bool offline)
{
    RegistryClientPool pool;
    for (const RegistryConfig &r : profile.registries)
        pool.client(r);
    QEventLoop loop;
    pool.readCredentials([&](const QStringList &warnings) {
        for (const QString &w : warnings)
            context.err() << "quayside-cli roadmap: " << w << '\n';
        loop.quit();
    });
    loop.exec();
    RoadmapChecker checker(profile, evidenceSnapshots(context, profile, offline), &pool);
    std::map<int, StepEvidence> out;
    for (int step : steps) {
        checker.check(step, [&](StepEvidence e) {
            out[step] = std::move(e);
            loop.quit();
        });
        loop.exec();
    }
    return out;
}

void printEvidence(CliContext &context, const StepEvidence &e)
{
    const RoadmapStep *step = roadmapStep(e.step);
    context.out() << "Step " << e.step << " — " << (step ? step->title : QString()) << ": "
                  << e.summary() << '\n';
    for (const CheckResult &c : e.checks)
        context.out() << "  " << (c.passed ? "pass  " : "FAIL  ") << c.name << "\n        " << c.detail << '\n';
}

} // namespace

int runRoadmap(CliContext &context, const QStringList &arguments)
{
    QCommandLineParser parser;
    CliContext::addCommonOptions(parser);
    parser.addPositionalArgument(QStringLiteral("action"),
                                 QStringLiteral("status (default), check [STEP], sign STEP, verify, report"),
                                 QStringLiteral("[action] [STEP]"));
    parser.addOption({QStringLiteral("ledger"), QStringLiteral("The sign-off ledger (default: one per profile "
                                                               "under ~/.local/share/quayside/roadmap)."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("name"), QStringLiteral("sign: who signs off."), QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("note"), QStringLiteral("sign: what the signer attests to (ticket, checklist)."),
                      QStringLiteral("TEXT")});
    parser.addOption({QStringLiteral("override"),
                      QStringLiteral("sign: sign although checks fail or earlier steps are unsigned, for this reason."),
                      QStringLiteral("REASON")});
    parser.addOption({QStringLiteral("offline"),
                      QStringLiteral("check/sign/report: use the stored snapshots; do not scan first.")});
    parser.addOption({QStringLiteral("check"), QStringLiteral("report: run every step's checks for the report too.")});
    parser.addOption({{QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("report: write the HTML here."),
                      QStringLiteral("FILE")});
    if (auto exit = context.parse(parser, QStringLiteral("roadmap"), arguments))
        return *exit;
    const auto format = context.format(parser);
    if (!format)
        return ExitUsage;
    QStringList words = parser.positionalArguments();
    const QString action = words.isEmpty() ? QStringLiteral("status") : words.takeFirst();
    static const QStringList kActions{QStringLiteral("status"), QStringLiteral("check"), QStringLiteral("sign"),
                                      QStringLiteral("verify"), QStringLiteral("report")};
    if (!kActions.contains(action)) {
        context.err() << "quayside-cli roadmap: unknown action \"" << action << "\" ("
                      << kActions.join(QStringLiteral(", ")) << ")\n";
        return ExitUsage;
    }
    std::optional<int> step;
    if (!words.isEmpty()) {
        step = roadmapStepFromString(words.takeFirst());
        if (!step || !words.isEmpty() || (action != QLatin1String("check") && action != QLatin1String("sign"))) {
            context.err() << "quayside-cli roadmap " << action
                          << ": expected a step 1–4 (or namespaces, configs, redirects, decommission) "
                             "for check or sign only\n";
            return ExitUsage;
        }
    }
    if (action == QLatin1String("sign") && (!step || parser.value(QStringLiteral("name")).trimmed().isEmpty())) {
        context.err() << "quayside-cli roadmap sign: needs a STEP and --name\n";
        return ExitUsage;
    }
    const auto profile = context.loadProfile(parser);
    if (!profile)
        return ExitUsage;
    Ledger ledger(parser.isSet(QStringLiteral("ledger")) ? parser.value(QStringLiteral("ledger"))
                                                         : Ledger::defaultPathFor(*profile));
    QString error;
    if (!ledger.load(&error)) {
        context.err() << "quayside-cli roadmap: " << error << '\n';
        return ExitRegistry;
    }
    const bool offline = parser.isSet(QStringLiteral("offline"));
    const bool json = *format == QLatin1String("json");

    if (action == QLatin1String("verify")) {
        const LedgerVerification v = ledger.verify();
        if (json)
            context.out() << QJsonDocument(QJsonObject{{QStringLiteral("ledger"), ledger.path()},
                                                       {QStringLiteral("ok"), v.ok},
                                                       {QStringLiteral("entries"), v.entries},
                                                       {QStringLiteral("brokenAt"), v.brokenAt},
                                                       {QStringLiteral("problem"), v.problem},
                                                       {QStringLiteral("headHash"), v.headHash}})
                                 .toJson(QJsonDocument::Indented);
        else if (v.ok)
            context.out() << ledger.path() << ": " << v.entries << " entries, the chain verifies; head "
                          << v.headHash << '\n';
        else
            context.out() << ledger.path() << ": BROKEN at entry " << v.brokenAt << ": " << v.problem << '\n';
        return v.ok ? ExitOk : ExitDrift;
    }

    if (action == QLatin1String("status")) {
        const auto statuses = roadmapStatus(ledger);
        if (json) {
            QJsonArray steps;
            for (const StepStatus &s : statuses) {
                QJsonObject o{{QStringLiteral("step"), s.step->number},
                              {QStringLiteral("key"), s.step->key},
                              {QStringLiteral("title"), s.step->title},
                              {QStringLiteral("signed"), s.signOff != nullptr}};
                if (s.signOff)
                    o.insert(QStringLiteral("signOff"), s.signOff->toJson());
                steps.append(o);
            }
            context.out() << QJsonDocument(QJsonObject{{QStringLiteral("ledger"), ledger.path()},
                                                       {QStringLiteral("verifies"), ledger.verify().ok},
                                                       {QStringLiteral("steps"), steps}})
                                 .toJson(QJsonDocument::Indented);
        } else {
            TextTable table({QStringLiteral("STEP"), QStringLiteral("TITLE"), QStringLiteral("STATUS"),
                             QStringLiteral("EVIDENCE WHEN SIGNED")});
            for (const StepStatus &s : statuses)
                table.addRow({QString::number(s.step->number), s.step->title,
                              s.signOff ? QStringLiteral("signed by %1 on %2%3")
                                              .arg(s.signOff->name, s.signOff->at.toString(Qt::ISODate),
                                                   s.signOff->override.isEmpty() ? QString()
                                                                                 : QStringLiteral(" (override)"))
                                        : QStringLiteral("not signed"),
                              s.signOff ? s.signOff->evidence.summary() : QString()});
            table.print(context.out());
            const LedgerVerification v = ledger.verify();
            context.out() << "Ledger " << ledger.path() << (v.ok ? QStringLiteral(": verifies")
                                                                  : QStringLiteral(": BROKEN — ") + v.problem)
                          << '\n';
        }
        return ExitOk;
    }

    if (action == QLatin1String("check")) {
        std::vector<int> steps;
        if (step)
            steps.push_back(*step);
        else
            for (const RoadmapStep &s : roadmapSteps())
                steps.push_back(s.number);
        const auto evidence = runChecks(context, *profile, steps, offline);
        bool all = true;
        QJsonArray out;
        for (const auto &[n, e] : evidence) {
            all = all && e.passed();
            if (json)
                out.append(toJson(e));
            else
                printEvidence(context, e);
        }
        if (json)
            context.out() << QJsonDocument(QJsonObject{{QStringLiteral("steps"), out}}).toJson(QJsonDocument::Indented);
        return all ? ExitOk : ExitDrift;
    }

    if (action == QLatin1String("sign")) {
        const QString override = parser.value(QStringLiteral("override")).trimmed();
        QStringList refusals;
        for (int earlier = 1; earlier < *step; ++earlier)
            if (!ledger.signOff(earlier))
                refusals << QStringLiteral("step %1 is not signed off yet").arg(earlier);
        const StepEvidence evidence = runChecks(context, *profile, {*step}, offline).at(*step);
        printEvidence(context, evidence);
        if (!evidence.passed())
            refusals << QStringLiteral("the checks fail (%1)").arg(evidence.summary());
        if (!refusals.isEmpty() && override.isEmpty()) {
            context.err() << "quayside-cli roadmap sign: not signed: " << refusals.join(QStringLiteral("; "))
                          << ". Fix it and sign again, or sign with --override REASON (recorded).\n";
            return ExitRefused;
        }
        const auto entry = ledger.append(profile->name, *step, parser.value(QStringLiteral("name")).trimmed(),
                                         parser.value(QStringLiteral("note")).trimmed(),
                                         refusals.isEmpty() ? QString() : override, evidence, &error);
        if (!entry) {
            context.err() << "quayside-cli roadmap sign: " << error << '\n';
            return ExitRegistry;
        }
        if (json)
            context.out() << QJsonDocument(entry->toJson()).toJson(QJsonDocument::Indented);
        else
            context.out() << "Step " << *step << " signed off by " << entry->name << " (ledger entry "
                          << entry->sequence << ", hash " << entry->hash << ")"
                          << (entry->override.isEmpty() ? QString() : QStringLiteral(" with an override"))
                          << '\n';
        return ExitOk;
    }

    // report
    std::map<int, StepEvidence> checkedNow;
    if (parser.isSet(QStringLiteral("check"))) {
        std::vector<int> steps;
        for (const RoadmapStep &s : roadmapSteps())
            steps.push_back(s.number);
        checkedNow = runChecks(context, *profile, steps, offline);
    }
    const QByteArray html = roadmapReportHtml(*profile, ledger, checkedNow, QDateTime::currentDateTimeUtc());
    if (parser.isSet(QStringLiteral("output"))) {
        QSaveFile out(parser.value(QStringLiteral("output")));
        if (!out.open(QIODevice::WriteOnly) || out.write(html) != html.size() || !out.commit()) {
            context.err() << "quayside-cli roadmap report: cannot write " << out.fileName() << ": "
                          << out.errorString() << '\n';
            return ExitUsage;
        }
        context.err() << "report written to " << out.fileName() << '\n';
    } else {
        context.out() << html;
    }
    return ledger.verify().ok ? ExitOk : ExitDrift;
}

} // namespace quayside::cli
