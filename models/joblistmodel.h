#pragma once

#include "jobs/copyengine.h"
#include "jobs/job.h"

#include <QAbstractTableModel>

#include <vector>

namespace quayside {

// The job queue as the console shows it: one row per job, newest last, with the live progress
// of the running ones. Fed by JobService's signals (values, on the GUI thread).
class JobListModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobListModel)

public:
    enum Column { StateColumn, ImageColumn, RouteColumn, ActionColumn, ProgressColumn, ResultColumn, ColumnCount };

    explicit JobListModel(QObject *parent = nullptr);

    void setJobs(const std::vector<Job> &jobs);
    void updateJob(const Job &job); // appends a new one
    void updateProgress(const QString &id, const CopyProgress &progress);

    const Job *jobAt(int row) const;
    int count(JobState state) const;
    FailureCauses failureCauses() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Row {
        Job job;
        CopyProgress progress;
        bool hasProgress = false;
    };
    int rowOf(const QString &id) const;
    QString progressText(const Row &row) const;
    QString resultText(const Job &job) const;

    std::vector<Row> m_rows;
};

} // namespace quayside
