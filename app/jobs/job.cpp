#include "job.h"

#include "registry/digest.h"

#include <QRegularExpression>

#include <algorithm>
#include <vector>

namespace quayside {
namespace {

const char *const kStateNames[] = {"queued", "running", "done", "failed", "refused", "cancelled"};

} // namespace

QString toString(JobState state)
{
    return QLatin1String(kStateNames[static_cast<int>(state)]);
}

std::optional<JobState> jobStateFromString(const QString &text)
{
    for (int i = 0; i < 6; ++i)
        if (text == QLatin1String(kStateNames[i]))
            return static_cast<JobState>(i);
    return std::nullopt;
}

JobSpec jobSpecFor(const Route &route, const PlanItem &item, const QString &backupSuffix)
{
    JobSpec spec;
    spec.route = route;
    spec.repository = item.repository;
    spec.tag = item.tag;
    spec.action = item.action;
    spec.sourceDigest = item.sourceDigest;
    spec.destinationDigest = item.destinationDigest;
    spec.allowOverwrite = item.action == PlanAction::Overwrite;
    if (spec.allowOverwrite && !backupSuffix.isEmpty())
        spec.backupTag = item.tag + backupSuffix;
    return spec;
}

QString backupSuffixForToday()
{
    return QStringLiteral("-backup-") + QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd"));
}

std::optional<QString> backedUpTag(const QString &tag)
{
    static const QRegularExpression pattern(QStringLiteral("^(.+)-backup-\\d{8}$"));
    const QRegularExpressionMatch match = pattern.match(tag);
    if (!match.hasMatch())
        return std::nullopt;
    return match.captured(1);
}

JobSpec restoreSpecFor(const QString &registryId, const QString &repository, const QString &backupTag,
                       const QString &backupDigest, const QString &currentDigest)
{
    JobSpec spec;
    spec.route = {registryId, registryId, RouteKind::Migrate};
    spec.repository = repository;
    spec.tag = backupTag;
    spec.destinationTag = backedUpTag(backupTag).value_or(QString());
    spec.action = currentDigest.isEmpty() ? PlanAction::Copy : PlanAction::Overwrite;
    spec.sourceDigest = backupDigest;
    spec.destinationDigest = currentDigest;
    spec.allowOverwrite = !currentDigest.isEmpty();
    return spec;
}

std::optional<CopySpec> copySpecFor(const Profile &profile, const JobSpec &spec, QString *error)
{
    PlanItem item;
    item.repository = spec.repository;
    item.tag = spec.tag;
    item.action = spec.action;
    item.sourceDigest = spec.sourceDigest;
    item.destinationDigest = spec.destinationDigest;
    auto copy = copySpecFor(profile, spec.route, item, error);
    if (copy) {
        copy->allowOverwrite = spec.allowOverwrite;
        copy->backupTag = spec.backupTag;
        if (!spec.destinationTag.isEmpty())
            copy->destination.tag = spec.destinationTag;
    }
    return copy;
}

void FailureCauses::add(const Job &job)
{
    if (job.state == JobState::Failed || job.state == JobState::Refused)
        ++m_counts[job.errorKind.isEmpty() ? toString(job.state) : job.errorKind];
}

QString FailureCauses::text() const
{
    std::vector<std::pair<QString, int>> causes(m_counts.keyValueBegin(), m_counts.keyValueEnd());
    std::stable_sort(causes.begin(), causes.end(), [](const auto &a, const auto &b) { return a.second > b.second; });
    QStringList parts;
    for (const auto &[cause, count] : causes)
        parts << QStringLiteral("%1 %2").arg(count).arg(cause);
    return parts.join(QStringLiteral(", "));
}

QJsonObject toJson(const JobSpec &spec)
{
    QJsonObject o{{QStringLiteral("from"), spec.route.from},
                  {QStringLiteral("to"), spec.route.to},
                  {QStringLiteral("kind"), toString(spec.route.kind)},
                  {QStringLiteral("repository"), spec.repository},
                  {QStringLiteral("tag"), spec.tag},
                  {QStringLiteral("action"), toString(spec.action)},
                  {QStringLiteral("sourceDigest"), spec.sourceDigest},
                  {QStringLiteral("destinationDigest"), spec.destinationDigest},
                  {QStringLiteral("allowOverwrite"), spec.allowOverwrite}};
    if (!spec.backupTag.isEmpty())
        o.insert(QStringLiteral("backupTag"), spec.backupTag);
    if (!spec.destinationTag.isEmpty())
        o.insert(QStringLiteral("destinationTag"), spec.destinationTag);
    return o;
}

std::optional<JobSpec> jobSpecFromJson(const QJsonObject &o, QString *error)
{
    JobSpec spec;
    spec.route.from = o.value(QLatin1String("from")).toString();
    spec.route.to = o.value(QLatin1String("to")).toString();
    spec.route.kind = o.value(QLatin1String("kind")).toString() == QLatin1String("promote")
                          ? RouteKind::Promote
                          : RouteKind::Migrate;
    spec.repository = o.value(QLatin1String("repository")).toString();
    spec.tag = o.value(QLatin1String("tag")).toString();
    const auto action = planActionFromString(o.value(QLatin1String("action")).toString());
    spec.sourceDigest = o.value(QLatin1String("sourceDigest")).toString();
    spec.destinationDigest = o.value(QLatin1String("destinationDigest")).toString();
    spec.allowOverwrite = o.value(QLatin1String("allowOverwrite")).toBool();
    spec.backupTag = o.value(QLatin1String("backupTag")).toString();
    spec.destinationTag = o.value(QLatin1String("destinationTag")).toString();
    QString problem;
    if (spec.route.from.isEmpty() || spec.route.to.isEmpty())
        problem = QStringLiteral("no route");
    else if (spec.repository.isEmpty() || spec.tag.isEmpty())
        problem = QStringLiteral("no repository or tag");
    else if (!action || *action == PlanAction::Skip)
        problem = QStringLiteral("no action to carry out");
    else if (!Digest::parse(spec.sourceDigest))
        problem = QStringLiteral("no pinned source digest");
    else if (!spec.destinationDigest.isEmpty() && !Digest::parse(spec.destinationDigest))
        problem = QStringLiteral("a destination digest that is not one");
    if (!problem.isEmpty()) {
        if (error)
            *error = problem;
        return std::nullopt;
    }
    spec.action = *action;
    return spec;
}

QJsonObject toJson(const Job &job)
{
    QJsonObject o{{QStringLiteral("id"), job.id},
                  {QStringLiteral("state"), toString(job.state)},
                  {QStringLiteral("spec"), toJson(job.spec)},
                  {QStringLiteral("attempts"), job.attempts},
                  {QStringLiteral("queuedAt"), job.queuedAt.toString(Qt::ISODateWithMs)}};
    if (job.resumed)
        o.insert(QStringLiteral("resumed"), true);
    if (job.startedAt.isValid())
        o.insert(QStringLiteral("startedAt"), job.startedAt.toString(Qt::ISODateWithMs));
    if (job.finishedAt.isValid())
        o.insert(QStringLiteral("finishedAt"), job.finishedAt.toString(Qt::ISODateWithMs));
    if (!job.error.isEmpty())
        o.insert(QStringLiteral("error"), job.error);
    if (!job.errorKind.isEmpty())
        o.insert(QStringLiteral("errorKind"), job.errorKind);
    if (job.state == JobState::Done)
        o.insert(QStringLiteral("result"),
                 QJsonObject{{QStringLiteral("digest"), job.result.digest},
                             {QStringLiteral("tagMoved"), job.result.tagMoved},
                             {QStringLiteral("manifestsPushed"), job.result.manifestsPushed},
                             {QStringLiteral("blobsCopied"), job.result.blobsCopied},
                             {QStringLiteral("blobsMounted"), job.result.blobsMounted},
                             {QStringLiteral("blobsPresent"), job.result.blobsPresent},
                             {QStringLiteral("bytesCopied"), job.result.bytesCopied}});
    return o;
}

} // namespace quayside
