#include "jobqueue.h"

#include "jobs/copyengine.h"
#include "support/durablefile.h"
#include "support/logging.h"
#include "support/paths.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>


namespace quayside {
namespace {

QString now()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

QDateTime at(const QJsonObject &event)
{
    return QDateTime::fromString(event.value(QLatin1String("at")).toString(), Qt::ISODateWithMs);
}

QJsonObject resultJson(const JobResult &r)
{
    return {{QStringLiteral("digest"), r.digest},
            {QStringLiteral("tagMoved"), r.tagMoved},
            {QStringLiteral("manifestsPushed"), r.manifestsPushed},
            {QStringLiteral("blobsCopied"), r.blobsCopied},
            {QStringLiteral("blobsMounted"), r.blobsMounted},
            {QStringLiteral("blobsPresent"), r.blobsPresent},
            {QStringLiteral("bytesCopied"), r.bytesCopied}};
}

JobResult resultFrom(const QJsonObject &o)
{
    JobResult r;
    r.digest = o.value(QLatin1String("digest")).toString();
    r.tagMoved = o.value(QLatin1String("tagMoved")).toBool();
    r.manifestsPushed = o.value(QLatin1String("manifestsPushed")).toInt();
    r.blobsCopied = o.value(QLatin1String("blobsCopied")).toInt();
    r.blobsMounted = o.value(QLatin1String("blobsMounted")).toInt();
    r.blobsPresent = o.value(QLatin1String("blobsPresent")).toInt();
    r.bytesCopied = o.value(QLatin1String("bytesCopied")).toInteger();
    return r;
}

// The events that bring a job to its present state, for rewriting a compacted journal.
std::vector<QJsonObject> eventsOf(const Job &job)
{
    std::vector<QJsonObject> events;
    events.push_back({{QStringLiteral("e"), QStringLiteral("queued")},
                      {QStringLiteral("id"), job.id},
                      {QStringLiteral("at"), job.queuedAt.toString(Qt::ISODateWithMs)},
                      {QStringLiteral("spec"), toJson(job.spec)},
                      {QStringLiteral("attempts"), job.attempts}});
    if (job.state == JobState::Done)
        events.push_back({{QStringLiteral("e"), QStringLiteral("done")},
                          {QStringLiteral("id"), job.id},
                          {QStringLiteral("at"), job.finishedAt.toString(Qt::ISODateWithMs)},
                          {QStringLiteral("result"), resultJson(job.result)}});
    else if (isFinished(job.state))
        events.push_back({{QStringLiteral("e"), QStringLiteral("ended")},
                          {QStringLiteral("id"), job.id},
                          {QStringLiteral("at"), job.finishedAt.toString(Qt::ISODateWithMs)},
                          {QStringLiteral("state"), toString(job.state)},
                          {QStringLiteral("error"), job.error}});
    return events;
}

} // namespace

QString JobQueue::journalFor(const Profile &profile)
{
    return paths::dataDir() + QStringLiteral("/jobs/") + profile.storageKey() +
           QStringLiteral(".jsonl");
}

JobQueue::JobQueue(QString journalPath)
    : m_path(std::move(journalPath))
    , m_file(m_path)
{
}

JobQueue::~JobQueue()
{
    m_file.close();
    if (m_lock)
        m_lock->unlock();
}

bool JobQueue::load(QString *error)
{
    return fold(error);
}

bool JobQueue::open(QString *error)
{
    if (!QDir().mkpath(QFileInfo(m_path).absolutePath())) {
        if (error)
            *error = QStringLiteral("cannot create %1").arg(QFileInfo(m_path).absolutePath());
        return false;
    }
    m_lock = std::make_unique<QLockFile>(m_path + QStringLiteral(".lock"));
    m_lock->setStaleLockTime(0); // stale only when its process is gone, however long it runs
    if (!m_lock->tryLock(0)) {
        qint64 pid = 0;
        QString host, app;
        m_lock->getLockInfo(&pid, &host, &app);
        if (error)
            *error = m_lock->error() == QLockFile::LockFailedError
                         ? QStringLiteral("another Quayside (pid %1 on %2) is running these jobs; "
                                          "wait for it or stop it")
                               .arg(pid)
                               .arg(host)
                         : QStringLiteral("cannot lock %1").arg(m_path + QStringLiteral(".lock"));
        m_lock.reset();
        return false;
    }
    if (!fold(error))
        return false;
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::Append)) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(m_path, m_file.errorString());
        return false;
    }
    // A crash mid-append leaves a line without its newline: end it, or the next event would be
    // glued to it and lost.
    if (durable::endsMidLine(m_path) && !durable::append(m_file, "\n", error))
        return false;
    // What was running when the last process stopped runs again, from the start: a copy skips
    // what the destination already holds and moves its tag last.
    for (Job &job : m_jobs) {
        if (job.state != JobState::Running)
            continue;
        if (!append({{QStringLiteral("e"), QStringLiteral("requeued")},
                     {QStringLiteral("id"), job.id},
                     {QStringLiteral("at"), now()},
                     {QStringLiteral("resumed"), true}},
                    error))
            return false;
        job.state = JobState::Queued;
        job.resumed = true;
        log::jobs()->info("{} {} was interrupted; queued again", job.id, job.spec.label());
    }
    return true;
}

