// The scanner and comparator against the seeded sandbox: every tag of every registry read as
// the sandbox's own oracle (drift.json) says, every planted drift found with its status, every
// other row in sync, and skopeo agreeing on a sample of digests.
#include "compare/comparator.h"
#include "inventory/profileloader.h"
#include "inventory/scanner.h"
#include "inventory/snapshotstore.h"
#include "registry/transport.h"
#include "testsandbox.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace quayside;

class TestScanner final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void deepScanMatchesTheOracle();
    void matrixMatchesPlantedDrift();
    void skopeoAgrees();
    void fastRescanReusesWhatCannotHaveChanged();
    void rescanReportsMovedAppearedVanished();
    void quayChangeInTheSameSecondIsSeen();
    void oneFailingRegistryDoesNotAbortTheScan();
    void cancelStops();

private:
    std::vector<Snapshot> scan(const Profile &profile, bool deep,
                               std::vector<Snapshot> previous = {}, qint64 *requests = nullptr,
                               std::vector<std::pair<QString, SnapshotChange>> *changes = nullptr);
    QByteArray skopeo(const QStringList &arguments);

    std::unique_ptr<test::TestSandbox> m_sandbox;
    Profile m_profile;
    QJsonObject m_drift;
    std::vector<Snapshot> m_deep;
};

void TestScanner::initTestCase()
{
    QString error;
    m_sandbox = test::TestSandbox::shared(&error);
    QVERIFY2(m_sandbox, qPrintable(error));
    const ProfileLoad load = ProfileLoader::fromFile(m_sandbox->profilePath());
    QVERIFY2(load.ok(), qPrintable(load.errorText()));
    m_profile = *load.profile;
    m_drift = m_sandbox->drift();
    for (const QString &line : m_sandbox->credentialEnvironment()) {
        const qsizetype eq = line.indexOf(u'=');
        qputenv(line.left(eq).toLatin1().constData(), line.mid(eq + 1).toUtf8());
    }
}

std::vector<Snapshot> TestScanner::scan(const Profile &profile, bool deep,
                                        std::vector<Snapshot> previous, qint64 *requests,
                                        std::vector<std::pair<QString, SnapshotChange>> *changes)
{
    Transport transport;
    Scanner scanner(profile, &transport);
    scanner.setPrevious(std::move(previous));
    QSignalSpy finished(&scanner, &Scanner::finished);
    scanner.start(ScanOptions{.deep = deep});
    if (!finished.wait(120000))
        return {};
    if (requests) {
        *requests = 0;
        QSet<QString> hosts;
        for (const RegistryConfig &r : profile.registries)
            if (!hosts.contains(Transport::hostKey(r.url))) {
                hosts.insert(Transport::hostKey(r.url));
                *requests += transport.stats(r.url).requests;
            }
    }
    if (changes)
        *changes = scanner.changes();
    return scanner.snapshots();
}

void TestScanner::deepScanMatchesTheOracle()
{
    m_deep = scan(m_profile, true);
    QCOMPARE(m_deep.size(), m_profile.registries.size());
    const QJsonObject registries = m_drift.value(QLatin1String("registries")).toObject();
    for (const Snapshot &s : m_deep) {
        QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
        const QJsonObject expected = registries.value(s.registryId).toObject();
        for (auto r = expected.constBegin(); r != expected.constEnd(); ++r) {
            const auto it = s.repositories.find(r.key());
            QVERIFY2(it != s.repositories.end(), qPrintable(s.registryId + u' ' + r.key()));
            const RepositorySnapshot &repository = it->second;
            QVERIFY2(repository.error.isEmpty(), qPrintable(repository.error));
            const QJsonObject tags = r.value().toObject();
            QCOMPARE(qsizetype(repository.tags.size()), tags.size());
            QStringList expectedMissing;
            for (auto t = tags.constBegin(); t != tags.constEnd(); ++t) {
                const QJsonObject want = t.value().toObject();
                const TagEntry *entry = s.tag(r.key(), t.key());
                const QString where = s.registryId + u' ' + r.key() + u':' + t.key();
                QVERIFY2(entry, qPrintable(where));
                QVERIFY2(entry->error.isEmpty(), qPrintable(entry->error));
                QCOMPARE(entry->digest, want.value(QLatin1String("digest")).toString());
                QCOMPARE(entry->mediaType, want.value(QLatin1String("mediaType")).toString());
                QStringList platforms;
                for (const QJsonValue &p : want.value(QLatin1String("platforms")).toArray())
                    platforms << p.toString();
                const ManifestFacts *facts = s.facts(entry->digest);
                QVERIFY2(facts, qPrintable(where));
                QCOMPARE(facts->platforms, platforms);
                for (const QJsonValue &m : want.value(QLatin1String("missingChildren")).toArray())
                    expectedMissing << m.toString();
            }
            QStringList missing = repository.missingChildren;
            missing.sort();
            expectedMissing.removeDuplicates();
            expectedMissing.sort();
            QCOMPARE(missing, expectedMissing);
        }
        for (const QJsonValue &empty :
             m_drift.value(QLatin1String("emptyRepositories")).toObject().value(s.registryId).toArray()) {
            const auto it = s.repositories.find(empty.toString());
            QVERIFY2(it != s.repositories.end(), qPrintable(empty.toString()));
            QVERIFY(it->second.tags.empty());
        }
    }
}

