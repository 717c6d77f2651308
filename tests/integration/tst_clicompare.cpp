// quayside-cli scan and compare on the sandbox, as a pipeline would run them: JSON shape,
// filters, exit codes, no progress noise when piped, and --offline on stored snapshots.
#include "testsandbox.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class TestCliCompare final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void offlineWithoutSnapshotsSaysScanFirst();
    void scanThenCompareJson();
    void filtersAndFailOnDrift();
    void tableForPeople();
    void csvAndMarkdownForSpreadsheetsAndTickets();
    void onlyChangedShowsWhatTheLastScanSaw();
    void unreadableRegistryExitsThree();

private:
    struct Run {
        int code = -1;
        QByteArray out;
        QByteArray err;
    };
    Run cli(const QStringList &arguments, const QString &profile = QString());

    std::unique_ptr<quayside::test::TestSandbox> m_sandbox;
    QTemporaryDir m_cache;
    QJsonObject m_drift;
};

void TestCliCompare::initTestCase()
{
    QString error;
    m_sandbox = quayside::test::TestSandbox::shared(&error);
    QVERIFY2(m_sandbox, qPrintable(error));
    m_drift = m_sandbox->drift();
}

TestCliCompare::Run TestCliCompare::cli(const QStringList &arguments, const QString &profile)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("DISPLAY"));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), m_cache.path());
    for (const QString &line : m_sandbox->credentialEnvironment())
        env.insert(line.section(u'=', 0, 0), line.section(u'=', 1));
    process.setProcessEnvironment(env);
    QStringList args = arguments;
    args << QStringLiteral("--profile") << (profile.isEmpty() ? m_sandbox->profilePath() : profile);
    process.start(qEnvironmentVariable("QUAYSIDE_CLI"), args);
    if (!process.waitForFinished(120000))
        return {};
    return {process.exitCode(), process.readAllStandardOutput(), process.readAllStandardError()};
}

void TestCliCompare::offlineWithoutSnapshotsSaysScanFirst()
{
    const Run r = cli({QStringLiteral("compare"), QStringLiteral("--offline")});
    QCOMPARE(r.code, 3);
    QVERIFY2(r.err.contains("run quayside-cli scan first"), r.err.constData());
}

void TestCliCompare::scanThenCompareJson()
{
    const Run scan = cli({QStringLiteral("scan"), QStringLiteral("--deep"), QStringLiteral("--format"),
                          QStringLiteral("json")});
    QVERIFY2(scan.code == 0, scan.err.constData());
    // Piped: no progress line.
    QVERIFY(!scan.err.contains("scanning:"));
    const QJsonObject summary = QJsonDocument::fromJson(scan.out).object();
    QCOMPARE(summary.value(QLatin1String("registries")).toArray().size(), 4);
    QVERIFY(summary.value(QLatin1String("requests")).toInt() > 100);

    const Run r = cli({QStringLiteral("compare"), QStringLiteral("--offline"), QStringLiteral("--format"),
                       QStringLiteral("json"), QStringLiteral("--only-drift")});
    QCOMPARE(r.code, 0);
    const QJsonObject json = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(json.value(QLatin1String("profile")).toString(), QStringLiteral("Sandbox"));
    QCOMPARE(json.value(QLatin1String("registries")).toArray().size(), 4);
    const QJsonArray rows = json.value(QLatin1String("rows")).toArray();

    // Every planted drift is there with its status; every route shown of a drifting row is
    // either planted or in sync.
    QSet<QString> planted;
    for (const QJsonValue &p : m_drift.value(QLatin1String("planted")).toArray()) {
        const QJsonObject o = p.toObject();
        planted.insert(o.value(QLatin1String("route")).toString() + u' ' +
                       o.value(QLatin1String("repository")).toString() + u':' +
                       o.value(QLatin1String("tag")).toString() + u' ' +
                       o.value(QLatin1String("expectedStatus")).toString());
    }
    QSet<QString> seen;
    for (const QJsonValue &row : rows) {
        const QJsonObject o = row.toObject();
        QVERIFY(o.value(QLatin1String("cells")).toObject().size() == 4);
        for (const QJsonValue &route : o.value(QLatin1String("routes")).toArray()) {
            const QJsonObject ro = route.toObject();
            QVERIFY(ro.contains(QLatin1String("kind")) && ro.contains(QLatin1String("missingPlatforms")));
            if (ro.value(QLatin1String("status")).toString() == QLatin1String("in-sync"))
                continue;
            seen.insert(ro.value(QLatin1String("from")).toString() + u':' +
                        ro.value(QLatin1String("to")).toString() + u' ' +
                        o.value(QLatin1String("repository")).toString() + u':' +
                        o.value(QLatin1String("tag")).toString() + u' ' +
                        ro.value(QLatin1String("status")).toString());
        }
    }
    QCOMPARE(seen, planted);
}

