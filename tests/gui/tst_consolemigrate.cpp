// Migrating from the console, against a private seeded sandbox the test writes to: the plan
// dialog shows the route's work checked against the destination, holds overwrites back until
// ticked, queues jobs that run on the worker thread, and the matrix turns in-sync after the
// automatic rescan. QUAYSIDE_SCREENSHOTS=DIR saves what a user sees, for docs/.
#include "driftfilterproxymodel.h"
#include "driftmatrixmodel.h"
#include "joblistmodel.h"
#include "mainwindow.h"
#include "plandialog.h"
#include "planmodel.h"
#include "support/application.h"
#include "testsandbox.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QApplication>
#include <QClipboard>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QTimer>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace quayside;

class TestConsoleMigrate final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void planQueueRunRescan();
    void promoteOneRowFromItsMenu();
    void restoreUndoesThePromotion();
    void queueSurvivesANewWindow();

private:
    void shoot(QWidget *widget, const QString &name);
    QString status(MainWindow &window, const QString &repositoryTag, int route);
    QModelIndex rowIndex(MainWindow &window, const QString &repositoryTag);
    int routeIndex(MainWindow &window, const QString &from, const QString &to);

    std::unique_ptr<test::TestSandbox> m_sandbox;
    QTemporaryDir m_home;
};

void TestConsoleMigrate::initTestCase()
{
    QString error;
    m_sandbox = test::TestSandbox::start({QStringLiteral("registry"), QStringLiteral("candidate"),
                                          QStringLiteral("quay")},
                                         true, &error);
    QVERIFY2(m_sandbox, qPrintable(error));
    qputenv("XDG_CONFIG_HOME", m_home.filePath(QStringLiteral("config")).toUtf8());
    qputenv("XDG_CACHE_HOME", m_home.filePath(QStringLiteral("cache")).toUtf8());
    qputenv("XDG_DATA_HOME", m_home.filePath(QStringLiteral("data")).toUtf8());
    for (const QString &line : m_sandbox->credentialEnvironment())
        qputenv(line.section(u'=', 0, 0).toLatin1().constData(), line.section(u'=', 1).toUtf8());
    identifyApplication();
}

void TestConsoleMigrate::shoot(QWidget *widget, const QString &name)
{
    const QString dir = qEnvironmentVariable("QUAYSIDE_SCREENSHOTS");
    if (!dir.isEmpty())
        QVERIFY(widget->grab().save(dir + u'/' + name, "PNG"));
}

// The status of one route column for one repository:tag, as the matrix shows it.
QString TestConsoleMigrate::status(MainWindow &window, const QString &repositoryTag, int route)
{
    auto *view = window.findChild<QTableView *>(QStringLiteral("matrixView"));
    auto *model = view->model();
    const int firstRoute = model->columnCount() - static_cast<int>(window.profile().routes.size());
    for (int row = 0; row < model->rowCount(); ++row) {
        const QString key = model->index(row, DriftMatrixModel::RepositoryColumn).data().toString() + u':' +
                            model->index(row, DriftMatrixModel::TagColumn).data().toString();
        if (key == repositoryTag)
            return model->index(row, firstRoute + route).data().toString();
    }
    return QStringLiteral("(no row)");
}

QModelIndex TestConsoleMigrate::rowIndex(MainWindow &window, const QString &repositoryTag)
{
    auto *model = window.findChild<QTableView *>(QStringLiteral("matrixView"))->model();
    for (int row = 0; row < model->rowCount(); ++row)
        if (model->index(row, DriftMatrixModel::RepositoryColumn).data().toString() + u':' +
                model->index(row, DriftMatrixModel::TagColumn).data().toString() ==
            repositoryTag)
            return model->index(row, DriftMatrixModel::RepositoryColumn);
    return {};
}

int TestConsoleMigrate::routeIndex(MainWindow &window, const QString &from, const QString &to)
{
    const auto &routes = window.profile().routes;
    for (std::size_t i = 0; i < routes.size(); ++i)
        if (routes[i].from == from && routes[i].to == to)
            return static_cast<int>(i);
    return -1;
}

