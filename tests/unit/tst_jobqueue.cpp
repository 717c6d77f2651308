// The job journal: what a queue remembers across processes and crashes. Events are folded back
// into states; a job that was running when its process died is queued again; a torn last line is
// skipped with a warning; only one writer at a time; forgetting rewrites the journal whole.
#include "jobs/copyengine.h"
#include "jobs/jobqueue.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace quayside;

namespace {

JobSpec spec(const QString &tag, PlanAction action = PlanAction::Copy)
{
    JobSpec s;
    s.route = Route{QStringLiteral("registry"), QStringLiteral("quay"), RouteKind::Migrate};
    s.repository = QStringLiteral("fedora");
    s.tag = tag;
    s.action = action;
    s.sourceDigest = QStringLiteral("sha256:") + QString(64, u'a');
    return s;
}

Result<CopyReport> done()
{
    CopyReport r;
    r.digest = *Digest::parse(QStringLiteral("sha256:") + QString(64, u'a'));
    r.tagMoved = true;
    r.blobsCopied = 3;
    r.bytesCopied = 1234;
    return r;
}

Result<CopyReport> failed(RegistryError::Kind kind)
{
    RegistryError e;
    e.kind = kind;
    e.registry = QStringLiteral("quay");
    e.repository = QStringLiteral("fedora/fedora");
    e.message = QStringLiteral("boom");
    return e;
}

} // namespace

class TestJobQueue final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void lifecycleSurvivesReopening();
    void runningJobsAreQueuedAgainAfterACrash();
    void tornLastLineIsSkipped();
    void oneWriterAtATime();
    void retryCancelForget();
    void failuresAreGroupedByCause();

private:
    QString journal() const { return m_dir->filePath(QStringLiteral("jobs/test.jsonl")); }
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestJobQueue::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestJobQueue::lifecycleSurvivesReopening()
{
    QString error;
    {
        JobQueue q(journal());
        QVERIFY2(q.open(&error), qPrintable(error));
        const auto a = q.enqueue(spec(QStringLiteral("41")), &error);
        const auto b = q.enqueue(spec(QStringLiteral("42")), &error);
        const auto c = q.enqueue(spec(QStringLiteral("43")), &error);
        QVERIFY(a && b && c);
        const auto first = q.startNext(&error);
        QVERIFY(first);
        QCOMPARE(first->id, *a);
        QCOMPARE(first->attempts, 1);
        QVERIFY(q.finish(*a, done(), &error));
        const auto second = q.startNext(&error);
        QVERIFY(q.finish(second->id, failed(RegistryError::Kind::Refused), &error));
        QCOMPARE(q.count(JobState::Done), 1);
        QCOMPARE(q.count(JobState::Refused), 1);
        QCOMPARE(q.count(JobState::Queued), 1);
    }
    JobQueue again(journal());
    QVERIFY2(again.load(&error), qPrintable(error));
    QVERIFY(again.warnings().isEmpty());
    QCOMPARE(again.jobs().size(), std::size_t(3));
    QCOMPARE(toString(again.jobs()[0].state), toString(JobState::Done));
    QCOMPARE(again.jobs()[0].result.bytesCopied, qint64(1234));
    QCOMPARE(again.jobs()[0].result.blobsCopied, 3);
    QCOMPARE(toString(again.jobs()[1].state), toString(JobState::Refused));
    QVERIFY(again.jobs()[1].error.contains(QLatin1String("boom")));
    QCOMPARE(toString(again.jobs()[2].state), toString(JobState::Queued));
    QCOMPARE(again.jobs()[2].spec.tag, QStringLiteral("43"));
    QVERIFY(!again.isWritable());
    QVERIFY(!again.enqueue(spec(QStringLiteral("44")), &error));
}

void TestJobQueue::runningJobsAreQueuedAgainAfterACrash()
{
    QString error;
    auto q = std::make_unique<JobQueue>(journal());
    QVERIFY(q->open(&error));
    q->enqueue(spec(QStringLiteral("41")));
    QVERIFY(q->startNext(&error));
    // The process dies here: no "done", no "ended". (Releasing the lock stands for its death.)
    q.reset();

    JobQueue reader(journal());
    QVERIFY(reader.load(&error));
    QCOMPARE(toString(reader.jobs().front().state), toString(JobState::Running));

    JobQueue next(journal());
    QVERIFY2(next.open(&error), qPrintable(error));
    QCOMPARE(toString(next.jobs().front().state), toString(JobState::Queued));
    QVERIFY(next.jobs().front().resumed);
    const auto resumed = next.startNext(&error);
    QVERIFY(resumed);
    QCOMPARE(resumed->attempts, 2);
}