void TestScanner::matrixMatchesPlantedDrift()
{
    QVERIFY(!m_deep.empty());
    std::vector<const Snapshot *> pointers;
    for (const Snapshot &s : m_deep)
        pointers.push_back(&s);
    const DriftMatrix matrix = compare(m_profile, pointers);
    QVERIFY(matrix.rows.size() > 50);

    QHash<QString, QJsonObject> planted; // "route repository:tag"
    for (const QJsonValue &p : m_drift.value(QLatin1String("planted")).toArray()) {
        const QJsonObject o = p.toObject();
        planted.insert(o.value(QLatin1String("route")).toString() + u' ' +
                           o.value(QLatin1String("repository")).toString() + u':' +
                           o.value(QLatin1String("tag")).toString(),
                       o);
    }
    QVERIFY(planted.size() >= 10);
    int found = 0;
    for (const DriftRow &row : matrix.rows) {
        for (std::size_t i = 0; i < matrix.routes.size(); ++i) {
            const auto &status = row.routes[i];
            const QString key = matrix.routes[i].label() + u' ' + row.repository + u':' + row.tag;
            const auto it = planted.constFind(key);
            if (it == planted.constEnd()) {
                QVERIFY2(!status || status->status == DriftStatus::InSync,
                         qPrintable(key + QStringLiteral(" is ") + toString(status->status) +
                                    QStringLiteral(" but the sandbox planted no drift there")));
                continue;
            }
            ++found;
            QVERIFY2(status, qPrintable(key));
            QCOMPARE(toString(status->status), it->value(QLatin1String("expectedStatus")).toString());
            QStringList missing;
            for (const QJsonValue &m : it->value(QLatin1String("missingPlatforms")).toArray())
                missing << m.toString();
            QCOMPARE(status->missingPlatforms, missing);
        }
    }
    QCOMPARE(found, planted.size());
}

QByteArray TestScanner::skopeo(const QStringList &arguments)
{
    QProcess process;
    process.start(QStringLiteral("skopeo"), arguments);
    if (!process.waitForFinished(60000) || process.exitCode() != 0)
        return {};
    return process.readAllStandardOutput();
}

void TestScanner::skopeoAgrees()
{
    QVERIFY(!m_deep.empty());
    int checked = 0;
    for (const Snapshot &s : m_deep) {
        const RegistryConfig *config = m_profile.registry(s.registryId);
        int perRegistry = 0;
        for (const auto &[repository, r] : s.repositories) {
            for (const auto &[tag, entry] : r.tags) {
                if (perRegistry++ % 9 != 0) // a spread-out sample
                    continue;
                QStringList args{QStringLiteral("inspect"), QStringLiteral("--raw"),
                                 QStringLiteral("--tls-verify=false")};
                const QString user = m_sandbox->username(s.registryId.startsWith(QLatin1String("quay"))
                                                             ? QStringLiteral("quay")
                                                             : s.registryId);
                if (!user.isEmpty())
                    args << QStringLiteral("--creds")
                         << user + u':' +
                                m_sandbox->password(s.registryId.startsWith(QLatin1String("quay"))
                                                        ? QStringLiteral("quay")
                                                        : s.registryId);
                args << QStringLiteral("docker://%1/%2:%3")
                            .arg(config->hostPort(), config->repositoryFor(repository), tag);
                const QByteArray raw = skopeo(args);
                QVERIFY2(!raw.isEmpty(), qPrintable(args.last()));
                QCOMPARE(Digest::sha256Of(raw).toString(), entry.digest);
                ++checked;
            }
        }
    }
    QVERIFY(checked >= 20);
}

