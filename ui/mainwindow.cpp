#include "mainwindow.h"

#include "aboutdialog.h"
#include "compare/comparator.h"
#include "compare/driftexport.h"
#include "credentialsdialog.h"
#include "driftfilterproxymodel.h"
#include "driftmatrixmodel.h"
#include "emptystate.h"
#include "inventory/profileloader.h"
#include "inventory/scaneta.h"
#include "inventory/scanner.h"
#include "inventory/snapshotstore.h"
#include "joblistmodel.h"
#include "jobs/job.h"
#include "jobs/jobservice.h"
#include "plandialog.h"
#include "queuepane.h"
#include "registrylistmodel.h"
#include "roadmappane.h"
#include "roles.h"
#include "rowdetails.h"
#include "statusdelegate.h"
#include "support/logging.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QCloseEvent>
#include <QComboBox>
#include <QDesktopServices>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QSaveFile>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QTreeView>
#include <QUrl>

namespace quayside {
namespace {

const auto kLastProfileKey = QStringLiteral("ui/lastProfile");
const auto kGeometryKey = QStringLiteral("ui/geometry");
const auto kStateKey = QStringLiteral("ui/state");

QString age(const QDateTime &when)
{
    const qint64 seconds = when.secsTo(QDateTime::currentDateTimeUtc());
    if (seconds < 60)
        return QObject::tr("just now");
    if (seconds < 3600)
        return QObject::tr("%n min ago", nullptr, static_cast<int>(seconds / 60));
    if (seconds < 2 * 86400)
        return QObject::tr("%n h ago", nullptr, static_cast<int>(seconds / 3600));
    return QObject::tr("%n days ago", nullptr, static_cast<int>(seconds / 86400));
}

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_matrixModel(new DriftMatrixModel(this))
    , m_proxy(new DriftFilterProxyModel(this))
    , m_registryModel(new RegistryListModel(this))
    , m_ageTimer(new QTimer(this))
{
    m_jobs = new JobService(this);
    m_jobModel = new JobListModel(this);
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Quayside"));
    m_proxy->setSourceMatrix(m_matrixModel);
    createCentralArea();
    createDocks();
    createActions();
    createStatusBar();

    connect(m_jobs, &JobService::jobsReset, m_jobModel, &JobListModel::setJobs);
    connect(m_jobs, &JobService::jobChanged, m_jobModel, &JobListModel::updateJob);
    connect(m_jobs, &JobService::jobProgress, m_jobModel, &JobListModel::updateProgress);
    connect(m_jobs, &JobService::unavailable, this, [this](const QString &message) {
        m_queuePane->setUnavailable(message);
        statusBar()->showMessage(tr("Job queue: %1").arg(message), 15000);
    });
    connect(m_jobs, &JobService::idle, this, [this](int done) {
        // Copies landed: read the registries again so the matrix shows them (a fast scan
        // only re-reads what can have changed).
        if (done <= 0)
            return;
        statusBar()->showMessage(tr("%n job(s) done; rescanning", nullptr, done), 8000);
        if (isScanning())
            m_rescanAfterScan = true;
        else
            scan(false);
    });

    m_ageTimer->setInterval(30000);
    connect(m_ageTimer, &QTimer::timeout, this, &MainWindow::updateSnapshotAge);
    m_ageTimer->start();

    QSettings settings;
    if (!restoreGeometry(settings.value(kGeometryKey).toByteArray()))
        resize(1400, 860);
    restoreState(settings.value(kStateKey).toByteArray());
}

MainWindow::~MainWindow()
{
    if (m_scanner)
        m_scanner->cancel();
}

void MainWindow::createCentralArea()
{
    m_matrixView = new QTableView(this);
    m_matrixView->setObjectName(QStringLiteral("matrixView"));
    m_matrixView->setModel(m_proxy);
    m_matrixView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_matrixView->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_matrixView->setSortingEnabled(true);
    m_matrixView->sortByColumn(DriftMatrixModel::RepositoryColumn, Qt::AscendingOrder);
    m_matrixView->setAlternatingRowColors(true);
    m_matrixView->setWordWrap(false);
    m_matrixView->setShowGrid(false);
    m_matrixView->verticalHeader()->setVisible(false);
    m_matrixView->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 10);
    m_matrixView->horizontalHeader()->setStretchLastSection(true);
    m_matrixView->horizontalHeader()->setHighlightSections(false);
    m_matrixView->setItemDelegate(new StatusDelegate(m_matrixView));
    connect(m_matrixView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &MainWindow::showSelectedRow);
    m_matrixView->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_matrixView, &QWidget::customContextMenuRequested, this, [this](const QPoint &at) {
        const QModelIndex index = m_matrixView->indexAt(at);
        if (!index.isValid())
            return;
        QMenu *menu = createRowMenu(index);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->popup(m_matrixView->viewport()->mapToGlobal(at));
    });

