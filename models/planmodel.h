#pragma once

#include "jobs/plan.h"

#include <QAbstractTableModel>

namespace quayside {

// A plan's work items for review: what happens to each repository:tag, between which digests,
// and what the dry run says it would send. Skipped rows are left out.
class PlanModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PlanModel)

public:
    enum Column { ActionColumn, ImageColumn, SourceColumn, DestinationColumn, SendColumn, WhyColumn, ColumnCount };

    explicit PlanModel(QObject *parent = nullptr);

    void setPlan(const Plan *plan);
    // The estimates changed (the plan is owned elsewhere and filled in place).
    void estimatesChanged();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    const Plan *m_plan = nullptr;
    std::vector<std::size_t> m_work; // indices of the plan's work items
};

} // namespace quayside
