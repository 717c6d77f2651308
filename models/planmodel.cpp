#include "planmodel.h"

#include "roles.h"

#include <QBrush>
#include <QColor>
#include <QLocale>

namespace quayside {
namespace {

QString shortDigest(const QString &digest)
{
    return digest.isEmpty() ? QStringLiteral("—") : digest.section(u':', 1).left(12);
}

} // namespace

PlanModel::PlanModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void PlanModel::setPlan(const Plan *plan)
{
    beginResetModel();
    m_plan = plan;
    m_work.clear();
    if (plan)
        for (std::size_t i = 0; i < plan->items.size(); ++i)
            if (plan->items[i].isWork())
                m_work.push_back(i);
    endResetModel();
}

void PlanModel::estimatesChanged()
{
    if (!m_work.empty())
        Q_EMIT dataChanged(index(0, SendColumn), index(rowCount() - 1, WhyColumn));
}

int PlanModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_work.size());
}

int PlanModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PlanModel::data(const QModelIndex &index, int role) const
{
    if (!m_plan || !index.isValid() || index.row() >= rowCount())
        return {};
    const PlanItem &item = m_plan->items[m_work[static_cast<std::size_t>(index.row())]];
    const PlanEstimate &e = item.estimate;
    if (role == Qt::DisplayRole || role == RawValueRole) {
        switch (index.column()) {
        case ActionColumn:
            return toString(item.action);
        case ImageColumn:
            return QString(item.repository + u':' + item.tag);
        case SourceColumn:
            return role == RawValueRole ? item.sourceDigest : shortDigest(item.sourceDigest);
        case DestinationColumn:
            return role == RawValueRole ? item.destinationDigest : shortDigest(item.destinationDigest);
        case SendColumn:
            if (role == RawValueRole)
                return e.bytes;
            if (!e.error.isEmpty())
                return tr("would fail");
            if (e.bytes < 0)
                return tr("…");
            if (e.blobsCopied == 0 && e.blobsMounted == 0)
                return tr("manifests only");
            return QString(QLocale().formattedDataSize(e.bytes, 1, QLocale::DataSizeTraditionalFormat) +
                           (e.blobsMounted > 0 ? tr(" + %n mounted", nullptr, e.blobsMounted) : QString()));
        case WhyColumn:
            return e.error.isEmpty() ? item.reason : e.error;
        default:
            return {};
        }
    }
    if (role == Qt::ForegroundRole) {
        if (index.column() == ActionColumn && item.action == PlanAction::Overwrite)
            return QBrush(QColor(0xa3, 0x4a, 0x00));
        if ((index.column() == SendColumn || index.column() == WhyColumn) && !e.error.isEmpty())
            return QBrush(QColor(0xb0, 0x1e, 0x1e));
    }
    if (role == Qt::ToolTipRole && (index.column() == SourceColumn || index.column() == DestinationColumn))
        return index.column() == SourceColumn ? item.sourceDigest : item.destinationDigest;
    return {};
}

QVariant PlanModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case ActionColumn:
        return tr("Action");
    case ImageColumn:
        return tr("Repository:tag");
    case SourceColumn:
        return tr("Source digest");
    case DestinationColumn:
        return tr("Destination now");
    case SendColumn:
        return tr("To send");
    case WhyColumn:
        return tr("Why");
    default:
        return {};
    }
}

} // namespace quayside
