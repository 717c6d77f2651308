// plan → apply → queue, as a release engineer runs them against real registries (a private
// seeded sandbox the test writes to): the plan is checked against the destination, overwrites
// wait for confirmation, a stale plan is refused item by item, and a process killed in the
// middle of copies leaves no tag half-published and finishes on `queue run`.
#include "jobs/jobqueue.h"
#include "testsandbox.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

class TestCliApply final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void planIsCheckedAgainstTheDestination();
    void applyHoldsOverwritesBackUntilConfirmed();
    void stalePlanIsRefusedItemByItem();
    void killedMidwayFinishesOnQueueRun();
    void badPlansAndLockedQueues();

private:
    struct Run {
        int code = -1;
        QByteArray out;
        QByteArray err;
    };
    Run cli(const QStringList &arguments, int timeoutMs = 180000);
    QProcessEnvironment environment() const;
    QString skopeoDigest(const QString &imageOnRegistry, const QString &server, bool creds);
    QJsonObject planJson(const QString &path) const;
    QString journal() const;

    std::unique_ptr<quayside::test::TestSandbox> m_sandbox;
    QTemporaryDir m_home;
};

void TestCliApply::initTestCase()
{
    QString error;
    m_sandbox = quayside::test::TestSandbox::start({QStringLiteral("registry"), QStringLiteral("candidate"),
                                                    QStringLiteral("quay")},
                                                   true, &error);
    QVERIFY2(m_sandbox, qPrintable(error));
    QVERIFY(m_home.isValid());
}

QProcessEnvironment TestCliApply::environment() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("DISPLAY"));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), m_home.filePath(QStringLiteral("cache")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_home.filePath(QStringLiteral("data")));
    for (const QString &line : m_sandbox->credentialEnvironment())
        env.insert(line.section(u'=', 0, 0), line.section(u'=', 1));
    return env;
}

TestCliApply::Run TestCliApply::cli(const QStringList &arguments, int timeoutMs)
{
    QProcess process;
    process.setProcessEnvironment(environment());
    process.start(qEnvironmentVariable("QUAYSIDE_CLI"),
                  arguments + QStringList{QStringLiteral("--profile"), m_sandbox->profilePath()});
    if (!process.waitForFinished(timeoutMs))
        return {};
    return {process.exitCode(), process.readAllStandardOutput(), process.readAllStandardError()};
}

QJsonObject TestCliApply::planJson(const QString &path) const
{
    QFile file(path);
    file.open(QIODevice::ReadOnly);
    return QJsonDocument::fromJson(file.readAll()).object();
}

QString TestCliApply::journal() const
{
    const QDir jobs(m_home.filePath(QStringLiteral("data/quayside/jobs")));
    const QStringList files = jobs.entryList({QStringLiteral("*.jsonl")}, QDir::Files);
    return files.isEmpty() ? QString() : jobs.filePath(files.first());
}

// The digest skopeo (the independent witness) reads for an image, "" when it cannot.
QString TestCliApply::skopeoDigest(const QString &image, const QString &server, bool creds)
{
    QStringList args{QStringLiteral("inspect"), QStringLiteral("--raw"), QStringLiteral("--tls-verify=false")};
    if (creds)
        args << QStringLiteral("--creds")
             << m_sandbox->username(server) + u':' + m_sandbox->password(server);
    else
        args << QStringLiteral("--no-creds");
    args << QStringLiteral("docker://") + m_sandbox->url(server).authority() + u'/' + image;
    QProcess skopeo;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("REGISTRY_AUTH_FILE"), m_home.filePath(QStringLiteral("auth.json")));
    skopeo.setProcessEnvironment(env);
    skopeo.start(QStringLiteral("skopeo"), args);
    skopeo.waitForFinished(60000);
    if (skopeo.exitCode() != 0)
        return QString();
    return QStringLiteral("sha256:") +
           QString::fromLatin1(QCryptographicHash::hash(skopeo.readAllStandardOutput(), QCryptographicHash::Sha256).toHex());
}

