#include "scanner.h"

#include "registry/mediatypes.h"
#include "registry/registryclient.h"
#include "registry/transport.h"
#include "support/logging.h"

#include <QBuffer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaObject>
#include <QScopeGuard>
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
    if (m.config && !m.isIndex()) {
        f.configDigest = m.config->digest;
        f.configSize = m.config->size;
    }
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
        for (Lane &lane : m_lanes)
            lane.queue.clear();
        m_deferred.clear();
        m_client->cancelAll();
    }

    // Still reading tags: its GETs may yet describe digests a quay listing only names.
    bool readsTags() const { return m_config.kind == RegistryKind::Distribution && m_phase == 0 && !m_done; }

    // The registries that could describe them have read their tags: fetch what they did not.
    void flushDeferred()
    {
        const auto deferred = std::exchange(m_deferred, {});
        for (auto it = deferred.cbegin(); it != deferred.cend(); ++it)
            fetchFacts(it.value(), it.key());
        maybeFinish();
    }

private:
    // Listings and manifest reads are budgeted by different zones on quay (api 5 r/s, manifests
    // 50 r/s): separate lanes, so a queue of tag listings never holds back the reads. Follow-ups
    // of a finished repository (children checks, config reads) go before the next tags' reads,
    // so they overlap them instead of trailing the registry's last tag. Pumped in this order.
    enum class LaneId { Listing, FollowUp, Content };
    struct Lane {
        std::deque<Task> queue;
        int inFlight = 0;
    };

    bool deep() const { return m_owner->m_options.deep; }

    bool idle() const
    {
        for (const Lane &lane : m_lanes)
            if (lane.inFlight > 0 || !lane.queue.empty())
                return false;
        return true;
    }

    void submit(Task task, LaneId lane = LaneId::Content)
    {
        m_lanes[static_cast<int>(lane)].queue.push_back(std::move(task));
        pump();
    }

    void pump()
    {
        for (Lane &lane : m_lanes) {
            while (lane.inFlight < m_owner->m_options.inFlightPerRegistry && !lane.queue.empty()) {
                Task task = std::move(lane.queue.front());
                lane.queue.pop_front();
                ++lane.inFlight;
                task([this, &lane] {
                    --lane.inFlight;
                    m_owner->reportProgress();
                    pump();
                    maybeFinish();
                });
            }
        }
    }

    void maybeFinish()
    {
        // A task may answer while the phase that queued it is still queueing (waiting on facts
        // already known): the phase in progress decides, not a nested call.
        if (m_done || m_advancing || !idle() || !m_listed || !m_deferred.isEmpty())
            return;
        m_advancing = true;
        const auto guard = qScopeGuard([this] { m_advancing = false; });
        // Each phase may queue more requests; the next starts when they have all answered.
        while (m_phase < 2) {
            ++m_phase;
            if (m_phase == 1) {
                finalise();
                m_owner->tagsRead(this);
            } else {
                resolvePlatforms();
            }
            if (!idle() || !m_deferred.isEmpty())
                return;
        }
        m_done = true;
        m_owner->fillFromFacts(m_snapshot);
        QMetaObject::invokeMethod(m_owner, [owner = m_owner, this] { owner->registryDone(this); },
                                  Qt::QueuedConnection);
    }

    // ---- distribution: _catalog, tags/list, then GET (or HEAD) per tag ----

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
        }, LaneId::Listing);
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
                int reads = 0;
                for (const QString &tag : tags.value()) {
                    const TagEntry *before = m_previous ? m_previous->tag(logical, tag) : nullptr;
                    if (!deep() && before && before->error.isEmpty() &&
                        !m_owner->m_profile.isMutableTag(tag)) {
                        repository.tags[tag] = *before;
                        ++tagsDone;
                        ensureFacts(name, before->digest, before->mediaType);
                        continue;
                    }
                    readTag(logical, name, tag, before);
                    ++reads;
                }
                if (reads > 0)
                    m_reading.insert(logical, reads);
                done();
            });
        }, LaneId::Listing);
    }

    // One request per tag either way: a HEAD when the last snapshot already knows what the
    // tag pointed at (if it still does, nothing more is needed), else a GET, whose bytes tell
    // the digest and the manifest's facts at once.
    void readTag(const QString &logical, const QString &name, const QString &tag,
                 const TagEntry *before)
    {
        const bool known = before && before->error.isEmpty() && m_owner->knownFacts(before->digest);
        if (known) {
            submit([this, logical, name, tag](auto done) {
                m_client->headManifest(name, tag, [this, logical, name, tag, done](Result<ManifestHead> head) {
                    ++tagsDone;
                    TagEntry &entry = m_snapshot.repositories[logical].tags[tag];
                    if (!head.ok()) {
                        entry.error = head.errorText();
                    } else {
                        entry.digest = head->digest.toString();
                        entry.mediaType = head->mediaType;
                        ensureFacts(name, entry.digest, entry.mediaType);
                    }
                    tagRead(logical, name);
                    done();
                });
            });
            return;
        }
        submit([this, logical, name, tag](auto done) {
            m_client->getManifest(name, tag, [this, logical, name, tag, done](Result<Manifest> m) {
                ++tagsDone;
                TagEntry &entry = m_snapshot.repositories[logical].tags[tag];
                if (!m.ok()) {
                    entry.error = m.errorText();
                } else {
                    entry.digest = m->digest.toString();
                    entry.mediaType = m->mediaType;
                    if (!m_owner->knownFacts(entry.digest))
                        m_owner->learnFacts(entry.digest, factsOf(m.value()));
                }
                tagRead(logical, name);
                done();
            });
        });
    }

    // The last read of a repository's tags has answered. An index can only name manifests of its
    // own repository, so if every tag's facts are known the repository can be finalised now,
    // overlapping its children checks and config reads with the other repositories' reads
    // instead of queueing them all behind the registry's last tag.
    void tagRead(const QString &logical, const QString &name)
    {
        const auto reading = m_reading.find(logical);
        if (reading == m_reading.end() || --reading.value() > 0)
            return;
        m_reading.erase(reading);
        const RepositorySnapshot &repository = m_snapshot.repositories[logical];
        for (const auto &[tag, entry] : repository.tags)
            if (!entry.digest.isEmpty() && !m_owner->knownFacts(entry.digest))
                return; // an index read by HEAD is still being fetched: finalise() will do it
        finaliseRepository(logical);
        QSet<QString> images;
        for (const auto &[tag, entry] : repository.tags)
            if (m_needPlatform.contains(entry.digest))
                images.insert(entry.digest);
        for (const QString &digest : std::as_const(images))
            resolvePlatform(name, digest);
    }

    // ---- quay: REST API ----

    void listQuay()
    {
        // "fedora/" → namespace "fedora"; "fedora-testing/flatpak/" → "fedora-testing", and only
        // repositories under "flatpak/".
        const QString ns = m_config.prefix.section(u'/', 0, 0);
        submit([this, ns](auto done) {
            m_client->quayRepositories(ns, [this, done](Result<std::vector<QuayRepository>> repos) {
                m_listed = true;
                if (!repos.ok()) {
                    m_snapshot.error = repos.errorText();
                    done();
                    return;
                }
                for (const QuayRepository &repo : repos.value()) {
                    const auto logical = m_config.logicalFor(repo.fullName());
                    if (!logical || !m_owner->m_profile.includesRepository(*logical))
                        continue;
                    if (!reuseUnchangedQuayRepository(*logical, repo))
                        listQuayTags(*logical, repo);
                }
                done();
            });
        }, LaneId::Listing);
    }

    bool reuseUnchangedQuayRepository(const QString &logical, const QuayRepository &repo)
    {
        if (deep() || !m_previous || !repo.lastModified.isValid())
            return false;
        // quay's last_modified counts whole seconds on quay's clock: a change made in the same
        // second as the previous listing (or hidden by a little clock skew) leaves it equal. Only
        // a repository last modified well before that listing began is known to be unchanged.
        constexpr qint64 kClockMarginSecs = 10;
        if (!m_previous->takenAt.isValid() ||
            repo.lastModified.secsTo(m_previous->takenAt) < kClockMarginSecs)
            return false;
        const auto before = m_previous->repositories.find(logical);
        if (before == m_previous->repositories.end() || !before->second.error.isEmpty() ||
            before->second.lastModified != repo.lastModified)
            return false;
        ++repositoriesKnown;
        ++repositoriesDone;
        const qint64 tags = static_cast<qint64>(before->second.tags.size());
        tagsKnown += tags;
        tagsDone += tags;
        RepositorySnapshot &repository = m_snapshot.repositories[logical];
        repository = before->second;
        for (const auto &[tag, entry] : repository.tags)
            if (!entry.digest.isEmpty() && !m_owner->knownFacts(entry.digest))
                wantFacts(repo.fullName(), entry.digest);
        return true;
    }

    void listQuayTags(const QString &logical, const QuayRepository &repo)
    {
        ++repositoriesKnown;
        m_snapshot.repositories[logical].lastModified = repo.lastModified;
        const QString name = repo.fullName();
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
                    wantFacts(name, entry.digest);
                }
                done();
            });
        }, LaneId::Listing);
    }

    // ---- manifest facts (by digest: fetched once per scan, shared by every registry) ----

    // Indexes must be known before finalise() checks their children; images wait for it.
    void ensureFacts(const QString &name, const QString &digest, const QString &mediaType)
    {
        if (digest.isEmpty() || !isIndexMediaType(mediaType))
            return;
        fetchFacts(name, digest);
    }

    // quay's listing names digests without describing them. A distribution registry of the same
    // scan that GETs the same content by tag describes it at no cost to quay's budget (50
    // manifests a second), so those wait until the distribution registries have read their tags;
    // in a scan of quay alone they are fetched at once, alongside the (slower) tag listings.
    void wantFacts(const QString &name, const QString &digest)
    {
        if (digest.isEmpty() || m_owner->knownFacts(digest))
            return;
        if (m_owner->describersReading())
            m_deferred.insert(digest, name);
        else
            fetchFacts(name, digest);
    }

    void fetchFacts(const QString &name, const QString &digest)
    {
        if (m_owner->knownFacts(digest))
            return;
        // Claimed when the request is about to go, not when queued: another registry then waits
        // only for a read in flight, never for this registry's queue (30 000 tags deep on an old
        // registry, or paced by quay's throttle).
        submit([this, name, digest](auto done) {
            if (m_owner->knownFacts(digest)) {
                done();
                return;
            }
            if (!m_owner->claimFacts(digest)) {
                m_owner->whenFacts(digest, done); // read by another registry right now
                return;
            }
            m_client->getManifest(name, digest, [this, digest, done](Result<Manifest> m) {
                if (m.ok())
                    m_owner->learnFacts(digest, factsOf(m.value()));
                else
                    log::scan()->warn("{}", m.errorText());
                m_owner->releaseFacts(digest);
                done();
            });
        });
    }

    // An image's platform is in its config blob; configs are shared by many images (every tag
    // of a rebuilt-daily repository), so they are fetched once per config digest.
    void fetchPlatform(const QString &name, const QString &digest, const ManifestFacts &facts)
    {
        const QString config = facts.configDigest;
        const auto parsed = Digest::parse(config);
        if (!parsed || facts.configSize <= 0 || facts.configSize > kMaxConfigBytes)
            return;
        if (const auto known = m_owner->m_configPlatforms.constFind(config);
            known != m_owner->m_configPlatforms.constEnd()) {
            m_owner->setImagePlatform(digest, known.value());
            return;
        }
        const QString key = QStringLiteral("config:") + config;
        const qint64 size = facts.configSize;
        // Claimed when it runs, as in fetchFacts.
        submit([this, name, digest, config, key, parsed, size](auto done) {
            if (const auto known = m_owner->m_configPlatforms.constFind(config);
                known != m_owner->m_configPlatforms.constEnd()) {
                m_owner->setImagePlatform(digest, known.value());
                done();
                return;
            }
            if (!m_owner->claimFacts(key)) {
                m_owner->whenFacts(key, [this, digest, config, done] {
                    m_owner->setImagePlatform(digest, m_owner->m_configPlatforms.value(config));
                    done();
                });
                return;
            }
            auto buffer = std::make_shared<QBuffer>();
            buffer->open(QIODevice::ReadWrite);
            m_client->getBlob(name, *parsed, size, buffer.get(),
                              [this, digest, config, key, buffer, done](Result<qint64> got) {
                                  QString platform;
                                  if (got.ok()) {
                                      const QJsonObject o =
                                          QJsonDocument::fromJson(buffer->data()).object();
                                      platform = Platform::fromRaw(
                                                     o.value(QLatin1String("os")).toString(),
                                                     o.value(QLatin1String("architecture")).toString(),
                                                     o.value(QLatin1String("variant")).toString())
                                                     .toString();
                                  } else {
                                      log::scan()->warn("{}", got.errorText());
                                  }
                                  m_owner->m_configPlatforms.insert(config, platform);
                                  m_owner->setImagePlatform(digest, platform);
                                  m_owner->releaseFacts(key);
                                  done();
                              });
        }, LaneId::FollowUp);
    }

    // After every tag is known: facts for images the listing did not describe, their platforms
    // (from an index that names them, else from their config), and whether each index's
    // children are really there (an index whose children are missing is "sparse").
    void finalise()
    {
        for (const auto &[logical, repository] : m_snapshot.repositories)
            if (repository.error.isEmpty())
                finaliseRepository(logical);
    }

    void finaliseRepository(const QString &logical)
    {
        if (m_finalised.contains(logical))
            return;
        m_finalised.insert(logical);
        const RepositorySnapshot &repository = m_snapshot.repositories[logical];
        const QString name = m_config.repositoryFor(logical);
        QSet<QString> held;
        for (const auto &[tag, entry] : repository.tags)
            held.insert(entry.digest);
        QSet<QString> checked;
        for (const auto &[tag, entry] : repository.tags) {
            if (entry.digest.isEmpty())
                continue;
            const ManifestFacts *f = m_owner->knownFacts(entry.digest);
            if (!f) {
                wantFacts(name, entry.digest); // one whose facts could not be read yet
                m_needPlatform.insert(entry.digest, name);
                continue;
            }
            if (!f->isIndex) {
                if (f->platforms.isEmpty())
                    m_needPlatform.insert(entry.digest, name);
                continue;
            }
            for (const QString &child : f->children) {
                if (held.contains(child) || checked.contains(child))
                    continue;
                checked.insert(child);
                checkChild(logical, name, entry.digest, child);
            }
        }
    }

    // Once every image's facts are in: its platform from an index that names it, else from its
    // config blob.
    void resolvePlatforms()
    {
        for (auto it = m_needPlatform.cbegin(); it != m_needPlatform.cend(); ++it)
            resolvePlatform(it.value(), it.key());
    }

    void resolvePlatform(const QString &name, const QString &digest)
    {
        const ManifestFacts *f = m_owner->knownFacts(digest);
        if (!f || f->isIndex || !f->platforms.isEmpty())
            return;
        const QString described = m_owner->describedPlatform(digest);
        if (!described.isEmpty())
            m_owner->setImagePlatform(digest, described);
        else
            fetchPlatform(name, digest, *f);
    }

    void checkChild(const QString &logical, const QString &name, const QString &index,
                    const QString &child)
    {
        // Fast rescans trust the last deep look at the same index in the same repository.
        if (!deep() && m_previous) {
            const auto r = m_previous->repositories.find(logical);
            if (r != m_previous->repositories.end() && r->second.error.isEmpty()) {
                bool sawIndex = false;
                for (const auto &[tag, entry] : r->second.tags)
                    sawIndex = sawIndex || entry.digest == index;
                if (sawIndex) {
                    if (r->second.missingChildren.contains(child))
                        noteMissingChild(logical, child);
                    return;
                }
            }
        }
        submit([this, logical, name, child](auto done) {
            m_client->headManifest(name, child, [this, logical, child, done](Result<ManifestHead> head) {
                if (!head.ok() && head.error().kind == RegistryError::Kind::NotFound)
                    noteMissingChild(logical, child);
                else if (!head.ok())
                    log::scan()->warn("{}", head.errorText());
                done();
            });
        }, LaneId::FollowUp);
    }

    void noteMissingChild(const QString &logical, const QString &child)
    {
        QStringList &missing = m_snapshot.repositories[logical].missingChildren;
        if (!missing.contains(child))
            missing << child;
    }

    Scanner *m_owner;
    RegistryConfig m_config;
    const Snapshot *m_previous;
    std::unique_ptr<RegistryClient> m_client;
    Snapshot m_snapshot;
    Lane m_lanes[3];
    // Facts a quay listing needs but a distribution registry of this scan may still describe.
    QHash<QString, QString> m_deferred; // digest → repository holding it
    bool m_listed = false;
    int m_phase = 0; // 0 listing, 1 facts and children, 2 platforms
    bool m_advancing = false;
    bool m_done = false;
    QHash<QString, QString> m_needPlatform; // image digest → a repository holding it
    QHash<QString, int> m_reading;          // repository → tag reads not answered yet
    QSet<QString> m_finalised;              // repositories whose children and platforms are asked
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
        for (auto it = s.manifests.cbegin(); it != s.manifests.cend(); ++it) {
            learnFacts(it.key(), it.value());
            if (!it->configDigest.isEmpty() && it->platforms.size() == 1)
                m_configPlatforms.insert(it->configDigest, it->platforms.first());
        }
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
    if (facts.isIndex)
        for (qsizetype i = 0; i < facts.children.size(); ++i)
            if (!facts.childPlatforms.value(i).isEmpty())
                m_describedBy.insert(facts.children.at(i), facts.childPlatforms.at(i));
    m_facts.insert(digest, std::move(facts));
}

