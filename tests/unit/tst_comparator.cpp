// The comparator, table by table: every status, and content it has never seen.
#include "compare/comparator.h"
#include "compare/driftexport.h"
#include "compare/driftfilter.h"
#include "compare/driftjson.h"
#include "inventory/profileloader.h"
#include "inventory/snapshotstore.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace quayside;

namespace {

QString digest(char c)
{
    return QStringLiteral("sha256:") + QString(64, QLatin1Char(c));
}

DriftCell cell(char d, QStringList platforms = {}, QStringList missingChildren = {})
{
    return DriftCell{digest(d), QStringLiteral("application/vnd.oci.image.index.v1+json"),
                     std::move(platforms), std::move(missingChildren), {}};
}

const QStringList kFour{QStringLiteral("linux/amd64"), QStringLiteral("linux/arm64"),
                        QStringLiteral("linux/ppc64le"), QStringLiteral("linux/s390x")};
const QStringList kThree{QStringLiteral("linux/amd64"), QStringLiteral("linux/arm64"),
                         QStringLiteral("linux/ppc64le")};

} // namespace

Q_DECLARE_METATYPE(std::optional<DriftCell>)

class TestComparator final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void routeStatus_data();
    void routeStatus();
    void wholeMatrix();
    void filtersAndJson();
    void snapshotsRoundTripAndDiff();
    void lastScanChangesMarkCells();
    void exportsCsvAndMarkdown();
};

void TestComparator::routeStatus_data()
{
    QTest::addColumn<std::optional<DriftCell>>("from");
    QTest::addColumn<std::optional<DriftCell>>("to");
    QTest::addColumn<int>("status"); // -1: no status
    QTest::addColumn<QStringList>("missingPlatforms");

    using C = std::optional<DriftCell>;
    const C none;
    const C error = DriftCell{{}, {}, {}, {}, QStringLiteral("registry: 503")};
    QTest::newRow("neither") << none << none << -1 << QStringList();
    QTest::newRow("same digest") << C(cell('a', kFour)) << C(cell('a', kFour))
                                 << int(DriftStatus::InSync) << QStringList();
    QTest::newRow("missing") << C(cell('a', kFour)) << none << int(DriftStatus::Missing)
                             << QStringList();
    QTest::newRow("extra") << none << C(cell('a')) << int(DriftStatus::Extra) << QStringList();
    QTest::newRow("differs, same platforms") << C(cell('a', kFour)) << C(cell('b', kFour))
                                             << int(DriftStatus::Differs) << QStringList();
    QTest::newRow("arch missing") << C(cell('a', kFour)) << C(cell('b', kThree))
                                  << int(DriftStatus::ArchMissing)
                                  << QStringList{QStringLiteral("linux/s390x")};
    QTest::newRow("destination has more") << C(cell('a', kThree)) << C(cell('b', kFour))
                                          << int(DriftStatus::Differs) << QStringList();
    QTest::newRow("single vs single") << C(cell('a', {QStringLiteral("linux/amd64")}))
                                      << C(cell('b', {QStringLiteral("linux/arm64")}))
                                      << int(DriftStatus::Differs) << QStringList();
    QTest::newRow("index vs single image") << C(cell('a', kFour))
                                           << C(cell('b', {QStringLiteral("linux/amd64")}))
                                           << int(DriftStatus::ArchMissing)
                                           << QStringList{QStringLiteral("linux/arm64"),
                                                          QStringLiteral("linux/ppc64le"),
                                                          QStringLiteral("linux/s390x")};
    QTest::newRow("platforms unknown") << C(cell('a', kFour)) << C(cell('b'))
                                       << int(DriftStatus::Differs) << QStringList();
    QTest::newRow("sparse destination") << C(cell('a', kFour))
                                        << C(cell('a', kFour, {digest('c')}))
                                        << int(DriftStatus::Sparse) << QStringList();
    QTest::newRow("sparse source, complete destination")
        << C(cell('a', kFour, {digest('c')})) << C(cell('a', kFour)) << int(DriftStatus::InSync)
        << QStringList();
    QTest::newRow("error at source") << error << C(cell('a')) << int(DriftStatus::Error)
                                     << QStringList();
    QTest::newRow("error at destination") << C(cell('a')) << error << int(DriftStatus::Error)
                                          << QStringList();
    QTest::newRow("error, tag absent") << none << error << int(DriftStatus::Error)
                                       << QStringList();
}