void TestConsoleMigrate::planQueueRunRescan()
{
    MainWindow window;
    window.resize(1400, 860);
    QAbstractItemModelTester jobsTester(window.jobModel());
    QVERIFY(window.openProfile(m_sandbox->profilePath()));
    window.show();
    QSignalSpy scanned(&window, &MainWindow::scanFinished);
    window.scan(false);
    QVERIFY(scanned.wait(60000));

    int route = -1;
    for (std::size_t i = 0; i < window.profile().routes.size(); ++i)
        if (window.profile().routes[i].from == QLatin1String("registry") && window.profile().routes[i].to == QLatin1String("quay"))
            route = static_cast<int>(i);
    QVERIFY(route >= 0);
    QCOMPARE(status(window, QStringLiteral("fedora-minimal:40-s390x"), route), QStringLiteral("missing"));
    QVERIFY(status(window, QStringLiteral("fedora-minimal:41"), route).startsWith(QLatin1String("arch-missing")));
    QCOMPARE(status(window, QStringLiteral("fedora-toolbox:40"), route), QStringLiteral("sparse"));

    // The whole route (no selection), chosen in the dialog.
    auto *routes = window.findChild<QComboBox *>(QStringLiteral("routeSelector"));
    routes->setCurrentIndex(routes->findData(route));
    auto dialog = window.makePlanDialog();
    QAbstractItemModelTester planTester(dialog->findChild<QTableView *>(QStringLiteral("planView"))->model());
    dialog->show();
    QSignalSpy estimated(dialog.get(), &PlanDialog::estimated);
    QVERIFY(dialog->estimatesDone() || estimated.wait(60000));
    const Plan &plan = dialog->plan();
    QCOMPARE(plan.route.from, QStringLiteral("registry"));
    QVERIFY(plan.count(PlanAction::Copy) >= 2);
    QVERIFY(plan.count(PlanAction::Overwrite) >= 4);
    QCOMPARE(plan.count(PlanAction::Fill), 1);
    for (const PlanItem &item : plan.items)
        if (item.isWork())
            QVERIFY2(item.estimate.bytes >= 0 && item.estimate.error.isEmpty(),
                     qPrintable(item.repository + u':' + item.tag + u' ' + item.estimate.error));
    auto *planView = dialog->findChild<QTableView *>(QStringLiteral("planView"));
    QCOMPARE(planView->model()->rowCount(), plan.workCount());
    auto *queueButton = dialog->findChild<QPushButton *>(QStringLiteral("queueJobs"));
    auto *allow = dialog->findChild<QCheckBox *>(QStringLiteral("allowOverwrite"));
    const int withoutOverwrites = plan.workCount() - plan.count(PlanAction::Overwrite);
    QVERIFY2(queueButton->text().contains(QString::number(withoutOverwrites)), qPrintable(queueButton->text()));
    QVERIFY(!allow->isChecked());
    shoot(dialog.get(), QStringLiteral("plan.png"));

    // Overwrites are held back: only copies and the fill are queued.
    const std::vector<JobSpec> specs = dialog->jobs();
    QCOMPARE(static_cast<int>(specs.size()), withoutOverwrites);
    for (const JobSpec &spec : specs)
        QVERIFY(spec.action != PlanAction::Overwrite);
    allow->setChecked(true);
    QVERIFY2(queueButton->text().contains(QString::number(plan.workCount())), qPrintable(queueButton->text()));
    allow->setChecked(false);
    QVERIFY(dialog->queueWithoutConfirmation());
    dialog.reset();

    // Jobs run on the worker thread; the queue shows them; the rescan turns the rows green.
    window.queueJobs(specs);
    QTRY_COMPARE_WITH_TIMEOUT(window.jobModel()->count(JobState::Done), withoutOverwrites, 120000);
    QTRY_COMPARE_WITH_TIMEOUT(status(window, QStringLiteral("fedora-minimal:40-s390x"), route),
                              QStringLiteral("in-sync"), 60000);
    QTRY_COMPARE_WITH_TIMEOUT(status(window, QStringLiteral("fedora-toolbox:40"), route),
                              QStringLiteral("in-sync"), 60000);
    QVERIFY(status(window, QStringLiteral("fedora-minimal:41"), route).startsWith(QLatin1String("arch-missing")));
    auto *jobsLabel = window.findChild<QLabel *>(QStringLiteral("jobsLabel"));
    QVERIFY2(jobsLabel->text().contains(QStringLiteral("%1 done").arg(withoutOverwrites)), qPrintable(jobsLabel->text()));
    shoot(&window, QStringLiteral("migrated.png"));
}

