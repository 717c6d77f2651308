#pragma once

#include "inventory/profile.h"
#include "inventory/snapshot.h"

#include <QAbstractTableModel>

#include <vector>

namespace quayside {

// The registries of the loaded profile, with what the console knows about each (how it
// authenticates, when it was last read, whether that failed).
class RegistryListModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RegistryListModel)

public:
    enum Column { TitleColumn, UrlColumn, KindColumn, CredentialsColumn, StateColumn, ColumnCount };

    explicit RegistryListModel(QObject *parent = nullptr);

    void setProfile(const Profile &profile);
    // Free text for the state column: "reachable", "401: credentials refused", "scanned 5 min ago".
    void setState(const QString &registryId, const QString &state, bool isError);
    // What the last snapshot says: counts, age, or why the registry could not be read.
    void setSnapshot(const Snapshot &snapshot);
    static QString describe(const Snapshot &snapshot);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Row {
        RegistryConfig registry;
        QString credentials;
        QString state;
        bool stateIsError = false;
    };
    std::vector<Row> m_rows;
};

} // namespace quayside