void TestComparator::routeStatus()
{
    QFETCH(std::optional<DriftCell>, from);
    QFETCH(std::optional<DriftCell>, to);
    QFETCH(int, status);
    QFETCH(QStringList, missingPlatforms);
    const auto result = quayside::routeStatus(from, to);
    if (status < 0) {
        QVERIFY(!result);
        return;
    }
    QVERIFY(result);
    QCOMPARE(int(result->status), status);
    QCOMPARE(result->missingPlatforms, missingPlatforms);
}

namespace {

Profile twoRegistryProfile()
{
    const ProfileLoad load = ProfileLoader::fromBytes(R"({
      "name": "t",
      "registries": [
        {"id": "old", "url": "https://old.example", "prefix": "", "kind": "distribution"},
        {"id": "new", "url": "https://quay.io", "prefix": "ns/", "kind": "quay"}
      ],
      "routes": [{"from": "old", "to": "new", "kind": "migrate"}],
      "repositories": {"exclude": ["private/*"]}
    })", QStringLiteral("t.json"));
    return *load.profile;
}

void put(Snapshot &s, const QString &repository, const QString &tag, const QString &d,
         const QString &mediaType = QStringLiteral("application/vnd.docker.distribution.manifest.v2+json"))
{
    s.repositories[repository].tags[tag] = TagEntry{d, mediaType, {}, {}};
}

} // namespace

void TestComparator::wholeMatrix()
{
    const Profile profile = twoRegistryProfile();
    Snapshot old;
    old.registryId = QStringLiteral("old");
    Snapshot now;
    now.registryId = QStringLiteral("new");
    // Nested names, tags sharing a digest, an empty repository, an excluded one, a legacy list.
    put(old, QStringLiteral("f40/flatpak-runtime"), QStringLiteral("latest"), digest('a'));
    put(old, QStringLiteral("f40/flatpak-runtime"), QStringLiteral("40"), digest('a'));
    put(now, QStringLiteral("f40/flatpak-runtime"), QStringLiteral("latest"), digest('a'));
    put(now, QStringLiteral("f40/flatpak-runtime"), QStringLiteral("40"), digest('a'));
    old.repositories[QStringLiteral("empty")];
    put(old, QStringLiteral("private/thing"), QStringLiteral("1"), digest('e'));
    put(old, QStringLiteral("fedora"), QStringLiteral("39"), digest('b'),
        QStringLiteral("application/vnd.docker.distribution.manifest.list.v2+json"));
    ManifestFacts legacy;
    legacy.isIndex = true;
    legacy.mediaType = QStringLiteral("application/vnd.docker.distribution.manifest.list.v2+json");
    legacy.platforms = {QStringLiteral("linux/amd64"), QStringLiteral("linux/arm64")};
    old.manifests.insert(digest('b'), legacy);
    put(now, QStringLiteral("fedora"), QStringLiteral("39"), digest('c'),
        QStringLiteral("application/vnd.oci.image.index.v1+json"));
    ManifestFacts partial = legacy;
    partial.platforms = {QStringLiteral("linux/amd64")};
    now.manifests.insert(digest('c'), partial);
    now.repositories[QStringLiteral("broken")].error = QStringLiteral("new: ns/broken: 500");
    put(old, QStringLiteral("broken"), QStringLiteral("1"), digest('d'));

    const DriftMatrix m = compare(profile, {&old, &now});
    QCOMPARE(m.registryIds, (QStringList{QStringLiteral("old"), QStringLiteral("new")}));
    QStringList rows;
    QStringList statuses;
    for (const DriftRow &row : m.rows) {
        rows << row.repository + u':' + row.tag;
        statuses << toString(row.routes.at(0)->status);
    }
    QCOMPARE(rows, (QStringList{QStringLiteral("broken:1"), QStringLiteral("f40/flatpak-runtime:40"),
                                QStringLiteral("f40/flatpak-runtime:latest"), QStringLiteral("fedora:39")}));
    QCOMPARE(statuses, (QStringList{QStringLiteral("error"), QStringLiteral("in-sync"),
                                    QStringLiteral("in-sync"), QStringLiteral("arch-missing")}));
    QCOMPARE(m.rows.back().routes.at(0)->missingPlatforms, QStringList{QStringLiteral("linux/arm64")});
    QCOMPARE(m.rows.front().cells.at(1)->error, QStringLiteral("new: ns/broken: 500"));

    // A registry that was never scanned is an error in every cell, not "missing" everywhere.
    const DriftMatrix half = compare(profile, {&old});
    for (const DriftRow &row : half.rows)
        QCOMPARE(int(row.routes.at(0)->status), int(DriftStatus::Error));
}