void TestConsoleMigrate::promoteOneRowFromItsMenu()
{
    // A release engineer reviews one candidate tag and promotes exactly that row from its menu.
    MainWindow window;
    window.resize(1400, 860);
    QVERIFY(window.openProfile(m_sandbox->profilePath()));
    window.show();
    QSignalSpy scanned(&window, &MainWindow::scanFinished);
    window.scan(false);
    QVERIFY(scanned.wait(60000));
    const int promote = routeIndex(window, QStringLiteral("quay-candidate"), QStringLiteral("quay"));
    const int migrate = routeIndex(window, QStringLiteral("registry"), QStringLiteral("quay"));
    QVERIFY(promote >= 0 && migrate >= 0);
    const QString key = QStringLiteral("fedora-bootc:41");
    QCOMPARE(status(window, key, promote), QStringLiteral("differs"));
    QCOMPARE(status(window, key, migrate), QStringLiteral("in-sync"));

    // Another row selected: the menu of a row outside the selection acts on that row alone.
    auto *view = window.findChild<QTableView *>(QStringLiteral("matrixView"));
    view->setCurrentIndex(rowIndex(window, QStringLiteral("fedora:latest")));
    view->selectRow(view->currentIndex().row());
    const QModelIndex index = rowIndex(window, key);
    QVERIFY(index.isValid());
    std::unique_ptr<QMenu> menu(window.createRowMenu(index));
    auto *promoteAction = menu->findChild<QAction *>(QStringLiteral("planRoute%1").arg(promote));
    QVERIFY2(promoteAction, "no promote entry for a row whose candidate differs");
    QVERIFY2(promoteAction->text().startsWith(QStringLiteral("Promote fedora-bootc:41 to")) &&
                 promoteAction->text().contains(QLatin1String("differs")),
             qPrintable(promoteAction->text()));
    QVERIFY2(!menu->findChild<QAction *>(QStringLiteral("planRoute%1").arg(migrate)),
             "an in-sync route offered a copy");
    menu->adjustSize();
    shoot(menu.get(), QStringLiteral("rowmenu.png"));
    auto *reference = menu->findChild<QAction *>(QStringLiteral("copyReference_quay-candidate"));
    QVERIFY(reference);
    reference->trigger();
    QVERIFY2(QGuiApplication::clipboard()->text().contains(QLatin1String("/fedora-candidate/fedora-bootc@sha256:")),
             qPrintable(QGuiApplication::clipboard()->text()));

    // The action opens the plan of that one row; the overwrite is ticked with a backup kept.
    QString planned;
    QTimer driver;
    connect(&driver, &QTimer::timeout, &window, [&] {
        auto *dialog = qobject_cast<PlanDialog *>(QApplication::activeModalWidget());
        if (!dialog || !dialog->estimatesDone())
            return;
        driver.stop();
        for (const PlanItem &item : dialog->plan().items)
            planned += item.repository + u':' + item.tag + u'=' + toString(item.action) + u' ';
        dialog->findChild<QCheckBox *>(QStringLiteral("allowOverwrite"))->setChecked(true);
        QVERIFY(dialog->findChild<QCheckBox *>(QStringLiteral("keepBackup"))->isChecked());
        dialog->queueWithoutConfirmation();
    });
    driver.start(50);
    const int doneBefore = window.jobModel()->count(JobState::Done);
    promoteAction->trigger();
    QCOMPARE(planned.trimmed(), QStringLiteral("fedora-bootc:41=overwrite"));
    QTRY_COMPARE_WITH_TIMEOUT(window.jobModel()->count(JobState::Done), doneBefore + 1, 120000);
    QTRY_COMPARE_WITH_TIMEOUT(status(window, key, promote), QStringLiteral("in-sync"), 60000);
    // The image the production tag named before is kept under a backup tag, visible as extra.
    const QString backup = QStringLiteral("fedora-bootc:41") + backupSuffixForToday();
    QTRY_COMPARE_WITH_TIMEOUT(status(window, backup, promote), QStringLiteral("extra"), 60000);
}

