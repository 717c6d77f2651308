// Plans, table by table: which action each route status becomes, what filters keep, how a plan
// survives its JSON file, and how a damaged or hand-edited plan file is refused.
#include "compare/comparator.h"
#include "inventory/profileloader.h"
#include "jobs/job.h"
#include "jobs/plan.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace quayside;

namespace {

QString digest(char c)
{
    return QStringLiteral("sha256:") + QString(64, QLatin1Char(c));
}

std::optional<DriftCell> cell(char d, QStringList platforms = {}, QStringList missing = {},
                              QString error = {})
{
    return DriftCell{d ? digest(d) : QString(), QStringLiteral("application/vnd.oci.image.index.v1+json"),
                     std::move(platforms), std::move(missing), std::move(error)};
}

const QStringList kFour{QStringLiteral("linux/amd64"), QStringLiteral("linux/arm64"),
                        QStringLiteral("linux/ppc64le"), QStringLiteral("linux/s390x")};
const QStringList kThree{QStringLiteral("linux/amd64"), QStringLiteral("linux/arm64"),
                         QStringLiteral("linux/ppc64le")};

// A matrix over the fedora profile's four registries and its routes, rows built by hand.
DriftMatrix matrixOf(const Profile &profile,
                     std::vector<std::tuple<QString, QString, std::optional<DriftCell>, std::optional<DriftCell>>> rows)
{
    DriftMatrix m;
    for (const RegistryConfig &r : profile.registries)
        m.registryIds << r.id;
    m.routes = profile.routes;
    for (auto &[repository, tag, from, to] : rows) {
        DriftRow row;
        row.repository = repository;
        row.tag = tag;
        row.cells.resize(profile.registries.size());
        row.cells[0] = from; // registry
        row.cells[2] = to;   // quay
        for (const Route &route : m.routes) {
            const auto f = row.cells[static_cast<std::size_t>(m.registryIds.indexOf(route.from))];
            const auto t = row.cells[static_cast<std::size_t>(m.registryIds.indexOf(route.to))];
            row.routes.push_back(routeStatus(f, t));
        }
        m.rows.push_back(std::move(row));
    }
    return m;
}

} // namespace

Q_DECLARE_METATYPE(std::optional<DriftCell>)

class TestPlan final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void actions_data();
    void actions();
    void filtersAndCounts();
    void jsonRoundTrip();
    void badFilesAreRefused_data();
    void badFilesAreRefused();
    void copySpecsPinBothEnds();
    void backupTagsAreRecognised_data();
    void backupTagsAreRecognised();
    void restoreWritesTheBackupBackUnderItsTag();

private:
    Profile m_fedora;
    int m_migrate = -1;
};

void TestPlan::initTestCase()
{
    const ProfileLoad load = ProfileLoader::resolve(QStringLiteral("fedora"));
    QVERIFY2(load.ok(), qPrintable(load.errorText()));
    m_fedora = *load.profile;
    for (std::size_t i = 0; i < m_fedora.routes.size(); ++i)
        if (m_fedora.routes[i].from == QLatin1String("registry") && m_fedora.routes[i].to == QLatin1String("quay"))
            m_migrate = static_cast<int>(i);
    QVERIFY(m_migrate >= 0);
}

void TestPlan::actions_data()
{
    QTest::addColumn<std::optional<DriftCell>>("from");
    QTest::addColumn<std::optional<DriftCell>>("to");
    QTest::addColumn<QString>("action"); // "" = no item
    QTest::addColumn<QString>("reason");
    const std::optional<DriftCell> none;
    QTest::newRow("missing → copy") << cell('a', kFour) << none << "copy" << "";
    QTest::newRow("differs → overwrite") << cell('a', kFour) << cell('b', kFour) << "overwrite"
                                         << "another image";
    QTest::newRow("arch missing → overwrite") << cell('a', kFour) << cell('b', kThree) << "overwrite"
                                              << "lacks linux/s390x";
    QTest::newRow("sparse → fill") << cell('a', kFour) << cell('a', kFour, {digest('c')}) << "fill"
                                   << "lacks 1 child manifest";
    QTest::newRow("in sync → skip") << cell('a', kFour) << cell('a', kFour) << "skip" << "in sync";
    QTest::newRow("extra → skip, never deleted") << none << cell('a') << "skip" << "never deleted";
    QTest::newRow("error → skip with the cause") << cell('a') << cell(0, {}, {}, QStringLiteral("quay: 503 upstream"))
                                                 << "skip" << "503 upstream";
    QTest::newRow("on neither side") << none << none << "" << "";
}

