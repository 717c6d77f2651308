#include "driftjson.h"

#include <QJsonArray>

namespace quayside {

QJsonObject toJson(const QString &profileName, const DriftMatrix &matrix)
{
    QJsonArray rows;
    for (const DriftRow &row : matrix.rows) {
        QJsonObject cells;
        for (qsizetype i = 0; i < matrix.registryIds.size(); ++i) {
            const auto &cell = row.cells.at(static_cast<std::size_t>(i));
            if (!cell) {
                cells.insert(matrix.registryIds.at(i), QJsonValue::Null);
                continue;
            }
            QJsonObject c{{QStringLiteral("digest"), cell->digest},
                          {QStringLiteral("mediaType"), cell->mediaType},
                          {QStringLiteral("platforms"), QJsonArray::fromStringList(cell->platforms)}};
            if (!cell->error.isEmpty())
                c.insert(QStringLiteral("error"), cell->error);
            if (!cell->missingChildren.isEmpty())
                c.insert(QStringLiteral("missingChildren"),
                         QJsonArray::fromStringList(cell->missingChildren));
            cells.insert(matrix.registryIds.at(i), c);
        }
        QJsonArray routes;
        for (std::size_t i = 0; i < matrix.routes.size(); ++i) {
            const auto &status = row.routes.at(i);
            if (!status)
                continue;
            const Route &route = matrix.routes[i];
            routes.append(QJsonObject{
                {QStringLiteral("from"), route.from},
                {QStringLiteral("to"), route.to},
                {QStringLiteral("kind"), toString(route.kind)},
                {QStringLiteral("status"), toString(status->status)},
                {QStringLiteral("missingPlatforms"),
                 QJsonArray::fromStringList(status->missingPlatforms)}});
        }
        QJsonObject out{{QStringLiteral("repository"), row.repository},
                        {QStringLiteral("tag"), row.tag},
                        {QStringLiteral("cells"), cells},
                        {QStringLiteral("routes"), routes}};
        // Only where the last scan saw this tag change, so unchanged rows read as before.
        QJsonObject changes;
        for (qsizetype i = 0; i < matrix.registryIds.size(); ++i)
            if (const SnapshotChange *c = row.change(static_cast<std::size_t>(i))) {
                QJsonObject o{{QStringLiteral("kind"), toString(c->kind)}};
                if (!c->before.isEmpty())
                    o.insert(QStringLiteral("before"), c->before);
                changes.insert(matrix.registryIds.at(i), o);
            }
        if (!changes.isEmpty())
            out.insert(QStringLiteral("changes"), changes);
        rows.append(out);
    }
    return {{QStringLiteral("profile"), profileName},
            {QStringLiteral("registries"), QJsonArray::fromStringList(matrix.registryIds)},
            {QStringLiteral("rows"), rows}};
}

} // namespace quayside
