#include "inventory/profileloader.h"

#include <QTemporaryDir>
#include <QTest>

using namespace quayside;

class TestProfileLoader final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void builtInProfilesLoad_data();
    void builtInProfilesLoad();
    void fedoraMapsNamesThroughPrefixes();
    void rejectsBadProfiles_data();
    void rejectsBadProfiles();
    void reportsEveryProblemAtOnce();
    void quayGetsQuayRateLimitsUnlessOverridden();
    void repositoryFilters();
    void resolveUnknownNameExplains();
    void resolveFindsUserProfiles();
};

void TestProfileLoader::builtInProfilesLoad_data()
{
    QTest::addColumn<QString>("name");
    for (const QString &name : ProfileLoader::builtInNames())
        QTest::newRow(qPrintable(name)) << name;
}

void TestProfileLoader::builtInProfilesLoad()
{
    QFETCH(QString, name);
    const ProfileLoad load =
        ProfileLoader::fromFile(QStringLiteral(":/profiles/") + name + QStringLiteral(".json"));
    QVERIFY2(load.ok(), qPrintable(load.errorText()));
    QVERIFY(load.profile->registries.size() >= 3);
    QVERIFY(!load.profile->routes.empty());
    for (const auto &route : load.profile->routes) {
        QVERIFY(load.profile->registry(route.from));
        QVERIFY(load.profile->registry(route.to));
    }
    QCOMPARE(load.profile->architectures,
             QStringList({QStringLiteral("amd64"), QStringLiteral("arm64"),
                          QStringLiteral("ppc64le"), QStringLiteral("s390x")}));
}

void TestProfileLoader::fedoraMapsNamesThroughPrefixes()
{
    const ProfileLoad load = ProfileLoader::fromFile(QStringLiteral(":/profiles/fedora.json"));
    QVERIFY2(load.ok(), qPrintable(load.errorText()));
    const RegistryConfig *quay = load.profile->registry(QStringLiteral("quay"));
    QVERIFY(quay);
    QVERIFY(quay->kind == RegistryKind::Quay);
    QCOMPARE(quay->repositoryFor(QStringLiteral("f40/flatpak-runtime")),
             QStringLiteral("fedora/f40/flatpak-runtime"));
    QCOMPARE(quay->logicalFor(QStringLiteral("fedora/fedora-toolbox")).value_or(QString()),
             QStringLiteral("fedora-toolbox"));
    QVERIFY(!quay->logicalFor(QStringLiteral("fedora-testing/fedora")));
    QCOMPARE(quay->hostPort(), QStringLiteral("quay.io"));
    QVERIFY(load.profile->isMutableTag(QStringLiteral("latest")));
    QVERIFY(load.profile->isMutableTag(QStringLiteral("40-x86_64")));
    QVERIFY(!load.profile->isMutableTag(QStringLiteral("47.1-1.fc40")));
}