void TestCliApply::planIsCheckedAgainstTheDestination()
{
    const QString path = m_home.filePath(QStringLiteral("plan.json"));
    const Run r = cli({QStringLiteral("plan"), QStringLiteral("--route"), QStringLiteral("registry:quay"),
                       QStringLiteral("-o"), path});
    QVERIFY2(r.code == 0, r.err.constData());
    QVERIFY2(r.out.contains("to copy") && r.out.contains("apply it with"), r.out.constData());
    const QJsonObject plan = planJson(path);
    QCOMPARE(plan.value(QLatin1String("route")).toObject().value(QLatin1String("to")).toString(), QStringLiteral("quay"));
    // Every planted registry→quay drift is planned with the right action.
    QHash<QString, QString> actions;
    for (const QJsonValue v : plan.value(QLatin1String("items")).toArray()) {
        const QJsonObject item = v.toObject();
        actions.insert(item.value(QLatin1String("repository")).toString() + u':' + item.value(QLatin1String("tag")).toString(),
                       item.value(QLatin1String("action")).toString());
        if (item.value(QLatin1String("action")).toString() != QLatin1String("skip")) {
            // Checked against the destination: a dry-run estimate, not a guess.
            const QJsonObject e = item.value(QLatin1String("estimate")).toObject();
            QVERIFY2(e.contains(QLatin1String("bytes")), QJsonDocument(item).toJson().constData());
        }
    }
    const QHash<QString, QString> expected{
        {QStringLiteral("missing"), QStringLiteral("copy")}, {QStringLiteral("differs"), QStringLiteral("overwrite")},
        {QStringLiteral("arch-missing"), QStringLiteral("overwrite")}, {QStringLiteral("sparse"), QStringLiteral("fill")},
        {QStringLiteral("extra"), QStringLiteral("skip")}};
    int checked = 0;
    for (const QJsonValue v : m_sandbox->drift().value(QLatin1String("planted")).toArray()) {
        const QJsonObject p = v.toObject();
        if (p.value(QLatin1String("route")).toString() != QLatin1String("registry:quay"))
            continue;
        const QString key = p.value(QLatin1String("repository")).toString() + u':' + p.value(QLatin1String("tag")).toString();
        QCOMPARE(actions.value(key), expected.value(p.value(QLatin1String("expectedStatus")).toString()));
        ++checked;
    }
    QVERIFY(checked >= 10);
}

void TestCliApply::applyHoldsOverwritesBackUntilConfirmed()
{
    const QString path = m_home.filePath(QStringLiteral("plan.json"));
    // Without --yes, and no terminal to ask on: nothing happens.
    const Run no = cli({QStringLiteral("apply"), path});
    QCOMPARE(no.code, 2);
    QVERIFY2(no.err.contains("--yes"), no.err.constData());
    QVERIFY(journal().isEmpty());

    const QString before = skopeoDigest(QStringLiteral("fedora/fedora-toolbox:41"), QStringLiteral("quay"), true);
    const Run first = cli({QStringLiteral("apply"), path, QStringLiteral("--yes"), QStringLiteral("--format"),
                           QStringLiteral("json")});
    QCOMPARE(first.code, 4); // overwrites held back
    QVERIFY2(first.err.contains("held back") && first.err.contains("fedora-toolbox:41"), first.err.constData());
    const QJsonObject report = QJsonDocument::fromJson(first.out).object();
    const QJsonArray jobs = report.value(QLatin1String("jobs")).toArray();
    QVERIFY(!jobs.isEmpty());
    for (const QJsonValue job : jobs)
        QCOMPARE(job.toObject().value(QLatin1String("state")).toString(), QStringLiteral("done"));
    QCOMPARE(skopeoDigest(QStringLiteral("fedora/fedora-toolbox:41"), QStringLiteral("quay"), true), before);
    // The missing tags arrived, byte for byte.
    QCOMPARE(skopeoDigest(QStringLiteral("fedora/fedora-minimal:40-s390x"), QStringLiteral("quay"), true),
             skopeoDigest(QStringLiteral("fedora-minimal:40-s390x"), QStringLiteral("registry"), false));

    // Confirmed, with backups: every overwrite lands, the replaced image is kept.
    const Run second = cli({QStringLiteral("apply"), path, QStringLiteral("--yes"), QStringLiteral("--allow-overwrite"),
                            QStringLiteral("--backup")});
    QVERIFY2(second.code == 0, second.err.constData());
    QCOMPARE(skopeoDigest(QStringLiteral("fedora/fedora-toolbox:41"), QStringLiteral("quay"), true),
             skopeoDigest(QStringLiteral("fedora-toolbox:41"), QStringLiteral("registry"), false));
    const QString backup = QStringLiteral("fedora/fedora-toolbox:41-backup-") +
                           QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd"));
    QCOMPARE(skopeoDigest(backup, QStringLiteral("quay"), true), before);

    // Nothing drifts on the route any more but what the plan skips on purpose (extra tags).
    const Run compare = cli({QStringLiteral("compare"), QStringLiteral("--route"), QStringLiteral("registry:quay"),
                             QStringLiteral("--only-drift"), QStringLiteral("--format"), QStringLiteral("json")});
    QVERIFY2(compare.code == 0, compare.err.constData());
    for (const QJsonValue row : QJsonDocument::fromJson(compare.out).object().value(QLatin1String("rows")).toArray())
        for (const QJsonValue route : row.toObject().value(QLatin1String("routes")).toArray())
            if (route.toObject().value(QLatin1String("from")).toString() == QLatin1String("registry") &&
                route.toObject().value(QLatin1String("to")).toString() == QLatin1String("quay"))
                QCOMPARE(route.toObject().value(QLatin1String("status")).toString(), QStringLiteral("extra"));

    // queue lists what ran, with results.
    const Run list = cli({QStringLiteral("queue")});
    QCOMPARE(list.code, 0);
    QVERIFY2(list.out.contains("done") && list.out.contains("fedora-toolbox:41"), list.out.constData());
}

