#include "rowdetails.h"

namespace quayside {

RowDetails::RowDetails(QWidget *parent)
    : QTextBrowser(parent)
{
    setObjectName(QStringLiteral("rowDetails"));
    setOpenLinks(false);
    clearRow();
}

void RowDetails::clearRow()
{
    setHtml(tr("<p style='color:gray'>Select a row to see its digests, platforms and what "
               "differs.</p>"));
}

QString RowDetails::explain(const Profile &profile, const Route &route, const RouteCell &cell)
{
    const RegistryConfig *from = profile.registry(route.from);
    const RegistryConfig *to = profile.registry(route.to);
    const QString source = from ? from->displayTitle() : route.from;
    const QString destination = to ? to->displayTitle() : route.to;
    switch (cell.status) {
    case DriftStatus::InSync:
        return tr("%1 holds exactly what %2 holds.").arg(destination, source);
    case DriftStatus::Missing:
        return tr("%1 does not have this tag; %2 does.").arg(destination, source);
    case DriftStatus::Extra:
        return tr("%1 has this tag; %2 does not.").arg(destination, source);
    case DriftStatus::Differs:
        return tr("The tag points at different content in %1 and %2.").arg(source, destination);
    case DriftStatus::ArchMissing:
        return tr("%1 lacks %2, which %3 has.")
            .arg(destination, cell.missingPlatforms.join(QStringLiteral(", ")), source);
    case DriftStatus::Sparse:
        return tr("Same index, but %1 lacks some of its child manifests: pulls of those "
                  "platforms fail there.")
            .arg(destination);
    case DriftStatus::Error:
        break;
    }
    return tr("One side could not be read; see its error.");
}

void RowDetails::showRow(const Profile &profile, const DriftRow &row)
{
    QString html = QStringLiteral("<h3 style='margin:0'>%1:%2</h3>")
                       .arg(row.repository.toHtmlEscaped(), row.tag.toHtmlEscaped());
    for (std::size_t i = 0; i < row.routes.size() && i < profile.routes.size(); ++i) {
        if (!row.routes[i] || row.routes[i]->status == DriftStatus::InSync)
            continue;
        const Route &route = profile.routes[i];
        html += QStringLiteral("<p style='margin:4px 0'><b>%1 → %2</b>: %3</p>")
                    .arg(route.from, route.to, explain(profile, route, *row.routes[i]).toHtmlEscaped());
    }
    for (std::size_t i = 0; i < row.cells.size() && i < profile.registries.size(); ++i) {
        const RegistryConfig &registry = profile.registries[i];
        const auto &cell = row.cells[i];
        const SnapshotChange *change = row.change(i);
        QString body;
        if (!cell && change && change->kind == SnapshotChange::Kind::Vanished)
            body = tr("<i>no such tag</i>: <b>vanished in the last scan</b>; it named <code>%1</code>")
                       .arg(change->before);
        else if (!cell)
            body = tr("<i>no such tag</i>");
        else if (!cell->error.isEmpty())
            body = QStringLiteral("<span style='color:#c01c28'>%1</span>").arg(cell->error.toHtmlEscaped());
        else {
            body = QStringLiteral("<code>%1</code><br><small>%2 · %3</small>")
                       .arg(cell->digest, cell->mediaType.toHtmlEscaped(),
                            cell->platforms.isEmpty() ? tr("platforms not known")
                                                      : cell->platforms.join(QStringLiteral(", ")));
            if (change && change->kind == SnapshotChange::Kind::Moved)
                body += tr("<br><b>moved in the last scan</b>; it named <code>%1</code> before")
                            .arg(change->before);
            else if (change && change->kind == SnapshotChange::Kind::Appeared)
                body += tr("<br><b>new in the last scan</b>");
            if (!cell->missingChildren.isEmpty())
                body += QStringLiteral("<br><span style='color:#9141ac'>%1</span>")
                            .arg(tr("children missing: %1")
                                     .arg(cell->missingChildren.join(QStringLiteral(", "))));
        }
        html += QStringLiteral("<p style='margin:6px 0 0 0'><b>%1</b> <small>%2</small><br>%3</p>")
                    .arg(registry.displayTitle().toHtmlEscaped(),
                         registry.repositoryFor(row.repository).toHtmlEscaped(), body);
    }
    setHtml(html);
}

} // namespace quayside
