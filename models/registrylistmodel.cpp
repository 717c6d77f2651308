#include "registrylistmodel.h"

#include "roles.h"
#include "support/credentials.h"

#include <QBrush>
#include <QColor>
#include <QLocale>

namespace quayside {

RegistryListModel::RegistryListModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void RegistryListModel::setProfile(const Profile &profile)
{
    beginResetModel();
    m_rows.clear();
    m_rows.reserve(profile.registries.size());
    for (const auto &registry : profile.registries) {
        Row row{registry, QString(), tr("not read yet"), false};
        if (CredentialStore::fromEnvironment(registry.id))
            row.credentials = tr("from %1").arg(CredentialStore::environmentVariable(registry.id));
        else if (!registry.username.isEmpty())
            row.credentials = tr("%1 (keychain)").arg(registry.username);
        else
            row.credentials = tr("anonymous");
        m_rows.push_back(std::move(row));
    }
    endResetModel();
}

void RegistryListModel::setState(const QString &registryId, const QString &state, bool isError)
{
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].registry.id != registryId)
            continue;
        m_rows[i].state = state;
        m_rows[i].stateIsError = isError;
        const QModelIndex cell = index(static_cast<int>(i), StateColumn);
        Q_EMIT dataChanged(cell, cell, {Qt::DisplayRole, Qt::ForegroundRole, Qt::ToolTipRole});
    }
}

QString RegistryListModel::describe(const Snapshot &snapshot)
{
    if (!snapshot.error.isEmpty())
        return snapshot.error;
    int failed = 0;
    for (const auto &[name, repository] : snapshot.repositories)
        failed += repository.error.isEmpty() ? 0 : 1;
    QString text = tr("%n repositories", nullptr, static_cast<int>(snapshot.repositories.size())) +
                   tr(", %n tags", nullptr, static_cast<int>(snapshot.tagCount()));
    if (!snapshot.changes.empty())
        text += tr(", %n changed", nullptr, static_cast<int>(snapshot.changes.size()));
    if (failed > 0)
        text += tr(" (%n unreadable)", nullptr, failed);
    return text + tr(" · %1 scan %2")
                      .arg(snapshot.deep ? tr("deep") : tr("fast"),
                           QLocale().toString(snapshot.takenAt.toLocalTime(), QLocale::ShortFormat));
}

void RegistryListModel::setSnapshot(const Snapshot &snapshot)
{
    bool failed = !snapshot.error.isEmpty();
    for (const auto &[name, repository] : snapshot.repositories)
        failed = failed || !repository.error.isEmpty();
    setState(snapshot.registryId, describe(snapshot), failed);
}

int RegistryListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int RegistryListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RegistryListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[static_cast<std::size_t>(index.row())];
    if (role == RegistryIdRole)
        return row.registry.id;
    if (role == Qt::ForegroundRole && index.column() == StateColumn && row.stateIsError)
        return QBrush(QColor(0xc0, 0x1c, 0x28));
    if (role == Qt::ToolTipRole) {
        if (index.column() == StateColumn)
            return row.state;
        return tr("%1\n%2\nid: %3")
            .arg(row.registry.displayTitle(), row.registry.location(), row.registry.id);
    }
    if (role != Qt::DisplayRole && role != RawValueRole)
        return {};
    switch (index.column()) {
    case TitleColumn:
        return row.registry.displayTitle();
    case UrlColumn:
        return row.registry.location();
    case KindColumn:
        return toString(row.registry.kind);
    case CredentialsColumn:
        return row.credentials;
    case StateColumn:
        return row.state;
    default:
        return {};
    }
}

QVariant RegistryListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TitleColumn:
        return tr("Registry");
    case UrlColumn:
        return tr("Location");
    case KindColumn:
        return tr("Kind");
    case CredentialsColumn:
        return tr("Credentials");
    case StateColumn:
        return tr("State");
    default:
        return {};
    }
}

} // namespace quayside