void TestCliApply::stalePlanIsRefusedItemByItem()
{
    // Plan the candidate → quay-candidate route, then move a candidate tag before applying.
    const QString path = m_home.filePath(QStringLiteral("stale.json"));
    const Run plan = cli({QStringLiteral("plan"), QStringLiteral("--route"), QStringLiteral("candidate:quay-candidate"),
                          QStringLiteral("-o"), path, QStringLiteral("--no-estimate")});
    QVERIFY2(plan.code == 0, plan.err.constData());
    QVERIFY2(plan.out.contains("gnome-calculator"), plan.out.constData());
    const Run moved = cli({QStringLiteral("copy"), QStringLiteral("candidate/fedora-minimal:40"),
                           QStringLiteral("candidate/gnome-calculator:46.2-1"), QStringLiteral("--allow-overwrite")});
    QVERIFY2(moved.code == 0, moved.err.constData());

    const Run apply = cli({QStringLiteral("apply"), path, QStringLiteral("--yes"), QStringLiteral("--allow-overwrite"),
                           QStringLiteral("--format"), QStringLiteral("json")});
    QCOMPARE(apply.code, 4);
    bool refused = false;
    for (const QJsonValue v : QJsonDocument::fromJson(apply.out).object().value(QLatin1String("jobs")).toArray()) {
        const QJsonObject job = v.toObject();
        const QJsonObject spec = job.value(QLatin1String("spec")).toObject();
        if (spec.value(QLatin1String("tag")).toString() == QLatin1String("46.2-1")) {
            QCOMPARE(job.value(QLatin1String("state")).toString(), QStringLiteral("refused"));
            QVERIFY(job.value(QLatin1String("error")).toString().contains(QLatin1String("as planned")));
            QCOMPARE(job.value(QLatin1String("errorKind")).toString(), QStringLiteral("refused"));
            refused = true;
        } else {
            QCOMPARE(job.value(QLatin1String("state")).toString(), QStringLiteral("done"));
        }
    }
    QVERIFY(refused);
    // The queue's table counts what did not succeed by cause.
    const Run list = cli({QStringLiteral("queue"), QStringLiteral("list")});
    QVERIFY2(list.out.contains("Not done, by cause: 1 refused"), list.out.constData());
    // quay-candidate never got the moved image.
    QCOMPARE(skopeoDigest(QStringLiteral("fedora-candidate/gnome-calculator:46.2-1"), QStringLiteral("quay"), true),
             QString());
}