bool JobQueue::fold(QString *error)
{
    m_jobs.clear();
    m_warnings.clear();
    QFile file(m_path);
    if (!file.exists())
        return true;
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("cannot read %1: %2").arg(m_path, file.errorString());
        return false;
    }
    int lineNumber = 0;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine();
        ++lineNumber;
        if (line.trimmed().isEmpty())
            continue;
        const QJsonObject e = QJsonDocument::fromJson(line).object();
        const QString kind = e.value(QLatin1String("e")).toString();
        const QString id = e.value(QLatin1String("id")).toString();
        if (e.isEmpty() || kind.isEmpty() || id.isEmpty()) {
            // A crash mid-append leaves a torn last line; anything else is damage worth telling.
            m_warnings << QStringLiteral("%1:%2: unreadable journal line skipped%3")
                              .arg(m_path)
                              .arg(lineNumber)
                              .arg(file.atEnd() ? QStringLiteral(" (cut short by a crash)") : QString());
            continue;
        }
        if (kind == QLatin1String("queued")) {
            QString why;
            const auto spec = jobSpecFromJson(e.value(QLatin1String("spec")).toObject(), &why);
            if (!spec) {
                m_warnings << QStringLiteral("%1:%2: job %3 skipped: %4").arg(m_path).arg(lineNumber).arg(id, why);
                continue;
            }
            Job job;
            job.id = id;
            job.spec = *spec;
            job.queuedAt = at(e);
            job.attempts = e.value(QLatin1String("attempts")).toInt();
            m_jobs.push_back(std::move(job));
            continue;
        }
        Job *job = mutableFind(id);
        if (!job) {
            m_warnings << QStringLiteral("%1:%2: event for unknown job %3").arg(m_path).arg(lineNumber).arg(id);
            continue;
        }
        if (kind == QLatin1String("started")) {
            job->state = JobState::Running;
            job->startedAt = at(e);
            job->attempts = e.value(QLatin1String("attempt")).toInt(job->attempts + 1);
        } else if (kind == QLatin1String("done")) {
            job->state = JobState::Done;
            job->finishedAt = at(e);
            job->error.clear();
            job->errorKind.clear();
            job->result = resultFrom(e.value(QLatin1String("result")).toObject());
        } else if (kind == QLatin1String("ended")) {
            job->state = jobStateFromString(e.value(QLatin1String("state")).toString()).value_or(JobState::Failed);
            job->finishedAt = at(e);
            job->error = e.value(QLatin1String("error")).toString();
            job->errorKind = e.value(QLatin1String("errorKind")).toString();
        } else if (kind == QLatin1String("requeued")) {
            job->state = JobState::Queued;
            job->resumed = e.value(QLatin1String("resumed")).toBool();
            job->error.clear();
            job->errorKind.clear();
        } else {
            m_warnings << QStringLiteral("%1:%2: unknown event \"%3\"").arg(m_path).arg(lineNumber).arg(kind);
        }
    }
    for (const QString &w : std::as_const(m_warnings))
        log::jobs()->warn("{}", w);
    return true;
}