void TestCliCompare::filtersAndFailOnDrift()
{
    const Run route = cli({QStringLiteral("compare"), QStringLiteral("--offline"), QStringLiteral("--format"),
                           QStringLiteral("json"), QStringLiteral("--only-drift"), QStringLiteral("--route"),
                           QStringLiteral("candidate:quay-candidate"), QStringLiteral("--fail-on-drift")});
    QCOMPARE(route.code, 1); // drift found, and asked to fail on it
    const QJsonArray rows = QJsonDocument::fromJson(route.out).object().value(QLatin1String("rows")).toArray();
    QCOMPARE(rows.size(), 2); // gnome-calculator 46.2-1 and testing
    for (const QJsonValue &row : rows) {
        QCOMPARE(row.toObject().value(QLatin1String("repository")).toString(), QStringLiteral("gnome-calculator"));
        QCOMPARE(row.toObject().value(QLatin1String("routes")).toArray().size(), 1);
    }

    const Run clean = cli({QStringLiteral("compare"), QStringLiteral("--offline"), QStringLiteral("--only-drift"),
                           QStringLiteral("--route"), QStringLiteral("candidate:quay-candidate"),
                           QStringLiteral("--repository"), QStringLiteral("fedora*"),
                           QStringLiteral("--fail-on-drift")});
    QCOMPARE(clean.code, 0);
    QVERIFY2(clean.out.contains("No drift."), clean.out.constData());

    const Run badRoute = cli({QStringLiteral("compare"), QStringLiteral("--offline"), QStringLiteral("--route"),
                              QStringLiteral("quay:registry")});
    QCOMPARE(badRoute.code, 2);
    QVERIFY(badRoute.err.contains("registry:quay"));
}

void TestCliCompare::tableForPeople()
{
    const Run r = cli({QStringLiteral("compare"), QStringLiteral("--offline"), QStringLiteral("--only-drift"),
                       QStringLiteral("--repository"), QStringLiteral("fedora-minimal")});
    QCOMPARE(r.code, 0);
    const QList<QByteArray> lines = r.out.split('\n');
    QVERIFY(lines.first().startsWith("REPOSITORY"));
    QVERIFY(r.out.contains("arch-missing: s390x"));
    QVERIFY(!r.out.contains("fedora-toolbox"));
}

// The stored snapshot of the old registry is set back to "before" (fedora:latest named fedora:40's
// content, fedora:39 was not there); a fast scan sees the real registry and says so, and
// compare --only-changed shows exactly those two tags, in the table and in JSON.
void TestCliCompare::csvAndMarkdownForSpreadsheetsAndTickets()
{
    const Run csv = cli({QStringLiteral("compare"), QStringLiteral("--offline"), QStringLiteral("--only-drift"),
                         QStringLiteral("--format"), QStringLiteral("csv")});
    QCOMPARE(csv.code, 0);
    const QList<QByteArray> lines = csv.out.trimmed().split('\n');
    QVERIFY(lines.first().startsWith("repository,tag,registry,candidate,quay,quay-candidate,"));
    QSet<QString> planted;
    for (const QJsonValue &p : m_drift.value(QLatin1String("planted")).toArray())
        planted.insert(p.toObject().value(QLatin1String("repository")).toString() + u':' +
                       p.toObject().value(QLatin1String("tag")).toString());
    QCOMPARE(lines.size() - 1, planted.size());
    QVERIFY(csv.out.contains("fedora-minimal,41,sha256:"));

    const Run md = cli({QStringLiteral("compare"), QStringLiteral("--offline"), QStringLiteral("--only-drift"),
                        QStringLiteral("--format"), QStringLiteral("markdown")});
    QCOMPARE(md.code, 0);
    QVERIFY2(md.out.startsWith("**Sandbox**: "), md.out.constData());
    QVERIFY(md.out.contains("| fedora-minimal | 41 |"));

    const Run bad = cli({QStringLiteral("compare"), QStringLiteral("--offline"), QStringLiteral("--format"),
                         QStringLiteral("xml")});
    QCOMPARE(bad.code, 2);
    QVERIFY2(bad.err.contains("table, json, csv or markdown"), bad.err.constData());
}