void TestCliApply::killedMidwayFinishesOnQueueRun()
{
    // Twelve images with 16 MiB layers of their own, pushed by a script that is not Quayside:
    // enough work to be killed in the middle.
    QProcess push;
    push.start(QStringLiteral("python3"),
               {qEnvironmentVariable("QUAYSIDE_BULKREPOS"), m_sandbox->url(QStringLiteral("registry")).toString(),
                QStringLiteral("12"), QStringLiteral("--tags"), QStringLiteral("1"), QStringLiteral("--prefix"),
                QStringLiteral("big/app-"), QStringLiteral("--layer-bytes"), QString::number(16 * 1024 * 1024)});
    QVERIFY(push.waitForFinished(180000));
    QVERIFY2(push.exitCode() == 0, push.readAllStandardError().constData());

    const QString path = m_home.filePath(QStringLiteral("big.json"));
    const Run plan = cli({QStringLiteral("plan"), QStringLiteral("--route"), QStringLiteral("registry:quay"),
                          QStringLiteral("--repository"), QStringLiteral("big/*"), QStringLiteral("-o"), path,
                          QStringLiteral("--no-estimate")});
    QVERIFY2(plan.code == 0, plan.err.constData());
    const QJsonArray items = planJson(path).value(QLatin1String("items")).toArray();
    QCOMPARE(items.size(), 12);

    // The journal holds the earlier tests' jobs too: count from here.
    auto events = [this](const char *kind) {
        QFile file(journal());
        if (!file.open(QIODevice::ReadOnly))
            return 0;
        const QByteArray needle = QByteArray("\"e\":\"") + QByteArray(kind) + QByteArray("\"");
        return static_cast<int>(file.readAll().count(needle));
    };
    const int doneBefore = events("done");
    const int startedBefore = events("started");
    QProcess apply;
    apply.setProcessEnvironment(environment());
    apply.start(qEnvironmentVariable("QUAYSIDE_CLI"),
                {QStringLiteral("apply"), path, QStringLiteral("--yes"), QStringLiteral("--parallel"), QStringLiteral("2"),
                 QStringLiteral("--profile"), m_sandbox->profilePath()});
    QVERIFY(apply.waitForStarted());
    // Kill it (SIGKILL: no handler, no flush) as soon as one copy is done and others run.
    QElapsedTimer waited;
    waited.start();
    while (events("done") - doneBefore < 1 && waited.elapsed() < 120000)
        QTest::qWait(5);
    ::kill(static_cast<pid_t>(apply.processId()), SIGKILL);
    apply.waitForFinished(10000);
    const int started = events("started") - startedBefore;
    const int done = events("done") - doneBefore;
    QVERIFY2(done < 12, "the apply finished before it could be killed: the test proves nothing");

    // Whatever the kill interrupted is either not there or complete: never half-published.
    int present = 0;
    for (const QJsonValue v : items) {
        const QJsonObject item = v.toObject();
        const QString digest = skopeoDigest(QStringLiteral("fedora/") + item.value(QLatin1String("repository")).toString() +
                                                u':' + item.value(QLatin1String("tag")).toString(),
                                            QStringLiteral("quay"), true);
        if (!digest.isEmpty()) {
            QCOMPARE(digest, item.value(QLatin1String("sourceDigest")).toString());
            ++present;
        }
    }
    QVERIFY(present >= done);
    qInfo("killed after %d started, %d done; %d tags present", started, done, present);

    // The journal remembers; queue run finishes the rest (interrupted jobs first, again).
    const Run list = cli({QStringLiteral("queue"), QStringLiteral("--format"), QStringLiteral("json")});
    QCOMPARE(list.code, 0);
    const Run resume = cli({QStringLiteral("queue"), QStringLiteral("run"), QStringLiteral("--format"), QStringLiteral("json")});
    QVERIFY2(resume.code == 0, resume.err.constData());
    int resumed = 0;
    int big = 0;
    for (const QJsonValue v : QJsonDocument::fromJson(resume.out).object().value(QLatin1String("jobs")).toArray()) {
        const QJsonObject job = v.toObject();
        // The journal lists the earlier tests' jobs too.
        if (!job.value(QLatin1String("spec")).toObject().value(QLatin1String("repository")).toString().startsWith(QLatin1String("big/")))
            continue;
        ++big;
        QCOMPARE(job.value(QLatin1String("state")).toString(), QStringLiteral("done"));
        resumed += job.value(QLatin1String("resumed")).toBool() ? 1 : 0;
    }
    QCOMPARE(big, 12);
    QCOMPARE(resumed, started - done);
    for (const QJsonValue v : items) {
        const QJsonObject item = v.toObject();
        QCOMPARE(skopeoDigest(QStringLiteral("fedora/") + item.value(QLatin1String("repository")).toString() + u':' +
                                  item.value(QLatin1String("tag")).toString(),
                              QStringLiteral("quay"), true),
                 item.value(QLatin1String("sourceDigest")).toString());
    }
}

void TestCliApply::badPlansAndLockedQueues()
{
    const QString broken = m_home.filePath(QStringLiteral("broken.json"));
    QFile file(broken);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"version":1,"profile":"Sandbox","route":{"from":"registry","to":"quay"},"items":[{"repository":"fedora","tag":"41","status":"missing","action":"copy","sourceDigest":"sha256:nope"}]})");
    file.close();
    const Run bad = cli({QStringLiteral("apply"), broken, QStringLiteral("--yes")});
    QCOMPARE(bad.code, 2);
    QVERIFY2(bad.err.contains("$.items[0].sourceDigest"), bad.err.constData());

    const Run missing = cli({QStringLiteral("apply"), m_home.filePath(QStringLiteral("nope.json")), QStringLiteral("--yes")});
    QCOMPARE(missing.code, 2);
    QVERIFY2(missing.err.contains("cannot read"), missing.err.constData());

    // Another process holds the queue (here, this test): a second runner is turned away with
    // who holds it, and nothing in the journal changes.
    QVERIFY(!journal().isEmpty());
    QString error;
    quayside::JobQueue holder(journal());
    QVERIFY2(holder.open(&error), qPrintable(error));
    const Run locked = cli({QStringLiteral("queue"), QStringLiteral("run")});
    QCOMPARE(locked.code, 2);
    QVERIFY2(locked.err.contains("another Quayside") &&
                 locked.err.contains(QByteArray::number(QCoreApplication::applicationPid())),
             locked.err.constData());
    // Reading is never locked out.
    const Run list = cli({QStringLiteral("queue"), QStringLiteral("list")});
    QCOMPARE(list.code, 0);
}

QTEST_GUILESS_MAIN(TestCliApply)
#include "tst_cliapply.moc"
