// quayside-cli plan: what one route needs, pinned to digests and checked against the
// destination (a dry run of every copy), for review before `apply`.
#include "clicontext.h"
#include "commands.h"
#include "compare/comparator.h"
#include "compare/driftfilter.h"
#include "jobs/clientpool.h"
#include "jobs/plan.h"
#include "jobs/planestimator.h"
#include "scanrunner.h"
#include "texttable.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QLocale>
#include <QSaveFile>

namespace quayside::cli {
namespace {

QString shortDigest(const QString &digest)
{
    return digest.isEmpty() ? QStringLiteral("-") : digest.section(u':', 1).left(12);
}

QString bytesText(qint64 bytes)
{
    return QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

QString estimateText(const PlanItem &item)
{
    if (!item.isWork())
        return QString();
    if (!item.estimate.error.isEmpty())
        return QStringLiteral("would fail");
    if (item.estimate.bytes < 0)
        return QStringLiteral("?");
    if (item.estimate.blobsCopied == 0 && item.estimate.blobsMounted == 0)
        return QStringLiteral("manifests only");
    QString text = bytesText(item.estimate.bytes);
    if (item.estimate.blobsMounted > 0)
        text += QStringLiteral(" +%1 mounted").arg(item.estimate.blobsMounted);
    return text;
}

} // namespace

void printPlanSummary(QTextStream &out, const Plan &plan)
{
    const qint64 bytes = plan.estimatedBytes();
    out << plan.route.from << " → " << plan.route.to << " (" << toString(plan.route.kind)
                  << "): " << plan.count(PlanAction::Copy) << " to copy, "
                  << plan.count(PlanAction::Overwrite) << " to overwrite, "
                  << plan.count(PlanAction::Fill) << " to fill, " << plan.count(PlanAction::Skip)
                  << " skipped";
    if (bytes >= 0)
        out << "; " << bytesText(bytes) << " to send";
    out << '\n';
    if (plan.count(PlanAction::Overwrite) > 0)
        out << "Overwrites replace a different image on " << plan.route.to
                      << ": apply them only with --allow-overwrite.\n";
}

int runPlan(CliContext &context, const QStringList &arguments)
{
    QCommandLineParser parser;
    CliContext::addCommonOptions(parser);
    parser.addOption({QStringLiteral("route"), QStringLiteral("The route to plan, FROM:TO (registry ids)."),
                      QStringLiteral("FROM:TO")});
    parser.addOption({QStringLiteral("repository"),
                      QStringLiteral("Only repositories matching this glob (repeatable)."),
                      QStringLiteral("GLOB")});
    parser.addOption({QStringLiteral("tag"), QStringLiteral("Only tags matching this glob (repeatable)."),
                      QStringLiteral("GLOB")});
    parser.addOption({{QStringLiteral("o"), QStringLiteral("output")},
                      QStringLiteral("Write the plan (JSON) to this file, for apply."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("offline"),
                      QStringLiteral("Plan from the last snapshots and do not estimate.")});
    parser.addOption({QStringLiteral("deep"), QStringLiteral("Scan deep first.")});
    parser.addOption({QStringLiteral("no-estimate"),
                      QStringLiteral("Skip the dry run that counts what each copy would send.")});
    parser.addOption({QStringLiteral("all"),
                      QStringLiteral("List skipped rows too (default: only the work).")});
    if (auto exit = context.parse(parser, QStringLiteral("plan"), arguments))
        return *exit;
    const auto format = context.format(parser);
    if (!format)
        return ExitUsage;
    const auto profile = context.loadProfile(parser);
    if (!profile)
        return ExitUsage;
    const QString wanted = parser.value(QStringLiteral("route"));
    const Route *route = context.route(*profile, wanted, QStringLiteral("plan"));
    if (!route)
        return ExitUsage;

    const bool offline = parser.isSet(QStringLiteral("offline"));
    bool unreadable = false;
    const auto snapshots = snapshotsFor(context, *profile, QStringLiteral("plan"), offline,
                                        parser.isSet(QStringLiteral("deep")), &unreadable);
    if (!snapshots)
        return ExitRegistry;
    std::vector<const Snapshot *> pointers;
    for (const Snapshot &s : *snapshots)
        pointers.push_back(&s);
    const QDateTime oldest = oldestTakenAt(*snapshots);
    const DriftMatrix matrix = compare(*profile, pointers);
    PlanFilter filter;
    filter.repositories = GlobSet(parser.values(QStringLiteral("repository")));
    filter.tags = GlobSet(parser.values(QStringLiteral("tag")));
    Plan plan = makePlan(*profile, matrix, *findRoute(matrix, wanted), filter, oldest);

    if (!offline && !parser.isSet(QStringLiteral("no-estimate")) && plan.workCount() > 0) {
        RegistryClientPool pool;
        for (const QString &id : {route->from, route->to})
            pool.client(*profile->registry(id));
        QEventLoop loop;
        pool.readCredentials([&](const QStringList &warnings) {
            for (const QString &w : warnings)
                context.err() << "quayside-cli plan: " << w << '\n';
            loop.quit();
        });
        loop.exec();
        PlanEstimator estimator(*profile, &pool);
        const bool showProgress = context.stderrIsTerminal();
        QObject::connect(&estimator, &PlanEstimator::progressChanged, &estimator,
                         [&context, showProgress](int done, int total) {
                             if (!showProgress)
                                 return;
                             context.err() << QStringLiteral("\r\x1b[Kchecking against the "
                                                             "destination: %1/%2")
                                                  .arg(done)
                                                  .arg(total);
                             context.err().flush();
                         });
        estimator.start(&plan, [&loop] { loop.quit(); });
        loop.exec();
        if (showProgress)
            context.err() << "\r\x1b[K";
    }

    const QByteArray json = QJsonDocument(toJson(plan)).toJson(QJsonDocument::Indented);
    if (parser.isSet(QStringLiteral("output"))) {
        QSaveFile file(parser.value(QStringLiteral("output")));
        if (!file.open(QIODevice::WriteOnly) || file.write(json) != json.size() || !file.commit()) {
            context.err() << "quayside-cli plan: cannot write " << file.fileName() << ": "
                          << file.errorString() << '\n';
            return ExitUsage;
        }
    }
    if (*format == QLatin1String("json")) {
        context.out() << json;
    } else {
        TextTable table({QStringLiteral("ACTION"), QStringLiteral("REPOSITORY"), QStringLiteral("TAG"),
                         QStringLiteral("SOURCE"), QStringLiteral("DESTINATION"), QStringLiteral("SEND"),
                         QStringLiteral("WHY")});
        const bool all = parser.isSet(QStringLiteral("all"));
        for (const PlanItem &item : plan.items) {
            if (!all && !item.isWork())
                continue;
            table.addRow({toString(item.action), item.repository, item.tag,
                          shortDigest(item.sourceDigest), shortDigest(item.destinationDigest),
                          estimateText(item),
                          item.estimate.error.isEmpty() ? item.reason : item.estimate.error});
        }
        if (!table.isEmpty())
            table.print(context.out());
        printPlanSummary(context.out(), plan);
        if (parser.isSet(QStringLiteral("output")))
            context.out() << "Written to " << parser.value(QStringLiteral("output"))
                          << "; apply it with: quayside-cli apply "
                          << parser.value(QStringLiteral("output")) << " --yes\n";
    }
    return unreadable ? ExitRegistry : ExitOk;
}

} // namespace quayside::cli
