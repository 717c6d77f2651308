#include "aboutdialog.h"
#include "driftmatrixmodel.h"
#include "inventory/profileloader.h"
#include "mainwindow.h"
#include "registrylistmodel.h"
#include "roles.h"
#include "support/application.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QComboBox>
#include <QDialog>
#include <QLabel>
#include <QMessageBox>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeView>

using namespace quayside;

class TestMainWindow final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void showsRegistryAndRouteColumnsOfTheProfile();
    void modelsStayConsistentAcrossProfileChanges();
    void matrixShowsCellsAndStatuses();
    void badProfileIsExplainedAndKeepsTheCurrentOne();
    void unreadableRegistriesAreExplained();
    void aboutBoxShowsVersion();

private:
    QTemporaryDir m_home;
};

void TestMainWindow::initTestCase()
{
    qputenv("XDG_CONFIG_HOME", m_home.path().toUtf8());
    identifyApplication();
}

void TestMainWindow::showsRegistryAndRouteColumnsOfTheProfile()
{
    MainWindow window;
    QVERIFY(window.openProfile(QStringLiteral("fedora")));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    auto *view = window.findChild<QTableView *>(QStringLiteral("matrixView"));
    QVERIFY(view);
    const auto *model = view->model();
    const Profile &profile = window.profile();
    QCOMPARE(model->columnCount(),
             2 + static_cast<int>(profile.registries.size() + profile.routes.size()));
    QCOMPARE(model->headerData(0, Qt::Horizontal).toString(), QStringLiteral("Repository"));
    QCOMPARE(model->headerData(2, Qt::Horizontal).toString(),
             QStringLiteral("registry.fedoraproject.org"));
    QCOMPARE(model->headerData(4, Qt::Horizontal).toString(), QStringLiteral("quay.io/\nfedora"));
    QCOMPARE(model->headerData(6, Qt::Horizontal).toString(), QStringLiteral("registry →\nquay"));
    QCOMPARE(model->rowCount(), 0);

    // An empty matrix explains itself instead of showing a blank table.
    auto *empty = view->findChild<QLabel *>(QStringLiteral("emptyState"));
    QVERIFY(empty);
    QVERIFY(empty->isVisible());
    QVERIFY(empty->text().contains(QStringLiteral("Fedora production")));

    auto *registries = window.findChild<QTreeView *>(QStringLiteral("registryView"));
    QVERIFY(registries);
    QCOMPARE(registries->model()->rowCount(), 4);
    QCOMPARE(registries->model()->index(2, RegistryListModel::UrlColumn).data().toString(),
             QStringLiteral("https://quay.io/fedora/"));

    auto *status = window.findChild<QLabel *>(QStringLiteral("profileLabel"));
    QVERIFY(status->text().contains(QStringLiteral("4 registries")));
    QVERIFY(window.windowTitle().contains(QStringLiteral("Fedora production")));

    auto *selector = window.findChild<QComboBox *>(QStringLiteral("profileSelector"));
    QCOMPARE(selector->currentData().toString(), QStringLiteral("fedora"));
}

void TestMainWindow::modelsStayConsistentAcrossProfileChanges()
{
    MainWindow window;
    auto *view = window.findChild<QTableView *>(QStringLiteral("matrixView"));
    QAbstractItemModelTester matrixTester(view->model(),
                                          QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto *registries = window.findChild<QTreeView *>(QStringLiteral("registryView"));
    QAbstractItemModelTester registryTester(
        registries->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);

    QVERIFY(window.openProfile(QStringLiteral("fedora")));
    QVERIFY(window.openProfile(QStringLiteral("fedora-staging")));
    QCOMPARE(registries->model()->index(0, RegistryListModel::TitleColumn).data().toString(),
             QStringLiteral("registry.stg.fedoraproject.org"));

    auto *registryModel = qobject_cast<RegistryListModel *>(registries->model());
    registryModel->setState(QStringLiteral("quay"), QStringLiteral("429: throttled"), true);
    QCOMPARE(registries->model()->index(2, RegistryListModel::StateColumn).data().toString(),
             QStringLiteral("429: throttled"));
    QVERIFY(registries->model()
                ->index(2, RegistryListModel::StateColumn)
                .data(Qt::ForegroundRole)
                .isValid());
}

void TestMainWindow::matrixShowsCellsAndStatuses()
{
    DriftMatrixModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const ProfileLoad load = ProfileLoader::resolve(QStringLiteral("fedora"));
    QVERIFY(load.ok());
    model.setProfile(*load.profile);

    DriftMatrix matrix;
    DriftRow row;
    row.repository = QStringLiteral("fedora");
    row.tag = QStringLiteral("41");
    row.cells.resize(4);
    row.cells[0] = DriftCell{QStringLiteral("sha256:0123456789abcdef"),
                             QStringLiteral("application/vnd.oci.image.index.v1+json"),
                             {QStringLiteral("linux/amd64"), QStringLiteral("linux/s390x")},
                             {},
                             {}};
    row.cells[2] = DriftCell{QStringLiteral("sha256:fedcba9876543210"),
                             QStringLiteral("application/vnd.oci.image.index.v1+json"),
                             {QStringLiteral("linux/amd64")},
                             {},
                             {}};
    row.routes.resize(3);
    row.routes[0] = RouteCell{DriftStatus::ArchMissing, {QStringLiteral("linux/s390x")}};
    matrix.rows.push_back(row);
    model.setMatrix(matrix);

    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.index(0, 2).data().toString(), QStringLiteral("0123456789ab · 2 arch"));
    QCOMPARE(model.index(0, 2).data(DigestRole).toString(),
             QStringLiteral("sha256:0123456789abcdef"));
    QCOMPARE(model.index(0, 3).data().toString(), QStringLiteral("—"));
    QCOMPARE(model.index(0, model.routeColumn(0)).data().toString(),
             QStringLiteral("arch-missing: s390x"));
    QCOMPARE(model.index(0, model.routeColumn(0)).data(StatusRole).toInt(),
             static_cast<int>(DriftStatus::ArchMissing));
    QVERIFY(!model.index(0, model.routeColumn(1)).data().isValid());
}