void TestComparator::filtersAndJson()
{
    const Profile profile = twoRegistryProfile();
    Snapshot old;
    old.registryId = QStringLiteral("old");
    Snapshot now;
    now.registryId = QStringLiteral("new");
    put(old, QStringLiteral("a"), QStringLiteral("1"), digest('a'));
    put(now, QStringLiteral("a"), QStringLiteral("1"), digest('a'));
    put(old, QStringLiteral("b"), QStringLiteral("1"), digest('b'));
    const DriftMatrix m = compare(profile, {&old, &now});

    DriftFilter onlyDrift;
    onlyDrift.onlyDrift = true;
    const DriftMatrix drift = onlyDrift.apply(m);
    QCOMPARE(drift.rows.size(), std::size_t(1));
    QCOMPARE(drift.rows.front().repository, QStringLiteral("b"));

    DriftFilter byRepository;
    byRepository.repositories = GlobSet({QStringLiteral("a*")});
    QCOMPARE(byRepository.apply(m).rows.size(), std::size_t(1));
    QCOMPARE(findRoute(m, QStringLiteral("old:new")).value_or(-1), 0);
    QVERIFY(!findRoute(m, QStringLiteral("new:old")));

    const QJsonObject json = toJson(QStringLiteral("t"), drift);
    QCOMPARE(json.value(QLatin1String("profile")).toString(), QStringLiteral("t"));
    const QJsonObject row = json.value(QLatin1String("rows")).toArray().at(0).toObject();
    QCOMPARE(row.value(QLatin1String("tag")).toString(), QStringLiteral("1"));
    QVERIFY(row.value(QLatin1String("cells")).toObject().value(QLatin1String("new")).isNull());
    QCOMPARE(row.value(QLatin1String("cells")).toObject().value(QLatin1String("old")).toObject()
                 .value(QLatin1String("digest")).toString(), digest('b'));
    const QJsonObject route = row.value(QLatin1String("routes")).toArray().at(0).toObject();
    QCOMPARE(route.value(QLatin1String("status")).toString(), QStringLiteral("missing"));
    QCOMPARE(route.value(QLatin1String("kind")).toString(), QStringLiteral("migrate"));
    QCOMPARE(route.value(QLatin1String("from")).toString(), QStringLiteral("old"));
}

void TestComparator::snapshotsRoundTripAndDiff()
{
    Snapshot s;
    s.registryId = QStringLiteral("quay");
    s.registryUrl = QStringLiteral("https://quay.io/fedora/");
    s.takenAt = QDateTime::currentDateTimeUtc();
    s.deep = true;
    put(s, QStringLiteral("fedora"), QStringLiteral("41"), digest('a'));
    put(s, QStringLiteral("fedora"), QStringLiteral("40"), digest('b'));
    s.repositories[QStringLiteral("fedora")].missingChildren << digest('c');
    s.repositories[QStringLiteral("bad")].error = QStringLiteral("quay: fedora/bad: 403");
    ManifestFacts f;
    f.isIndex = true;
    f.mediaType = QStringLiteral("application/vnd.oci.image.index.v1+json");
    f.children = {digest('c')};
    f.childPlatforms = {QStringLiteral("linux/s390x")};
    f.rawPlatforms = {QStringLiteral("linux/s390x")};
    f.platforms = {QStringLiteral("linux/s390x")};
    s.manifests.insert(digest('a'), f);

    s.previousTakenAt = s.takenAt.addSecs(-3600);
    s.changes = {{SnapshotChange::Kind::Moved, QStringLiteral("fedora"), QStringLiteral("41"), digest('f'), digest('a')},
                 {SnapshotChange::Kind::Vanished, QStringLiteral("fedora"), QStringLiteral("39"), digest('f'), {}}};

    QString error;
    const auto back = SnapshotStore::fromJson(SnapshotStore::toJson(s), &error);
    QVERIFY2(back, qPrintable(error));
    QCOMPARE(SnapshotStore::toJson(*back), SnapshotStore::toJson(s));
    QCOMPARE(back->previousTakenAt, s.previousTakenAt);
    QCOMPARE(back->changes.size(), std::size_t(2));
    QCOMPARE(toString(back->changes[1].kind), QStringLiteral("vanished"));
    QCOMPARE(back->changes[1].before, digest('f'));
    QCOMPARE(back->tagCount(), 2);
    QCOMPARE(back->facts(digest('a'))->children, f.children);

    QVERIFY(!SnapshotStore::fromJson("{\"format\": 99}", &error));
    QVERIFY(error.contains(QStringLiteral("format 99")));
    QVERIFY(!SnapshotStore::fromJson("{broken", &error));

    Snapshot later = s;
    put(later, QStringLiteral("fedora"), QStringLiteral("41"), digest('d')); // moved
    later.repositories[QStringLiteral("fedora")].tags.erase(QStringLiteral("40")); // vanished
    put(later, QStringLiteral("fedora"), QStringLiteral("42"), digest('e')); // appeared
    const auto changes = diffSnapshots(s, later);
    QStringList seen;
    for (const SnapshotChange &c : changes)
        seen << c.tag + u' ' + toString(c.kind);
    seen.sort();
    QCOMPARE(seen, (QStringList{QStringLiteral("40 vanished"), QStringLiteral("41 moved"),
                                QStringLiteral("42 appeared")}));
}

