#pragma once

#include "support/eta.h"

#include <QElapsedTimer>
#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;

namespace quayside {

class JobListModel;
class JobService;

// The job queue dock: every job with its state, live progress and result, and what a release
// engineer does with a queue (retry the failures, cancel a job, clear what is done).
class QueuePane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(QueuePane)

public:
    QueuePane(JobListModel *model, JobService *service, QWidget *parent = nullptr);

    // "2 running · 5 queued · 1 failed", or "" when nothing is there.
    QString summary() const;
    void setUnavailable(const QString &message);

Q_SIGNALS:
    void summaryChanged(const QString &summary);

private:
    void refresh();

    JobListModel *m_model;
    JobService *m_service;
    QTableView *m_view;
    QLabel *m_status;
    QPushButton *m_retry;
    QPushButton *m_cancel;
    QPushButton *m_clear;
    QString m_unavailable;
    // Time left from the pace jobs finish at; reset when the queue empties or is cleared.
    Eta m_eta{60000, 3000};
    QElapsedTimer m_clock;
    int m_lastFinished = 0;
};

} // namespace quayside
