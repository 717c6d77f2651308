#include "driftfilterproxymodel.h"

#include "driftmatrixmodel.h"
#include "roles.h"

#include <QCollator>

namespace quayside {

DriftFilterProxyModel::DriftFilterProxyModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(RawValueRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
}

void DriftFilterProxyModel::setSourceMatrix(DriftMatrixModel *model)
{
    m_matrix = model;
    setSourceModel(model);
}

void DriftFilterProxyModel::setText(const QString &text)
{
    if (m_filter.text == text)
        return;
    m_filter.text = text;
    invalidateRowsFilter();
}

void DriftFilterProxyModel::setOnlyDrift(bool onlyDrift)
{
    if (m_filter.onlyDrift == onlyDrift)
        return;
    m_filter.onlyDrift = onlyDrift;
    invalidateRowsFilter();
}

void DriftFilterProxyModel::setOnlyChanged(bool onlyChanged)
{
    if (m_filter.onlyChanged == onlyChanged)
        return;
    m_filter.onlyChanged = onlyChanged;
    invalidateRowsFilter();
}

void DriftFilterProxyModel::setRoute(int route)
{
    const std::optional<int> wanted = route < 0 ? std::nullopt : std::optional<int>(route);
    if (m_filter.route == wanted)
        return;
    m_filter.route = wanted;
    invalidateRowsFilter();
}

bool DriftFilterProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (sourceParent.isValid() || !m_matrix)
        return false;
    const auto &rows = m_matrix->matrix().rows;
    if (sourceRow < 0 || static_cast<std::size_t>(sourceRow) >= rows.size())
        return false;
    return m_filter.accepts(rows[static_cast<std::size_t>(sourceRow)]);
}

bool DriftFilterProxyModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const QVariant l = left.data(RawValueRole);
    const QVariant r = right.data(RawValueRole);
    if (l.typeId() == QMetaType::Int && r.typeId() == QMetaType::Int)
        return l.toInt() < r.toInt();
    // Tags like 9, 10, 40-aarch64 read best in natural order.
    static thread_local QCollator collator = [] {
        QCollator c;
        c.setNumericMode(true);
        c.setCaseSensitivity(Qt::CaseInsensitive);
        return c;
    }();
    return collator.compare(l.toString(), r.toString()) < 0;
}

} // namespace quayside
