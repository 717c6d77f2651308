// The console on the sandbox: a scan fills the matrix, the filter bar narrows it to exactly the
// drift the sandbox planted, details explain a row, and a new window opens on the saved
// snapshot without touching the network.
#include "driftfilterproxymodel.h"
#include "driftmatrixmodel.h"
#include "inventory/profileloader.h"
#include "inventory/snapshotstore.h"
#include "mainwindow.h"
#include "registrylistmodel.h"
#include "rowdetails.h"
#include "support/application.h"
#include "testsandbox.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTreeView>
#include <QTest>

using namespace quayside;

class TestConsoleScan final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void scanFillsTheMatrixAndFiltersFindThePlantedDrift();
    void reopensOnTheSavedSnapshot();
    void lastScanChangesAreMarkedAndFiltered();

private:
    std::unique_ptr<test::TestSandbox> m_sandbox;
    QTemporaryDir m_home;
    int m_plantedRows = 0;
};

void TestConsoleScan::initTestCase()
{
    QString error;
    m_sandbox = test::TestSandbox::shared(&error);
    QVERIFY2(m_sandbox, qPrintable(error));
    qputenv("XDG_CONFIG_HOME", m_home.filePath(QStringLiteral("config")).toUtf8());
    qputenv("XDG_CACHE_HOME", m_home.filePath(QStringLiteral("cache")).toUtf8());
    for (const QString &line : m_sandbox->credentialEnvironment())
        qputenv(line.section(u'=', 0, 0).toLatin1().constData(), line.section(u'=', 1).toUtf8());
    identifyApplication();
    QSet<QString> rows;
    for (const QJsonValue &p : m_sandbox->drift().value(QLatin1String("planted")).toArray())
        rows.insert(p.toObject().value(QLatin1String("repository")).toString() + u':' +
                    p.toObject().value(QLatin1String("tag")).toString());
    m_plantedRows = static_cast<int>(rows.size());
}

