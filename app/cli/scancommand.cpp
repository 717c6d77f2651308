// quayside-cli scan: read every registry of a profile into snapshots (kept for the console and
// for compare --offline), and say what changed since the last scan.
#include "clicontext.h"
#include "commands.h"
#include "scanrunner.h"
#include "texttable.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace quayside::cli {

int runScanCommand(CliContext &context, const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Read the registries of a profile."));
    CliContext::addCommonOptions(parser);
    parser.addOption({QStringLiteral("deep"),
                      QStringLiteral("Re-check every tag's digest (default: only new tags and "
                                     "the profile's mutableTags).")});
    parser.addOption({QStringLiteral("registry"),
                      QStringLiteral("Scan only this registry id (repeatable)."), QStringLiteral("ID")});
    if (auto exit = context.parse(parser, QStringLiteral("scan"), arguments))
        return *exit;
    const auto format = context.format(parser);
    if (!format)
        return ExitUsage;
    const auto profile = context.loadProfile(parser);
    if (!profile)
        return ExitUsage;
    ScanOptions options;
    options.deep = parser.isSet(QStringLiteral("deep"));
    options.registries = parser.values(QStringLiteral("registry"));
    for (const QString &id : options.registries)
        if (!profile->registry(id)) {
            context.err() << "quayside-cli scan: no registry \"" << id << "\" in " << profile->name
                          << '\n';
            return ExitUsage;
        }

    const ScanOutcome outcome = runScan(context, *profile, options);
    bool anyError = outcome.anyRegistryFailed;
    if (*format == QLatin1String("json")) {
        QJsonArray registries;
        for (const Snapshot &s : outcome.snapshots) {
            int failedRepositories = 0;
            for (const auto &[name, r] : s.repositories)
                failedRepositories += r.error.isEmpty() ? 0 : 1;
            anyError = anyError || failedRepositories > 0;
            QJsonObject o{{QStringLiteral("id"), s.registryId},
                          {QStringLiteral("repositories"), qint64(s.repositories.size())},
                          {QStringLiteral("tags"), s.tagCount()},
                          {QStringLiteral("failedRepositories"), failedRepositories}};
            if (!s.error.isEmpty())
                o.insert(QStringLiteral("error"), s.error);
            registries.append(o);
        }
        QJsonArray changes;
        for (const auto &[id, c] : outcome.changes)
            changes.append(QJsonObject{{QStringLiteral("registry"), id},
                                       {QStringLiteral("change"), toString(c.kind)},
                                       {QStringLiteral("repository"), c.repository},
                                       {QStringLiteral("tag"), c.tag},
                                       {QStringLiteral("before"), c.before},
                                       {QStringLiteral("after"), c.after}});
        const QJsonObject root{{QStringLiteral("profile"), profile->name},
                               {QStringLiteral("deep"), options.deep},
                               {QStringLiteral("registries"), registries},
                               {QStringLiteral("changes"), changes},
                               {QStringLiteral("elapsedMs"), outcome.elapsedMs},
                               {QStringLiteral("requests"), outcome.requests},
                               {QStringLiteral("throttled"), outcome.throttled},
                               {QStringLiteral("retries"), outcome.retries}};
        context.out() << QJsonDocument(root).toJson(QJsonDocument::Indented);
    } else {
        TextTable table({QStringLiteral("REGISTRY"), QStringLiteral("REPOSITORIES"),
                         QStringLiteral("TAGS"), QStringLiteral("PROBLEMS")});
        for (const Snapshot &s : outcome.snapshots) {
            QStringList problems;
            if (!s.error.isEmpty())
                problems << s.error;
            for (const auto &[name, r] : s.repositories)
                if (!r.error.isEmpty())
                    problems << r.error;
            anyError = anyError || !problems.isEmpty();
            table.addRow({s.registryId, QString::number(s.repositories.size()),
                          QString::number(s.tagCount()),
                          problems.isEmpty() ? QStringLiteral("-") : problems.join(QStringLiteral("; "))});
        }
        table.print(context.out());
        context.out() << '\n'
                      << (options.deep ? "Deep" : "Fast") << " scan: " << outcome.requests
                      << " requests, " << outcome.throttled << " throttled (429), "
                      << outcome.retries << " retries, " << outcome.elapsedMs << " ms\n";
        if (!outcome.changes.empty()) {
            context.out() << "\nChanged since the last scan:\n";
            for (const auto &[id, c] : outcome.changes)
                context.out() << "  " << id << ' ' << c.repository << ':' << c.tag << ' '
                              << toString(c.kind)
                              << (c.kind == SnapshotChange::Kind::Moved
                                      ? QStringLiteral(" %1 → %2").arg(c.before.mid(7, 12), c.after.mid(7, 12))
                                      : QString())
                              << '\n';
        }
    }
    return anyError ? ExitRegistry : ExitOk;
}

} // namespace quayside::cli
