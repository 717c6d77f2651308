// Image references as people type them on the command line, and how they resolve against a
// profile: logical names through prefixes, docker:// hosts borrowing a profile registry's
// settings, and clear refusals for everything else.
#include "inventory/profileloader.h"
#include "jobs/imagereference.h"

#include <QTest>

using namespace quayside;

class TestImageReference final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parses_data();
    void parses();
    void rejects_data();
    void rejects();
    void resolvesThroughTheProfile();
};

void TestImageReference::parses_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("registryId");
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("repository");
    QTest::addColumn<QString>("tag");
    QTest::addColumn<QString>("digest");
    const QString d = QStringLiteral("sha256:") + QString(64, u'a');
    QTest::newRow("profile tag") << "quay/fedora:41" << "quay" << "" << "fedora" << "41" << "";
    QTest::newRow("nested repository") << "registry/f40/flatpak-runtime:latest" << "registry" << ""
                                       << "f40/flatpak-runtime" << "latest" << "";
    QTest::newRow("by digest") << QStringLiteral("candidate/fedora@") + d << "candidate" << ""
                               << "fedora" << "" << d;
    QTest::newRow("tag pinned to digest") << QStringLiteral("candidate/fedora:41@") + d << "candidate"
                                          << "" << "fedora" << "41" << d;
    QTest::newRow("docker with port") << "docker://127.0.0.1:5000/fedora/fedora-minimal:41-x86_64"
                                      << "" << "127.0.0.1:5000" << "fedora/fedora-minimal"
                                      << "41-x86_64" << "";
    QTest::newRow("docker quay.io") << "docker://quay.io/fedora/fedora:rawhide" << "" << "quay.io"
                                    << "fedora/fedora" << "rawhide" << "";
}

void TestImageReference::parses()
{
    QFETCH(QString, text);
    QString error;
    const auto ref = ImageReference::parse(text, &error);
    QVERIFY2(ref, qPrintable(error));
    QTEST(ref->registryId, "registryId");
    QTEST(ref->host, "host");
    QTEST(ref->repository, "repository");
    QTEST(ref->tag, "tag");
    QTEST(ref->digest, "digest");
    QCOMPARE(ref->toString(), text);
}

void TestImageReference::rejects_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");
    QTest::newRow("no tag") << "quay/fedora" << "no tag or digest";
    QTest::newRow("no registry") << "fedora:41" << "expected REGISTRY-ID/REPOSITORY:TAG";
    QTest::newRow("docker without path") << "docker://quay.io" << "expected docker://HOST";
    QTest::newRow("bad digest") << "quay/fedora@sha256:abc" << "is not a digest";
    QTest::newRow("upper-case repository") << "quay/Fedora:41" << "not a valid repository name";
    QTest::newRow("bad tag") << "quay/fedora:-41" << "not a valid tag";
    QTest::newRow("empty") << "" << "expected REGISTRY-ID";
}

void TestImageReference::rejects()
{
    QFETCH(QString, text);
    QFETCH(QString, message);
    QString error;
    QVERIFY(!ImageReference::parse(text, &error));
    QVERIFY2(error.contains(message), qPrintable(error));
}

void TestImageReference::resolvesThroughTheProfile()
{
    const ProfileLoad load = ProfileLoader::resolve(QStringLiteral("fedora"));
    QVERIFY2(load.ok(), qPrintable(load.errorText()));
    const Profile &fedora = *load.profile;
    QString error;

    // Logical names take the registry's prefix.
    const auto quay = resolveImage(*ImageReference::parse(QStringLiteral("quay/fedora-minimal:41"), &error),
                                   &fedora, false, &error);
    QVERIFY2(quay, qPrintable(error));
    QCOMPARE(quay->repository, QStringLiteral("fedora/fedora-minimal"));
    QCOMPARE(quay->displayName(), QStringLiteral("quay.io/fedora/fedora-minimal:41"));

    // docker:// on a profile host keeps that registry's limits (quay's zones), not its prefix.
    const auto docker = resolveImage(*ImageReference::parse(QStringLiteral("docker://quay.io/fedora/fedora:41"), &error),
                                     &fedora, false, &error);
    QVERIFY2(docker, qPrintable(error));
    QCOMPARE(docker->repository, QStringLiteral("fedora/fedora"));
    QVERIFY(docker->registry.prefix.isEmpty());
    QVERIFY(docker->registry.rateLimit.budgetFor(EndpointClass::Api).requestsPerSecond > 0);

    // Elsewhere: HTTPS unless --insecure says plain HTTP; quay.io is throttled without a profile.
    const auto plain = resolveImage(*ImageReference::parse(QStringLiteral("docker://127.0.0.1:5000/x:1"), &error),
                                    nullptr, true, &error);
    QVERIFY2(plain, qPrintable(error));
    QCOMPARE(plain->registry.url.scheme(), QStringLiteral("http"));
    QVERIFY(plain->registry.insecure);
    const auto secure = resolveImage(*ImageReference::parse(QStringLiteral("docker://quay.io/x/y:1"), &error),
                                     nullptr, false, &error);
    QCOMPARE(secure->registry.url.scheme(), QStringLiteral("https"));
    QVERIFY(secure->registry.rateLimit.budgetFor(EndpointClass::Tags).requestsPerSecond > 0);

    // Unknown registry ids are named.
    QVERIFY(!resolveImage(*ImageReference::parse(QStringLiteral("nowhere/fedora:41"), &error),
                          &fedora, false, &error));
    QVERIFY2(error.contains(QLatin1String("no registry \"nowhere\"")), qPrintable(error));
}

QTEST_APPLESS_MAIN(TestImageReference)
#include "tst_imagereference.moc"