bool JobQueue::append(const QJsonObject &event, QString *error)
{
    if (!m_file.isOpen()) {
        if (error)
            *error = QStringLiteral("the job journal is open for reading only");
        return false;
    }
    // Durable before anything relies on it: a copy starts only once "started" is on disk.
    return durable::append(m_file, QJsonDocument(event).toJson(QJsonDocument::Compact) + '\n', error);
}

Job *JobQueue::mutableFind(const QString &id)
{
    for (Job &job : m_jobs)
        if (job.id == id)
            return &job;
    return nullptr;
}

const Job *JobQueue::find(const QString &id) const
{
    for (const Job &job : m_jobs)
        if (job.id == id)
            return &job;
    return nullptr;
}

int JobQueue::count(JobState state) const
{
    int n = 0;
    for (const Job &job : m_jobs)
        n += job.state == state ? 1 : 0;
    return n;
}

std::optional<QString> JobQueue::enqueue(const JobSpec &spec, QString *error)
{
    Job job;
    job.id = QStringLiteral("j%1-%2")
                 .arg(QString::number(QDateTime::currentMSecsSinceEpoch(), 36))
                 .arg(++m_sequence);
    job.spec = spec;
    job.queuedAt = QDateTime::currentDateTimeUtc();
    if (!append({{QStringLiteral("e"), QStringLiteral("queued")},
                 {QStringLiteral("id"), job.id},
                 {QStringLiteral("at"), job.queuedAt.toString(Qt::ISODateWithMs)},
                 {QStringLiteral("spec"), toJson(spec)}},
                error))
        return std::nullopt;
    m_jobs.push_back(job);
    return job.id;
}

std::optional<Job> JobQueue::startNext(QString *error)
{
    for (Job &job : m_jobs) {
        if (job.state != JobState::Queued)
            continue;
        const QDateTime started = QDateTime::currentDateTimeUtc();
        if (!append({{QStringLiteral("e"), QStringLiteral("started")},
                     {QStringLiteral("id"), job.id},
                     {QStringLiteral("at"), started.toString(Qt::ISODateWithMs)},
                     {QStringLiteral("attempt"), job.attempts + 1}},
                    error))
            return std::nullopt;
        job.state = JobState::Running;
        job.startedAt = started;
        ++job.attempts;
        return job;
    }
    return std::nullopt;
}

bool JobQueue::finish(const QString &id, const Result<CopyReport> &outcome, QString *error)
{
    Job *job = mutableFind(id);
    if (!job) {
        if (error)
            *error = QStringLiteral("no job %1").arg(id);
        return false;
    }
    const QDateTime ended = QDateTime::currentDateTimeUtc();
    if (outcome.ok()) {
        JobResult r;
        r.digest = outcome->digest.toString();
        r.tagMoved = outcome->tagMoved;
        r.manifestsPushed = outcome->manifestsPushed;
        r.blobsCopied = outcome->blobsCopied;
        r.blobsMounted = outcome->blobsMounted;
        r.blobsPresent = outcome->blobsPresent;
        r.bytesCopied = outcome->bytesCopied;
        if (!append({{QStringLiteral("e"), QStringLiteral("done")},
                     {QStringLiteral("id"), id},
                     {QStringLiteral("at"), ended.toString(Qt::ISODateWithMs)},
                     {QStringLiteral("result"), resultJson(r)}},
                    error))
            return false;
        job->state = JobState::Done;
        job->result = r;
        job->error.clear();
        job->errorKind.clear();
    } else {
        const auto kind = outcome.error().kind;
        const JobState state = kind == RegistryError::Kind::Refused     ? JobState::Refused
                               : kind == RegistryError::Kind::Cancelled ? JobState::Cancelled
                                                                        : JobState::Failed;
        if (!append({{QStringLiteral("e"), QStringLiteral("ended")},
                     {QStringLiteral("id"), id},
                     {QStringLiteral("at"), ended.toString(Qt::ISODateWithMs)},
                     {QStringLiteral("state"), toString(state)},
                     {QStringLiteral("error"), outcome.errorText()},
                     {QStringLiteral("errorKind"), toString(kind)}},
                    error))
            return false;
        job->state = state;
        job->error = outcome.errorText();
        job->errorKind = toString(kind);
    }
    job->finishedAt = ended;
    return true;
}