void TestProfileLoader::rejectsBadProfiles_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("message");

    const QByteArray head = "{\n  \"name\": \"t\",\n  \"registries\": [\n    {\n";
    const QByteArray ok = "      \"id\": \"a\", \"url\": \"https://a.example\", \"prefix\": \"\",\n"
                          "      \"kind\": \"distribution\"\n";

    QTest::newRow("broken json") << QByteArray("{\n  \"name\": \"t\",\n  \"registries\": [\n}")
                                 << 4 << QString() << QStringLiteral("not valid JSON");
    QTest::newRow("not an object") << QByteArray("[1, 2]") << 1 << QString()
                                   << QStringLiteral("a profile is a JSON object");
    QTest::newRow("missing name") << QByteArray("{\n  \"registries\": []\n}") << 1 << QString()
                                  << QStringLiteral("missing required key \"name\"");
    QTest::newRow("no registries") << QByteArray("{\n  \"name\": \"t\",\n  \"registries\": []\n}")
                                   << 3 << QStringLiteral("registries")
                                   << QStringLiteral("non-empty array");
    QTest::newRow("bad url") << head + "      \"id\": \"a\",\n      \"url\": \"quay.io\",\n"
                                       "      \"prefix\": \"\", \"kind\": \"quay\"\n    }\n  ]\n}"
                             << 6 << QStringLiteral("registries[0].url")
                             << QStringLiteral("not a registry URL");
    QTest::newRow("http without insecure")
        << head + "      \"id\": \"a\", \"prefix\": \"\", \"kind\": \"distribution\",\n"
                  "      \"url\": \"http://127.0.0.1:5000\"\n    }\n  ]\n}"
        << 6 << QStringLiteral("registries[0].url") << QStringLiteral("insecure");
    QTest::newRow("credentials in url")
        << head + "      \"id\": \"a\", \"prefix\": \"\", \"kind\": \"distribution\",\n"
                  "      \"url\": \"https://bob:hunter2@a.example\"\n    }\n  ]\n}"
        << 6 << QStringLiteral("registries[0].url")
        << QStringLiteral("credentials do not belong in URLs");
    QTest::newRow("path in url")
        << head + "      \"id\": \"a\", \"prefix\": \"\", \"kind\": \"distribution\",\n"
                  "      \"url\": \"https://quay.io/fedora\"\n    }\n  ]\n}"
        << 6 << QStringLiteral("registries[0].url") << QStringLiteral("prefix");
    QTest::newRow("password key")
        << head + ok + "      ,\"password\": \"hunter2\"\n    }\n  ]\n}" << 7
        << QStringLiteral("registries[0].password")
        << QStringLiteral("secrets do not belong in profiles");
    QTest::newRow("unknown kind")
        << head + "      \"id\": \"a\", \"url\": \"https://a.example\", \"prefix\": \"\",\n"
                  "      \"kind\": \"harbor\"\n    }\n  ]\n}"
        << 6 << QStringLiteral("registries[0].kind") << QStringLiteral("\"harbor\"");
    QTest::newRow("quay without namespace")
        << head + "      \"id\": \"q\", \"url\": \"https://quay.io\", \"prefix\": \"\",\n"
                  "      \"kind\": \"quay\"\n    }\n  ]\n}"
        << 5 << QStringLiteral("registries[0].prefix") << QStringLiteral("namespace prefix");
    QTest::newRow("prefix without slash")
        << head + "      \"id\": \"q\", \"url\": \"https://quay.io\",\n"
                  "      \"prefix\": \"fedora\", \"kind\": \"quay\"\n    }\n  ]\n}"
        << 6 << QStringLiteral("registries[0].prefix") << QStringLiteral("ending in '/'");
    QTest::newRow("typo key")
        << head + ok + "      ,\"prefx\": \"x/\"\n    }\n  ]\n}" << 7
        << QStringLiteral("registries[0].prefx") << QStringLiteral("unknown key");
    QTest::newRow("duplicate id")
        << head + ok + "    },\n    {\n" + ok + "    }\n  ]\n}" << 9
        << QStringLiteral("registries[1].id") << QStringLiteral("used by another registry");
    QTest::newRow("route to nowhere")
        << head + ok + "    }\n  ],\n  \"routes\": [\n    { \"from\": \"a\", \"to\": \"b\", "
                       "\"kind\": \"migrate\" }\n  ]\n}"
        << 10 << QStringLiteral("routes[0].to") << QStringLiteral("\"b\" is not the id");
    QTest::newRow("route kind")
        << head + ok + "    },\n    {\n      \"id\": \"b\", \"url\": \"https://b.example\", "
                       "\"prefix\": \"\", \"kind\": \"distribution\"\n    }\n  ],\n"
                       "  \"routes\": [\n    { \"from\": \"a\", \"to\": \"b\",\n"
                       "      \"kind\": \"mirror\" }\n  ]\n}"
        << 14 << QStringLiteral("routes[0].kind") << QStringLiteral("\"mirror\"");
    QTest::newRow("rate limit zero")
        << head + ok + "      ,\"rateLimit\": {\n        \"requestsPerSecond\": 0\n      }\n"
                       "    }\n  ]\n}"
        << 8 << QStringLiteral("registries[0].rateLimit.requestsPerSecond")
        << QStringLiteral("greater than 0");
    QTest::newRow("rate limit class")
        << head + ok + "      ,\"rateLimit\": { \"classes\": {\n        \"uploads\": "
                       "{ \"requestsPerSecond\": 1 } } }\n    }\n  ]\n}"
        << 8 << QStringLiteral("registries[0].rateLimit.classes.uploads")
        << QStringLiteral("unknown endpoint class");
    QTest::newRow("ca certificates unreadable")
        << head + ok + "      ,\"caCertificates\": \"/nonexistent/ca.pem\"\n    }\n  ]\n}" << 7
        << QStringLiteral("registries[0].caCertificates") << QStringLiteral("cannot read /nonexistent/ca.pem");
    QTest::newRow("ca certificates not PEM")
        << head + ok + "      ,\"caCertificates\": \"/etc/passwd\"\n    }\n  ]\n}" << 7
        << QStringLiteral("registries[0].caCertificates") << QStringLiteral("holds no PEM certificate");
    QTest::newRow("mutable tags not strings")
        << head + ok + "    }\n  ],\n  \"mutableTags\": [\"latest\",\n    7]\n}" << 10
        << QStringLiteral("mutableTags[1]") << QStringLiteral("non-empty string");
}

