// The roadmap in the console, on the sandbox: checks gather evidence from the real registries,
// a failing step is signed only with a reason, sign-offs show on their cards and land in the
// ledger, and the report exports as HTML and PDF; the sign-off dialog refuses to sign until a
// name, every attestation and (for failing checks) a reason are given.
// QUAYSIDE_SCREENSHOTS=DIR saves the pane and the dialog.
#include "mainwindow.h"
#include "roadmappane.h"
#include "signoffdialog.h"
#include "support/application.h"
#include "testsandbox.h"

#include <QApplication>
#include <QCheckBox>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace quayside;

class TestConsoleRoadmap final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void checkSignExport();
    void signThroughTheDialog();

private:
    std::unique_ptr<test::TestSandbox> m_sandbox;
    QTemporaryDir m_home;
};

void TestConsoleRoadmap::initTestCase()
{
    QString error;
    m_sandbox = test::TestSandbox::shared(&error);
    QVERIFY2(m_sandbox, qPrintable(error));
    qputenv("XDG_CONFIG_HOME", m_home.filePath(QStringLiteral("config")).toUtf8());
    qputenv("XDG_CACHE_HOME", m_home.filePath(QStringLiteral("cache")).toUtf8());
    qputenv("XDG_DATA_HOME", m_home.filePath(QStringLiteral("data")).toUtf8());
    for (const QString &line : m_sandbox->credentialEnvironment())
        qputenv(line.section(u'=', 0, 0).toLatin1().constData(), line.section(u'=', 1).toUtf8());
    identifyApplication();
}

void TestConsoleRoadmap::checkSignExport()
{
    MainWindow window;
    window.resize(1400, 860);
    QVERIFY(window.openProfile(m_sandbox->profilePath()));
    window.show();
    QSignalSpy scanned(&window, &MainWindow::scanFinished);
    window.scan(false);
    QVERIFY(scanned.wait(60000));
    RoadmapPane *pane = window.roadmapPane();
    window.findChild<QDockWidget *>(QStringLiteral("roadmapDock"))->raise();

    QSignalSpy checked(pane, &RoadmapPane::checked);
    pane->check(1);
    pane->check(2);
    QTRY_COMPARE_WITH_TIMEOUT(checked.count(), 2, 60000);
    QVERIFY2(pane->evidence().at(1).passed(), qPrintable(pane->evidence().at(1).summary()));
    QVERIFY(!pane->evidence().at(2).passed()); // the sandbox's planted drift

    QString error;
    QVERIFY2(pane->sign(1, QStringLiteral("Janet Releng"), QStringLiteral("robots created"), QString(), &error),
             qPrintable(error));
    QVERIFY(!pane->sign(2, QStringLiteral("Janet Releng"), QString(), QString(), &error));
    QVERIFY2(error.contains(QLatin1String("give a reason")), qPrintable(error));
    QVERIFY2(pane->sign(2, QStringLiteral("Janet Releng"), QString(),
                        QStringLiteral("Bodhi switched; the remaining drift is the sandbox's"), &error),
             qPrintable(error));
    auto *status1 = pane->findChild<QLabel *>(QStringLiteral("stepStatus1"));
    auto *status2 = pane->findChild<QLabel *>(QStringLiteral("stepStatus2"));
    auto *status3 = pane->findChild<QLabel *>(QStringLiteral("stepStatus3"));
    QVERIFY(status1->text().contains(QLatin1String("signed")) && status1->text().contains(QLatin1String("Janet")));
    QVERIFY(status2->text().contains(QLatin1String("override")));
    QVERIFY(status3->text().contains(QLatin1String("not signed")));
    QCOMPARE(pane->ledger().entries().size(), std::size_t(2));
    QVERIFY(pane->ledger().verify().ok);
    QVERIFY(pane->findChild<QLabel *>(QStringLiteral("ledgerStatus"))->text().contains(QLatin1String("verifies")));

    const QString html = m_home.filePath(QStringLiteral("roadmap.html"));
    const QString pdf = m_home.filePath(QStringLiteral("roadmap.pdf"));
    QVERIFY2(pane->exportReport(html, &error), qPrintable(error));
    QVERIFY2(pane->exportReport(pdf, &error), qPrintable(error));
    QFile page(html);
    QVERIFY(page.open(QIODevice::ReadOnly));
    const QByteArray text = page.readAll();
    QVERIFY(text.contains("Bodhi switched") && text.contains(pane->ledger().verify().headHash.toLatin1()));
    QFile printed(pdf);
    QVERIFY(printed.open(QIODevice::ReadOnly));
    QVERIFY(printed.read(5) == "%PDF-");
    QVERIFY(printed.size() > 2000);

    if (const QString dir = qEnvironmentVariable("QUAYSIDE_SCREENSHOTS"); !dir.isEmpty()) {
        auto *dock = window.findChild<QDockWidget *>(QStringLiteral("roadmapDock"));
        window.resizeDocks({dock}, {360}, Qt::Vertical);
        QTest::qWait(200);
        QVERIFY(window.grab().save(dir + QStringLiteral("/roadmap.png"), "PNG"));
    }
}