bool JobQueue::retry(const QString &id, QString *error)
{
    Job *job = mutableFind(id);
    if (!job || !isFinished(job->state) || job->state == JobState::Done) {
        if (error)
            *error = job ? QStringLiteral("job %1 is %2: only failed, refused or cancelled jobs "
                                          "are retried")
                               .arg(id, toString(job->state))
                         : QStringLiteral("no job %1").arg(id);
        return false;
    }
    if (!append({{QStringLiteral("e"), QStringLiteral("requeued")},
                 {QStringLiteral("id"), id},
                 {QStringLiteral("at"), now()}},
                error))
        return false;
    job->state = JobState::Queued;
    job->resumed = false;
    job->error.clear();
    job->errorKind.clear();
    return true;
}

bool JobQueue::cancel(const QString &id, QString *error)
{
    Job *job = mutableFind(id);
    if (!job || job->state != JobState::Queued) {
        if (error)
            *error = job ? QStringLiteral("job %1 is %2, not queued").arg(id, toString(job->state))
                         : QStringLiteral("no job %1").arg(id);
        return false;
    }
    if (!append({{QStringLiteral("e"), QStringLiteral("ended")},
                 {QStringLiteral("id"), id},
                 {QStringLiteral("at"), now()},
                 {QStringLiteral("state"), toString(JobState::Cancelled)},
                 {QStringLiteral("error"), QStringLiteral("cancelled before it started")}},
                error))
        return false;
    job->state = JobState::Cancelled;
    job->error = QStringLiteral("cancelled before it started");
    job->finishedAt = QDateTime::currentDateTimeUtc();
    return true;
}

int JobQueue::forget(bool includingFailures, QString *error)
{
    if (!m_file.isOpen()) {
        if (error)
            *error = QStringLiteral("the job journal is open for reading only");
        return -1;
    }
    std::vector<Job> kept;
    for (const Job &job : m_jobs) {
        const bool drop = job.state == JobState::Done || job.state == JobState::Cancelled ||
                          (includingFailures && isFinished(job.state));
        if (!drop)
            kept.push_back(job);
    }
    const int dropped = static_cast<int>(m_jobs.size() - kept.size());
    if (dropped == 0)
        return 0;
    // Rewritten whole and swapped in atomically: the journal is never half a journal.
    QSaveFile out(m_path);
    if (!out.open(QIODevice::WriteOnly)) {
        if (error)
            *error = QStringLiteral("cannot rewrite %1: %2").arg(m_path, out.errorString());
        return -1;
    }
    for (const Job &job : kept)
        for (const QJsonObject &event : eventsOf(job))
            out.write(QJsonDocument(event).toJson(QJsonDocument::Compact) + '\n');
    m_file.close();
    if (!out.commit()) {
        if (error)
            *error = QStringLiteral("cannot rewrite %1: %2").arg(m_path, out.errorString());
        m_file.open(QIODevice::WriteOnly | QIODevice::Append);
        return -1;
    }
    m_jobs = std::move(kept);
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::Append)) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(m_path, m_file.errorString());
        return -1;
    }
    return dropped;
}

} // namespace quayside