void TestPlan::actions()
{
    QFETCH(std::optional<DriftCell>, from);
    QFETCH(std::optional<DriftCell>, to);
    QFETCH(QString, action);
    QFETCH(QString, reason);
    const DriftMatrix m = matrixOf(m_fedora, {{QStringLiteral("fedora"), QStringLiteral("41"), from, to}});
    const Plan plan = makePlan(m_fedora, m, m_migrate, {}, QDateTime::currentDateTimeUtc());
    if (action.isEmpty()) {
        QCOMPARE(plan.items.size(), std::size_t(0));
        return;
    }
    QCOMPARE(plan.items.size(), std::size_t(1));
    const PlanItem &item = plan.items.front();
    QCOMPARE(toString(item.action), action);
    QVERIFY2(item.reason.contains(reason), qPrintable(item.reason));
    QCOMPARE(item.sourceDigest, from ? from->digest : QString());
    QCOMPARE(item.destinationDigest, to ? to->digest : QString());
}

void TestPlan::filtersAndCounts()
{
    const DriftMatrix m = matrixOf(m_fedora, {
        {QStringLiteral("fedora"), QStringLiteral("41"), cell('a', kFour), std::nullopt},
        {QStringLiteral("fedora"), QStringLiteral("41-x86_64"), cell('b'), cell('c')},
        {QStringLiteral("fedora-minimal"), QStringLiteral("41"), cell('d', kFour), cell('d', kFour)},
        {QStringLiteral("f40/flatpak-runtime"), QStringLiteral("40"), cell('e'), std::nullopt},
    });
    const Plan all = makePlan(m_fedora, m, m_migrate, {}, {});
    QCOMPARE(all.items.size(), std::size_t(4));
    QCOMPARE(all.count(PlanAction::Copy), 2);
    QCOMPARE(all.count(PlanAction::Overwrite), 1);
    QCOMPARE(all.count(PlanAction::Skip), 1);
    QCOMPARE(all.workCount(), 3);
    QCOMPARE(all.estimatedBytes(), qint64(-1));

    PlanFilter filter;
    filter.repositories = GlobSet({QStringLiteral("fedora")});
    filter.tags = GlobSet({QStringLiteral("[0-9][0-9]")});
    const Plan some = makePlan(m_fedora, m, m_migrate, filter, {});
    QCOMPARE(some.items.size(), std::size_t(1));
    QCOMPARE(some.items.front().tag, QStringLiteral("41"));

    PlanFilter nested;
    nested.repositories = GlobSet({QStringLiteral("f40/*")});
    QCOMPARE(makePlan(m_fedora, m, m_migrate, nested, {}).items.size(), std::size_t(1));
}

void TestPlan::jsonRoundTrip()
{
    const DriftMatrix m = matrixOf(m_fedora, {
        {QStringLiteral("fedora"), QStringLiteral("41"), cell('a', kFour), cell('b', kThree)},
        {QStringLiteral("fedora"), QStringLiteral("42"), cell('c', kFour), std::nullopt},
    });
    Plan plan = makePlan(m_fedora, m, m_migrate, {}, QDateTime::fromString(QStringLiteral("2026-12-01T10:00:00Z"), Qt::ISODate));
    plan.items[1].estimate = {3, 1, 0, 2, 4096, {}};
    const QByteArray json = QJsonDocument(toJson(plan)).toJson();
    QString error;
    const auto back = planFromJson(json, &error);
    QVERIFY2(back, qPrintable(error));
    QCOMPARE(back->route.from, QStringLiteral("registry"));
    QCOMPARE(back->route.to, QStringLiteral("quay"));
    QCOMPARE(back->snapshotAt, plan.snapshotAt);
    QCOMPARE(back->items.size(), plan.items.size());
    QCOMPARE(toString(back->items[0].action), QStringLiteral("overwrite"));
    QCOMPARE(back->items[0].destinationDigest, digest('b'));
    QCOMPARE(back->items[0].missingPlatforms, QStringList{QStringLiteral("linux/s390x")});
    QCOMPARE(back->items[1].sourceDigest, digest('c'));
    const QJsonObject o = QJsonDocument::fromJson(json).object();
    QCOMPARE(o.value(QLatin1String("estimatedBytes")).toInteger(), 4096);
    QCOMPARE(o.value(QLatin1String("counts")).toObject().value(QLatin1String("overwrite")).toInt(), 1);
}

void TestPlan::badFilesAreRefused_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("message");
    const QByteArray good = R"({"version":1,"profile":"Fedora","route":{"from":"registry","to":"quay","kind":"migrate"},"items":[)";
    const QByteArray d = "sha256:" + QByteArray(64, 'a');
    QTest::newRow("not json") << QByteArray("{nope") << "not JSON";
    QTest::newRow("array") << QByteArray("[]") << "not a plan";
    QTest::newRow("future version") << QByteArray(R"({"version":9})") << "version";
    QTest::newRow("no route") << QByteArray(R"({"version":1,"profile":"x","items":[]})") << "$.route.from: missing";
    QTest::newRow("bad action") << good + R"({"repository":"fedora","tag":"41","status":"missing","action":"delete","sourceDigest":")" + d + R"("}]})"
                                << "$.items[0].action: unknown";
    QTest::newRow("bad digest") << good + R"({"repository":"fedora","tag":"41","status":"missing","action":"copy","sourceDigest":"sha256:xyz"}]})"
                                << "$.items[0].sourceDigest: \"sha256:xyz\" is not a digest";
    QTest::newRow("copy without pin") << good + R"({"repository":"fedora","tag":"41","status":"missing","action":"copy"}]})"
                                      << "$.items[0].sourceDigest: missing";
    QTest::newRow("overwrite without what it replaces")
        << good + R"({"repository":"fedora","tag":"41","status":"differs","action":"overwrite","sourceDigest":")" + d + R"("}]})"
        << "names the destinationDigest";
}

