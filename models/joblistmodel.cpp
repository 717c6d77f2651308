#include "joblistmodel.h"

#include "roles.h"

#include <QBrush>
#include <QColor>
#include <QLocale>

namespace quayside {
namespace {

QString bytesText(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

QColor stateColour(JobState state)
{
    switch (state) {
    case JobState::Done:
        return QColor(0x1e, 0x7b, 0x34);
    case JobState::Failed:
        return QColor(0xb0, 0x1e, 0x1e);
    case JobState::Refused:
        return QColor(0xa3, 0x4a, 0x00);
    case JobState::Running:
        return QColor(0x1f, 0x5f, 0xb0);
    default:
        return {};
    }
}

} // namespace

JobListModel::JobListModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void JobListModel::setJobs(const std::vector<Job> &jobs)
{
    beginResetModel();
    m_rows.clear();
    m_rows.reserve(jobs.size());
    for (const Job &job : jobs)
        m_rows.push_back({job, {}, false});
    endResetModel();
}

int JobListModel::rowOf(const QString &id) const
{
    for (std::size_t i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].job.id == id)
            return static_cast<int>(i);
    return -1;
}

void JobListModel::updateJob(const Job &job)
{
    const int row = rowOf(job.id);
    if (row < 0) {
        const int at = static_cast<int>(m_rows.size());
        beginInsertRows({}, at, at);
        m_rows.push_back({job, {}, false});
        endInsertRows();
        return;
    }
    Row &r = m_rows[static_cast<std::size_t>(row)];
    r.job = job;
    if (isFinished(job.state))
        r.hasProgress = false;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void JobListModel::updateProgress(const QString &id, const CopyProgress &progress)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    Row &r = m_rows[static_cast<std::size_t>(row)];
    r.progress = progress;
    r.hasProgress = true;
    Q_EMIT dataChanged(index(row, ProgressColumn), index(row, ProgressColumn),
                       {Qt::DisplayRole, RawValueRole});
}

const Job *JobListModel::jobAt(int row) const
{
    return row >= 0 && row < rowCount() ? &m_rows[static_cast<std::size_t>(row)].job : nullptr;
}

FailureCauses JobListModel::failureCauses() const
{
    FailureCauses causes;
    for (const Row &row : m_rows)
        causes.add(row.job);
    return causes;
}

int JobListModel::count(JobState state) const
{
    int n = 0;
    for (const Row &r : m_rows)
        n += r.job.state == state ? 1 : 0;
    return n;
}

int JobListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int JobListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString JobListModel::progressText(const Row &row) const
{
    const Job &job = row.job;
    if (job.state == JobState::Queued)
        return job.resumed ? tr("interrupted; will run again") : tr("waiting");
    if (job.state != JobState::Running || !row.hasProgress)
        return QString();
    const CopyProgress &p = row.progress;
    QString text = toString(p.phase);
    if (p.blobsTotal > 0)
        text += tr(" · blobs %1/%2 (%3 of %4)")
                    .arg(p.blobsDone)
                    .arg(p.blobsTotal)
                    .arg(bytesText(p.bytesDone), bytesText(p.bytesTotal));
    return text;
}

QString JobListModel::resultText(const Job &job) const
{
    switch (job.state) {
    case JobState::Done: {
        // Which digest the tag names now, the fact a release engineer checks against the plan.
        QString text = job.result.tagMoved ? tr("tag set to %1").arg(job.spec.sourceDigest.mid(7, 12))
                                           : tr("already there");
        if (!job.result.tagMoved && job.result.manifestsPushed > 0)
            text = tr("%n child manifest(s) pushed", nullptr, job.result.manifestsPushed);
        if (job.result.blobsCopied + job.result.blobsMounted > 0)
            text += tr(" · %1 copied, %n mounted", nullptr, job.result.blobsMounted)
                        .arg(bytesText(job.result.bytesCopied));
        return text;
    }
    case JobState::Failed:
    case JobState::Refused:
    case JobState::Cancelled:
        return job.error;
    default:
        return QString();
    }
}

QVariant JobListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const Row &row = m_rows[static_cast<std::size_t>(index.row())];
    const Job &job = row.job;
    if (role == Qt::DisplayRole || role == RawValueRole) {
        switch (index.column()) {
        case StateColumn:
            return toString(job.state);
        case ImageColumn:
            return job.spec.label();
        case RouteColumn:
            return QStringLiteral("%1 → %2").arg(job.spec.route.from, job.spec.route.to);
        case ActionColumn:
            return toString(job.spec.action);
        case ProgressColumn:
            return progressText(row);
        case ResultColumn:
            return resultText(job);
        default:
            return {};
        }
    }
    if (role == Qt::ForegroundRole && (index.column() == StateColumn || index.column() == ResultColumn)) {
        const QColor colour = stateColour(job.state);
        return colour.isValid() ? QVariant(QBrush(colour)) : QVariant();
    }
    if (role == Qt::ToolTipRole) {
        QString tip = tr("Job %1 · attempt %2\nsource %3\n%4")
                          .arg(job.id)
                          .arg(job.attempts)
                          .arg(job.spec.sourceDigest,
                               job.spec.destinationDigest.isEmpty()
                                   ? tr("destination tag absent when planned")
                                   : tr("replaces %1").arg(job.spec.destinationDigest));
        if (!job.error.isEmpty())
            tip += u'\n' + job.error;
        return tip;
    }
    return {};
}

QVariant JobListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case StateColumn:
        return tr("State");
    case ImageColumn:
        return tr("Image");
    case RouteColumn:
        return tr("Route");
    case ActionColumn:
        return tr("Action");
    case ProgressColumn:
        return tr("Progress");
    case ResultColumn:
        return tr("Result");
    default:
        return {};
    }
}

} // namespace quayside
