#include "driftmatrixmodel.h"

#include "roles.h"

#include <QBrush>
#include <QColor>

namespace quayside {
namespace {

QString shortDigest(const QString &digest)
{
    // "sha256:0123456789ab…": twelve hex digits tell digests apart at a glance, as docker does.
    const qsizetype colon = digest.indexOf(u':');
    return colon < 0 ? digest.left(12) : digest.mid(colon + 1, 12);
}

QColor statusColour(DriftStatus status)
{
    switch (status) {
    case DriftStatus::InSync:
        return QColor(0x26, 0xa2, 0x69);
    case DriftStatus::Missing:
        return QColor(0xe0, 0x1b, 0x24);
    case DriftStatus::Differs:
        return QColor(0xe6, 0x61, 0x00);
    case DriftStatus::ArchMissing:
        return QColor(0xc6, 0x46, 0x00);
    case DriftStatus::Extra:
        return QColor(0x1c, 0x71, 0xd8);
    case DriftStatus::Sparse:
        return QColor(0x91, 0x41, 0xac);
    case DriftStatus::Error:
        break;
    }
    return QColor(0x5e, 0x5c, 0x64);
}

} // namespace

DriftMatrixModel::DriftMatrixModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void DriftMatrixModel::setProfile(const Profile &profile)
{
    beginResetModel();
    m_registries = profile.registries;
    m_routes = profile.routes;
    m_matrix = {};
    endResetModel();
}

void DriftMatrixModel::setMatrix(DriftMatrix matrix)
{
    beginResetModel();
    m_matrix = std::move(matrix);
    endResetModel();
}

bool DriftMatrixModel::isRegistryColumn(int column) const
{
    return column >= FixedColumnCount &&
           column < FixedColumnCount + static_cast<int>(m_registries.size());
}

bool DriftMatrixModel::isRouteColumn(int column) const
{
    return column >= routeColumn(0) && column < columnCount();
}

int DriftMatrixModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_matrix.rows.size());
}

int DriftMatrixModel::columnCount(const QModelIndex &parent) const
{
    if (parent.isValid())
        return 0;
    return FixedColumnCount + static_cast<int>(m_registries.size() + m_routes.size());
}

QVariant DriftMatrixModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const DriftRow &row = m_matrix.rows[static_cast<std::size_t>(index.row())];
    const int column = index.column();
    if (column == RepositoryColumn || column == TagColumn) {
        if (role == Qt::DisplayRole || role == RawValueRole || role == Qt::ToolTipRole)
            return column == RepositoryColumn ? row.repository : row.tag;
        return {};
    }
    if (isRegistryColumn(column))
        return registryData(row, column - FixedColumnCount, role);
    return routeData(row, column - routeColumn(0), role);
}