void TestCliCompare::onlyChangedShowsWhatTheLastScanSaw()
{
    QDirIterator files(m_cache.path(), {QStringLiteral("registry.json")}, QDir::Files, QDirIterator::Subdirectories);
    QVERIFY(files.hasNext());
    QFile file(files.next());
    QVERIFY(file.open(QIODevice::ReadWrite));
    QJsonObject snapshot = QJsonDocument::fromJson(file.readAll()).object();
    QJsonObject repositories = snapshot.value(QLatin1String("repositories")).toObject();
    QJsonObject fedora = repositories.value(QLatin1String("fedora")).toObject();
    QJsonObject tags = fedora.value(QLatin1String("tags")).toObject();
    const QString latest = tags.value(QLatin1String("latest")).toObject().value(QLatin1String("digest")).toString();
    const QString forty = tags.value(QLatin1String("40")).toObject().value(QLatin1String("digest")).toString();
    QVERIFY(latest != forty && tags.contains(QLatin1String("39")));
    tags.insert(QStringLiteral("latest"), tags.value(QLatin1String("40")));
    tags.remove(QStringLiteral("39"));
    fedora.insert(QStringLiteral("tags"), tags);
    repositories.insert(QStringLiteral("fedora"), fedora);
    snapshot.insert(QStringLiteral("repositories"), repositories);
    QVERIFY(file.resize(0) && file.write(QJsonDocument(snapshot).toJson()) > 0);
    file.close();

    const Run scan = cli({QStringLiteral("scan")});
    QVERIFY2(scan.code == 0, scan.err.constData());
    const QByteArray moved = forty.mid(7, 12).toLatin1();
    QVERIFY2(scan.out.contains(QByteArray(QByteArray("registry fedora:latest moved ") + moved)), scan.out.constData());

    const Run table = cli({QStringLiteral("compare"), QStringLiteral("--offline"), QStringLiteral("--only-changed")});
    QCOMPARE(table.code, 0);
    QVERIFY2(table.out.contains(QByteArray(QByteArray("(moved from ") + moved + ")")), table.out.constData());
    QVERIFY2(table.out.contains("(new)"), table.out.constData());
    QCOMPARE(table.out.trimmed().split('\n').size(), 3); // header and two rows

    const Run json = cli({QStringLiteral("compare"), QStringLiteral("--offline"), QStringLiteral("--only-changed"),
                          QStringLiteral("--format"), QStringLiteral("json")});
    QCOMPARE(json.code, 0);
    QStringList seen;
    for (const QJsonValue &row : QJsonDocument::fromJson(json.out).object().value(QLatin1String("rows")).toArray()) {
        const QJsonObject o = row.toObject();
        const QJsonObject change = o.value(QLatin1String("changes")).toObject().value(QLatin1String("registry")).toObject();
        seen << o.value(QLatin1String("tag")).toString() + u' ' + change.value(QLatin1String("kind")).toString() +
                    u' ' + change.value(QLatin1String("before")).toString();
    }
    QCOMPARE(seen, (QStringList{QStringLiteral("39 appeared "), QStringLiteral("latest moved ") + forty}));

    // The next scan finds nothing new: nothing is marked any more.
    QCOMPARE(cli({QStringLiteral("scan")}).code, 0);
    const Run after = cli({QStringLiteral("compare"), QStringLiteral("--offline"), QStringLiteral("--only-changed")});
    QCOMPARE(after.code, 0);
    QVERIFY2(after.out.contains("Nothing changed in the last scan."), after.out.constData());
}

void TestCliCompare::unreadableRegistryExitsThree()
{
    QTemporaryDir dir;
    const QString profile = dir.filePath(QStringLiteral("dead.json"));
    QFile file(profile);
    QVERIFY(file.open(QIODevice::WriteOnly));
    // Port 9 (discard) on loopback: nothing listens.
    file.write(R"({"name": "dead", "registries": [{"id": "dead", "url": "http://127.0.0.1:9",
               "prefix": "", "kind": "distribution", "insecure": true}]})");
    file.close();
    const Run r = cli({QStringLiteral("compare")}, profile);
    QCOMPARE(r.code, 3);
    QVERIFY2(r.err.contains("dead: network error"), r.err.constData());
}

QTEST_GUILESS_MAIN(TestCliCompare)
#include "tst_clicompare.moc"
