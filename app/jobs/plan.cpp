#include "plan.h"

#include "registry/digest.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace quayside {
namespace {

const char *const kActionNames[] = {"copy", "overwrite", "fill", "skip"};

QString skipReason(DriftStatus status, const std::optional<DriftCell> &from,
                   const std::optional<DriftCell> &to)
{
    switch (status) {
    case DriftStatus::InSync:
        return QStringLiteral("in sync");
    case DriftStatus::Extra:
        return QStringLiteral("only on the destination (never deleted by a plan)");
    case DriftStatus::Error:
        return (from && !from->error.isEmpty()) ? from->error
               : (to && !to->error.isEmpty())   ? to->error
                                                : QStringLiteral("unreadable");
    default:
        return QString();
    }
}

QJsonValue orNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue() : QJsonValue(text);
}

class Reader
{
public:
    explicit Reader(QStringList *errors)
        : m_errors(errors)
    {
    }

    QString string(const QJsonObject &o, const char *key, const QString &path, bool required,
                   bool digest = false)
    {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull()) {
            if (required)
                m_errors->append(path + u'.' + QLatin1String(key) + QStringLiteral(": missing"));
            return QString();
        }
        if (!v.isString()) {
            m_errors->append(path + u'.' + QLatin1String(key) + QStringLiteral(": not a string"));
            return QString();
        }
        const QString text = v.toString();
        if (digest && !text.isEmpty() && !Digest::parse(text))
            m_errors->append(path + u'.' + QLatin1String(key) + QStringLiteral(": \"") + text +
                             QStringLiteral("\" is not a digest"));
        return text;
    }

    QStringList strings(const QJsonObject &o, const char *key)
    {
        QStringList out;
        for (const QJsonValue v : o.value(QLatin1String(key)).toArray())
            out << v.toString();
        return out;
    }

private:
    QStringList *m_errors;
};

} // namespace

QString toString(PlanAction action)
{
    return QLatin1String(kActionNames[static_cast<int>(action)]);
}

std::optional<PlanAction> planActionFromString(const QString &text)
{
    for (int i = 0; i < 4; ++i)
        if (text == QLatin1String(kActionNames[i]))
            return static_cast<PlanAction>(i);
    return std::nullopt;
}

int Plan::count(PlanAction action) const
{
    int n = 0;
    for (const PlanItem &item : items)
        n += item.action == action ? 1 : 0;
    return n;
}

int Plan::workCount() const
{
    return static_cast<int>(items.size()) - count(PlanAction::Skip);
}

qint64 Plan::estimatedBytes() const
{
    qint64 total = -1;
    for (const PlanItem &item : items)
        if (item.isWork() && item.estimate.bytes >= 0)
            total = std::max<qint64>(total, 0) + item.estimate.bytes;
    return total;
}

Plan makePlan(const Profile &profile, const DriftMatrix &matrix, int routeIndex,
              const PlanFilter &filter, const QDateTime &snapshotAt)
{
    Plan plan;
    plan.profileName = profile.name;
    plan.profileSource = profile.source;
    plan.route = matrix.routes.at(static_cast<std::size_t>(routeIndex));
    plan.createdAt = QDateTime::currentDateTimeUtc();
    plan.snapshotAt = snapshotAt;
    const auto from = matrix.registryIds.indexOf(plan.route.from);
    const auto to = matrix.registryIds.indexOf(plan.route.to);
    for (const DriftRow &row : matrix.rows) {
        const auto &route = row.routes.at(static_cast<std::size_t>(routeIndex));
        if (!route)
            continue;
        if (!filter.repositories.isEmpty() && !filter.repositories.matches(row.repository))
            continue;
        if (!filter.tags.isEmpty() && !filter.tags.matches(row.tag))
            continue;
        const auto &source = row.cells.at(static_cast<std::size_t>(from));
        const auto &destination = row.cells.at(static_cast<std::size_t>(to));
        PlanItem item;
        item.repository = row.repository;
        item.tag = row.tag;
        item.status = route->status;
        item.missingPlatforms = route->missingPlatforms;
        if (source) {
            item.sourceDigest = source->digest;
            item.mediaType = source->mediaType;
            item.platforms = source->platforms;
        }
        if (destination)
            item.destinationDigest = destination->digest;
        switch (route->status) {
        case DriftStatus::Missing:
            item.action = PlanAction::Copy;
            break;
        case DriftStatus::Differs:
            item.action = PlanAction::Overwrite;
            item.reason = QStringLiteral("the destination names another image");
            break;
        case DriftStatus::ArchMissing:
            item.action = PlanAction::Overwrite;
            item.reason = QStringLiteral("the destination lacks ") +
                          route->missingPlatforms.join(QStringLiteral(", "));
            break;
        case DriftStatus::Sparse:
            item.action = PlanAction::Fill;
            {
                const auto n = destination ? destination->missingChildren.size() : 0;
                item.reason = n == 1 ? QStringLiteral("the destination lacks 1 child manifest")
                                     : QStringLiteral("the destination lacks %1 child manifests").arg(n);
            }
            break;
        case DriftStatus::InSync:
        case DriftStatus::Extra:
        case DriftStatus::Error:
            item.action = PlanAction::Skip;
            item.reason = skipReason(route->status, source, destination);
            break;
        }
        plan.items.push_back(std::move(item));
    }
    return plan;
}

