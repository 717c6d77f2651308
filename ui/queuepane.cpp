#include "queuepane.h"

#include "jobs/jobservice.h"
#include "joblistmodel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace quayside {

QueuePane::QueuePane(JobListModel *model, JobService *service, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_service(service)
    , m_view(new QTableView(this))
    , m_status(new QLabel(this))
    , m_retry(new QPushButton(tr("Retry Failed"), this))
    , m_cancel(new QPushButton(tr("Cancel Job"), this))
    , m_clear(new QPushButton(tr("Clear Finished"), this))
{
    setObjectName(QStringLiteral("queuePane"));
    m_view->setObjectName(QStringLiteral("jobView"));
    m_view->setModel(model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setAlternatingRowColors(true);
    m_view->setShowGrid(false);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->setVisible(false);
    m_view->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setColumnWidth(JobListModel::StateColumn, 80);
    m_view->setColumnWidth(JobListModel::ImageColumn, 210);
    m_view->setColumnWidth(JobListModel::RouteColumn, 130);
    m_view->setColumnWidth(JobListModel::ActionColumn, 75);
    m_view->setColumnWidth(JobListModel::ProgressColumn, 190);
    m_retry->setObjectName(QStringLiteral("retryFailed"));
    m_cancel->setObjectName(QStringLiteral("cancelJob"));
    m_clear->setObjectName(QStringLiteral("clearFinished"));
    m_retry->setToolTip(tr("Queue the failed and cancelled jobs again"));
    m_cancel->setToolTip(tr("Cancel the selected job; a copy in flight stops before its tag moves"));
    m_clear->setToolTip(tr("Forget done and cancelled jobs (failures stay)"));
    m_status->setObjectName(QStringLiteral("queueStatus"));

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_status, 1);
    buttons->addWidget(m_retry);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_clear);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);
    layout->addLayout(buttons);

    connect(m_retry, &QPushButton::clicked, this, [this] { m_service->retryFailed(); });
    connect(m_clear, &QPushButton::clicked, this, [this] {
        // The journal is the record of what was copied where: forgetting it is asked, never assumed.
        const int finished = m_model->count(JobState::Done) + m_model->count(JobState::Cancelled);
        const auto answer = QMessageBox::question(
            this, tr("Forget finished jobs?"),
            tr("Forget %n done or cancelled job(s)? The registries are not touched; only the list and "
               "its journal forget them. Failures stay.",
               nullptr, finished),
            QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer == QMessageBox::Yes)
            m_service->clearFinished();
    });
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (const Job *job = m_model->jobAt(m_view->currentIndex().row()))
            m_service->cancel(job->id);
    });
    connect(model, &QAbstractItemModel::modelReset, this, &QueuePane::refresh);
    connect(model, &QAbstractItemModel::rowsInserted, this, &QueuePane::refresh);
    connect(model, &QAbstractItemModel::dataChanged, this, &QueuePane::refresh);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &QueuePane::refresh);
    refresh();
}

QString QueuePane::summary() const
{
    QStringList parts;
    const std::pair<JobState, QString> states[] = {
        {JobState::Running, tr("%n running", nullptr, m_model->count(JobState::Running))},
        {JobState::Queued, tr("%n queued", nullptr, m_model->count(JobState::Queued))},
        {JobState::Failed, tr("%n failed", nullptr, m_model->count(JobState::Failed))},
        {JobState::Refused, tr("%n refused", nullptr, m_model->count(JobState::Refused))},
        {JobState::Done, tr("%n done", nullptr, m_model->count(JobState::Done))},
    };
    for (const auto &[state, text] : states)
        if (m_model->count(state) > 0)
            parts << text;
    if (const FailureCauses causes = m_model->failureCauses(); !causes.isEmpty())
        parts << tr("causes: %1").arg(causes.text());
    const int remaining = m_model->count(JobState::Running) + m_model->count(JobState::Queued);
    if (const QString left = remaining > 0 ? Eta::text(m_eta.secondsLeft(m_lastFinished + remaining)) : QString();
        !left.isEmpty())
        parts << left;
    return parts.join(QStringLiteral(" · "));
}

void QueuePane::setUnavailable(const QString &message)
{
    m_unavailable = message;
    refresh();
}

void QueuePane::refresh()
{
    const int finished = m_model->count(JobState::Done) + m_model->count(JobState::Failed) +
                         m_model->count(JobState::Refused) + m_model->count(JobState::Cancelled);
    const int remaining = m_model->count(JobState::Running) + m_model->count(JobState::Queued);
    if (!m_clock.isValid())
        m_clock.start();
    if (finished < m_lastFinished || remaining == 0)
        m_eta.reset(); // cleared, or a new batch will start: the old pace says nothing
    m_lastFinished = finished;
    if (remaining > 0)
        m_eta.sample(m_clock.elapsed(), finished);
    const QString text = summary();
    m_status->setText(!m_unavailable.isEmpty() ? tr("Queue unavailable: %1").arg(m_unavailable)
                      : text.isEmpty()         ? tr("No jobs. Plan a route (Ctrl+M) to queue copies.")
                                               : text);
    m_status->setStyleSheet(m_unavailable.isEmpty() ? QString() : QStringLiteral("color: #b01e1e"));
    const Job *current = m_model->jobAt(m_view->currentIndex().row());
    const bool usable = m_unavailable.isEmpty();
    m_retry->setEnabled(usable && (m_model->count(JobState::Failed) + m_model->count(JobState::Cancelled)) > 0);
    m_clear->setEnabled(usable && (m_model->count(JobState::Done) + m_model->count(JobState::Cancelled)) > 0);
    m_cancel->setEnabled(usable && current &&
                         (current->state == JobState::Queued || current->state == JobState::Running));
    Q_EMIT summaryChanged(text);
}

} // namespace quayside