    m_emptyState = new EmptyState(m_matrixView);
    setCentralWidget(m_matrixView);
}

void MainWindow::createDocks()
{
    m_registryView = new QTreeView(this);
    m_registryView->setObjectName(QStringLiteral("registryView"));
    m_registryView->setModel(m_registryModel);
    m_registryView->setRootIsDecorated(false);
    m_registryView->setUniformRowHeights(true);
    m_registryView->setAlternatingRowColors(true);
    m_registryView->header()->setStretchLastSection(true);
    m_registryView->header()->resizeSection(RegistryListModel::TitleColumn, 170);
    m_registryView->header()->resizeSection(RegistryListModel::UrlColumn, 230);
    m_registryView->header()->resizeSection(RegistryListModel::KindColumn, 80);
    m_registryView->header()->resizeSection(RegistryListModel::CredentialsColumn, 170);

    auto *registries = new QDockWidget(tr("Registries"), this);
    registries->setObjectName(QStringLiteral("registryDock"));
    registries->setWidget(m_registryView);
    registries->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetClosable);
    addDockWidget(Qt::BottomDockWidgetArea, registries);

    m_details = new RowDetails(this);
    auto *details = new QDockWidget(tr("Details"), this);
    details->setObjectName(QStringLiteral("detailsDock"));
    details->setWidget(m_details);
    details->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetClosable);
    addDockWidget(Qt::BottomDockWidgetArea, details);
    splitDockWidget(registries, details, Qt::Horizontal);
    resizeDocks({registries, details}, {900, 500}, Qt::Horizontal);
    resizeDocks({registries}, {190}, Qt::Vertical);

    m_queuePane = new QueuePane(m_jobModel, m_jobs, this);
    auto *jobs = new QDockWidget(tr("Jobs"), this);
    jobs->setObjectName(QStringLiteral("jobsDock"));
    jobs->setWidget(m_queuePane);
    jobs->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetClosable);
    addDockWidget(Qt::BottomDockWidgetArea, jobs);
    tabifyDockWidget(registries, jobs);

    m_roadmapPane = new RoadmapPane(this);
    auto *roadmap = new QDockWidget(tr("Roadmap"), this);
    roadmap->setObjectName(QStringLiteral("roadmapDock"));
    roadmap->setWidget(m_roadmapPane);
    roadmap->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetClosable);
    addDockWidget(Qt::BottomDockWidgetArea, roadmap);
    tabifyDockWidget(jobs, roadmap);
    registries->raise();
    connect(m_jobModel, &QAbstractItemModel::rowsInserted, jobs, [jobs] { jobs->raise(); });
}