void TestJobQueue::tornLastLineIsSkipped()
{
    QString error;
    {
        JobQueue q(journal());
        QVERIFY(q.open(&error));
        q.enqueue(spec(QStringLiteral("41")));
        q.enqueue(spec(QStringLiteral("42")));
    }
    QFile file(journal());
    QVERIFY(file.open(QIODevice::Append));
    file.write(R"({"e":"started","id":"j)"); // the crash cut the line short
    file.close();
    JobQueue q(journal());
    QVERIFY2(q.open(&error), qPrintable(error));
    QCOMPARE(q.jobs().size(), std::size_t(2));
    QCOMPARE(q.warnings().size(), 1);
    QVERIFY2(q.warnings().front().contains(QLatin1String("cut short")), qPrintable(q.warnings().front()));
    // The journal goes on after it.
    QVERIFY(q.enqueue(spec(QStringLiteral("43")), &error));
    JobQueue reader(journal());
    QVERIFY(reader.load(&error));
    QCOMPARE(reader.jobs().size(), std::size_t(3));
}

void TestJobQueue::oneWriterAtATime()
{
    QString error;
    JobQueue first(journal());
    QVERIFY(first.open(&error));
    JobQueue second(journal());
    QVERIFY(!second.open(&error));
    QVERIFY2(error.contains(QLatin1String("another Quayside")), qPrintable(error));
    QVERIFY(second.load(&error)); // reading is always possible
}

void TestJobQueue::retryCancelForget()
{
    QString error;
    JobQueue q(journal());
    QVERIFY(q.open(&error));
    const auto a = *q.enqueue(spec(QStringLiteral("41")));
    const auto b = *q.enqueue(spec(QStringLiteral("42")));
    const auto c = *q.enqueue(spec(QStringLiteral("43")));
    q.startNext();
    QVERIFY(q.finish(a, failed(RegistryError::Kind::Server)));
    QCOMPARE(toString(q.find(a)->state), toString(JobState::Failed));
    QVERIFY(!q.retry(b, &error)); // queued: nothing to retry
    QVERIFY(q.retry(a, &error));
    QCOMPARE(toString(q.find(a)->state), toString(JobState::Queued));
    QVERIFY(q.cancel(c, &error));
    QCOMPARE(toString(q.find(c)->state), toString(JobState::Cancelled));
    QVERIFY(!q.cancel(c, &error));
    q.startNext();
    QVERIFY(q.finish(a, done()));
    q.startNext();
    QVERIFY(q.finish(b, failed(RegistryError::Kind::Network)));

    QCOMPARE(q.forget(false, &error), 2); // done a, cancelled c
    QCOMPARE(q.jobs().size(), std::size_t(1));
    QCOMPARE(q.forget(true, &error), 1); // failed b
    QVERIFY(q.jobs().empty());
    QVERIFY(q.enqueue(spec(QStringLiteral("44")), &error));
    JobQueue reader(journal());
    QVERIFY(reader.load(&error));
    QCOMPARE(reader.jobs().size(), std::size_t(1));
    QCOMPARE(reader.jobs().front().spec.tag, QStringLiteral("44"));
}

void TestJobQueue::failuresAreGroupedByCause()
{
    QString error;
    JobQueue q(journal());
    QVERIFY(q.open(&error));
    const RegistryError::Kind kinds[] = {RegistryError::Kind::Auth, RegistryError::Kind::Throttled,
                                         RegistryError::Kind::Auth, RegistryError::Kind::Refused};
    for (int i = 0; i < 4; ++i) {
        const auto id = *q.enqueue(spec(QString::number(40 + i)));
        q.startNext();
        QVERIFY(q.finish(id, failed(kinds[i])));
    }
    const auto ok = *q.enqueue(spec(QStringLiteral("44")));
    q.startNext();
    QVERIFY(q.finish(ok, done()));

    // The kinds survive the journal; a retried job forgets its old cause.
    JobQueue reader(journal());
    QVERIFY(reader.load(&error));
    FailureCauses causes;
    for (const Job &job : reader.jobs())
        causes.add(job);
    QCOMPARE(causes.text(), QStringLiteral("2 not authorised, 1 refused, 1 throttled"));
    QCOMPARE(toJson(reader.jobs().front()).value(QLatin1String("errorKind")).toString(), QStringLiteral("not authorised"));
    QVERIFY(q.retry(q.jobs().front().id, &error));
    QVERIFY(q.jobs().front().errorKind.isEmpty());
    FailureCauses none;
    none.add(*q.find(ok));
    QVERIFY(none.isEmpty());
}

QTEST_GUILESS_MAIN(TestJobQueue)
#include "tst_jobqueue.moc"