// What the last scan saw change marks the cells it concerns, in the matrix, the filter and JSON;
// a vanished tag marks the empty cell of a row other registries still hold.
void TestComparator::lastScanChangesMarkCells()
{
    const Profile profile = twoRegistryProfile();
    Snapshot old;
    old.registryId = QStringLiteral("old");
    Snapshot now;
    now.registryId = QStringLiteral("new");
    put(old, QStringLiteral("fedora"), QStringLiteral("latest"), digest('a'));
    put(old, QStringLiteral("fedora"), QStringLiteral("41"), digest('a'));
    put(old, QStringLiteral("fedora"), QStringLiteral("40"), digest('b'));
    put(old, QStringLiteral("fedora"), QStringLiteral("42"), digest('c'));
    put(now, QStringLiteral("fedora"), QStringLiteral("latest"), digest('a'));
    put(now, QStringLiteral("fedora"), QStringLiteral("41"), digest('a'));
    put(now, QStringLiteral("fedora"), QStringLiteral("40"), digest('b'));
    old.previousTakenAt = QDateTime::currentDateTimeUtc().addSecs(-600);
    old.changes = {{SnapshotChange::Kind::Moved, QStringLiteral("fedora"), QStringLiteral("latest"), digest('b'), digest('a')},
                   {SnapshotChange::Kind::Appeared, QStringLiteral("fedora"), QStringLiteral("42"), {}, digest('c')}};
    now.changes = {{SnapshotChange::Kind::Vanished, QStringLiteral("fedora"), QStringLiteral("42"), digest('c'), {}},
                   {SnapshotChange::Kind::Vanished, QStringLiteral("fedora"), QStringLiteral("gone"), digest('d'), {}}};

    const DriftMatrix m = compare(profile, {&old, &now});
    QCOMPARE(m.rows.size(), std::size_t(5)); // a tag gone from everywhere keeps a row, for now
    auto row = [&](const QString &tag) -> const DriftRow & {
        for (const DriftRow &r : m.rows)
            if (r.tag == tag)
                return r;
        qFatal("no row %s", qPrintable(tag));
    };
    QVERIFY(!row(QStringLiteral("40")).changed());
    QVERIFY(!row(QStringLiteral("41")).changed()); // same digest as latest, but it did not move
    QCOMPARE(toString(row(QStringLiteral("latest")).change(0)->kind), QStringLiteral("moved"));
    QCOMPARE(row(QStringLiteral("latest")).change(0)->before, digest('b'));
    QVERIFY(!row(QStringLiteral("latest")).change(1));
    const DriftRow &fortyTwo = row(QStringLiteral("42"));
    QCOMPARE(toString(fortyTwo.change(0)->kind), QStringLiteral("appeared"));
    QVERIFY(!fortyTwo.cells[1]);
    QCOMPARE(toString(fortyTwo.change(1)->kind), QStringLiteral("vanished"));
    QCOMPARE(fortyTwo.change(1)->before, digest('c'));
    const DriftRow &gone = row(QStringLiteral("gone"));
    QVERIFY(!gone.cells[0] && !gone.cells[1]);
    QVERIFY(!gone.routes[0]); // on neither side: no status, so no drift
    QVERIFY(!gone.hasDrift());
    QCOMPARE(toString(gone.change(1)->kind), QStringLiteral("vanished"));
    QCOMPARE(gone.change(1)->before, digest('d'));

    DriftFilter onlyChanged;
    onlyChanged.onlyChanged = true;
    const DriftMatrix changed = onlyChanged.apply(m);
    QStringList tags;
    for (const DriftRow &r : changed.rows)
        tags << r.tag;
    QCOMPARE(tags, (QStringList{QStringLiteral("42"), QStringLiteral("gone"), QStringLiteral("latest")}));
    onlyChanged.onlyDrift = true; // both: latest is in sync, so only 42 is left
    QCOMPARE(onlyChanged.apply(m).rows.size(), std::size_t(1));

    const QJsonArray rows = toJson(QStringLiteral("t"), changed).value(QLatin1String("rows")).toArray();
    const QJsonObject changes = rows.at(0).toObject().value(QLatin1String("changes")).toObject();
    QCOMPARE(changes.value(QLatin1String("old")).toObject().value(QLatin1String("kind")).toString(),
             QStringLiteral("appeared"));
    QCOMPARE(changes.value(QLatin1String("new")).toObject().value(QLatin1String("before")).toString(), digest('c'));
    // Rows nothing happened to carry no "changes" key at all.
    const QJsonArray all = toJson(QStringLiteral("t"), m).value(QLatin1String("rows")).toArray();
    for (const QJsonValue &r : all)
        QCOMPARE(r.toObject().contains(QLatin1String("changes")),
                 r.toObject().value(QLatin1String("tag")).toString() != QLatin1String("40") &&
                     r.toObject().value(QLatin1String("tag")).toString() != QLatin1String("41"));
}