void TestPlan::badFilesAreRefused()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, message);
    QString error;
    QVERIFY(!planFromJson(json, &error));
    QVERIFY2(error.contains(message), qPrintable(error));
}

void TestPlan::copySpecsPinBothEnds()
{
    PlanItem item;
    item.repository = QStringLiteral("fedora-minimal");
    item.tag = QStringLiteral("41");
    item.action = PlanAction::Overwrite;
    item.sourceDigest = digest('a');
    item.destinationDigest = digest('b');
    QString error;
    const auto spec = copySpecFor(m_fedora, m_fedora.routes[static_cast<std::size_t>(m_migrate)], item, &error);
    QVERIFY2(spec, qPrintable(error));
    QCOMPARE(spec->source.repository, QStringLiteral("fedora-minimal"));
    QCOMPARE(spec->source.tag, QStringLiteral("41"));
    QCOMPARE(spec->source.digest, digest('a'));
    QCOMPARE(spec->destination.repository, QStringLiteral("fedora/fedora-minimal"));
    QCOMPARE(spec->plannedDestination.value_or(QStringLiteral("unset")), digest('b'));
    QVERIFY(!spec->allowOverwrite); // the caller decides

    Route nowhere{QStringLiteral("registry"), QStringLiteral("elsewhere"), RouteKind::Migrate};
    QVERIFY(!copySpecFor(m_fedora, nowhere, item, &error));
    QVERIFY2(error.contains(QLatin1String("\"elsewhere\"")), qPrintable(error));
}

void TestPlan::backupTagsAreRecognised_data()
{
    QTest::addColumn<QString>("tag");
    QTest::addColumn<QString>("original"); // "" = not a backup
    QTest::newRow("ours") << QStringLiteral("41-backup-20261204") << QStringLiteral("41");
    QTest::newRow("fedora's own") << QStringLiteral("40-backup-20240510") << QStringLiteral("40");
    QTest::newRow("dashed base") << QStringLiteral("41-x86_64-backup-20261204") << QStringLiteral("41-x86_64");
    QTest::newRow("plain tag") << QStringLiteral("latest") << QString();
    QTest::newRow("no date") << QStringLiteral("41-backup") << QString();
    QTest::newRow("short date") << QStringLiteral("41-backup-202612") << QString();
    QTest::newRow("nothing before") << QStringLiteral("-backup-20261204") << QString();
}

void TestPlan::backupTagsAreRecognised()
{
    QFETCH(QString, tag);
    QFETCH(QString, original);
    QCOMPARE(backedUpTag(tag).value_or(QString()), original);
}

void TestPlan::restoreWritesTheBackupBackUnderItsTag()
{
    const JobSpec spec = restoreSpecFor(QStringLiteral("quay"), QStringLiteral("fedora-bootc"),
                                        QStringLiteral("41-backup-20261204"), digest('a'), digest('b'));
    QCOMPARE(spec.label(), QStringLiteral("fedora-bootc:41-backup-20261204 → 41"));
    QVERIFY(spec.allowOverwrite);
    QVERIFY(spec.backupTag.isEmpty()); // it would overwrite the very backup being restored
    QCOMPARE(toString(spec.action), QStringLiteral("overwrite"));

    // The journal keeps where it lands.
    QString error;
    const auto back = jobSpecFromJson(toJson(spec), &error);
    QVERIFY2(back, qPrintable(error));
    QCOMPARE(back->destinationTag, QStringLiteral("41"));

    // Within one registry: the backup, pinned, onto the tag, which must still be where it was.
    const auto copy = copySpecFor(m_fedora, *back, &error);
    QVERIFY2(copy, qPrintable(error));
    QCOMPARE(copy->source.repository, QStringLiteral("fedora/fedora-bootc"));
    QCOMPARE(copy->source.tag, QStringLiteral("41-backup-20261204"));
    QCOMPARE(copy->source.digest, digest('a'));
    QCOMPARE(copy->destination.repository, QStringLiteral("fedora/fedora-bootc"));
    QCOMPARE(copy->destination.tag, QStringLiteral("41"));
    QCOMPARE(copy->plannedDestination.value_or(QStringLiteral("unset")), digest('b'));
    QVERIFY(copy->allowOverwrite);

    // A tag that is gone is simply written again.
    QCOMPARE(toString(restoreSpecFor(QStringLiteral("quay"), QStringLiteral("x"),
                                     QStringLiteral("1-backup-20261204"), digest('a'), QString())
                          .action),
             QStringLiteral("copy"));
}

QTEST_APPLESS_MAIN(TestPlan)
#include "tst_plan.moc"
