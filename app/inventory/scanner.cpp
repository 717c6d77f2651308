#include "scanner.h"

#include "registry/mediatypes.h"
#include "registry/registryclient.h"
#include "registry/transport.h"
#include "support/logging.h"

#include <QBuffer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaObject>
#include <QSet>

#include <deque>
#include <functional>

namespace quayside {
namespace {

// Config blobs are small JSON; anything bigger is not worth fetching just for a platform.
constexpr qint64 kMaxConfigBytes = 1024 * 1024;
constexpr qint64 kProgressIntervalMs = 100;

ManifestFacts factsOf(const Manifest &m)
{
    ManifestFacts f;
    f.mediaType = m.mediaType;
    f.isIndex = m.isIndex();
    QSet<QString> platforms;
    for (const Descriptor &child : m.manifests) {
        f.children << child.digest;
        const Platform p = child.platform.value_or(Platform());
        // Attestation entries (buildx's "unknown/unknown") are not platforms of the image.
        const bool real = !p.isEmpty() && p.os != QLatin1String("unknown");
        f.childPlatforms << (real ? p.toString() : QString());
        f.rawPlatforms << p.rawString();
        if (real)
            platforms.insert(p.toString());
    }
    if (m.isLegacy() && !m.schema1Architecture.isEmpty())
        platforms.insert(Platform::fromRaw(QStringLiteral("linux"), m.schema1Architecture, {}).toString());
    f.platforms = QStringList(platforms.cbegin(), platforms.cend());
    f.platforms.sort();
    return f;
}

} // namespace

// One registry's share of a scan: a bounded queue of requests, so a registry with 100k tags
// never has 100k requests (and their memory) outstanding at once.
class Scanner::RegistryScan final
{
public:
    using Task = std::function<void(std::function<void()> done)>;

    RegistryScan(Scanner *owner, const RegistryConfig &config, const Snapshot *previous)
        : m_owner(owner)
        , m_config(config)
        , m_previous(previous)
        , m_client(std::make_unique<RegistryClient>(config, owner->m_transport))
    {
        m_snapshot.registryId = config.id;
        m_snapshot.registryUrl = config.location();
        m_snapshot.deep = owner->m_options.deep;
    }

    RegistryClient &client() { return *m_client; }
    Snapshot &snapshot() { return m_snapshot; }
    const RegistryConfig &config() const { return m_config; }
    bool isDone() const { return m_done; }

    qint64 repositoriesKnown = 0;
    qint64 repositoriesDone = 0;
    qint64 tagsKnown = 0;
    qint64 tagsDone = 0;

    void start()
    {
        m_snapshot.takenAt = QDateTime::currentDateTimeUtc();
        if (m_config.kind == RegistryKind::Quay)
            listQuay();
        else
            listDistribution();
    }

    void cancel()
    {
        m_queue.clear();
        m_client->cancelAll();
    }

private:
    void submit(Task task)
    {
        m_queue.push_back(std::move(task));
        pump();
    }

    void pump()
    {
        while (m_inFlight < m_owner->m_options.inFlightPerRegistry && !m_queue.empty()) {
            Task task = std::move(m_queue.front());
            m_queue.pop_front();
            ++m_inFlight;
            task([this] {
                --m_inFlight;
                m_owner->reportProgress();
                pump();
                maybeFinish();
            });
        }
    }

    void maybeFinish()
    {
        if (m_done || m_inFlight > 0 || !m_queue.empty() || !m_listed)
            return;
        if (!m_finalised) {
            m_finalised = true;
            finalise();
            if (m_inFlight > 0 || !m_queue.empty())
                return;
        }
        m_done = true;
        // Fill in what the listing did not say, from facts learnt anywhere in the scan.
        for (auto &[name, repository] : m_snapshot.repositories)
            for (auto &[tag, entry] : repository.tags)
                if (const ManifestFacts *f = m_owner->knownFacts(entry.digest)) {
                    if (entry.mediaType.isEmpty())
                        entry.mediaType = f->mediaType;
                    m_snapshot.manifests.insert(entry.digest, *f);
                }
        QMetaObject::invokeMethod(m_owner, [owner = m_owner, this] { owner->registryDone(this); },
                                  Qt::QueuedConnection);
    }