void TestMainWindow::badProfileIsExplainedAndKeepsTheCurrentOne()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("broken.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{\n  \"name\": \"Broken\",\n  \"registries\": [\n    { \"id\": \"x\", \"url\": "
               "\"quay.io\", \"prefix\": \"\", \"kind\": \"distribution\" }\n  ]\n}\n");
    file.close();

    MainWindow window;
    QVERIFY(window.openProfile(QStringLiteral("fedora")));
    window.show();

    QString shown;
    QTimer::singleShot(0, this, [&shown] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (box) {
            shown = box->text() + u'\n' + box->informativeText();
            box->accept();
        }
    });
    QVERIFY(!window.openProfile(path));
    QVERIFY2(shown.contains(QStringLiteral("broken.json:4")), qPrintable(shown));
    QVERIFY2(shown.contains(QStringLiteral("registries[0].url")), qPrintable(shown));
    QCOMPARE(window.profile().name, QStringLiteral("Fedora production"));
}

// Registries that do not answer (nothing listens on loopback port 9): the empty table says that
// none could be read and why, not that a filter hides the rows; the status bar says so too.
void TestMainWindow::unreadableRegistriesAreExplained()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("dead.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"name": "Dead", "registries": [
        {"id": "old", "url": "http://127.0.0.1:9", "prefix": "", "kind": "distribution", "insecure": true},
        {"id": "new", "url": "http://127.0.0.1:9", "prefix": "ns/", "kind": "distribution", "insecure": true}],
      "routes": [{"from": "old", "to": "new", "kind": "migrate"}]})");
    file.close();

    MainWindow window;
    QVERIFY(window.openProfile(path));
    window.show();
    QSignalSpy finished(&window, &MainWindow::scanFinished);
    window.scan(false);
    QVERIFY(finished.wait(60000));
    auto *empty = window.findChild<QLabel *>(QStringLiteral("emptyState"));
    QVERIFY2(empty->text().contains(QStringLiteral("2 of 2 registries could not be read")), qPrintable(empty->text()));
    QVERIFY2(empty->text().contains(QStringLiteral("127.0.0.1")) || empty->text().contains(QStringLiteral("refused")),
             qPrintable(empty->text()));
    QVERIFY2(!empty->text().contains(QStringLiteral("filter")), qPrintable(empty->text()));
    const QString message = window.statusBar()->currentMessage();
    QVERIFY2(message.contains(QStringLiteral("2 registries could not be read")), qPrintable(message));
}

void TestMainWindow::aboutBoxShowsVersion()
{
    AboutDialog dialog;
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    auto *text = dialog.findChild<QLabel *>(QStringLiteral("aboutText"));
    QVERIFY(text);
    QVERIFY(text->text().contains(QStringLiteral(QUAYSIDE_VERSION)));
    QVERIFY(text->text().contains(QString::fromLatin1(qVersion())));

    // And it is reachable from the Help menu.
    MainWindow window;
    auto *action = window.findChild<QAction *>(QStringLiteral("actionAbout"));
    QVERIFY(action);
    QString opened;
    QTimer::singleShot(0, this, [&opened] {
        if (auto *modal = qobject_cast<QDialog *>(QApplication::activeModalWidget())) {
            opened = modal->objectName();
            modal->accept();
        }
    });
    action->trigger();
    QCOMPARE(opened, QStringLiteral("aboutDialog"));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