void TestScanner::fastRescanReusesWhatCannotHaveChanged()
{
    QVERIFY(!m_deep.empty());
    qint64 deepRequests = 0;
    const auto deep = scan(m_profile, true, {}, &deepRequests);
    qint64 fastRequests = 0;
    std::vector<std::pair<QString, SnapshotChange>> changes;
    const auto fast = scan(m_profile, false, deep, &fastRequests, &changes);
    QCOMPARE(fast.size(), deep.size());
    QVERIFY(changes.empty());
    for (const Snapshot &s : fast)
        for (const Snapshot &d : deep)
            if (s.registryId == d.registryId)
                QCOMPARE(SnapshotStore::toJson(Snapshot{{}, {}, {}, {}, {}, s.repositories, {}}),
                         SnapshotStore::toJson(Snapshot{{}, {}, {}, {}, {}, d.repositories, {}}));
    qInfo("deep scan %lld requests, fast rescan %lld", deepRequests, fastRequests);
    QVERIFY2(fastRequests * 2 < deepRequests, qPrintable(QString::number(fastRequests)));
}

void TestScanner::rescanReportsMovedAppearedVanished()
{
    QString error;
    auto own = test::TestSandbox::start({QStringLiteral("registry")}, false, &error);
    QVERIFY2(own, qPrintable(error));
    const QString source = m_profile.registry(QStringLiteral("registry"))->hostPort();
    const QString target = own->url(QStringLiteral("registry")).authority();
    auto copy = [&](const QString &from, const QString &to) {
        return skopeo({QStringLiteral("copy"), QStringLiteral("--all"), QStringLiteral("--preserve-digests"),
                       QStringLiteral("--src-tls-verify=false"), QStringLiteral("--dest-tls-verify=false"),
                       QStringLiteral("docker://%1/%2").arg(source, from),
                       QStringLiteral("docker://%1/%2").arg(target, to)}) ,
               true;
    };
    copy(QStringLiteral("fedora:41"), QStringLiteral("app:latest"));
    copy(QStringLiteral("fedora:41"), QStringLiteral("app:41"));
    copy(QStringLiteral("fedora-minimal:40-x86_64"), QStringLiteral("app:old"));

    const ProfileLoad load = ProfileLoader::fromBytes(
        QStringLiteral(R"({"name": "own", "registries": [{"id": "own", "url": "%1", "prefix": "",
                        "kind": "distribution", "insecure": true}], "mutableTags": ["latest"]})")
            .arg(own->url(QStringLiteral("registry")).toString())
            .toUtf8(),
        QStringLiteral("own.json"));
    QVERIFY2(load.ok(), qPrintable(load.errorText()));
    const auto first = scan(*load.profile, true);
    QCOMPARE(first.front().tagCount(), 3);

    // latest moves to 40, a tag appears, one vanishes (distribution deletes by digest).
    copy(QStringLiteral("fedora:40"), QStringLiteral("app:latest"));
    copy(QStringLiteral("fedora:40"), QStringLiteral("app:40"));
    const QString oldDigest = first.front().tag(QStringLiteral("app"), QStringLiteral("old"))->digest;
    QProcess curl;
    curl.start(QStringLiteral("curl"), {QStringLiteral("-sf"), QStringLiteral("-X"), QStringLiteral("DELETE"),
                                       QStringLiteral("%1/v2/app/manifests/%2")
                                           .arg(own->url(QStringLiteral("registry")).toString(), oldDigest)});
    QVERIFY(curl.waitForFinished(10000));
    QCOMPARE(curl.exitCode(), 0);

    std::vector<std::pair<QString, SnapshotChange>> changes;
    const auto second = scan(*load.profile, false, first, nullptr, &changes);
    QStringList seen;
    for (const auto &[id, c] : changes)
        seen << c.tag + u' ' + toString(c.kind);
    seen.sort();
    QCOMPARE(seen, (QStringList{QStringLiteral("40 appeared"), QStringLiteral("latest moved"),
                                QStringLiteral("old vanished")}));
    QCOMPARE(second.front().tag(QStringLiteral("app"), QStringLiteral("latest"))->digest,
             second.front().tag(QStringLiteral("app"), QStringLiteral("40"))->digest);

    // The snapshot keeps what its scan saw change (the console marks those cells, even after a
    // restart); the next rescan that finds nothing new clears the marks.
    QCOMPARE(second.front().previousTakenAt, first.front().takenAt);
    QCOMPARE(second.front().changes.size(), std::size_t(3));
    const DriftMatrix matrix = compare(*load.profile, {&second.front()});
    QStringList marked;
    for (const DriftRow &row : matrix.rows)
        if (const SnapshotChange *c = row.change(0))
            marked << row.tag + u' ' + toString(c->kind);
    marked.sort();
    // "old" is on no registry now, yet keeps its row until the next scan: deletions show too.
    QCOMPARE(marked, (QStringList{QStringLiteral("40 appeared"), QStringLiteral("latest moved"),
                                  QStringLiteral("old vanished")}));
    const auto third = scan(*load.profile, false, second);
    QVERIFY(third.front().changes.empty());
    QCOMPARE(third.front().previousTakenAt, second.front().takenAt);
}

