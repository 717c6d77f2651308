#pragma once

#include "inventory/profile.h"
#include "inventory/snapshot.h"

#include <QMainWindow>
#include <QPointer>
#include <QSet>

#include <memory>
#include <optional>
#include <vector>

class QAction;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QMenu;
class QModelIndex;
class QProgressBar;
class QTableView;
class QTimer;
class QTreeView;

namespace quayside {

class DriftFilterProxyModel;
class DriftMatrixModel;
struct DriftRow;
class EmptyState;
class JobListModel;
class JobService;
class PlanDialog;
class QueuePane;
class RoadmapPane;
struct JobSpec;
class RegistryListModel;
class RowDetails;
class Scanner;

class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    void setProfile(const Profile &profile);
    const Profile &profile() const { return m_profile; }

    // --profile value or the user's last choice; shows the errors if it cannot be loaded.
    bool openProfile(const QString &fileOrName);

    // Reads the registries (fast: new and mutable tags only; deep: every digest).
    void scan(bool deep);
    bool isScanning() const { return !m_scanner.isNull(); }
    // Selects (and shows the details of) the first visible row whose repository:tag contains text.
    bool selectRow(const QString &text);
    // Writes the rows the filter shows, in the order shown: Markdown for a ".md" path, else CSV.
    bool exportShownRows(const QString &path, QString *error);

    // The plan of a route (-1: the route selector's) for the given rows, or for the selected
    // rows if none are given (the whole route if none is selected), for review.
    std::unique_ptr<PlanDialog> makePlanDialog(int routeIndex = -1, std::optional<QSet<QString>> rows = {});
    // What a right click on a row offers: migrate/promote it (or the selection it belongs to) along
    // every route where it drifts, and copy its references. The caller owns the menu.
    QMenu *createRowMenu(const QModelIndex &index);
    // Plans, asks, and queues what the user accepted.
    void planJobs();
    void queueJobs(const std::vector<JobSpec> &specs);
    JobListModel *jobModel() const { return m_jobModel; }
    RoadmapPane *roadmapPane() const { return m_roadmapPane; }

Q_SIGNALS:
    void scanFinished(bool cancelled);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createActions();
    void createCentralArea();
    void createDocks();
    void createStatusBar();
    void chooseProfileFile();
    void showAbout();
    void refreshProfileSelector();
    void refreshRouteSelector();
    void recompute();
    void updateSummary();
    void updateSnapshotAge();
    void showSelectedRow();
    QSet<QString> selectedRowKeys() const;
    const DriftRow *rowAt(const QModelIndex &proxyIndex) const;
    void planRows(int routeIndex, QSet<QString> rows);
    void addRestoreActions(QMenu *menu, const DriftRow &backup);
    void restore(const JobSpec &spec, const QString &registryTitle);
    void adoptSnapshot(Snapshot snapshot);

    Profile m_profile;
    std::vector<Snapshot> m_snapshots;
    QPointer<Scanner> m_scanner;
    JobService *m_jobs = nullptr;
    JobListModel *m_jobModel = nullptr;
    QueuePane *m_queuePane = nullptr;
    RoadmapPane *m_roadmapPane = nullptr;
    QAction *m_planAction = nullptr;
    QLabel *m_jobsLabel = nullptr;
    bool m_rescanAfterScan = false;

    DriftMatrixModel *m_matrixModel = nullptr;
    DriftFilterProxyModel *m_proxy = nullptr;
    RegistryListModel *m_registryModel = nullptr;
    QTableView *m_matrixView = nullptr;
    QTreeView *m_registryView = nullptr;
    RowDetails *m_details = nullptr;
    EmptyState *m_emptyState = nullptr;
    QComboBox *m_profileSelector = nullptr;
    QComboBox *m_routeSelector = nullptr;
    QLineEdit *m_filterEdit = nullptr;
    QCheckBox *m_onlyDrift = nullptr;
    QCheckBox *m_onlyChanged = nullptr;
    QAction *m_scanAction = nullptr;
    QAction *m_deepScanAction = nullptr;
    QAction *m_cancelAction = nullptr;
    QLabel *m_profileLabel = nullptr;
    QLabel *m_summaryLabel = nullptr;
    QLabel *m_snapshotLabel = nullptr;
    QProgressBar *m_progress = nullptr;
    QTimer *m_ageTimer = nullptr;
};

} // namespace quayside