void TestProfileLoader::rejectsBadProfiles()
{
    QFETCH(QByteArray, json);
    QFETCH(int, line);
    QFETCH(QString, key);
    QFETCH(QString, message);

    const ProfileLoad load = ProfileLoader::fromBytes(json, QStringLiteral("test.json"));
    QVERIFY(!load.ok());
    QVERIFY(!load.errors.empty());
    const auto &first = load.errors.front();
    QVERIFY2(first.message.contains(message), qPrintable(load.errorText()));
    QCOMPARE(first.key, key);
    QCOMPARE(first.line, line);
    QCOMPARE(first.file, QStringLiteral("test.json"));
    // The text a user sees carries file, line and key.
    QVERIFY(first.toString().startsWith(QStringLiteral("test.json")));
    if (line > 0)
        QVERIFY(first.toString().contains(QStringLiteral(":%1:").arg(line)));
    // Never echo a secret back.
    QVERIFY(!load.errorText().contains(QStringLiteral("hunter2")));
}

void TestProfileLoader::reportsEveryProblemAtOnce()
{
    const QByteArray json = "{\n"
                            "  \"name\": \"\",\n"
                            "  \"registries\": [\n"
                            "    { \"id\": \"A\", \"url\": \"ftp://x\", \"prefix\": \"\", \"kind\": "
                            "\"distribution\" }\n"
                            "  ],\n"
                            "  \"colour\": \"blue\"\n"
                            "}\n";
    const ProfileLoad load = ProfileLoader::fromBytes(json, QStringLiteral("p.json"));
    QVERIFY(!load.ok());
    QStringList keys;
    for (const auto &e : load.errors)
        keys << e.key;
    QVERIFY2(keys.contains(QStringLiteral("name")), qPrintable(load.errorText()));
    QVERIFY2(keys.contains(QStringLiteral("colour")), qPrintable(load.errorText()));
    QVERIFY2(keys.contains(QStringLiteral("registries[0].id")), qPrintable(load.errorText()));
    QVERIFY2(keys.contains(QStringLiteral("registries[0].url")), qPrintable(load.errorText()));
    QCOMPARE(load.errors.size(), std::size_t(4));
}