std::optional<CopySpec> copySpecFor(const Profile &profile, const Route &route,
                                    const PlanItem &item, QString *error)
{
    const RegistryConfig *from = profile.registry(route.from);
    const RegistryConfig *to = profile.registry(route.to);
    if (!from || !to) {
        if (error)
            *error = QStringLiteral("profile %1 has no registry \"%2\"")
                         .arg(profile.name, from ? route.to : route.from);
        return std::nullopt;
    }
    CopySpec spec;
    spec.source.registry = *from;
    spec.source.repository = from->repositoryFor(item.repository);
    spec.source.tag = item.tag;
    spec.source.digest = item.sourceDigest;
    spec.destination.registry = *to;
    spec.destination.repository = to->repositoryFor(item.repository);
    spec.destination.tag = item.tag;
    spec.plannedDestination = item.destinationDigest;
    return spec;
}

QJsonObject toJson(const Plan &plan)
{
    QJsonArray items;
    for (const PlanItem &item : plan.items) {
        QJsonObject o{{QStringLiteral("repository"), item.repository},
                      {QStringLiteral("tag"), item.tag},
                      {QStringLiteral("status"), toString(item.status)},
                      {QStringLiteral("action"), toString(item.action)},
                      {QStringLiteral("sourceDigest"), orNull(item.sourceDigest)},
                      {QStringLiteral("destinationDigest"), orNull(item.destinationDigest)},
                      {QStringLiteral("mediaType"), orNull(item.mediaType)},
                      {QStringLiteral("platforms"), QJsonArray::fromStringList(item.platforms)}};
        if (!item.missingPlatforms.isEmpty())
            o.insert(QStringLiteral("missingPlatforms"), QJsonArray::fromStringList(item.missingPlatforms));
        if (!item.reason.isEmpty())
            o.insert(QStringLiteral("reason"), item.reason);
        if (item.estimate.blobs >= 0 || !item.estimate.error.isEmpty()) {
            QJsonObject e;
            if (!item.estimate.error.isEmpty()) {
                e.insert(QStringLiteral("error"), item.estimate.error);
            } else {
                e.insert(QStringLiteral("blobs"), item.estimate.blobs);
                e.insert(QStringLiteral("blobsPresent"), item.estimate.blobsPresent);
                e.insert(QStringLiteral("blobsMounted"), item.estimate.blobsMounted);
                e.insert(QStringLiteral("blobsCopied"), item.estimate.blobsCopied);
                e.insert(QStringLiteral("bytes"), item.estimate.bytes);
            }
            o.insert(QStringLiteral("estimate"), e);
        }
        items.append(o);
    }
    QJsonObject counts;
    for (PlanAction a : {PlanAction::Copy, PlanAction::Overwrite, PlanAction::Fill, PlanAction::Skip})
        counts.insert(toString(a), plan.count(a));
    QJsonObject out{{QStringLiteral("version"), Plan::kVersion},
                    {QStringLiteral("profile"), plan.profileName},
                    {QStringLiteral("profileSource"), plan.profileSource},
                    {QStringLiteral("route"), QJsonObject{{QStringLiteral("from"), plan.route.from},
                                                          {QStringLiteral("to"), plan.route.to},
                                                          {QStringLiteral("kind"), toString(plan.route.kind)}}},
                    {QStringLiteral("createdAt"), plan.createdAt.toString(Qt::ISODateWithMs)},
                    {QStringLiteral("snapshotAt"), plan.snapshotAt.toString(Qt::ISODateWithMs)},
                    {QStringLiteral("counts"), counts},
                    {QStringLiteral("items"), items}};
    if (const qint64 bytes = plan.estimatedBytes(); bytes >= 0)
        out.insert(QStringLiteral("estimatedBytes"), bytes);
    return out;
}