void MainWindow::createActions()
{
    auto *fileMenu = menuBar()->addMenu(tr("&File"));
    auto *openProfileAction =
        fileMenu->addAction(tr("&Open Profile…"), this, &MainWindow::chooseProfileFile);
    openProfileAction->setShortcut(QKeySequence::Open);
    openProfileAction->setObjectName(QStringLiteral("actionOpenProfile"));
    auto *exportAction = fileMenu->addAction(tr("&Export Shown Rows…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export Shown Rows"),
            QStringLiteral("%1-drift.csv").arg(m_profile.storageKey().section(u'-', 0, -2)),
            tr("CSV for spreadsheets (*.csv);;Markdown for tickets (*.md)"));
        if (path.isEmpty())
            return;
        QString error;
        if (!exportShownRows(path, &error))
            QMessageBox::warning(this, tr("Export failed"), error);
        else
            statusBar()->showMessage(tr("%n row(s) exported to %1", nullptr, m_proxy->rowCount()).arg(path), 8000);
    });
    exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    exportAction->setObjectName(QStringLiteral("actionExportRows"));
    fileMenu->addSeparator();
    auto *quit = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    auto *registryMenu = menuBar()->addMenu(tr("&Registries"));
    m_scanAction = registryMenu->addAction(tr("&Scan"), this, [this] { scan(false); });
    m_scanAction->setObjectName(QStringLiteral("actionScan"));
    m_scanAction->setShortcut(QKeySequence::Refresh);
    m_scanAction->setToolTip(tr("Re-list every registry; read only new tags and tags expected "
                                "to move (F5)"));
    m_deepScanAction = registryMenu->addAction(tr("&Deep Scan"), this, [this] { scan(true); });
    m_deepScanAction->setObjectName(QStringLiteral("actionDeepScan"));
    m_deepScanAction->setShortcut(Qt::SHIFT | Qt::Key_F5);
    m_deepScanAction->setToolTip(tr("Re-check the digest of every tag (Shift+F5)"));
    m_cancelAction = registryMenu->addAction(tr("&Cancel Scan"), this, [this] {
        if (m_scanner)
            m_scanner->cancel();
    });
    m_cancelAction->setObjectName(QStringLiteral("actionCancelScan"));
    m_cancelAction->setShortcut(Qt::Key_Escape);
    m_cancelAction->setEnabled(false);
    registryMenu->addSeparator();
    auto *credentials = registryMenu->addAction(tr("C&redentials…"), this, [this] {
        CredentialsDialog dialog(m_profile, this);
        if (const QModelIndex index = m_registryView->currentIndex(); index.isValid())
            dialog.selectRegistry(index.data(RegistryIdRole).toString());
        connect(&dialog, &CredentialsDialog::credentialsChanged, this,
                [this] { m_registryModel->setProfile(m_profile); });
        dialog.exec();
        for (const Snapshot &s : m_snapshots)
            m_registryModel->setSnapshot(s);
    });
    credentials->setObjectName(QStringLiteral("actionCredentials"));

    auto *jobsMenu = menuBar()->addMenu(tr("&Jobs"));
    m_planAction = jobsMenu->addAction(tr("&Plan…"), this, &MainWindow::planJobs);
    m_planAction->setObjectName(QStringLiteral("actionPlan"));
    m_planAction->setShortcut(Qt::CTRL | Qt::Key_M);
    m_planAction->setToolTip(tr("Plan the chosen route — or the selected rows — checked against the "
                                "destination, then queue the copies (Ctrl+M)"));

    auto *viewMenu = menuBar()->addMenu(tr("&View"));
    for (auto *dock : findChildren<QDockWidget *>())
        viewMenu->addAction(dock->toggleViewAction());

    auto *helpMenu = menuBar()->addMenu(tr("&Help"));
    auto *logFolder = helpMenu->addAction(tr("Open &Log Folder"), this, [] {
        const QString file = log::logFilePath();
        if (!file.isEmpty())
            QDesktopServices::openUrl(QUrl::fromLocalFile(QFileInfo(file).absolutePath()));
    });
    logFolder->setEnabled(!log::logFilePath().isEmpty());
    auto *about = helpMenu->addAction(tr("&About Quayside"), this, &MainWindow::showAbout);
    about->setObjectName(QStringLiteral("actionAbout"));

    auto *toolBar = addToolBar(tr("Main"));
    toolBar->setObjectName(QStringLiteral("mainToolBar"));
    toolBar->setMovable(false);
    toolBar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    toolBar->addWidget(new QLabel(tr(" Profile: "), toolBar));
    m_profileSelector = new QComboBox(toolBar);
    m_profileSelector->setObjectName(QStringLiteral("profileSelector"));
    m_profileSelector->setMinimumContentsLength(18);
    m_profileSelector->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    toolBar->addWidget(m_profileSelector);
    toolBar->addAction(openProfileAction);
    toolBar->addSeparator();
    toolBar->addAction(m_scanAction);
    toolBar->addAction(m_deepScanAction);
    toolBar->addAction(m_cancelAction);
    toolBar->addAction(m_planAction);
    toolBar->addSeparator();

    m_filterEdit = new QLineEdit(toolBar);
    m_filterEdit->setObjectName(QStringLiteral("filterEdit"));
    m_filterEdit->setPlaceholderText(tr("Filter repository:tag"));
    m_filterEdit->setClearButtonEnabled(true);
    m_filterEdit->setMaximumWidth(260);
    toolBar->addWidget(m_filterEdit);
    m_onlyDrift = new QCheckBox(tr("Only drift"), toolBar);
    m_onlyDrift->setObjectName(QStringLiteral("onlyDrift"));
    toolBar->addWidget(m_onlyDrift);
    m_onlyChanged = new QCheckBox(tr("Only changed"), toolBar);
    m_onlyChanged->setObjectName(QStringLiteral("onlyChanged"));
    m_onlyChanged->setToolTip(tr("Only tags the last scan saw move (↻), appear (+) or vanish"));
    toolBar->addWidget(m_onlyChanged);
    toolBar->addWidget(new QLabel(tr("  Route: "), toolBar));
    m_routeSelector = new QComboBox(toolBar);
    m_routeSelector->setObjectName(QStringLiteral("routeSelector"));
    toolBar->addWidget(m_routeSelector);

    connect(m_filterEdit, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_proxy->setText(text.trimmed());
        updateSummary();
    });
    connect(m_onlyDrift, &QCheckBox::toggled, this, [this](bool on) {
        m_proxy->setOnlyDrift(on);
        updateSummary();
    });
    connect(m_onlyChanged, &QCheckBox::toggled, this, [this](bool on) {
        m_proxy->setOnlyChanged(on);
        updateSummary();
    });
    connect(m_routeSelector, &QComboBox::activated, this, [this](int index) {
        m_proxy->setRoute(m_routeSelector->itemData(index).toInt());
        updateSummary();
    });
    connect(m_profileSelector, &QComboBox::activated, this, [this](int index) {
        const QString choice = m_profileSelector->itemData(index).toString();
        if (choice != m_profile.source && !openProfile(choice))
            refreshProfileSelector();
    });
}