void TestScanner::quayChangeInTheSameSecondIsSeen()
{
    // quay's repository last_modified counts whole seconds. A tag moved in the same second as the
    // previous listing leaves it unchanged; a fast rescan must still see the move.
    QString error;
    auto own = test::TestSandbox::start({QStringLiteral("quay")}, false, &error);
    QVERIFY2(own, qPrintable(error));
    const QString source = m_profile.registry(QStringLiteral("registry"))->hostPort();
    const QString target = own->url(QStringLiteral("quay")).authority();
    const QString creds = own->username(QStringLiteral("quay")) + u':' + own->password(QStringLiteral("quay"));
    auto push = [&](const QString &from) {
        return !skopeo({QStringLiteral("copy"), QStringLiteral("--all"), QStringLiteral("--preserve-digests"),
                        QStringLiteral("--src-tls-verify=false"), QStringLiteral("--dest-tls-verify=false"),
                        QStringLiteral("--dest-creds"), creds, QStringLiteral("docker://%1/%2").arg(source, from),
                        QStringLiteral("docker://%1/fedora/app:41").arg(target)})
                    .isNull();
    };
    QVERIFY(push(QStringLiteral("fedora-minimal:40-x86_64")));
    // Push-to-create makes a private repository, as on quay; Fedora's are public.
    QProcess curl;
    curl.start(QStringLiteral("curl"),
               {QStringLiteral("-sf"), QStringLiteral("-X"), QStringLiteral("POST"), QStringLiteral("-H"),
                QStringLiteral("Authorization: Bearer ") +
                    own->endpoints().value(QLatin1String("credentials")).toObject().value(QLatin1String("quayOAuthToken")).toString(),
                QStringLiteral("-H"), QStringLiteral("Content-Type: application/json"), QStringLiteral("-d"),
                QStringLiteral(R"({"visibility": "public"})"),
                own->url(QStringLiteral("quay")).toString() + QStringLiteral("/api/v1/repository/fedora/app/changevisibility")});
    QVERIFY(curl.waitForFinished(10000));
    QVERIFY2(curl.exitCode() == 0, curl.readAllStandardError().constData());
    const QString link = own->stateDir() +
                         QStringLiteral("/storage/quay/docker/registry/v2/repositories/fedora/app/_manifests/tags/41/current/link");
    QVERIFY2(QFileInfo::exists(link), qPrintable(link));

    const ProfileLoad load = ProfileLoader::fromBytes(
        QStringLiteral(R"({"name": "own", "registries": [{"id": "q", "url": "%1", "prefix": "fedora/",
                        "kind": "quay", "insecure": true, "username": "%2"}]})")
            .arg(own->url(QStringLiteral("quay")).toString(), own->username(QStringLiteral("quay")))
            .toUtf8(),
        QStringLiteral("own.json"));
    QVERIFY2(load.ok(), qPrintable(load.errorText()));
    qputenv("QUAYSIDE_CREDENTIALS_Q", creds.toUtf8());
    const auto first = scan(*load.profile, false);
    QCOMPARE(first.size(), std::size_t(1));
    QVERIFY2(first.front().tag(QStringLiteral("app"), QStringLiteral("41")),
             qPrintable(QString::fromUtf8(SnapshotStore::toJson(first.front()))));
    const QString before = first.front().tag(QStringLiteral("app"), QStringLiteral("41"))->digest;
    QVERIFY(!before.isEmpty());

    // Move the tag, then give its link the old modification time, as a change within the same
    // second leaves quay's last_modified.
    const QDateTime stamp = QFileInfo(link).lastModified();
    QVERIFY(push(QStringLiteral("fedora-minimal:41-x86_64")));
    QFile file(link);
    QVERIFY(file.open(QIODevice::ReadWrite));
    QVERIFY(file.setFileTime(stamp, QFileDevice::FileModificationTime));
    file.close();

    std::vector<std::pair<QString, SnapshotChange>> changes;
    const auto second = scan(*load.profile, false, first, nullptr, &changes);
    QVERIFY(!second.empty() && second.front().tag(QStringLiteral("app"), QStringLiteral("41")));
    const QString after = second.front().tag(QStringLiteral("app"), QStringLiteral("41"))->digest;
    QVERIFY(after != before);
    QCOMPARE(changes.size(), std::size_t(1));
    QCOMPARE(changes.front().second.tag + u' ' + toString(changes.front().second.kind), QStringLiteral("41 moved"));
}