void TestConsoleScan::scanFillsTheMatrixAndFiltersFindThePlantedDrift()
{
    MainWindow window;
    QVERIFY(window.openProfile(m_sandbox->profilePath()));
    window.show();
    auto *view = window.findChild<QTableView *>(QStringLiteral("matrixView"));
    QAbstractItemModelTester tester(view->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(view->model()->rowCount(), 0);

    QSignalSpy finished(&window, &MainWindow::scanFinished);
    window.scan(true);
    QVERIFY(window.isScanning());
    QVERIFY(finished.wait(120000));
    QCOMPARE(finished.first().first().toBool(), false);
    const int all = view->model()->rowCount();
    QVERIFY(all > 80);

    auto *summary = window.findChild<QLabel *>(QStringLiteral("summaryLabel"));
    QVERIFY2(summary->text().contains(QStringLiteral("%1 of %2 rows drift").arg(m_plantedRows).arg(all)),
             qPrintable(summary->text()));

    auto *onlyDrift = window.findChild<QCheckBox *>(QStringLiteral("onlyDrift"));
    onlyDrift->setChecked(true);
    QCOMPARE(view->model()->rowCount(), m_plantedRows);

    auto *route = window.findChild<QComboBox *>(QStringLiteral("routeSelector"));
    route->setCurrentIndex(2); // candidate → quay-candidate
    Q_EMIT route->activated(2);
    QCOMPARE(view->model()->rowCount(), 2);

    route->setCurrentIndex(0);
    Q_EMIT route->activated(0);
    auto *filter = window.findChild<QLineEdit *>(QStringLiteral("filterEdit"));
    filter->setText(QStringLiteral("fedora-minimal:4"));
    QCOMPARE(view->model()->rowCount(), 2); // 40-s390x missing, 41 arch-missing

    QVERIFY(window.selectRow(QStringLiteral("fedora-minimal:41")));
    auto *details = window.findChild<RowDetails *>(QStringLiteral("rowDetails"));
    QVERIFY2(details->toPlainText().contains(QStringLiteral("lacks linux/s390x")),
             qPrintable(details->toPlainText()));

    auto *age = window.findChild<QLabel *>(QStringLiteral("snapshotLabel"));
    QVERIFY2(age->text().contains(QStringLiteral("just now")), qPrintable(age->text()));
}

void TestConsoleScan::reopensOnTheSavedSnapshot()
{
    MainWindow window;
    QVERIFY(window.openProfile(m_sandbox->profilePath()));
    auto *view = window.findChild<QTableView *>(QStringLiteral("matrixView"));
    // No scan: the rows come from the snapshot saved by the previous test.
    QVERIFY(!window.isScanning());
    QVERIFY(view->model()->rowCount() > 80);
    auto *age = window.findChild<QLabel *>(QStringLiteral("snapshotLabel"));
    QVERIFY2(age->text().contains(QStringLiteral("deep")), qPrintable(age->text()));

    // Export what the filter shows: the planted drift, as CSV (full digests) and Markdown.
    window.findChild<QCheckBox *>(QStringLiteral("onlyDrift"))->setChecked(true);
    QTemporaryDir out;
    QString error;
    QVERIFY2(window.exportShownRows(out.filePath(QStringLiteral("drift.csv")), &error), qPrintable(error));
    QFile csv(out.filePath(QStringLiteral("drift.csv")));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = csv.readAll().split('\n');
    QCOMPARE(lines.size() - 2, m_plantedRows); // a header, and the empty piece after the last line
    QVERIFY(lines[0].startsWith("repository,tag,registry,candidate,quay,quay-candidate,"));
    bool sawArchMissing = false;
    for (const QByteArray &line : lines)
        sawArchMissing = sawArchMissing ||
                         (line.startsWith("fedora-minimal,41,sha256:") && line.contains("arch-missing: linux/s390x"));
    QVERIFY(sawArchMissing);
    QVERIFY2(window.exportShownRows(out.filePath(QStringLiteral("drift.md")), &error), qPrintable(error));
    QFile md(out.filePath(QStringLiteral("drift.md")));
    QVERIFY(md.open(QIODevice::ReadOnly));
    const QByteArray markdown = md.readAll();
    QVERIFY2(markdown.startsWith(QByteArray("**Sandbox**: ").append(QByteArray::number(m_plantedRows)).append(" rows")),
             markdown.constData());
    QVERIFY(markdown.contains("| fedora-minimal | 41 |"));
    QVERIFY(!window.exportShownRows(out.filePath(QStringLiteral("no/such/dir/x.csv")), &error));
    QVERIFY2(error.contains(QStringLiteral("Cannot write")), qPrintable(error));
}

// The saved snapshot of the old registry is doctored to what it was "before": fedora:latest named
// other content, fedora:39 was not there yet, a tag that only quay holds was there, and so was
// one that no registry holds now. A fast scan then sees the real registry: the four cells are
// marked (the tag gone from everywhere keeps its row), "Only changed" shows exactly
// those rows, and a reopened window still marks them (the snapshot keeps them).
void TestConsoleScan::lastScanChangesAreMarkedAndFiltered()
{
    const ProfileLoad load = ProfileLoader::fromFile(m_sandbox->profilePath());
    QVERIFY2(load.ok(), qPrintable(load.errorText()));
    const RegistryConfig &registry = *load.profile->registry(QStringLiteral("registry"));
    SnapshotStore store;
    auto before = store.load(*load.profile, registry);
    QVERIFY(before);
    auto &fedora = before->repositories[QStringLiteral("fedora")].tags;
    const QString latest = fedora.at(QStringLiteral("latest")).digest;
    fedora[QStringLiteral("latest")].digest = fedora.at(QStringLiteral("40")).digest;
    QVERIFY(fedora.erase(QStringLiteral("39")));
    fedora[QStringLiteral("40-backup-20240510")] = fedora.at(QStringLiteral("40-aarch64"));
    fedora[QStringLiteral("ghost")] = fedora.at(QStringLiteral("40-aarch64")); // on no registry now
    QVERIFY(store.save(*load.profile, *before));

    MainWindow window;
    QVERIFY(window.openProfile(m_sandbox->profilePath()));
    window.show();
    auto *view = window.findChild<QTableView *>(QStringLiteral("matrixView"));
    QSignalSpy finished(&window, &MainWindow::scanFinished);
    window.scan(false);
    QVERIFY(finished.wait(120000));

    auto *summary = window.findChild<QLabel *>(QStringLiteral("summaryLabel"));
    QVERIFY2(summary->text().contains(QStringLiteral("4 changed in the last scan")), qPrintable(summary->text()));
    // The Registries pane says which registry they were seen on.
    const QAbstractItemModel *registries = window.findChild<QTreeView *>(QStringLiteral("registryView"))->model();
    QVERIFY2(registries->index(0, RegistryListModel::StateColumn).data().toString().contains(QStringLiteral(", 4 changed")),
             qPrintable(registries->index(0, RegistryListModel::StateColumn).data().toString()));
    QVERIFY(!registries->index(1, RegistryListModel::StateColumn).data().toString().contains(QStringLiteral("changed")));
    auto *onlyChanged = window.findChild<QCheckBox *>(QStringLiteral("onlyChanged"));
    onlyChanged->setChecked(true);
    QCOMPARE(view->model()->rowCount(), 4);
    const int registryColumn = DriftMatrixModel::FixedColumnCount; // the old registry comes first
    QMap<QString, QString> cells;
    for (int row = 0; row < view->model()->rowCount(); ++row) {
        const QModelIndex cell = view->model()->index(row, registryColumn);
        QVERIFY(cell.data(Qt::BackgroundRole).isValid());
        cells.insert(view->model()->index(row, DriftMatrixModel::TagColumn).data().toString(),
                     cell.data().toString());
    }
    QCOMPARE(cells.keys(), (QStringList{QStringLiteral("39"), QStringLiteral("40-backup-20240510"),
                                        QStringLiteral("ghost"), QStringLiteral("latest")}));
    QCOMPARE(cells.value(QStringLiteral("ghost")), QStringLiteral("— vanished"));
    QVERIFY2(cells.value(QStringLiteral("latest")).startsWith(QStringLiteral("↻ ") + latest.mid(7, 12)),
             qPrintable(cells.value(QStringLiteral("latest"))));
    QVERIFY2(cells.value(QStringLiteral("39")).startsWith(QStringLiteral("+ ")), qPrintable(cells.value(QStringLiteral("39"))));
    QCOMPARE(cells.value(QStringLiteral("40-backup-20240510")), QStringLiteral("— vanished"));
    QVERIFY(window.selectRow(QStringLiteral("fedora:latest")));
    auto *details = window.findChild<RowDetails *>(QStringLiteral("rowDetails"));
    QVERIFY2(details->toPlainText().contains(QStringLiteral("moved in the last scan")), qPrintable(details->toPlainText()));

    MainWindow reopened;
    QVERIFY(reopened.openProfile(m_sandbox->profilePath()));
    reopened.findChild<QCheckBox *>(QStringLiteral("onlyChanged"))->setChecked(true);
    QCOMPARE(reopened.findChild<QTableView *>(QStringLiteral("matrixView"))->model()->rowCount(), 4);
}

QTEST_MAIN(TestConsoleScan)
#include "tst_consolescan.moc"
