#include "plandialog.h"

#include "jobs/clientpool.h"
#include "jobs/planestimator.h"
#include "planmodel.h"
#include "support/logging.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QTableView>
#include <QVBoxLayout>

namespace quayside {

PlanDialog::PlanDialog(const Profile &profile, const DriftMatrix &matrix, const QDateTime &snapshotAt,
                       int routeIndex, QSet<QString> rows, QWidget *parent)
    : QDialog(parent)
    , m_profile(profile)
    , m_matrix(matrix)
    , m_snapshotAt(snapshotAt)
    , m_rows(std::move(rows))
    , m_model(new PlanModel(this))
    , m_route(new QComboBox(this))
    , m_scope(new QLabel(this))
    , m_view(new QTableView(this))
    , m_summary(new QLabel(this))
    , m_allowOverwrite(new QCheckBox(this))
    , m_backup(new QCheckBox(this))
    , m_progress(new QProgressBar(this))
    , m_queueButton(new QPushButton(this))
    , m_exportButton(new QPushButton(tr("Export Plan…"), this))
{
    setObjectName(QStringLiteral("planDialog"));
    setWindowTitle(tr("Plan — %1").arg(profile.name));
    resize(1100, 620);
    m_route->setObjectName(QStringLiteral("planRoute"));
    for (std::size_t i = 0; i < matrix.routes.size(); ++i) {
        const Route &r = matrix.routes[i];
        const RegistryConfig *from = profile.registry(r.from);
        const RegistryConfig *to = profile.registry(r.to);
        m_route->addItem(QStringLiteral("%1 → %2 (%3)")
                             .arg(from ? from->displayTitle() : r.from, to ? to->displayTitle() : r.to,
                                  toString(r.kind)),
                         static_cast<int>(i));
    }
    m_route->setCurrentIndex(std::max(0, routeIndex));
    m_scope->setWordWrap(true);
    m_view->setObjectName(QStringLiteral("planView"));
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setAlternatingRowColors(true);
    m_view->setShowGrid(false);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->setVisible(false);
    m_view->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setColumnWidth(PlanModel::ActionColumn, 90);
    m_view->setColumnWidth(PlanModel::ImageColumn, 260);
    m_view->setColumnWidth(PlanModel::SourceColumn, 130);
    m_view->setColumnWidth(PlanModel::DestinationColumn, 130);
    m_view->setColumnWidth(PlanModel::SendColumn, 150);
    m_summary->setObjectName(QStringLiteral("planSummary"));
    m_summary->setWordWrap(true);
    m_allowOverwrite->setObjectName(QStringLiteral("allowOverwrite"));
    m_backup->setObjectName(QStringLiteral("keepBackup"));
    m_backup->setChecked(true);
    m_progress->setObjectName(QStringLiteral("estimateProgress"));
    m_progress->setTextVisible(true);
    m_queueButton->setObjectName(QStringLiteral("queueJobs"));
    m_queueButton->setDefault(true);
    m_exportButton->setObjectName(QStringLiteral("exportPlan"));

    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Route:"), this));
    top->addWidget(m_route, 1);
    auto *buttons = new QDialogButtonBox(this);
    buttons->addButton(m_exportButton, QDialogButtonBox::ActionRole);
    buttons->addButton(QDialogButtonBox::Cancel);
    buttons->addButton(m_queueButton, QDialogButtonBox::AcceptRole);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_scope);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_summary);
    layout->addWidget(m_progress);
    layout->addWidget(m_allowOverwrite);
    layout->addWidget(m_backup);
    layout->addWidget(buttons);

    connect(m_route, &QComboBox::activated, this, &PlanDialog::replan);
    connect(m_allowOverwrite, &QCheckBox::toggled, this, &PlanDialog::updateSummary);
    connect(m_exportButton, &QPushButton::clicked, this, &PlanDialog::exportPlan);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_queueButton, &QPushButton::clicked, this, &PlanDialog::queue);
    replan();
}

PlanDialog::~PlanDialog()
{
    if (m_estimator)
        m_estimator->cancel();
}

void PlanDialog::replan()
{
    if (m_estimator) {
        m_estimator->cancel();
        m_estimator->deleteLater();
        m_estimator = nullptr;
    }
    const int routeIndex = m_route->currentData().toInt();
    m_plan = makePlan(m_profile, m_matrix, routeIndex, {}, m_snapshotAt);
    if (!m_rows.isEmpty())
        std::erase_if(m_plan.items, [this](const PlanItem &item) {
            return !m_rows.contains(item.repository + u':' + item.tag);
        });
    m_model->setPlan(&m_plan);
    m_scope->setText(
        (m_rows.isEmpty() ? tr("Every repository:tag of the route.")
                          : tr("The %n selected row(s) only.", nullptr, static_cast<int>(m_rows.size()))) +
        u' ' +
        tr("Planned from the snapshot of %1; each copy re-checks its digests when it runs and "
           "refuses a tag that moved since.")
            .arg(QLocale().toString(m_snapshotAt.toLocalTime(), QLocale::ShortFormat)));

    // Check every action against the destination: dry runs, a few at a time.
    m_estimated = m_plan.workCount() == 0;
    m_progress->setVisible(!m_estimated);
    m_progress->setRange(0, std::max(1, m_plan.workCount()));
    m_progress->setValue(0);
    m_progress->setFormat(tr("Checking against the destination: %v/%m"));
    updateSummary();
    if (m_estimated) {
        Q_EMIT estimated();
        return;
    }
    if (!m_pool)
        m_pool = std::make_unique<RegistryClientPool>();
    m_estimator = new PlanEstimator(m_profile, m_pool.get(), this);
    connect(m_estimator, &PlanEstimator::progressChanged, this, [this](int done, int) {
        m_progress->setValue(done);
        m_model->estimatesChanged();
    });
    PlanEstimator *estimator = m_estimator;
    for (const QString &id : {m_plan.route.from, m_plan.route.to})
        if (const RegistryConfig *r = m_profile.registry(id))
            m_pool->client(*r);
    m_pool->readCredentials([this, estimator](const QStringList &warnings) {
        for (const QString &w : warnings)
            log::ui()->warn("{}", w);
        if (estimator != m_estimator)
            return; // replanned meanwhile
        m_estimator->start(&m_plan, [this, estimator] {
            if (estimator != m_estimator)
                return;
            m_estimated = true;
            m_progress->hide();
            m_model->estimatesChanged();
            updateSummary();
            Q_EMIT estimated();
        });
    });
}