void MainWindow::createStatusBar()
{
    m_profileLabel = new QLabel(this);
    m_profileLabel->setObjectName(QStringLiteral("profileLabel"));
    m_summaryLabel = new QLabel(this);
    m_summaryLabel->setObjectName(QStringLiteral("summaryLabel"));
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("scanProgress"));
    m_progress->setMaximumWidth(440);
    m_progress->setTextVisible(true);
    m_progress->hide();
    m_snapshotLabel = new QLabel(this);
    m_snapshotLabel->setObjectName(QStringLiteral("snapshotLabel"));
    m_jobsLabel = new QLabel(this);
    m_jobsLabel->setObjectName(QStringLiteral("jobsLabel"));
    connect(m_queuePane, &QueuePane::summaryChanged, m_jobsLabel, [this](const QString &summary) {
        m_jobsLabel->setText(summary.isEmpty() ? QString() : tr("Jobs: %1").arg(summary));
    });
    statusBar()->addWidget(m_profileLabel);
    statusBar()->addWidget(m_summaryLabel, 1);
    statusBar()->addPermanentWidget(m_jobsLabel);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_snapshotLabel);
}

bool MainWindow::openProfile(const QString &fileOrName)
{
    const ProfileLoad load = ProfileLoader::resolve(fileOrName);
    if (!load.ok()) {
        log::ui()->warn("profile {} not loaded: {}", fileOrName, load.errorText());
        QMessageBox box(QMessageBox::Warning, tr("Profile not loaded"),
                        tr("The profile “%1” cannot be used.").arg(fileOrName), QMessageBox::Ok,
                        this);
        box.setInformativeText(load.errorText());
        box.exec();
        return false;
    }
    setProfile(*load.profile);
    // Remember what the user asked for (a name stays a name, so the sandbox's ports may change).
    QSettings().setValue(kLastProfileKey, QFileInfo(fileOrName).isFile()
                                              ? QFileInfo(fileOrName).absoluteFilePath()
                                              : fileOrName);
    return true;
}

void MainWindow::setProfile(const Profile &profile)
{
    if (m_scanner)
        m_scanner->cancel();
    m_profile = profile;
    m_matrixModel->setProfile(profile);
    m_registryModel->setProfile(profile);
    m_details->clearRow();
    setWindowTitle(tr("%1 — Quayside").arg(profile.name));
    m_profileLabel->setText(tr("%1 · %n registries", nullptr,
                               static_cast<int>(profile.registries.size()))
                                .arg(profile.name) +
                            tr(" · %n routes", nullptr, static_cast<int>(profile.routes.size())));
    m_profileLabel->setToolTip(profile.source);

    // Open on the last state at once; a scan refreshes it.
    m_snapshots = SnapshotStore().loadAll(profile);
    for (const Snapshot &s : m_snapshots)
        m_registryModel->setSnapshot(s);
    recompute();

    // Widths from what the cells hold, so every route column fits a 1400-pixel window: a short
    // digest with its arch count and the last scan's mark, the widest common pill (bold, padded
    // as StatusDelegate draws it), headers on two lines where they are long.
    const QFontMetrics header = m_matrixView->horizontalHeader()->fontMetrics();
    const QFontMetrics cell = m_matrixView->fontMetrics();
    QFont bold = m_matrixView->font();
    bold.setBold(true);
    const int digestWidth = cell.horizontalAdvance(QStringLiteral("↻ 0123456789ab · 4 arch")) + 8;
    const int pillWidth = QFontMetrics(bold).horizontalAdvance(QStringLiteral("arch-missing: s390x")) + 30;
    for (int i = 0; i < m_matrixModel->columnCount(); ++i) {
        int width = 0;
        for (const QString &line : m_matrixModel->headerData(i, Qt::Horizontal).toString().split(u'\n'))
            width = std::max(width, header.horizontalAdvance(line) + 24);
        if (i == DriftMatrixModel::RepositoryColumn)
            width = std::max(width, 150);
        else if (i == DriftMatrixModel::TagColumn)
            width = std::max(width, 104);
        else
            width = std::max(width, m_matrixModel->isRouteColumn(i) ? pillWidth : digestWidth);
        m_matrixView->setColumnWidth(i, width);
    }
    refreshProfileSelector();
    refreshRouteSelector();
    m_planAction->setEnabled(!profile.routes.empty());
    m_queuePane->setUnavailable(QString());
    m_jobs->setProfile(profile);
    m_roadmapPane->setProfile(profile, m_snapshots);
    log::ui()->info("profile {} loaded from {}", profile.name, profile.source);
}