void TestProfileLoader::quayGetsQuayRateLimitsUnlessOverridden()
{
    const QByteArray json = R"({
      "name": "t",
      "registries": [
        { "id": "q", "url": "https://quay.io", "prefix": "fedora/", "kind": "quay" },
        { "id": "r", "url": "https://quay.io", "prefix": "fedora-testing/", "kind": "quay",
          "rateLimit": { "requestsPerSecond": 2, "burst": 3, "concurrency": 2,
                         "classes": { "tags": { "requestsPerSecond": 1 } } } },
        { "id": "d", "url": "https://registry.example", "prefix": "", "kind": "distribution" }
      ]
    })";
    const ProfileLoad load = ProfileLoader::fromBytes(json, QStringLiteral("t.json"));
    QVERIFY2(load.ok(), qPrintable(load.errorText()));
    const auto &quay = load.profile->registry(QStringLiteral("q"))->rateLimit;
    QCOMPARE(quay.budgetFor(EndpointClass::Tags).requestsPerSecond, 5.0);
    QCOMPARE(quay.budgetFor(EndpointClass::Tags).burst, 2);
    QCOMPARE(quay.budgetFor(EndpointClass::Api).burst, 25);
    QCOMPARE(quay.budgetFor(EndpointClass::Manifests).requestsPerSecond, 50.0);
    const auto &custom = load.profile->registry(QStringLiteral("r"))->rateLimit;
    QCOMPARE(custom.budgetFor(EndpointClass::Tags).requestsPerSecond, 1.0);
    QCOMPARE(custom.budgetFor(EndpointClass::Tags).burst, 1);
    // Classes named at top level override quay's defaults only where the profile says so.
    QCOMPARE(custom.budgetFor(EndpointClass::Manifests).requestsPerSecond, 50.0);
    QCOMPARE(custom.concurrency, 2);
    const auto &plain = load.profile->registry(QStringLiteral("d"))->rateLimit;
    QCOMPARE(plain.budgetFor(EndpointClass::Manifests).requestsPerSecond, 0.0);
}

void TestProfileLoader::repositoryFilters()
{
    const QByteArray json = R"({
      "name": "t",
      "registries": [
        { "id": "d", "url": "https://registry.example", "prefix": "", "kind": "distribution",
          "renames": { "fedora-toolbox": "toolbox/fedora" } }
      ],
      "repositories": { "include": ["fedora*", "f4?/*"], "exclude": ["*-bootc"] }
    })";
    const ProfileLoad load = ProfileLoader::fromBytes(json, QStringLiteral("t.json"));
    QVERIFY2(load.ok(), qPrintable(load.errorText()));
    const Profile &p = *load.profile;
    QVERIFY(p.includesRepository(QStringLiteral("fedora")));
    QVERIFY(p.includesRepository(QStringLiteral("f40/flatpak-runtime")));
    QVERIFY(!p.includesRepository(QStringLiteral("fedora-bootc")));
    QVERIFY(!p.includesRepository(QStringLiteral("eln")));
    const RegistryConfig *d = p.registry(QStringLiteral("d"));
    QCOMPARE(d->repositoryFor(QStringLiteral("fedora-toolbox")), QStringLiteral("toolbox/fedora"));
    QCOMPARE(d->logicalFor(QStringLiteral("toolbox/fedora")).value_or(QString()),
             QStringLiteral("fedora-toolbox"));
}

void TestProfileLoader::resolveUnknownNameExplains()
{
    const ProfileLoad load = ProfileLoader::resolve(QStringLiteral("no-such-profile"));
    QVERIFY(!load.ok());
    QVERIFY(load.errorText().contains(QStringLiteral("no-such-profile")));
    QVERIFY(load.errorText().contains(QStringLiteral("fedora")));
}

void TestProfileLoader::resolveFindsUserProfiles()
{
    QTemporaryDir config;
    qputenv("XDG_CONFIG_HOME", config.path().toUtf8());
    QDir().mkpath(config.path() + QStringLiteral("/quayside/profiles"));
    QFile file(config.path() + QStringLiteral("/quayside/profiles/mine.json"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"name": "Mine", "registries": [{"id": "x", "url": "https://x.example",
                  "prefix": "", "kind": "distribution"}]})");
    file.close();
    QCoreApplication::setApplicationName(QStringLiteral("quayside"));
    const ProfileLoad load = ProfileLoader::resolve(QStringLiteral("mine"));
    QVERIFY2(load.ok(), qPrintable(load.errorText()));
    QCOMPARE(load.profile->name, QStringLiteral("Mine"));
}

QTEST_GUILESS_MAIN(TestProfileLoader)
#include "tst_profileloader.moc"