bool Scanner::claimFacts(const QString &key)
{
    if (m_factsInFlight.contains(key))
        return false;
    m_factsInFlight.insert(key, {});
    return true;
}

void Scanner::whenFacts(const QString &key, std::function<void()> ready)
{
    const auto it = m_factsInFlight.find(key);
    if (it == m_factsInFlight.end()) {
        ready();
        return;
    }
    it.value().push_back(std::move(ready));
}

void Scanner::releaseFacts(const QString &key)
{
    auto waiters = m_factsInFlight.take(key);
    for (auto &waiter : waiters)
        waiter();
}

QString Scanner::describedPlatform(const QString &digest) const
{
    return m_describedBy.value(digest);
}

void Scanner::setImagePlatform(const QString &digest, const QString &platform)
{
    const auto it = m_facts.find(digest);
    if (it != m_facts.end() && !platform.isEmpty() && it->platforms.isEmpty())
        it->platforms = QStringList{platform};
}

bool Scanner::fillFromFacts(Snapshot &snapshot) const
{
    // Fill in what a listing did not say (quay's tag list has no media types), from facts learnt
    // anywhere in the scan, and keep the facts of every digest the snapshot refers to.
    bool changed = false;
    for (auto &[name, repository] : snapshot.repositories)
        for (auto &[tag, entry] : repository.tags) {
            const ManifestFacts *f = knownFacts(entry.digest);
            if (!f)
                continue;
            if (entry.mediaType.isEmpty() && !f->mediaType.isEmpty()) {
                entry.mediaType = f->mediaType;
                changed = true;
            }
            const auto held = snapshot.manifests.constFind(entry.digest);
            if (held == snapshot.manifests.constEnd() || held->platforms != f->platforms ||
                held->mediaType != f->mediaType) {
                snapshot.manifests.insert(entry.digest, *f);
                changed = true;
            }
        }
    return changed;
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

bool Scanner::describersReading() const
{
    for (const auto &scan : m_scans)
        if (scan->readsTags())
            return true;
    return false;
}

void Scanner::tagsRead(RegistryScan *scan)
{
    if (scan->config().kind != RegistryKind::Distribution || describersReading())
        return;
    for (const auto &other : m_scans)
        if (other.get() != scan)
            other->flushDeferred();
}

void Scanner::registryDone(RegistryScan *scan)
{
    if (m_cancelled)
        return;
    Snapshot &snapshot = scan->snapshot();
    // Against a registry that could not be read last time, every tag would look new: no diff.
    if (const Snapshot *before = previous(snapshot.registryId);
        before && before->error.isEmpty() && snapshot.error.isEmpty()) {
        snapshot.previousTakenAt = before->takenAt;
        snapshot.changes = diffSnapshots(*before, snapshot);
        for (const SnapshotChange &change : snapshot.changes)
            m_changes.emplace_back(snapshot.registryId, change);
    }
    log::scan()->info("{}: {} repositories, {} tags in {} ms{}", snapshot.registryId,
                      snapshot.repositories.size(), snapshot.tagCount(), m_clock.elapsed(),
                      snapshot.error.isEmpty() ? QString() : QStringLiteral(" (") + snapshot.error + u')');
    m_results.push_back(std::move(snapshot));
    Q_EMIT registryFinished(m_results.back().registryId);
    reportProgress(true);
    if (m_results.size() == m_scans.size()) {
        // Registries finish at different times; facts learnt from a later one (a GET on the old
        // registry describes an image quay only listed) complete the earlier ones' snapshots.
        for (Snapshot &s : m_results)
            if (fillFromFacts(s))
                Q_EMIT registryFinished(s.registryId);
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