QVariant DriftMatrixModel::registryData(const DriftRow &row, int registryIndex, int role) const
{
    const auto &cell = row.cells.at(static_cast<std::size_t>(registryIndex));
    // What the last scan of this registry saw happen to the tag: marked so a rescan's news
    // stand out ("↻" moved, "+" new, "vanished") on a highlighter yellow, until the next scan.
    const SnapshotChange *change = row.change(static_cast<std::size_t>(registryIndex));
    if (role == Qt::BackgroundRole && change)
        return QBrush(QColor(0xff, 0xf0, 0xb3));
    if (!cell) {
        const bool vanished = change && change->kind == SnapshotChange::Kind::Vanished;
        if (role == Qt::DisplayRole)
            return vanished ? tr("— vanished") : QStringLiteral("—");
        if (role == Qt::ToolTipRole && vanished)
            return tr("The last scan no longer found this tag; it named %1").arg(change->before);
        if (role == Qt::ForegroundRole && vanished)
            return QBrush(statusColour(DriftStatus::Missing));
        if (role == RawValueRole)
            return QString();
        return {};
    }
    switch (role) {
    case Qt::DisplayRole: {
        if (!cell->error.isEmpty())
            return tr("error");
        const QString text =
            cell->platforms.size() > 1
                ? tr("%1 · %n arch", nullptr, static_cast<int>(cell->platforms.size()))
                      .arg(shortDigest(cell->digest))
                : shortDigest(cell->digest);
        if (change && change->kind == SnapshotChange::Kind::Moved)
            return QString(QStringLiteral("↻ ") + text);
        if (change && change->kind == SnapshotChange::Kind::Appeared)
            return QString(QStringLiteral("+ ") + text);
        return text;
    }
    case RawValueRole:
    case DigestRole:
        return cell->digest;
    case PlatformsRole:
        return cell->platforms;
    case ErrorRole:
        return cell->error;
    case Qt::ToolTipRole: {
        if (!cell->error.isEmpty())
            return cell->error;
        QString tip = tr("%1\n%2\n%3")
                          .arg(cell->digest, cell->mediaType, cell->platforms.join(QStringLiteral(", ")));
        if (change && change->kind == SnapshotChange::Kind::Moved)
            tip += tr("\nMoved in the last scan; it named %1 before").arg(change->before);
        else if (change && change->kind == SnapshotChange::Kind::Appeared)
            tip += tr("\nNew in the last scan");
        return tip;
    }
    case Qt::ForegroundRole:
        return cell->error.isEmpty() ? QVariant() : QBrush(statusColour(DriftStatus::Error));
    default:
        return {};
    }
}

QVariant DriftMatrixModel::routeData(const DriftRow &row, int routeIndex, int role) const
{
    const auto &cell = row.routes.at(static_cast<std::size_t>(routeIndex));
    if (!cell)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        if (cell->status == DriftStatus::ArchMissing) {
            // "linux/" is every Fedora image's OS: the architecture is what people scan for.
            QStringList short_;
            for (const QString &p : cell->missingPlatforms)
                short_ << (p.startsWith(QLatin1String("linux/")) ? p.mid(6) : p);
            return tr("arch-missing: %1").arg(short_.join(QStringLiteral(", ")));
        }
        return toString(cell->status);
    case RawValueRole:
    case StatusRole:
        return static_cast<int>(cell->status);
    case Qt::ForegroundRole:
        return QBrush(statusColour(cell->status));
    case Qt::ToolTipRole:
        return cell->missingPlatforms.isEmpty()
                   ? toString(cell->status)
                   : tr("%1: %2").arg(toString(cell->status),
                                      cell->missingPlatforms.join(QStringLiteral(", ")));
    default:
        return {};
    }
}

QVariant DriftMatrixModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole && role != RegistryIdRole)
        return {};
    if (section == RepositoryColumn)
        return role == Qt::DisplayRole ? tr("Repository") : QVariant();
    if (section == TagColumn)
        return role == Qt::DisplayRole ? tr("Tag") : QVariant();
    if (isRegistryColumn(section)) {
        const auto &r = m_registries.at(static_cast<std::size_t>(section - FixedColumnCount));
        if (role == RegistryIdRole)
            return r.id;
        if (role != Qt::DisplayRole)
            return r.location();
        // "quay.io/fedora-candidate" on two lines, like the route headers, to keep columns narrow.
        QString title = r.displayTitle();
        if (const qsizetype slash = title.lastIndexOf(u'/'); slash > 0 && slash + 1 < title.size())
            title.insert(slash + 1, u'\n');
        return title;
    }
    if (isRouteColumn(section)) {
        const auto &route = m_routes.at(static_cast<std::size_t>(section - routeColumn(0)));
        // Two lines: a route column then needs no more width than its status pills.
        if (role == Qt::DisplayRole)
            return QStringLiteral("%1 →\n%2").arg(route.from, route.to);
        if (role == Qt::ToolTipRole)
            return tr("%1 route from %2 to %3").arg(toString(route.kind), route.from, route.to);
    }
    return {};
}

} // namespace quayside