void MainWindow::recompute()
{
    if (m_roadmapPane)
        m_roadmapPane->setSnapshots(m_snapshots);
    std::vector<const Snapshot *> pointers;
    for (const Snapshot &s : m_snapshots)
        pointers.push_back(&s);
    if (m_snapshots.empty())
        m_matrixModel->setMatrix({});
    else
        m_matrixModel->setMatrix(compare(m_profile, pointers));
    // An empty table says why: never read, nothing readable, nothing there, or the filter.
    QStringList unreadable;
    for (const Snapshot &s : m_snapshots)
        if (!s.error.isEmpty())
            unreadable << s.error;
    const int registries = static_cast<int>(m_profile.registries.size());
    if (m_snapshots.empty())
        m_emptyState->setMessage(tr("Nothing read from “%1” yet").arg(m_profile.name),
                                 tr("Scan (F5) to read its %n registries; each row will be a "
                                    "repository:tag and each route column whether the "
                                    "destination matches.",
                                    nullptr, registries));
    else if (!m_matrixModel->matrix().rows.empty())
        m_emptyState->setMessage(tr("No row matches the filter"),
                                 tr("Clear the filter or untick “Only drift” and “Only changed”."));
    else if (!unreadable.isEmpty())
        m_emptyState->setMessage(tr("%1 of %n registries could not be read", nullptr, registries)
                                     .arg(unreadable.size()),
                                 tr("%1. The Registries pane says why for each; scan again (F5) "
                                    "once they answer.")
                                     .arg(unreadable.first()));
    else
        m_emptyState->setMessage(tr("These registries hold no tags"),
                                 tr("Nothing of “%1” was found in them (check the profile's "
                                    "prefixes and repository filters).")
                                     .arg(m_profile.name));
    updateSummary();
    updateSnapshotAge();
}

void MainWindow::updateSummary()
{
    const auto &rows = m_matrixModel->matrix().rows;
    qsizetype drifting = 0;
    qsizetype changed = 0;
    for (const DriftRow &row : rows) {
        drifting += row.hasDrift() ? 1 : 0;
        changed += row.changed() ? 1 : 0;
    }
    if (rows.empty()) {
        m_summaryLabel->clear();
        return;
    }
    QString text = tr("%1 of %n rows drift", nullptr, static_cast<int>(rows.size())).arg(drifting);
    if (changed > 0)
        text += tr(" · %n changed in the last scan", nullptr, static_cast<int>(changed));
    if (m_proxy->rowCount() != static_cast<int>(rows.size()))
        text += tr(" · %n shown", nullptr, m_proxy->rowCount());
    m_summaryLabel->setText(text);
}

void MainWindow::updateSnapshotAge()
{
    if (m_snapshots.empty()) {
        m_snapshotLabel->setText(tr("No snapshot yet"));
        return;
    }
    const QDateTime oldest = oldestTakenAt(m_snapshots);
    bool deep = true;
    for (const Snapshot &s : m_snapshots)
        deep = deep && s.deep;
    m_snapshotLabel->setText(tr("Snapshot %1 (%2)").arg(age(oldest), deep ? tr("deep") : tr("fast")));
    m_snapshotLabel->setToolTip(QLocale().toString(oldest.toLocalTime()));
}

void MainWindow::adoptSnapshot(Snapshot snapshot)
{
    m_registryModel->setSnapshot(snapshot);
    for (Snapshot &s : m_snapshots)
        if (s.registryId == snapshot.registryId) {
            s = std::move(snapshot);
            return;
        }
    m_snapshots.push_back(std::move(snapshot));
}

