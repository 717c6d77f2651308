#pragma once

#include "compare/driftmatrix.h"
#include "inventory/profile.h"

#include <QAbstractTableModel>

namespace quayside {

// The matrix the console is about: one row per repository:tag, one column per registry (what
// it holds there) and one per route (whether the destination matches the source).
class DriftMatrixModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DriftMatrixModel)

public:
    enum FixedColumn { RepositoryColumn, TagColumn, FixedColumnCount };

    explicit DriftMatrixModel(QObject *parent = nullptr);

    // Sets the columns (registries, routes) and clears the rows.
    void setProfile(const Profile &profile);
    void setMatrix(DriftMatrix matrix);
    const DriftMatrix &matrix() const { return m_matrix; }

    int registryColumn(int registryIndex) const { return FixedColumnCount + registryIndex; }
    int routeColumn(int routeIndex) const
    {
        return FixedColumnCount + static_cast<int>(m_registries.size()) + routeIndex;
    }
    bool isRegistryColumn(int column) const;
    bool isRouteColumn(int column) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QVariant registryData(const DriftRow &row, int registryIndex, int role) const;
    QVariant routeData(const DriftRow &row, int routeIndex, int role) const;

    std::vector<RegistryConfig> m_registries;
    std::vector<Route> m_routes;
    DriftMatrix m_matrix;
};

} // namespace quayside
