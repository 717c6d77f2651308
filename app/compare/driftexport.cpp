#include "driftexport.h"

#include <QStringList>

namespace quayside {
namespace {

QString routeText(const std::optional<RouteCell> &route)
{
    if (!route)
        return {};
    if (route->missingPlatforms.isEmpty())
        return toString(route->status);
    return toString(route->status) + QStringLiteral(": ") + route->missingPlatforms.join(u' ');
}

QString cellText(const std::optional<DriftCell> &cell, bool shortDigests)
{
    if (!cell)
        return shortDigests ? QStringLiteral("—") : QString(); // a blank cell reads as a gap in a ticket
    if (!cell->error.isEmpty())
        return QStringLiteral("error: ") + cell->error;
    if (!shortDigests)
        return cell->digest;
    QString text = cell->digest.section(u':', 1).left(12);
    if (cell->platforms.size() > 1)
        text += QStringLiteral(" (%1 arch)").arg(cell->platforms.size());
    return text;
}

// Quoted when it must be: a comma, a quote or a line break (RFC 4180).
QString csvField(const QString &text)
{
    if (!text.contains(u',') && !text.contains(u'"') && !text.contains(u'\n') && !text.contains(u'\r'))
        return text;
    QString quoted = text;
    quoted.replace(u'"', QStringLiteral("\"\""));
    return u'"' + quoted + u'"';
}

// A pipe would end a Markdown cell, a line break the row.
QString mdField(const QString &text)
{
    QString out = text;
    out.replace(u'|', QStringLiteral("\\|"));
    out.replace(u'\n', u' ');
    return out;
}

QStringList header(const DriftMatrix &matrix)
{
    QStringList fields{QStringLiteral("repository"), QStringLiteral("tag")};
    fields << matrix.registryIds;
    for (const Route &route : matrix.routes)
        fields << route.from + QStringLiteral(" → ") + route.to;
    return fields;
}

QStringList fields(const DriftRow &row, bool shortDigests)
{
    QStringList out{row.repository, row.tag};
    for (const auto &cell : row.cells)
        out << cellText(cell, shortDigests);
    for (const auto &route : row.routes)
        out << (route || !shortDigests ? routeText(route) : QStringLiteral("—"));
    return out;
}

} // namespace

QByteArray toCsv(const DriftMatrix &matrix)
{
    QString out;
    auto line = [&out](const QStringList &values) {
        QStringList quoted;
        for (const QString &v : values)
            quoted << csvField(v);
        out += quoted.join(u',') + QStringLiteral("\r\n");
    };
    line(header(matrix));
    for (const DriftRow &row : matrix.rows)
        line(fields(row, false));
    return out.toUtf8();
}

QString toMarkdown(const QString &profileName, const QString &takenAt, const DriftMatrix &matrix)
{
    const qsizetype count = static_cast<qsizetype>(matrix.rows.size());
    QString out = QStringLiteral("**%1**: %2 %3, snapshots of %4\n\n")
                      .arg(mdField(profileName), QString::number(count),
                           count == 1 ? QStringLiteral("row") : QStringLiteral("rows"), takenAt);
    const QStringList head = header(matrix);
    out += QStringLiteral("| ") + head.join(QStringLiteral(" | ")) + QStringLiteral(" |\n|");
    for (qsizetype i = 0; i < head.size(); ++i)
        out += QStringLiteral("---|");
    out += u'\n';
    for (const DriftRow &row : matrix.rows) {
        QStringList cells;
        for (const QString &f : fields(row, true))
            cells << mdField(f);
        out += QStringLiteral("| ") + cells.join(QStringLiteral(" | ")) + QStringLiteral(" |\n");
    }
    return out;
}

} // namespace quayside