int PlanDialog::queuedCount() const
{
    int n = 0;
    for (const PlanItem &item : m_plan.items)
        if (item.isWork() && (item.action != PlanAction::Overwrite || m_allowOverwrite->isChecked()))
            ++n;
    return n;
}

void PlanDialog::updateSummary()
{
    const int overwrites = m_plan.count(PlanAction::Overwrite);
    const RegistryConfig *to = m_profile.registry(m_plan.route.to);
    const QString destination = to ? to->displayTitle() : m_plan.route.to;
    QString text = tr("%1 to copy · %2 to overwrite · %3 to fill · %4 in sync or skipped")
                       .arg(m_plan.count(PlanAction::Copy))
                       .arg(overwrites)
                       .arg(m_plan.count(PlanAction::Fill))
                       .arg(m_plan.count(PlanAction::Skip));
    if (m_estimated && m_plan.estimatedBytes() >= 0)
        text += tr(" · %1 to send").arg(QLocale().formattedDataSize(m_plan.estimatedBytes(), 1,
                                                                    QLocale::DataSizeTraditionalFormat));
    int failing = 0;
    for (const PlanItem &item : m_plan.items)
        failing += item.isWork() && !item.estimate.error.isEmpty() ? 1 : 0;
    if (failing > 0)
        text += tr(" · <span style='color:#b01e1e'>%n would fail (see Why)</span>", nullptr, failing);
    m_summary->setText(text);
    m_allowOverwrite->setText(
        (overwrites == 1 ? tr("Replace the tag that names another image on %1")
                         : tr("Replace the %1 tags that name another image on %2").arg(overwrites))
            .arg(destination));
    m_allowOverwrite->setEnabled(overwrites > 0);
    m_backup->setText(tr("Keep each replaced image under <tag>%1 first").arg(backupSuffixForToday()));
    m_backup->setEnabled(overwrites > 0 && m_allowOverwrite->isChecked());
    const int count = queuedCount();
    m_queueButton->setText(count == 1 ? tr("Queue 1 Job")
                           : count > 1 ? tr("Queue %1 Jobs").arg(count)
                                       : tr("Nothing to Queue"));
    m_queueButton->setEnabled(count > 0);
}

std::vector<JobSpec> PlanDialog::jobs() const
{
    std::vector<JobSpec> specs;
    for (const PlanItem &item : m_plan.items) {
        if (!item.isWork() || (item.action == PlanAction::Overwrite && !m_allowOverwrite->isChecked()))
            continue;
        specs.push_back(jobSpecFor(m_plan.route, item, m_backup->isChecked() ? backupSuffixForToday() : QString()));
    }
    return specs;
}

bool PlanDialog::queueWithoutConfirmation()
{
    if (queuedCount() == 0)
        return false;
    accept();
    return true;
}

void PlanDialog::queue()
{
    const int overwrites = m_allowOverwrite->isChecked() ? m_plan.count(PlanAction::Overwrite) : 0;
    if (overwrites > 0) {
        // Destructive: say exactly what goes, and what is kept.
        const RegistryConfig *to = m_profile.registry(m_plan.route.to);
        QMessageBox box(QMessageBox::Warning, tr("Replace %n tag(s)?", nullptr, overwrites),
                        tr("%n tag(s) on %1 will be moved to the image of %2.", nullptr, overwrites)
                            .arg(to ? to->displayTitle() : m_plan.route.to, m_plan.route.from),
                        QMessageBox::Cancel, this);
        box.setInformativeText(m_backup->isChecked()
                                   ? tr("The images they name now are kept under <tag>%1.").arg(backupSuffixForToday())
                                   : tr("The images they name now stay in the registry by digest but no "
                                        "tag will name them."));
        auto *replace = box.addButton(tr("Replace"), QMessageBox::DestructiveRole);
        box.setDefaultButton(QMessageBox::Cancel);
        box.exec();
        if (box.clickedButton() != replace)
            return;
    }
    accept();
}

void PlanDialog::exportPlan()
{
    const QString file = QFileDialog::getSaveFileName(
        this, tr("Export Plan"), QStringLiteral("plan-%1-%2.json").arg(m_plan.route.from, m_plan.route.to),
        tr("Quayside plans (*.json)"));
    if (file.isEmpty())
        return;
    QSaveFile out(file);
    const QByteArray json = QJsonDocument(toJson(m_plan)).toJson(QJsonDocument::Indented);
    if (!out.open(QIODevice::WriteOnly) || out.write(json) != json.size() || !out.commit())
        QMessageBox::warning(this, tr("Plan not exported"),
                             tr("Cannot write %1: %2").arg(file, out.errorString()));
}

} // namespace quayside