    // ---- distribution: _catalog, tags/list, HEAD ----

    void listDistribution()
    {
        submit([this](auto done) {
            m_client->catalog([this, done](Result<QStringList> names) {
                m_listed = true;
                if (!names.ok()) {
                    m_snapshot.error = names.errorText();
                    done();
                    return;
                }
                for (const QString &name : names.value()) {
                    const auto logical = m_config.logicalFor(name);
                    if (logical && m_owner->m_profile.includesRepository(*logical))
                        listDistributionTags(*logical, name);
                }
                done();
            });
        });
    }

    void listDistributionTags(const QString &logical, const QString &name)
    {
        ++repositoriesKnown;
        m_snapshot.repositories[logical];
        submit([this, logical, name](auto done) {
            m_client->listTags(name, [this, logical, name, done](Result<QStringList> tags) {
                ++repositoriesDone;
                RepositorySnapshot &repository = m_snapshot.repositories[logical];
                if (!tags.ok()) {
                    repository.error = tags.errorText();
                    done();
                    return;
                }
                tagsKnown += tags->size();
                for (const QString &tag : tags.value()) {
                    const TagEntry *before = m_previous ? m_previous->tag(logical, tag) : nullptr;
                    if (!m_owner->m_options.deep && before && before->error.isEmpty() &&
                        !m_owner->m_profile.isMutableTag(tag)) {
                        repository.tags[tag] = *before;
                        ++tagsDone;
                        needFacts(name, before->digest, before->mediaType);
                        continue;
                    }
                    head(logical, name, tag);
                }
                done();
            });
        });
    }

    void head(const QString &logical, const QString &name, const QString &tag)
    {
        submit([this, logical, name, tag](auto done) {
            m_client->headManifest(name, tag, [this, logical, name, tag, done](Result<ManifestHead> head) {
                ++tagsDone;
                TagEntry &entry = m_snapshot.repositories[logical].tags[tag];
                if (!head.ok()) {
                    entry.error = head.errorText();
                } else {
                    entry.digest = head->digest.toString();
                    entry.mediaType = head->mediaType;
                    needFacts(name, entry.digest, entry.mediaType);
                }
                done();
            });
        });
    }

    // ---- quay: REST API ----

    void listQuay()
    {
        // "fedora/" → namespace "fedora"; "fedora-testing/flatpak/" → "fedora-testing", and only
        // repositories under "flatpak/".
        const QString ns = m_config.prefix.section(u'/', 0, 0);
        const QString below = m_config.prefix.mid(ns.size() + 1);
        submit([this, ns, below](auto done) {
            m_client->quayRepositories(ns, [this, ns, below, done](Result<std::vector<QuayRepository>> repos) {
                m_listed = true;
                if (!repos.ok()) {
                    m_snapshot.error = repos.errorText();
                    done();
                    return;
                }
                for (const QuayRepository &repo : repos.value()) {
                    const auto logical = m_config.logicalFor(repo.fullName());
                    if (logical && m_owner->m_profile.includesRepository(*logical))
                        listQuayTags(*logical, repo.fullName());
                }
                done();
            });
        });
    }