// What the console exports: CSV with full digests and quoting where a field needs it, Markdown
// with short digests and escaped pipes.
void TestComparator::exportsCsvAndMarkdown()
{
    const Profile profile = twoRegistryProfile();
    Snapshot old;
    old.registryId = QStringLiteral("old");
    Snapshot now;
    now.registryId = QStringLiteral("new");
    put(old, QStringLiteral("fedora"), QStringLiteral("41"), digest('a'));
    ManifestFacts four;
    four.isIndex = true;
    four.platforms = kFour;
    old.manifests.insert(digest('a'), four);
    ManifestFacts three = four;
    three.platforms = kThree;
    put(now, QStringLiteral("fedora"), QStringLiteral("41"), digest('b'));
    now.manifests.insert(digest('b'), three);
    put(old, QStringLiteral("fedora"), QStringLiteral("40"), digest('c'));
    now.repositories[QStringLiteral("a,b")].error = QStringLiteral("new: ns/a,b: 500 \"oops\" | down");
    put(old, QStringLiteral("a,b"), QStringLiteral("1"), digest('d'));
    const DriftMatrix m = compare(profile, {&old, &now});

    const QStringList csv = QString::fromUtf8(toCsv(m)).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
    QCOMPARE(csv.size(), 4);
    QCOMPARE(csv[0], QStringLiteral("repository,tag,old,new,old → new"));
    QCOMPARE(csv[1], QStringLiteral("\"a,b\",1,%1,\"error: new: ns/a,b: 500 \"\"oops\"\" | down\",error").arg(digest('d')));
    QCOMPARE(csv[2], QStringLiteral("fedora,40,%1,,missing").arg(digest('c')));
    QCOMPARE(csv[3], QStringLiteral("fedora,41,%1,%2,arch-missing: linux/s390x").arg(digest('a'), digest('b')));

    const QStringList md = toMarkdown(QStringLiteral("Fedora"), QStringLiteral("2026-12-04 10:00"), m).split(u'\n');
    QCOMPARE(md[0], QStringLiteral("**Fedora**: 3 rows, snapshots of 2026-12-04 10:00"));
    QCOMPARE(md[2], QStringLiteral("| repository | tag | old | new | old → new |"));
    QCOMPARE(md[3], QStringLiteral("|---|---|---|---|---|"));
    QVERIFY2(md[4].contains(QStringLiteral("500 \"oops\" \\| down")), qPrintable(md[4]));
    QCOMPARE(md[5], QStringLiteral("| fedora | 40 | cccccccccccc | — | missing |"));
    QCOMPARE(md[6], QStringLiteral("| fedora | 41 | aaaaaaaaaaaa (4 arch) | bbbbbbbbbbbb (3 arch) | arch-missing: linux/s390x |"));
}

QTEST_APPLESS_MAIN(TestComparator)
#include "tst_comparator.moc"