std::optional<Plan> planFromJson(const QByteArray &json, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        if (error)
            *error = parseError.error != QJsonParseError::NoError
                         ? QStringLiteral("not JSON: %1 at offset %2")
                               .arg(parseError.errorString())
                               .arg(parseError.offset)
                         : QStringLiteral("not a plan: the document is not an object");
        return std::nullopt;
    }
    const QJsonObject o = doc.object();
    QStringList errors;
    Reader read(&errors);
    if (o.value(QLatin1String("version")).toInt() != Plan::kVersion) {
        if (error)
            *error = QStringLiteral("version: %1 is not a plan version this Quayside reads (%2)")
                         .arg(o.value(QLatin1String("version")).toVariant().toString())
                         .arg(Plan::kVersion);
        return std::nullopt;
    }
    Plan plan;
    plan.profileName = read.string(o, "profile", QStringLiteral("$"), true);
    plan.profileSource = read.string(o, "profileSource", QStringLiteral("$"), false);
    const QJsonObject route = o.value(QLatin1String("route")).toObject();
    plan.route.from = read.string(route, "from", QStringLiteral("$.route"), true);
    plan.route.to = read.string(route, "to", QStringLiteral("$.route"), true);
    plan.route.kind = route.value(QLatin1String("kind")).toString() == QLatin1String("promote")
                          ? RouteKind::Promote
                          : RouteKind::Migrate;
    plan.createdAt = QDateTime::fromString(o.value(QLatin1String("createdAt")).toString(), Qt::ISODateWithMs);
    plan.snapshotAt = QDateTime::fromString(o.value(QLatin1String("snapshotAt")).toString(), Qt::ISODateWithMs);
    const QJsonArray items = o.value(QLatin1String("items")).toArray();
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QString path = QStringLiteral("$.items[%1]").arg(i);
        const QJsonObject it = items.at(i).toObject();
        PlanItem item;
        item.repository = read.string(it, "repository", path, true);
        item.tag = read.string(it, "tag", path, true);
        const auto status = driftStatusFromString(read.string(it, "status", path, true));
        const auto action = planActionFromString(read.string(it, "action", path, true));
        if (!status)
            errors << path + QStringLiteral(".status: unknown");
        if (!action)
            errors << path + QStringLiteral(".action: unknown (copy, overwrite, fill or skip)");
        item.status = status.value_or(DriftStatus::Error);
        item.action = action.value_or(PlanAction::Skip);
        item.sourceDigest = read.string(it, "sourceDigest", path, item.action != PlanAction::Skip, true);
        item.destinationDigest = read.string(it, "destinationDigest", path, false, true);
        if (item.action == PlanAction::Overwrite && item.destinationDigest.isEmpty())
            errors << path + QStringLiteral(": an overwrite names the destinationDigest it replaces");
        item.mediaType = read.string(it, "mediaType", path, false);
        item.platforms = read.strings(it, "platforms");
        item.missingPlatforms = read.strings(it, "missingPlatforms");
        item.reason = read.string(it, "reason", path, false);
        plan.items.push_back(std::move(item));
    }
    if (!errors.isEmpty()) {
        if (error)
            *error = errors.join(QStringLiteral("; "));
        return std::nullopt;
    }
    return plan;
}

} // namespace quayside
