// The roadmap walked end to end with quayside-cli against real servers, as the migration would
// go: namespaces exist (quay REST), the mirror is completed (plan/apply) before step 2 can be
// signed, the old hosts are replaced by a real nginx that redirects to quay (step 3), then shut
// down (step 4, proven from the last readable snapshots). Every sign-off lands in a hash-chained
// ledger that verifies, reports, and catches an edit.
#include "redirectserver.h"
#include "testsandbox.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class TestRoadmap final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void walkTheRoadmap();

private:
    struct Run {
        int code = -1;
        QByteArray out;
        QByteArray err;
    };
    Run cli(const QStringList &arguments);
    QString ledger() const { return m_home.filePath(QStringLiteral("ledger.jsonl")); }

    std::unique_ptr<quayside::test::TestSandbox> m_sandbox;
    QTemporaryDir m_home;
};

void TestRoadmap::initTestCase()
{
    QString error;
    m_sandbox = quayside::test::TestSandbox::start({QStringLiteral("registry"), QStringLiteral("candidate"),
                                                    QStringLiteral("quay")},
                                                   true, &error);
    QVERIFY2(m_sandbox, qPrintable(error));
}

TestRoadmap::Run TestRoadmap::cli(const QStringList &arguments)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("DISPLAY"));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), m_home.filePath(QStringLiteral("cache")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_home.filePath(QStringLiteral("data")));
    for (const QString &line : m_sandbox->credentialEnvironment())
        env.insert(line.section(u'=', 0, 0), line.section(u'=', 1));
    process.setProcessEnvironment(env);
    QStringList args = arguments;
    args << QStringLiteral("--profile") << m_sandbox->profilePath();
    if (arguments.first() == QLatin1String("roadmap"))
        args << QStringLiteral("--ledger") << ledger();
    process.start(qEnvironmentVariable("QUAYSIDE_CLI"), args);
    if (!process.waitForFinished(240000))
        return {};
    return {process.exitCode(), process.readAllStandardOutput(), process.readAllStandardError()};
}

