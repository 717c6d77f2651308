// quayside-cli compare: the drift matrix of a profile, as a table for people or JSON for
// pipelines, optionally failing when anything drifts.
#include "clicontext.h"
#include "commands.h"
#include "compare/comparator.h"
#include "compare/driftexport.h"
#include "compare/driftfilter.h"
#include "compare/driftjson.h"
#include "scanrunner.h"
#include "texttable.h"

#include <QJsonDocument>

namespace quayside::cli {
namespace {

QString shortDigest(const QString &digest)
{
    return digest.section(u':', 1).left(12);
}

QString plainCellText(const DriftCell &cell)
{
    if (!cell.error.isEmpty())
        return QStringLiteral("error");
    QString text = shortDigest(cell.digest);
    if (cell.platforms.size() > 1)
        text += QStringLiteral(" (%1 arch)").arg(cell.platforms.size());
    if (!cell.missingChildren.isEmpty())
        text += QStringLiteral(" sparse");
    return text;
}

QString cellText(const std::optional<DriftCell> &cell, const SnapshotChange *change)
{
    // The last scan's news, after the digest: "moved" (from what), "new", or what vanished.
    if (!cell)
        return change && change->kind == SnapshotChange::Kind::Vanished
                   ? QStringLiteral("- (vanished: %1)").arg(shortDigest(change->before))
                   : QStringLiteral("-");
    QString text = plainCellText(*cell);
    if (change && change->kind == SnapshotChange::Kind::Moved)
        text += QStringLiteral(" (moved from %1)").arg(shortDigest(change->before));
    else if (change && change->kind == SnapshotChange::Kind::Appeared)
        text += QStringLiteral(" (new)");
    return text;
}

QString routeText(const std::optional<RouteCell> &route)
{
    if (!route)
        return QStringLiteral("-");
    if (route->status == DriftStatus::ArchMissing)
        return QStringLiteral("arch-missing: ") +
               route->missingPlatforms.join(u',').replace(QStringLiteral("linux/"), QString());
    return toString(route->status);
}

} // namespace

int runCompare(CliContext &context, const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Compare the registries of a profile along its routes. --format also takes "
                       "csv (full digests, for spreadsheets) or markdown (for tickets)."));
    CliContext::addCommonOptions(parser);
    parser.addOption({QStringLiteral("only-drift"), QStringLiteral("Show only rows that drift.")});
    parser.addOption({QStringLiteral("only-changed"),
                      QStringLiteral("Show only tags the last scan saw move, appear or vanish.")});
    parser.addOption({QStringLiteral("route"),
                      QStringLiteral("Only this route, written FROM:TO (registry ids)."),
                      QStringLiteral("FROM:TO")});
    parser.addOption({QStringLiteral("repository"),
                      QStringLiteral("Only repositories matching this glob (repeatable)."),
                      QStringLiteral("GLOB")});
    parser.addOption({QStringLiteral("fail-on-drift"),
                      QStringLiteral("Exit 1 if any row shown drifts (for CI gates).")});
    parser.addOption({QStringLiteral("offline"),
                      QStringLiteral("Compare the last snapshots; do not contact registries.")});
    parser.addOption({QStringLiteral("deep"),
                      QStringLiteral("Scan deep first (re-check every digest).")});
    if (auto exit = context.parse(parser, QStringLiteral("compare"), arguments))
        return *exit;
    const auto format = context.format(parser, {QStringLiteral("csv"), QStringLiteral("markdown")});
    if (!format)
        return ExitUsage;
    const auto profile = context.loadProfile(parser);
    if (!profile)
        return ExitUsage;

    DriftFilter filter;
    filter.onlyDrift = parser.isSet(QStringLiteral("only-drift"));
    filter.onlyChanged = parser.isSet(QStringLiteral("only-changed"));
    filter.repositories = GlobSet(parser.values(QStringLiteral("repository")));
    if (parser.isSet(QStringLiteral("route")) &&
        !context.route(*profile, parser.value(QStringLiteral("route")), QStringLiteral("compare")))
        return ExitUsage;

    bool unreadable = false;
    const auto snapshots = snapshotsFor(context, *profile, QStringLiteral("compare"),
                                        parser.isSet(QStringLiteral("offline")),
                                        parser.isSet(QStringLiteral("deep")), &unreadable);
    if (!snapshots)
        return ExitRegistry;
    std::vector<const Snapshot *> pointers;
    for (const Snapshot &s : *snapshots)
        pointers.push_back(&s);
    const DriftMatrix full = compare(*profile, pointers);
    if (parser.isSet(QStringLiteral("route")))
        filter.route = findRoute(full, parser.value(QStringLiteral("route")));
    const DriftMatrix shown = filter.apply(full);

    bool drift = false;
    for (const DriftRow &row : shown.rows)
        drift = drift || row.hasDrift();

    if (*format == QLatin1String("json")) {
        context.out() << QJsonDocument(toJson(profile->name, shown)).toJson(QJsonDocument::Indented);
    } else if (*format == QLatin1String("csv")) {
        context.out() << QString::fromUtf8(toCsv(shown));
    } else if (*format == QLatin1String("markdown")) {
        context.out() << toMarkdown(profile->name, oldestTakenAt(*snapshots).toUTC().toString(Qt::ISODate),
                                    shown);
    } else {
        QStringList header{QStringLiteral("REPOSITORY"), QStringLiteral("TAG")};
        header << shown.registryIds;
        for (const Route &r : shown.routes)
            header << r.from + QStringLiteral("→") + r.to;
        TextTable table(header);
        for (const DriftRow &row : shown.rows) {
            QStringList cells{row.repository, row.tag};
            for (std::size_t i = 0; i < row.cells.size(); ++i)
                cells << cellText(row.cells[i], row.change(i));
            for (const auto &route : row.routes)
                cells << routeText(route);
            table.addRow(cells);
        }
        if (table.isEmpty())
            context.out() << (filter.onlyChanged ? "Nothing changed in the last scan.\n"
                              : filter.onlyDrift ? "No drift.\n"
                                                 : "Nothing to compare.\n");
        else
            table.print(context.out());
    }
    if (unreadable)
        return ExitRegistry;
    if (drift && parser.isSet(QStringLiteral("fail-on-drift")))
        return ExitDrift;
    return ExitOk;
}

} // namespace quayside::cli
