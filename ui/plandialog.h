#pragma once

#include "compare/driftmatrix.h"
#include "inventory/profile.h"
#include "jobs/job.h"
#include "jobs/plan.h"

#include <QDialog>
#include <QSet>

#include <memory>
#include <vector>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTableView;

namespace quayside {

class PlanEstimator;
class PlanModel;
class RegistryClientPool;

// Review before anything moves: the plan of one route (or of the selected rows), each action
// pinned to digests, checked against the destination by dry runs (bytes to send, or why a copy
// would fail). Overwrites are held back unless the user ticks them, and confirms.
class PlanDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PlanDialog)

public:
    // rows: "repository:tag" to restrict the plan to (empty: the whole route).
    PlanDialog(const Profile &profile, const DriftMatrix &matrix, const QDateTime &snapshotAt,
               int routeIndex, QSet<QString> rows, QWidget *parent = nullptr);
    ~PlanDialog() override;

    const Plan &plan() const { return m_plan; }
    // What the accepted dialog queues: every work item but unconfirmed overwrites.
    std::vector<JobSpec> jobs() const;
    bool estimatesDone() const { return m_estimated; }
    // Accepts without asking (tests); false if there is nothing to queue.
    bool queueWithoutConfirmation();

Q_SIGNALS:
    void estimated();

private:
    void replan();
    void updateSummary();
    void exportPlan();
    void queue();
    int queuedCount() const;

    Profile m_profile;
    DriftMatrix m_matrix;
    QDateTime m_snapshotAt;
    QSet<QString> m_rows;
    Plan m_plan;
    bool m_estimated = false;
    std::unique_ptr<RegistryClientPool> m_pool;
    PlanEstimator *m_estimator = nullptr;

    PlanModel *m_model;
    QComboBox *m_route;
    QLabel *m_scope;
    QTableView *m_view;
    QLabel *m_summary;
    QCheckBox *m_allowOverwrite;
    QCheckBox *m_backup;
    QProgressBar *m_progress;
    QPushButton *m_queueButton;
    QPushButton *m_exportButton;
};

} // namespace quayside