void TestConsoleMigrate::restoreUndoesThePromotion()
{
    // The promotion above kept production's image under a backup tag; restoring it from that
    // row's menu puts production back where it was (so the candidate differs again).
    MainWindow window;
    window.resize(1400, 860);
    QVERIFY(window.openProfile(m_sandbox->profilePath()));
    window.show();
    QSignalSpy scanned(&window, &MainWindow::scanFinished);
    window.scan(false);
    QVERIFY(scanned.wait(60000));
    const int promote = routeIndex(window, QStringLiteral("quay-candidate"), QStringLiteral("quay"));
    const int migrate = routeIndex(window, QStringLiteral("registry"), QStringLiteral("quay"));
    const QString key = QStringLiteral("fedora-bootc:41");
    QCOMPARE(status(window, key, promote), QStringLiteral("in-sync"));
    QCOMPARE(status(window, key, migrate), QStringLiteral("differs"));

    const QModelIndex backup = rowIndex(window, key + backupSuffixForToday());
    QVERIFY(backup.isValid());
    std::unique_ptr<QMenu> menu(window.createRowMenu(backup));
    auto *restore = menu->findChild<QAction *>(QStringLiteral("restore_quay"));
    QVERIFY2(restore, "a backup row offers no restore");
    QVERIFY2(restore->text().startsWith(QStringLiteral("Restore fedora-bootc:41 on quay.io/fedora")),
             qPrintable(restore->text()));
    // Elsewhere the tag is absent or the backup is not there: nothing else to restore.
    QVERIFY(!menu->findChild<QAction *>(QStringLiteral("restore_registry")));

    // The confirmation says what moves; Cancel (the default) queues nothing.
    const int jobsBefore = window.jobModel()->rowCount();
    QString asked;
    bool accept = false;
    QTimer driver;
    connect(&driver, &QTimer::timeout, &window, [&] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box)
            return;
        driver.stop();
        asked = box->text() + u' ' + box->informativeText();
        for (QAbstractButton *button : box->buttons())
            if (button->text() == (accept ? QStringLiteral("Restore") : QStringLiteral("Cancel")))
                button->click();
    });
    driver.start(50);
    restore->trigger();
    QTest::qWait(300); // what a queued job would take to show up
    QCOMPARE(window.jobModel()->rowCount(), jobsBefore);
    QVERIFY2(asked.contains(QLatin1String("fedora-bootc:41 on quay.io/fedora")) &&
                 asked.contains(QLatin1String("stays in the registry by digest")),
             qPrintable(asked));

    accept = true;
    driver.start(50);
    restore->trigger();
    QTRY_COMPARE(window.jobModel()->rowCount(), jobsBefore + 1); // the worker thread journals it
    QTRY_COMPARE_WITH_TIMEOUT(window.jobModel()->count(JobState::Done), window.jobModel()->rowCount(), 120000);
    QTRY_COMPARE_WITH_TIMEOUT(status(window, key, migrate), QStringLiteral("in-sync"), 60000);
    QCOMPARE(status(window, key, promote), QStringLiteral("differs"));
}

void TestConsoleMigrate::queueSurvivesANewWindow()
{
    // The journal outlives the window: a new one shows the same jobs, done.
    MainWindow window;
    QAbstractItemModelTester jobsTester(window.jobModel());
    QVERIFY(window.openProfile(m_sandbox->profilePath()));
    QTRY_VERIFY_WITH_TIMEOUT(window.jobModel()->rowCount() > 0, 10000);
    QCOMPARE(window.jobModel()->count(JobState::Done), window.jobModel()->rowCount());

    // Forgetting them is asked first: Cancel (the default) keeps them, Yes forgets them.
    const int rows = window.jobModel()->rowCount();
    auto *clear = window.findChild<QPushButton *>(QStringLiteral("clearFinished"));
    QVERIFY(clear && clear->isEnabled());
    QString asked;
    for (const bool yes : {false, true}) {
        QTimer::singleShot(100, &window, [&asked, yes] {
            auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
            if (!box)
                return;
            asked = box->text();
            box->button(yes ? QMessageBox::Yes : QMessageBox::Cancel)->click();
        });
        clear->click();
        if (!yes) {
            QTest::qWait(300);
            QCOMPARE(window.jobModel()->rowCount(), rows);
        }
    }
    QVERIFY2(asked.contains(QStringLiteral("Forget %1 done").arg(rows)), qPrintable(asked));
    QTRY_COMPARE(window.jobModel()->rowCount(), 0);
}

QTEST_MAIN(TestConsoleMigrate)
#include "tst_consolemigrate.moc"