    void listQuayTags(const QString &logical, const QString &name)
    {
        ++repositoriesKnown;
        m_snapshot.repositories[logical];
        submit([this, logical, name](auto done) {
            m_client->quayTags(name, [this, logical, name, done](Result<std::vector<QuayTag>> tags) {
                ++repositoriesDone;
                RepositorySnapshot &repository = m_snapshot.repositories[logical];
                if (!tags.ok()) {
                    repository.error = tags.errorText();
                    done();
                    return;
                }
                tagsKnown += static_cast<qint64>(tags->size());
                tagsDone += static_cast<qint64>(tags->size());
                for (const QuayTag &tag : tags.value()) {
                    TagEntry entry;
                    entry.digest = tag.digest.toString();
                    entry.lastModified = tag.lastModified;
                    // The REST API says "list or not", not which kind: facts will tell.
                    repository.tags[tag.name] = entry;
                    if (tag.isManifestList)
                        needFacts(name, entry.digest, QString(mediatype::OciIndex));
                }
                done();
            });
        });
    }

    // ---- manifest facts (by digest, cached across registries and scans) ----

    void needFacts(const QString &name, const QString &digest, const QString &mediaType)
    {
        if (digest.isEmpty() || !isIndexMediaType(mediaType) || m_owner->knownFacts(digest) ||
            m_requested.contains(digest))
            return;
        m_requested.insert(digest);
        fetchFacts(name, digest, false);
    }

    void fetchFacts(const QString &name, const QString &digest, bool withConfig)
    {
        submit([this, name, digest, withConfig](auto done) {
            m_client->getManifest(name, digest, [this, name, digest, withConfig, done](Result<Manifest> m) {
                if (!m.ok()) {
                    log::scan()->warn("{}", m.errorText());
                    done();
                    return;
                }
                ManifestFacts facts = factsOf(m.value());
                const std::optional<Descriptor> config = m->config;
                if (!withConfig || m->isIndex() || !config || !config->hasValidDigest() ||
                    config->size <= 0 || config->size > kMaxConfigBytes) {
                    m_owner->learnFacts(digest, std::move(facts));
                    done();
                    return;
                }
                fetchPlatform(name, digest, std::move(facts), *config, done);
            });
        });
    }

    void fetchPlatform(const QString &name, const QString &digest, ManifestFacts facts,
                       const Descriptor &config, std::function<void()> done)
    {
        auto buffer = std::make_shared<QBuffer>();
        buffer->open(QIODevice::ReadWrite);
        m_client->getBlob(name, *Digest::parse(config.digest), config.size, buffer.get(),
                          [this, digest, facts, buffer, done](Result<qint64> got) mutable {
                              if (got.ok()) {
                                  const QJsonObject o = QJsonDocument::fromJson(buffer->data()).object();
                                  const Platform p = Platform::fromRaw(
                                      o.value(QLatin1String("os")).toString(),
                                      o.value(QLatin1String("architecture")).toString(),
                                      o.value(QLatin1String("variant")).toString());
                                  if (!p.isEmpty())
                                      facts.platforms = QStringList{p.toString()};
                              }
                              m_owner->learnFacts(digest, std::move(facts));
                              done();
                          });
    }

    // After every tag is known: the platforms of images no index describes, and whether each
    // index's children are really there (an index whose children are missing is "sparse").
    void finalise()
    {
        // child digest → its platform, from every index this registry's tags point at.
        QHash<QString, QString> describedBy;
        for (const auto &[logical, repository] : m_snapshot.repositories)
            for (const auto &[tag, entry] : repository.tags)
                if (const ManifestFacts *f = m_owner->knownFacts(entry.digest); f && f->isIndex)
                    for (qsizetype i = 0; i < f->children.size(); ++i)
                        describedBy.insert(f->children.at(i), f->childPlatforms.value(i));

        for (auto &[logical, repository] : m_snapshot.repositories) {
            if (!repository.error.isEmpty())
                continue;
            const QString name = m_config.repositoryFor(logical);
            QSet<QString> held;
            for (const auto &[tag, entry] : repository.tags)
                held.insert(entry.digest);
            QSet<QString> checked;
            for (const auto &[tag, entry] : repository.tags) {
                if (entry.digest.isEmpty())
                    continue;
                const ManifestFacts *f = m_owner->knownFacts(entry.digest);
                if (!f && !isIndexMediaType(entry.mediaType) && !m_requested.contains(entry.digest)) {
                    const QString platform = describedBy.value(entry.digest);
                    m_requested.insert(entry.digest);
                    if (!platform.isEmpty()) {
                        ManifestFacts image;
                        image.mediaType = entry.mediaType;
                        image.platforms = QStringList{platform};
                        if (!image.mediaType.isEmpty()) {
                            m_owner->learnFacts(entry.digest, image);
                            continue;
                        }
                    }
                    fetchFacts(name, entry.digest, platform.isEmpty());
                    continue;
                }
                if (!f || !f->isIndex)
                    continue;
                for (const QString &child : f->children) {
                    if (held.contains(child) || checked.contains(child))
                        continue;
                    checked.insert(child);
                    checkChild(logical, name, entry.digest, child);
                }
            }
        }
    }

