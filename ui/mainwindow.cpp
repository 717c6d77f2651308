#include "mainwindow.h"

#include "aboutdialog.h"
#include "driftmatrixmodel.h"
#include "emptystate.h"
#include "inventory/profileloader.h"
#include "registrylistmodel.h"
#include "support/fmtqt.h"
#include "support/logging.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDesktopServices>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QTableView>
#include <QToolBar>
#include <QTreeView>
#include <QUrl>

namespace quayside {
namespace {

const auto kLastProfileKey = QStringLiteral("ui/lastProfile");
const auto kGeometryKey = QStringLiteral("ui/geometry");
const auto kStateKey = QStringLiteral("ui/state");

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_matrixModel(new DriftMatrixModel(this))
    , m_registryModel(new RegistryListModel(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Quayside"));
    createCentralArea();
    createRegistryDock();
    createActions();
    createStatusBar();

    QSettings settings;
    if (!restoreGeometry(settings.value(kGeometryKey).toByteArray()))
        resize(1280, 800);
    restoreState(settings.value(kStateKey).toByteArray());
}

void MainWindow::createCentralArea()
{
    m_matrixView = new QTableView(this);
    m_matrixView->setObjectName(QStringLiteral("matrixView"));
    m_matrixView->setModel(m_matrixModel);
    m_matrixView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_matrixView->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_matrixView->setSortingEnabled(true);
    m_matrixView->setAlternatingRowColors(true);
    m_matrixView->setWordWrap(false);
    m_matrixView->verticalHeader()->setVisible(false);
    m_matrixView->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    m_matrixView->horizontalHeader()->setStretchLastSection(true);
    m_matrixView->horizontalHeader()->setDefaultSectionSize(170);
    m_matrixView->horizontalHeader()->setHighlightSections(false);

    m_emptyState = new EmptyState(m_matrixView);
    setCentralWidget(m_matrixView);
}

void MainWindow::createRegistryDock()
{
    m_registryView = new QTreeView(this);
    m_registryView->setObjectName(QStringLiteral("registryView"));
    m_registryView->setModel(m_registryModel);
    m_registryView->setRootIsDecorated(false);
    m_registryView->setUniformRowHeights(true);
    m_registryView->setAlternatingRowColors(true);
    m_registryView->header()->setStretchLastSection(true);
    m_registryView->header()->resizeSection(RegistryListModel::TitleColumn, 200);
    m_registryView->header()->resizeSection(RegistryListModel::UrlColumn, 280);
    m_registryView->header()->resizeSection(RegistryListModel::KindColumn, 100);
    m_registryView->header()->resizeSection(RegistryListModel::CredentialsColumn, 220);

    auto *dock = new QDockWidget(tr("Registries"), this);
    dock->setObjectName(QStringLiteral("registryDock"));
    dock->setWidget(m_registryView);
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetClosable);
    addDockWidget(Qt::BottomDockWidgetArea, dock);
}

void MainWindow::createActions()
{
    auto *fileMenu = menuBar()->addMenu(tr("&File"));
    auto *openProfileAction = fileMenu->addAction(tr("&Open Profile…"), this,
                                            &MainWindow::chooseProfileFile);
    openProfileAction->setShortcut(QKeySequence::Open);
    openProfileAction->setObjectName(QStringLiteral("actionOpenProfile"));
    fileMenu->addSeparator();
    auto *quit = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

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

    auto *toolBar = addToolBar(tr("Profile"));
    toolBar->setObjectName(QStringLiteral("profileToolBar"));
    toolBar->setMovable(false);
    toolBar->addWidget(new QLabel(tr("Profile: "), toolBar));
    m_profileSelector = new QComboBox(toolBar);
    m_profileSelector->setObjectName(QStringLiteral("profileSelector"));
    m_profileSelector->setMinimumContentsLength(24);
    m_profileSelector->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    toolBar->addWidget(m_profileSelector);
    toolBar->addAction(openProfileAction);
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
    m_snapshotLabel = new QLabel(this);
    m_snapshotLabel->setObjectName(QStringLiteral("snapshotLabel"));
    statusBar()->addWidget(m_profileLabel, 1);
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
    m_profile = profile;
    m_matrixModel->setProfile(profile);
    m_registryModel->setProfile(profile);
    setWindowTitle(tr("%1 — Quayside").arg(profile.name));
    m_profileLabel->setText(tr("%1 · %n registries", nullptr,
                               static_cast<int>(profile.registries.size()))
                                .arg(profile.name) +
                            tr(" · %n routes", nullptr, static_cast<int>(profile.routes.size())));
    m_profileLabel->setToolTip(profile.source);
    m_snapshotLabel->setText(tr("No snapshot yet"));
    m_emptyState->setMessage(
        tr("Nothing read from “%1” yet").arg(profile.name),
        tr("The columns show its %n registries and the routes between them; each row will be a "
           "repository:tag and each route cell whether the destination matches.",
           nullptr, static_cast<int>(profile.registries.size())));
    // Wide enough for each header (registry titles are what people scan for), never narrower
    // than a short digest and its architecture count.
    const QFontMetrics metrics = m_matrixView->horizontalHeader()->fontMetrics();
    for (int i = 0; i < m_matrixModel->columnCount(); ++i) {
        const int header =
            metrics.horizontalAdvance(m_matrixModel->headerData(i, Qt::Horizontal).toString()) + 32;
        m_matrixView->setColumnWidth(
            i, std::max(header, i == DriftMatrixModel::RepositoryColumn ? 220 : 150));
    }
    refreshProfileSelector();
    log::ui()->info("profile {} loaded from {}", profile.name, profile.source);
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
        m_profileSelector->addItem(QFileInfo(m_profile.source).fileName(), m_profile.source);
        current = m_profileSelector->count() - 1;
    }
    m_profileSelector->setCurrentIndex(current);
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
    QSettings settings;
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kStateKey, saveState());
    event->accept();
}

} // namespace quayside