void MainWindow::scan(bool deep)
{
    if (m_scanner)
        return;
    auto *scanner = new Scanner(m_profile, nullptr, this);
    m_scanner = scanner;
    scanner->setPrevious(m_snapshots);
    m_scanAction->setEnabled(false);
    m_deepScanAction->setEnabled(false);
    m_cancelAction->setEnabled(true);
    m_progress->setRange(0, 0);
    m_progress->setFormat(tr("Scanning…"));
    m_progress->show();
    for (const RegistryConfig &r : m_profile.registries)
        m_registryModel->setState(r.id, tr("scanning…"), false);

    auto eta = std::make_shared<std::pair<ScanEta, QElapsedTimer>>();
    eta->second.start();
    connect(scanner, &Scanner::progressChanged, this, [this, eta](const ScanProgress &p) {
        const QString left = Eta::text(eta->first.update(p, eta->second.elapsed()));
        if (p.tagsKnown == 0) {
            m_progress->setRange(0, 0);
            return;
        }
        m_progress->setRange(0, static_cast<int>(std::min<qint64>(p.tagsKnown, INT_MAX)));
        m_progress->setValue(static_cast<int>(std::min<qint64>(p.tagsDone, INT_MAX)));
        m_progress->setFormat(tr("%1/%2 registries · %3/%4 tags")
                                  .arg(p.registriesDone)
                                  .arg(p.registriesTotal)
                                  .arg(p.tagsDone)
                                  .arg(p.tagsKnown) +
                              (left.isEmpty() ? QString() : QStringLiteral(" · ") + left));
    });
    connect(scanner, &Scanner::registryFinished, this, [this, scanner](const QString &id) {
        // Show each registry as soon as it is read: the first answers arrive in seconds even
        // when quay.io's throttle makes the last one take minutes.
        if (const Snapshot *s = scanner->snapshot(id))
            adoptSnapshot(*s);
        recompute();
    });
    connect(scanner, &Scanner::finished, this, [this, scanner, deep](bool cancelled) {
        m_scanAction->setEnabled(true);
        m_deepScanAction->setEnabled(true);
        m_cancelAction->setEnabled(false);
        m_progress->hide();
        if (cancelled) {
            // Keep what was there; a cancelled scan saves nothing half-read.
            for (const Snapshot &s : m_snapshots)
                m_registryModel->setSnapshot(s);
            statusBar()->showMessage(tr("Scan cancelled; the previous snapshot is kept."), 8000);
        } else {
            SnapshotStore store;
            for (const Snapshot &s : scanner->snapshots()) {
                QString error;
                if (!store.save(m_profile, s, &error))
                    log::ui()->warn("{}", error);
            }
            const auto changes = scanner->changes();
            int unreadable = 0;
            for (const Snapshot &s : scanner->snapshots())
                unreadable += s.error.isEmpty() ? 0 : 1;
            QString message = tr("%1 scan done in %2 s; %n tags changed since the last scan", nullptr,
                                 static_cast<int>(changes.size()))
                                  .arg(deep ? tr("Deep") : tr("Fast"))
                                  .arg(double(scanner->elapsedMs()) / 1000.0, 0, 'f', 1);
            if (unreadable > 0)
                message += tr("; %n registries could not be read (see Registries)", nullptr, unreadable);
            statusBar()->showMessage(message, 15000);
        }
        scanner->deleteLater();
        Q_EMIT scanFinished(cancelled);
        if (std::exchange(m_rescanAfterScan, false))
            QTimer::singleShot(0, this, [this] { scan(false); });
    });
    scanner->start(ScanOptions{.deep = deep, .registries = {}, .inFlightPerRegistry = 32});
}

