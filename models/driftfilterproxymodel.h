#pragma once

#include "compare/driftfilter.h"

#include <QSortFilterProxyModel>

namespace quayside {

class DriftMatrixModel;

// Filters the matrix as the filter bar says (text, only drift, one route) and sorts on raw
// values. It owns its filter state; rows are tested with the same DriftFilter the CLI uses, so
// the console and `quayside-cli compare` always agree on what "drift" means.
class DriftFilterProxyModel final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DriftFilterProxyModel)

public:
    explicit DriftFilterProxyModel(QObject *parent = nullptr);

    void setSourceMatrix(DriftMatrixModel *model);
    void setText(const QString &text);
    void setOnlyDrift(bool onlyDrift);
    void setOnlyChanged(bool onlyChanged);
    // -1 = every route.
    void setRoute(int route);
    const DriftFilter &filter() const { return m_filter; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    DriftMatrixModel *m_matrix = nullptr;
    DriftFilter m_filter;
};

} // namespace quayside