void TestScanner::oneFailingRegistryDoesNotAbortTheScan()
{
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost));
    const quint16 port = probe.serverPort();
    probe.close();
    Profile profile = m_profile;
    RegistryConfig dead = *profile.registry(QStringLiteral("registry"));
    dead.id = QStringLiteral("gone");
    dead.url.setPort(port);
    profile.registries.push_back(dead);
    profile.routes.push_back(Route{QStringLiteral("registry"), QStringLiteral("gone"), RouteKind::Migrate});

    Transport transport;
    transport.setRetryPolicy({.maxAttempts = 2, .baseDelay = std::chrono::milliseconds(10)});
    Scanner scanner(profile, &transport);
    QSignalSpy finished(&scanner, &Scanner::finished);
    scanner.start(ScanOptions{.deep = false, .registries = {QStringLiteral("registry"), QStringLiteral("gone")}});
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.first().first().toBool(), false);
    const Snapshot *gone = scanner.snapshot(QStringLiteral("gone"));
    QVERIFY(gone);
    QVERIFY2(gone->error.startsWith(QStringLiteral("gone: network error")), qPrintable(gone->error));
    const Snapshot *registry = scanner.snapshot(QStringLiteral("registry"));
    QVERIFY(registry && registry->error.isEmpty() && registry->tagCount() > 50);

    const DriftMatrix matrix = compare(profile, {registry, gone});
    const std::size_t route = profile.routes.size() - 1;
    for (const DriftRow &row : matrix.rows)
        QCOMPARE(int(row.routes.at(route)->status), int(DriftStatus::Error));
}

void TestScanner::cancelStops()
{
    Scanner scanner(m_profile);
    QSignalSpy finished(&scanner, &Scanner::finished);
    scanner.start(ScanOptions{.deep = true});
    QTest::qWait(50);
    scanner.cancel();
    QVERIFY(finished.wait(10000));
    QCOMPARE(finished.first().first().toBool(), true);
    QVERIFY(!scanner.isRunning());
}

QTEST_GUILESS_MAIN(TestScanner)
#include "tst_scanner.moc"