void TestRoadmap::walkTheRoadmap()
{
    const QString janet = QStringLiteral("Janet Releng");
    Run r = cli({QStringLiteral("roadmap"), QStringLiteral("status"), QStringLiteral("--format"), QStringLiteral("json")});
    QCOMPARE(r.code, 0);
    for (const QJsonValue step : QJsonDocument::fromJson(r.out).object().value(QLatin1String("steps")).toArray())
        QVERIFY(!step.toObject().value(QLatin1String("signed")).toBool());

    // Step 1: the namespaces exist on quay and take the robot's credentials.
    r = cli({QStringLiteral("roadmap"), QStringLiteral("check"), QStringLiteral("1")});
    QVERIFY2(r.code == 0, r.out.constData());
    QVERIFY2(r.out.contains("namespace fedora exists") && r.out.contains("namespace fedora-candidate exists"),
             r.out.constData());

    // Step 2 cannot be signed before step 1, nor while quay lacks what the old hosts hold.
    r = cli({QStringLiteral("roadmap"), QStringLiteral("sign"), QStringLiteral("2"), QStringLiteral("--name"), janet});
    QCOMPARE(r.code, 4);
    QVERIFY2(r.err.contains("step 1 is not signed off yet") && r.err.contains("the checks fail"), r.err.constData());
    r = cli({QStringLiteral("roadmap"), QStringLiteral("sign"), QStringLiteral("namespaces"), QStringLiteral("--name"),
             janet, QStringLiteral("--note"), QStringLiteral("robots created, FI ticket 10386")});
    QVERIFY2(r.code == 0, r.err.constData());
    r = cli({QStringLiteral("roadmap"), QStringLiteral("check"), QStringLiteral("2")});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.out.contains("missing") && r.out.contains("FAIL"), r.out.constData());

    // Finish the mirror (both migrate routes, overwrites included), then step 2 holds.
    for (const QString &route : {QStringLiteral("registry:quay"), QStringLiteral("candidate:quay-candidate")}) {
        const QString plan = m_home.filePath(route.section(u':', 0, 0) + QStringLiteral(".json"));
        r = cli({QStringLiteral("plan"), QStringLiteral("--route"), route, QStringLiteral("-o"), plan, QStringLiteral("--no-estimate")});
        QVERIFY2(r.code == 0, r.err.constData());
        r = cli({QStringLiteral("apply"), plan, QStringLiteral("--yes"), QStringLiteral("--allow-overwrite")});
        QVERIFY2(r.code == 0, r.err.constData());
    }
    r = cli({QStringLiteral("roadmap"), QStringLiteral("sign"), QStringLiteral("2"), QStringLiteral("--name"), janet,
             QStringLiteral("--note"), QStringLiteral("Bodhi, OSBS, koji-flatpak, flatpak-indexer switched")});
    QVERIFY2(r.code == 0, QByteArray(r.out + r.err).constData());

    // Step 3: the old hosts now redirect (a real nginx on their ports), quay serves the digests.
    r = cli({QStringLiteral("roadmap"), QStringLiteral("check"), QStringLiteral("3"), QStringLiteral("--offline")});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.out.contains("served itself"), r.out.constData());
    QString error;
    const QUrl quay = m_sandbox->url(QStringLiteral("quay"));
    std::unique_ptr<quayside::test::RedirectServer> redirects[2];
    const char *oldHosts[] = {"registry", "candidate"};
    const char *prefixes[] = {"fedora/", "fedora-candidate/"};
    for (int i = 0; i < 2; ++i) {
        const int port = m_sandbox->url(QLatin1String(oldHosts[i])).port();
        QVERIFY2(quayside::test::stopSandboxService(m_sandbox->stateDir(), QLatin1String(oldHosts[i]), &error),
                 qPrintable(error));
        redirects[i] = quayside::test::RedirectServer::start(port, quay, QLatin1String(prefixes[i]), &error);
        QVERIFY2(redirects[i], qPrintable(error));
    }
    r = cli({QStringLiteral("roadmap"), QStringLiteral("sign"), QStringLiteral("redirects"), QStringLiteral("--name"),
             janet, QStringLiteral("--offline")});
    QVERIFY2(r.code == 0, QByteArray(r.out + r.err).constData());
    QVERIFY2(r.out.contains("302 to") && r.out.contains("same digest"), r.out.constData());

    // Step 4: the hosts are gone. A scan now fails for them; their last readable snapshots
    // still prove that quay holds all they had.
    redirects[0].reset();
    redirects[1].reset();
    r = cli({QStringLiteral("roadmap"), QStringLiteral("check"), QStringLiteral("4")});
    QVERIFY2(r.code == 0, QByteArray(r.out + r.err).constData());
    QVERIFY2(r.out.contains("unreachable") && r.out.contains("(last readable snapshot)"), r.out.constData());
    r = cli({QStringLiteral("roadmap"), QStringLiteral("sign"), QStringLiteral("4"), QStringLiteral("--name"), janet,
             QStringLiteral("--offline")});
    QVERIFY2(r.code == 0, QByteArray(r.out + r.err).constData());

    // The ledger: four entries that verify, in a report for the ticket.
    r = cli({QStringLiteral("roadmap"), QStringLiteral("verify"), QStringLiteral("--format"), QStringLiteral("json")});
    QCOMPARE(r.code, 0);
    const QJsonObject verified = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(verified.value(QLatin1String("entries")).toInt(), 4);
    const QString head = verified.value(QLatin1String("headHash")).toString();
    QCOMPARE(head.size(), 64);
    const QString report = m_home.filePath(QStringLiteral("report.html"));
    r = cli({QStringLiteral("roadmap"), QStringLiteral("report"), QStringLiteral("-o"), report});
    QCOMPARE(r.code, 0);
    QFile html(report);
    QVERIFY(html.open(QIODevice::ReadOnly));
    const QByteArray page = html.readAll();
    QVERIFY(page.contains("chain verifies"));
    QVERIFY(page.contains(head.toLatin1()));
    QVERIFY(page.contains("Old hosts decommissioned"));
    QVERIFY(page.contains("Janet Releng"));
    QVERIFY(page.contains("robots created, FI ticket 10386"));

    // Someone edits entry 2 afterwards: the ledger says so, and refuses to grow on it.
    QFile file(ledger());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QByteArray text = file.readAll();
    file.close();
    QList<QByteArray> lines = text.split('\n');
    lines[1].replace("Janet Releng", "Somebody Else");
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(lines.join('\n'));
    file.close();
    r = cli({QStringLiteral("roadmap"), QStringLiteral("verify")});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.out.contains("entry 2 was altered"), r.out.constData());
    r = cli({QStringLiteral("roadmap"), QStringLiteral("sign"), QStringLiteral("4"), QStringLiteral("--name"), janet,
             QStringLiteral("--offline")});
    QCOMPARE(r.code, 3);
    QVERIFY2(r.err.contains("does not verify"), r.err.constData());
}

QTEST_GUILESS_MAIN(TestRoadmap)
#include "tst_roadmap.moc"