void TestConsoleRoadmap::signThroughTheDialog()
{
    // Step 3 on the sandbox: nothing redirects, so its checks fail and signing needs a reason.
    MainWindow window;
    window.resize(1400, 860);
    QVERIFY(window.openProfile(m_sandbox->profilePath()));
    window.show();
    RoadmapPane *pane = window.roadmapPane();
    const std::size_t before = pane->ledger().entries().size(); // what checkSignExport signed
    auto *signButton = pane->findChild<QPushButton *>(QStringLiteral("signStep3"));
    QVERIFY(signButton);

    QStringList seen;
    QTimer driver;
    connect(&driver, &QTimer::timeout, &window, [&] {
        auto *dialog = qobject_cast<SignOffDialog *>(QApplication::activeModalWidget());
        if (!dialog)
            return;
        driver.stop();
        auto *sign = dialog->findChild<QPushButton *>(QStringLiteral("signButton"));
        const auto attest = dialog->findChildren<QCheckBox *>(QStringLiteral("attest"));
        seen << QStringLiteral("items %1").arg(attest.size());
        seen << QStringLiteral("empty %1").arg(sign->isEnabled());
        dialog->findChild<QLineEdit *>(QStringLiteral("signerName"))->setText(QStringLiteral("Kevin Infra"));
        seen << QStringLiteral("named %1").arg(sign->isEnabled());
        for (QCheckBox *box : attest)
            box->setChecked(true);
        seen << QStringLiteral("attested %1").arg(sign->isEnabled());
        dialog->findChild<QPlainTextEdit *>(QStringLiteral("signerNote"))->setPlainText(QStringLiteral("INFRA-1234"));
        dialog->findChild<QLineEdit *>(QStringLiteral("overrideReason"))
            ->setText(QStringLiteral("redirects are tested against the staging hosts first"));
        seen << QStringLiteral("reasoned %1").arg(sign->isEnabled());
        if (const QString dir = qEnvironmentVariable("QUAYSIDE_SCREENSHOTS"); !dir.isEmpty())
            dialog->grab().save(dir + QStringLiteral("/signoff.png"), "PNG");
        sign->click();
    });
    driver.start(50);
    QSignalSpy signedOff(pane, &RoadmapPane::signedOff);
    signButton->click(); // checks step 3 first, then opens the dialog
    QTRY_COMPARE_WITH_TIMEOUT(signedOff.count(), 1, 60000);
    QCOMPARE(signedOff.first().first().toInt(), 3);
    QVERIFY2(!seen.isEmpty() && seen.first() != QLatin1String("items 0"), qPrintable(seen.join(u',')));
    QCOMPARE(seen.mid(1), (QStringList{QStringLiteral("empty 0"), QStringLiteral("named 0"),
                                       QStringLiteral("attested 0"), QStringLiteral("reasoned 1")}));

    // The ledger holds what the dialog said: name, note with the attested checklist, the reason.
    QCOMPARE(pane->ledger().entries().size(), before + 1);
    const auto &entry = pane->ledger().entries().back();
    QCOMPARE(entry.step, 3);
    QCOMPARE(entry.name, QStringLiteral("Kevin Infra"));
    QVERIFY2(entry.note.startsWith(QStringLiteral("INFRA-1234\n✔ ")), qPrintable(entry.note));
    QCOMPARE(entry.override, QStringLiteral("redirects are tested against the staging hosts first"));
    QVERIFY(pane->ledger().verify().ok);
    QVERIFY(pane->findChild<QLabel *>(QStringLiteral("stepStatus3"))->text().contains(QLatin1String("override")));
}

QTEST_MAIN(TestConsoleRoadmap)
#include "tst_consoleroadmap.moc"