    void checkChild(const QString &logical, const QString &name, const QString &index,
                    const QString &child)
    {
        // Fast rescans trust the last deep look at the same index in the same repository.
        if (!m_owner->m_options.deep && m_previous) {
            const auto r = m_previous->repositories.find(logical);
            if (r != m_previous->repositories.end() && r->second.error.isEmpty()) {
                bool sawIndex = false;
                for (const auto &[tag, entry] : r->second.tags)
                    sawIndex = sawIndex || entry.digest == index;
                if (sawIndex) {
                    if (r->second.missingChildren.contains(child))
                        m_snapshot.repositories[logical].missingChildren << child;
                    return;
                }
            }
        }
        submit([this, logical, name, child](auto done) {
            m_client->headManifest(name, child, [this, logical, child, done](Result<ManifestHead> head) {
                if (!head.ok() && head.error().kind == RegistryError::Kind::NotFound)
                    m_snapshot.repositories[logical].missingChildren << child;
                else if (!head.ok())
                    log::scan()->warn("{}", head.errorText());
                done();
            });
        });
    }

    Scanner *m_owner;
    RegistryConfig m_config;
    const Snapshot *m_previous;
    std::unique_ptr<RegistryClient> m_client;
    Snapshot m_snapshot;
    std::deque<Task> m_queue;
    int m_inFlight = 0;
    bool m_listed = false;
    bool m_finalised = false;
    bool m_done = false;
    QSet<QString> m_requested;
};

Scanner::Scanner(Profile profile, Transport *transport, QObject *parent)
    : QObject(parent)
    , m_profile(std::move(profile))
    , m_transport(transport ? transport : Transport::forCurrentThread())
{
}

Scanner::~Scanner()
{
    for (auto &scan : m_scans)
        scan->cancel();
}

void Scanner::setPrevious(std::vector<Snapshot> previous)
{
    m_previous = std::move(previous);
    for (const Snapshot &s : m_previous)
        for (auto it = s.manifests.cbegin(); it != s.manifests.cend(); ++it)
            m_facts.insert(it.key(), it.value());
}

void Scanner::setCredential(const QString &registryId, std::optional<Credential> credential)
{
    m_credentials[registryId] = std::move(credential);
}

const Snapshot *Scanner::previous(const QString &registryId) const
{
    for (const Snapshot &s : m_previous)
        if (s.registryId == registryId)
            return &s;
    return nullptr;
}

const Snapshot *Scanner::snapshot(const QString &registryId) const
{
    for (const Snapshot &s : m_results)
        if (s.registryId == registryId)
            return &s;
    return nullptr;
}

const ManifestFacts *Scanner::knownFacts(const QString &digest) const
{
    const auto it = m_facts.constFind(digest);
    return it == m_facts.constEnd() ? nullptr : &it.value();
}

void Scanner::learnFacts(const QString &digest, ManifestFacts facts)
{
    m_facts.insert(digest, std::move(facts));
}

void Scanner::start(const ScanOptions &options)
{
    if (m_running)
        return;
    m_options = options;
    m_running = true;
    m_cancelled = false;
    m_results.clear();
    m_changes.clear();
    m_scans.clear();
    m_clock.start();

    auto *store = new CredentialStore(this);
    for (const RegistryConfig &config : m_profile.registries) {
        if (!m_options.registries.isEmpty() && !m_options.registries.contains(config.id))
            continue;
        auto scan = std::make_unique<RegistryScan>(this, config, previous(config.id));
        RegistryScan *raw = scan.get();
        m_scans.push_back(std::move(scan));
        if (const auto it = m_credentials.find(config.id); it != m_credentials.end()) {
            raw->client().setCredential(it->second);
            continue;
        }
        ++m_pendingCredentials;
        store->read(config, [this, raw, store](const CredentialResult &result) {
            if (!result.error.isEmpty())
                log::scan()->warn("{}: {}; reading anonymously", raw->config().id, result.error);
            raw->client().setCredential(result.credential);
            if (--m_pendingCredentials == 0) {
                store->deleteLater();
                begin();
            }
        });
    }
    if (m_pendingCredentials == 0) {
        store->deleteLater();
        QMetaObject::invokeMethod(this, &Scanner::begin, Qt::QueuedConnection);
    }
}

void Scanner::begin()
{
    if (m_cancelled)
        return;
    if (m_scans.empty()) {
        m_running = false;
        Q_EMIT finished(false);
        return;
    }
    log::scan()->info("{} scan of {} registries of {}", m_options.deep ? "deep" : "fast",
                      m_scans.size(), m_profile.name);
    for (auto &scan : m_scans)
        scan->start();
    reportProgress(true);
}

void Scanner::cancel()
{
    if (!m_running)
        return;
    m_cancelled = true;
    m_running = false;
    for (auto &scan : m_scans)
        scan->cancel();
    log::scan()->info("scan cancelled after {} ms", m_clock.elapsed());
    QMetaObject::invokeMethod(this, [this] { Q_EMIT finished(true); }, Qt::QueuedConnection);
}

void Scanner::registryDone(RegistryScan *scan)
{
    if (m_cancelled)
        return;
    Snapshot &snapshot = scan->snapshot();
    if (const Snapshot *before = previous(snapshot.registryId); before && snapshot.error.isEmpty())
        for (SnapshotChange &change : diffSnapshots(*before, snapshot))
            m_changes.emplace_back(snapshot.registryId, std::move(change));
    log::scan()->info("{}: {} repositories, {} tags in {} ms{}", snapshot.registryId,
                      snapshot.repositories.size(), snapshot.tagCount(), m_clock.elapsed(),
                      snapshot.error.isEmpty() ? QString() : QStringLiteral(" (") + snapshot.error + u')');
    m_results.push_back(std::move(snapshot));
    Q_EMIT registryFinished(m_results.back().registryId);
    reportProgress(true);
    if (m_results.size() == m_scans.size()) {
        m_running = false;
        m_scans.clear();
        Q_EMIT finished(false);
    }
}

ScanProgress Scanner::progress() const
{
    ScanProgress p;
    p.registriesTotal = static_cast<int>(m_scans.size());
    p.registriesDone = static_cast<int>(m_results.size());
    for (const auto &scan : m_scans) {
        p.repositoriesKnown += scan->repositoriesKnown;
        p.repositoriesDone += scan->repositoriesDone;
        p.tagsKnown += scan->tagsKnown;
        p.tagsDone += scan->tagsDone;
    }
    return p;
}

void Scanner::reportProgress(bool force)
{
    const qint64 now = m_clock.elapsed();
    if (!force && m_lastProgressMs >= 0 && now - m_lastProgressMs < kProgressIntervalMs)
        return;
    m_lastProgressMs = now;
    Q_EMIT progressChanged(progress());
}

} // namespace quayside