bool MainWindow::exportShownRows(const QString &path, QString *error)
{
    const DriftMatrix &all = m_matrixModel->matrix();
    DriftMatrix shown;
    shown.registryIds = all.registryIds;
    shown.routes = all.routes;
    for (int row = 0; row < m_proxy->rowCount(); ++row)
        if (const DriftRow *r = rowAt(m_proxy->index(row, 0)))
            shown.rows.push_back(*r);
    const QString takenAt = QLocale().toString(oldestTakenAt(m_snapshots).toLocalTime(), QLocale::ShortFormat);
    const QByteArray bytes = path.endsWith(QLatin1String(".md"), Qt::CaseInsensitive)
                                 ? toMarkdown(m_profile.name, takenAt, shown).toUtf8()
                                 : toCsv(shown);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

bool MainWindow::selectRow(const QString &text)
{
    for (int row = 0; row < m_proxy->rowCount(); ++row) {
        const QModelIndex repository = m_proxy->index(row, DriftMatrixModel::RepositoryColumn);
        const QModelIndex tag = m_proxy->index(row, DriftMatrixModel::TagColumn);
        if (!QString(repository.data().toString() + u':' + tag.data().toString()).contains(text))
            continue;
        m_matrixView->setCurrentIndex(repository);
        m_matrixView->scrollTo(repository, QAbstractItemView::PositionAtCenter);
        return true;
    }
    return false;
}

QSet<QString> MainWindow::selectedRowKeys() const
{
    QSet<QString> keys;
    for (const QModelIndex &index : m_matrixView->selectionModel()->selectedRows())
        if (const DriftRow *row = rowAt(index))
            keys.insert(row->repository + u':' + row->tag);
    return keys;
}

const DriftRow *MainWindow::rowAt(const QModelIndex &proxyIndex) const
{
    const int source = m_proxy->mapToSource(proxyIndex).row();
    const auto &rows = m_matrixModel->matrix().rows;
    if (source < 0 || static_cast<std::size_t>(source) >= rows.size())
        return nullptr;
    return &rows[static_cast<std::size_t>(source)];
}

std::unique_ptr<PlanDialog> MainWindow::makePlanDialog(int routeIndex, std::optional<QSet<QString>> rows)
{
    const QDateTime oldest = oldestTakenAt(m_snapshots);
    if (routeIndex < 0)
        routeIndex = std::max(0, m_routeSelector->currentData().toInt());
    return std::make_unique<PlanDialog>(m_profile, m_matrixModel->matrix(), oldest, routeIndex,
                                        rows ? std::move(*rows) : selectedRowKeys(), this);
}

void MainWindow::planJobs()
{
    if (m_profile.routes.empty() || m_snapshots.empty()) {
        QMessageBox::information(this, tr("Nothing to plan"),
                                 m_snapshots.empty() ? tr("Scan the registries first (F5).")
                                                     : tr("The profile has no routes."));
        return;
    }
    planRows(-1, selectedRowKeys());
}

void MainWindow::planRows(int routeIndex, QSet<QString> rows)
{
    const auto dialog = makePlanDialog(routeIndex, std::move(rows));
    if (dialog->exec() == QDialog::Accepted)
        queueJobs(dialog->jobs());
}

QMenu *MainWindow::createRowMenu(const QModelIndex &index)
{
    auto *menu = new QMenu(this);
    menu->setObjectName(QStringLiteral("rowMenu"));
    const DriftRow *row = rowAt(index);
    if (!row)
        return menu;
    const QString key = row->repository + u':' + row->tag;
    // A right click inside the selection acts on the selection, outside it on the row alone
    // (as file managers do).
    QSet<QString> rows = selectedRowKeys();
    if (!rows.contains(key))
        rows = {key};
    const auto &routes = m_matrixModel->matrix().routes;
    for (std::size_t i = 0; i < routes.size() && i < row->routes.size(); ++i) {
        const auto &cell = row->routes[i];
        // Only what a plan would act on: in-sync, extra and unreadable rows have nothing to copy.
        if (!cell || cell->status == DriftStatus::InSync || cell->status == DriftStatus::Extra ||
            cell->status == DriftStatus::Error)
            continue;
        const Route &route = routes[i];
        const RegistryConfig *to = m_profile.registry(route.to);
        const QString verb = route.kind == RouteKind::Promote ? tr("Promote") : tr("Migrate");
        const QString destination = to ? to->displayTitle() : route.to;
        const QString text = rows.size() == 1
                                 ? tr("%1 %2 to %3 (%4)…").arg(verb, key, destination, toString(cell->status))
                                 : tr("%1 the %n selected rows to %2…", nullptr, static_cast<int>(rows.size()))
                                       .arg(verb, destination);
        auto *action = menu->addAction(text, this, [this, i, rows] { planRows(static_cast<int>(i), rows); });
        action->setObjectName(QStringLiteral("planRoute%1").arg(i));
    }
    addRestoreActions(menu, *row);
    if (!menu->isEmpty())
        menu->addSeparator();
    for (std::size_t i = 0; i < row->cells.size() && i < m_profile.registries.size(); ++i) {
        const auto &cell = row->cells[i];
        if (!cell || cell->digest.isEmpty())
            continue;
        const RegistryConfig &registry = m_profile.registries[i];
        // What a pull by digest needs, without the scheme: host[:port]/repository@sha256:...
        const QString reference = registry.url.authority() + u'/' + registry.repositoryFor(row->repository) +
                                  u'@' + cell->digest;
        auto *action = menu->addAction(tr("Copy Reference on %1").arg(registry.displayTitle()), this,
                                       [reference] { QGuiApplication::clipboard()->setText(reference); });
        action->setObjectName(QStringLiteral("copyReference_%1").arg(registry.id));
        action->setToolTip(reference);
    }
    return menu;
}

void MainWindow::queueJobs(const std::vector<JobSpec> &specs)
{
    if (specs.empty())
        return;
    m_jobs->enqueue(specs);
    statusBar()->showMessage(tr("%n job(s) queued", nullptr, static_cast<int>(specs.size())), 8000);
}

// A backup row (41-backup-20261204) offers to put its image back under the tag it was taken
// from, on each registry where that tag now names something else: the undo of an overwrite.
void MainWindow::addRestoreActions(QMenu *menu, const DriftRow &backup)
{
    const auto original = backedUpTag(backup.tag);
    if (!original)
        return;
    const auto &rows = m_matrixModel->matrix().rows;
    const auto current = std::find_if(rows.begin(), rows.end(), [&](const DriftRow &r) {
        return r.repository == backup.repository && r.tag == *original;
    });
    for (std::size_t i = 0; i < backup.cells.size() && i < m_profile.registries.size(); ++i) {
        const auto &saved = backup.cells[i];
        if (!saved || saved->digest.isEmpty() || !saved->error.isEmpty())
            continue;
        const std::optional<DriftCell> now =
            current != rows.end() && i < current->cells.size() ? current->cells[i] : std::nullopt;
        if (now && (!now->error.isEmpty() || now->digest == saved->digest))
            continue; // unreadable (nothing to pin), or already that image
        const RegistryConfig &registry = m_profile.registries[i];
        const JobSpec spec = restoreSpecFor(registry.id, backup.repository, backup.tag, saved->digest,
                                            now ? now->digest : QString());
        auto *action = menu->addAction(tr("Restore %1:%2 on %3 from This Backup…")
                                           .arg(backup.repository, *original, registry.displayTitle()),
                                       this, [this, spec, title = registry.displayTitle()] { restore(spec, title); });
        action->setObjectName(QStringLiteral("restore_%1").arg(registry.id));
    }
}

void MainWindow::restore(const JobSpec &spec, const QString &registryTitle)
{
    // Destructive (a tag moves): say what it names now and what it will name, and what is kept.
    QMessageBox box(QMessageBox::Warning, tr("Restore from backup?"),
                    tr("%1:%2 on %3 will name the image of %4 again (%5).")
                        .arg(spec.repository, spec.destinationTag, registryTitle, spec.tag, spec.sourceDigest.left(19)),
                    QMessageBox::Cancel, this);
    box.setObjectName(QStringLiteral("restoreConfirmation"));
    box.setInformativeText(spec.destinationDigest.isEmpty()
                               ? tr("The tag does not exist there now; it is written again.")
                               : tr("It names %1 now. That image stays in the registry by digest, and the "
                                    "job's record keeps its digest.")
                                     .arg(spec.destinationDigest.left(19)));
    auto *restoreButton = box.addButton(tr("Restore"), QMessageBox::DestructiveRole);
    box.setDefaultButton(QMessageBox::Cancel);
    box.exec();
    if (box.clickedButton() == restoreButton)
        queueJobs({spec});
}

void MainWindow::showSelectedRow()
{
    const QModelIndex current = m_matrixView->currentIndex();
    if (!current.isValid()) {
        m_details->clearRow();
        return;
    }
    if (const DriftRow *row = rowAt(current))
        m_details->showRow(m_profile, *row);
}

void MainWindow::refreshProfileSelector()
{
    const QSignalBlocker blocker(m_profileSelector);
    m_profileSelector->clear();
    int current = -1;
    for (const QString &name : ProfileLoader::builtInNames()) {
        const ProfileLoad load = ProfileLoader::resolve(name);
        const QString title = load.ok() ? load.profile->name : name;
        m_profileSelector->addItem(title, name);
        if (load.ok() && load.profile->source == m_profile.source)
            current = m_profileSelector->count() - 1;
    }
    if (current < 0 && !m_profile.source.isEmpty()) {
        // Its own name first (what people call it), the file second (which copy it is).
        m_profileSelector->addItem(tr("%1 (%2)").arg(m_profile.name, QFileInfo(m_profile.source).fileName()),
                                   m_profile.source);
        current = m_profileSelector->count() - 1;
        m_profileSelector->setItemData(current, m_profile.source, Qt::ToolTipRole);
    }
    m_profileSelector->setCurrentIndex(current);
}

void MainWindow::refreshRouteSelector()
{
    const QSignalBlocker blocker(m_routeSelector);
    m_routeSelector->clear();
    m_routeSelector->addItem(tr("All routes"), -1);
    for (std::size_t i = 0; i < m_profile.routes.size(); ++i) {
        const Route &r = m_profile.routes[i];
        m_routeSelector->addItem(QStringLiteral("%1 → %2 (%3)").arg(r.from, r.to, toString(r.kind)),
                                 static_cast<int>(i));
    }
    m_proxy->setRoute(-1);
}

void MainWindow::chooseProfileFile()
{
    const QString file = QFileDialog::getOpenFileName(this, tr("Open Profile"), QString(),
                                                      tr("Quayside profiles (*.json)"));
    if (!file.isEmpty())
        openProfile(file);
}

void MainWindow::showAbout()
{
    AboutDialog dialog(this);
    dialog.exec();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    const int unfinished = m_jobModel->count(JobState::Running) + m_jobModel->count(JobState::Queued);
    if (unfinished > 0 && isVisible()) {
        QMessageBox box(QMessageBox::Question, tr("Jobs are not finished"),
                        tr("%n job(s) have not finished.", nullptr, unfinished), QMessageBox::Cancel, this);
        box.setInformativeText(tr("They stay in the queue: a copy in flight stops before its tag moves, "
                                  "and everything resumes when Quayside opens this profile again (or "
                                  "with quayside-cli queue run)."));
        auto *quit = box.addButton(tr("Quit Anyway"), QMessageBox::AcceptRole);
        box.setDefaultButton(QMessageBox::Cancel);
        box.exec();
        if (box.clickedButton() != quit) {
            event->ignore();
            return;
        }
    }
    QSettings settings;
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kStateKey, saveState());
    event->accept();
}

} // namespace quayside
