#include "roadmapchecker.h"

#include "compare/comparator.h"
#include "jobs/clientpool.h"

#include <QMetaObject>
#include <QPointer>
#include <QSet>

namespace quayside {
namespace {

bool sameTarget(const QUrl &a, const QUrl &b)
{
    return a.scheme() == b.scheme() && a.host() == b.host() &&
           a.port(a.scheme() == QLatin1String("https") ? 443 : 80) ==
               b.port(b.scheme() == QLatin1String("https") ? 443 : 80) &&
           a.path() == b.path();
}

bool isRedirect(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

} // namespace

// One step's checks in flight: each has a slot, filled when its answer comes.
struct RoadmapChecker::Run {
    StepEvidence evidence;
    int pending = 0;
    bool started = false; // every check has been added
    std::function<void(StepEvidence)> done;

    std::size_t add(const QString &name)
    {
        evidence.checks.push_back({name, false, QStringLiteral("no answer")});
        ++pending;
        return evidence.checks.size() - 1;
    }
    void set(std::size_t slot, bool passed, const QString &detail)
    {
        evidence.checks[slot].passed = passed;
        evidence.checks[slot].detail = detail;
        --pending;
        finishIfDone();
    }
    void finishIfDone()
    {
        if (started && pending == 0 && done)
            std::exchange(done, nullptr)(evidence);
    }
};

RoadmapChecker::RoadmapChecker(Profile profile, std::vector<Snapshot> snapshots,
                               RegistryClientPool *pool, QObject *parent)
    : QObject(parent)
    , m_profile(std::move(profile))
    , m_snapshots(std::move(snapshots))
    , m_pool(pool)
{
}

RoadmapChecker::~RoadmapChecker() = default;

std::vector<const Route *> RoadmapChecker::migrateRoutes(const Profile &profile)
{
    std::vector<const Route *> routes;
    for (const Route &r : profile.routes)
        if (r.kind == RouteKind::Migrate)
            routes.push_back(&r);
    return routes;
}

const Snapshot *RoadmapChecker::snapshot(const QString &registryId) const
{
    for (const Snapshot &s : m_snapshots)
        if (s.registryId == registryId)
            return &s;
    return nullptr;
}

std::vector<std::pair<QString, QString>> RoadmapChecker::sampleTags(const Snapshot &snapshot) const
{
    // Round-robin over repositories, so a few tags speak for many repositories.
    std::vector<std::vector<std::pair<QString, QString>>> perRepository;
    for (const auto &[repository, content] : snapshot.repositories) {
        std::vector<std::pair<QString, QString>> tags;
        for (const auto &[tag, entry] : content.tags)
            if (!entry.digest.isEmpty() && entry.error.isEmpty())
                tags.emplace_back(repository, tag);
        if (!tags.empty())
            perRepository.push_back(std::move(tags));
    }
    std::vector<std::pair<QString, QString>> sample;
    for (std::size_t round = 0; static_cast<int>(sample.size()) < m_sample; ++round) {
        bool any = false;
        for (const auto &tags : perRepository) {
            if (round < tags.size() && static_cast<int>(sample.size()) < m_sample) {
                sample.push_back(tags[round]);
                any = true;
            }
        }
        if (!any)
            break;
    }
    return sample;
}

void RoadmapChecker::check(int step, std::function<void(StepEvidence)> done)
{
    auto run = std::make_shared<Run>();
    run->evidence.step = step;
    run->evidence.at = QDateTime::currentDateTimeUtc();
    run->done = [self = QPointer<RoadmapChecker>(this), done = std::move(done)](StepEvidence e) {
        // Always after check() returns, and never into a checker that is gone.
        if (self)
            QMetaObject::invokeMethod(self, [done, e] { done(e); }, Qt::QueuedConnection);
    };
    switch (step) {
    case 1:
        namespaces(run);
        break;
    case 2:
        routesInSync(run, false);
        break;
    case 3:
        redirects(run);
        break;
    case 4:
        decommissioned(run);
        break;
    default:
        run->evidence.checks.push_back({QStringLiteral("step"), false,
                                        QStringLiteral("there is no roadmap step %1").arg(step)});
        break;
    }
    if (migrateRoutes(m_profile).empty())
        run->evidence.checks.push_back({QStringLiteral("routes"), false,
                                        QStringLiteral("profile %1 has no migrate route: nothing "
                                                       "says which hosts are old and which new")
                                            .arg(m_profile.name)});
    run->started = true;
    run->finishIfDone();
}

void RoadmapChecker::namespaces(const std::shared_ptr<Run> &run)
{
    QSet<QString> seen;
    for (const Route *route : migrateRoutes(m_profile)) {
        const RegistryConfig *to = m_profile.registry(route->to);
        if (!to || seen.contains(to->id))
            continue;
        seen.insert(to->id);
        RegistryClient *client = m_pool->client(*to);
        if (to->kind == RegistryKind::Quay) {
            const QString ns = to->prefix.section(u'/', 0, 0);
            const auto slot = run->add(QStringLiteral("%1: namespace %2 exists").arg(to->displayTitle(), ns));
            client->quayOrganizationExists(ns, [run, slot, ns, to = *to](Result<bool> exists) {
                if (!exists.ok())
                    run->set(slot, false, exists.errorText());
                else if (!exists.value())
                    run->set(slot, false, QStringLiteral("%1 has no organization %2 (404)").arg(to.hostPort(), ns));
                else
                    run->set(slot, true, QStringLiteral("GET %1/api/v1/organization/%2: 200").arg(to.url.toString(), ns));
            });
        }
        const auto slot = run->add(QStringLiteral("%1: credentials accepted").arg(to->displayTitle()));
        client->ping([run, slot, to = *to](Result<Unit> ping) {
            const QString who = to.username.isEmpty() ? QStringLiteral("anonymously")
                                                      : QStringLiteral("as %1").arg(to.username);
            if (ping.ok())
                run->set(slot, true, QStringLiteral("GET %1/v2/ answered %2").arg(to.url.toString(), who));
            else
                run->set(slot, false, ping.errorText());
        });
    }
}

void RoadmapChecker::routesInSync(const std::shared_ptr<Run> &run, bool lastReadable)
{
    std::vector<const Snapshot *> pointers;
    for (const Snapshot &s : m_snapshots)
        pointers.push_back(&s);
    const DriftMatrix matrix = compare(m_profile, pointers);
    for (std::size_t r = 0; r < matrix.routes.size(); ++r) {
        const Route &route = matrix.routes[r];
        if (route.kind != RouteKind::Migrate)
            continue;
        const QString name = QStringLiteral("%2 holds all of %1%3")
                                 .arg(route.from, route.to,
                                      lastReadable ? QStringLiteral(" (last readable snapshot)") : QString());
        const Snapshot *from = snapshot(route.from);
        const Snapshot *to = snapshot(route.to);
        if (!from || !to) {
            run->evidence.checks.push_back({name, false,
                                            QStringLiteral("no snapshot of %1: scan first")
                                                .arg(from ? route.to : route.from)});
            continue;
        }
        if (!from->error.isEmpty() || !to->error.isEmpty()) {
            run->evidence.checks.push_back({name, false, from->error.isEmpty() ? to->error : from->error});
            continue;
        }
        int counts[7] = {};
        QStringList examples;
        for (const DriftRow &row : matrix.rows) {
            const auto &cell = row.routes[r];
            if (!cell)
                continue;
            ++counts[static_cast<int>(cell->status)];
            if (cell->status != DriftStatus::InSync && cell->status != DriftStatus::Extra &&
                examples.size() < 5)
                examples << QStringLiteral("%1:%2 %3").arg(row.repository, row.tag, toString(cell->status));
        }
        const int bad = counts[int(DriftStatus::Missing)] + counts[int(DriftStatus::Differs)] +
                        counts[int(DriftStatus::ArchMissing)] + counts[int(DriftStatus::Sparse)] +
                        counts[int(DriftStatus::Error)];
        QString detail = QStringLiteral("%1 in sync, %2 extra on %3; %4 missing, %5 differ, %6 missing an "
                                        "architecture, %7 sparse, %8 unreadable (snapshots of %9)")
                             .arg(counts[int(DriftStatus::InSync)])
                             .arg(counts[int(DriftStatus::Extra)])
                             .arg(route.to)
                             .arg(counts[int(DriftStatus::Missing)])
                             .arg(counts[int(DriftStatus::Differs)])
                             .arg(counts[int(DriftStatus::ArchMissing)])
                             .arg(counts[int(DriftStatus::Sparse)])
                             .arg(counts[int(DriftStatus::Error)])
                             .arg(std::min(from->takenAt, to->takenAt).toString(Qt::ISODate));
        if (!examples.isEmpty())
            detail += QStringLiteral("; e.g. ") + examples.join(QStringLiteral(", "));
        run->evidence.checks.push_back({name, bad == 0 && counts[int(DriftStatus::InSync)] > 0, detail});
    }
}

void RoadmapChecker::redirects(const std::shared_ptr<Run> &run)
{
    for (const Route *route : migrateRoutes(m_profile)) {
        const RegistryConfig *from = m_profile.registry(route->from);
        const RegistryConfig *to = m_profile.registry(route->to);
        const Snapshot *old = from ? snapshot(from->id) : nullptr;
        if (!from || !to || !old || !old->error.isEmpty()) {
            run->evidence.checks.push_back({QStringLiteral("%1: redirects").arg(route->from), false,
                                            QStringLiteral("no readable snapshot of %1 to pick tags from: "
                                                           "scan it first")
                                                .arg(route->from)});
            continue;
        }
        const auto sample = sampleTags(*old);
        if (sample.empty())
            run->evidence.checks.push_back({QStringLiteral("%1: redirects").arg(route->from), false,
                                            QStringLiteral("%1 holds no tag to probe").arg(route->from)});
        RegistryClient *oldClient = m_pool->client(*from);
        RegistryClient *newClient = m_pool->client(*to);
        for (const auto &entry : sample) {
            // Named copies: a lambda may not capture a structured binding before C++20's
            // P1091 lands in every compiler we build with (clang 14 rejects it).
            const QString logical = entry.first;
            const QString tag = entry.second;
            const QString expectedDigest = old->tag(logical, tag)->digest;
            const QUrl expected = newClient->v2Url(to->repositoryFor(logical) + QStringLiteral("/manifests/") + tag);
            const auto slot = run->add(QStringLiteral("%1 %2:%3 → %4").arg(from->displayTitle(), logical, tag, to->displayTitle()));
            oldClient->probeManifest(
                from->repositoryFor(logical), tag,
                [run, slot, expected, expectedDigest, newClient, newRepository = to->repositoryFor(logical),
                 tag](Result<ManifestProbe> probe) {
                    if (!probe.ok()) {
                        run->set(slot, false, probe.errorText());
                        return;
                    }
                    if (!isRedirect(probe->status)) {
                        run->set(slot, false,
                                 probe->status == 200
                                     ? QStringLiteral("served itself (200, %1), no redirect").arg(probe->digest)
                                     : QStringLiteral("answered %1, not a redirect").arg(probe->status));
                        return;
                    }
                    if (!sameTarget(probe->location, expected)) {
                        run->set(slot, false, QStringLiteral("%1 to %2, expected %3")
                                                  .arg(probe->status)
                                                  .arg(probe->location.toString(), expected.toString()));
                        return;
                    }
                    newClient->headManifest(newRepository, tag,
                                            [run, slot, probe = probe.value(), expectedDigest](Result<ManifestHead> head) {
                                                if (!head.ok())
                                                    run->set(slot, false,
                                                             QStringLiteral("redirects (%1) but the target: %2")
                                                                 .arg(probe.status)
                                                                 .arg(head.errorText()));
                                                else if (head->digest.toString() != expectedDigest)
                                                    run->set(slot, false,
                                                             QStringLiteral("redirects (%1) to %2, which serves %3, "
                                                                            "not the %4 the old host had")
                                                                 .arg(probe.status)
                                                                 .arg(probe.location.toString(),
                                                                      head->digest.toString(), expectedDigest));
                                                else
                                                    run->set(slot, true,
                                                             QStringLiteral("%1 to %2, same digest %3")
                                                                 .arg(probe.status)
                                                                 .arg(probe.location.toString(), expectedDigest));
                                            });
                });
        }
    }
}

void RoadmapChecker::decommissioned(const std::shared_ptr<Run> &run)
{
    for (const Route *route : migrateRoutes(m_profile)) {
        const RegistryConfig *from = m_profile.registry(route->from);
        if (!from)
            continue;
        const Snapshot *old = snapshot(from->id);
        auto sample = old && old->error.isEmpty() ? sampleTags(*old) : std::vector<std::pair<QString, QString>>{};
        if (sample.size() > 3)
            sample.resize(3);
        if (sample.empty())
            sample.emplace_back(QStringLiteral("library/probe"), QStringLiteral("latest")); // any path will do
        RegistryClient *client = m_pool->client(*from);
        for (const auto &[logical, tag] : sample) {
            const auto slot = run->add(QStringLiteral("%1 no longer serves %2:%3").arg(from->displayTitle(), logical, tag));
            client->probeManifest(from->repositoryFor(logical), tag, [run, slot](Result<ManifestProbe> probe) {
                if (!probe.ok()) {
                    const bool gone = probe.error().kind == RegistryError::Kind::Network ||
                                      probe.error().kind == RegistryError::Kind::Tls;
                    run->set(slot, gone, gone ? QStringLiteral("unreachable: %1").arg(probe.errorText())
                                              : probe.errorText());
                } else if (isRedirect(probe->status)) {
                    run->set(slot, true, QStringLiteral("only redirects (%1 to %2)")
                                             .arg(probe->status)
                                             .arg(probe->location.toString()));
                } else if (probe->status == 404) {
                    run->set(slot, true, QStringLiteral("404: serves nothing"));
                } else {
                    run->set(slot, false, QStringLiteral("still serves it itself (%1%2)")
                                              .arg(probe->status)
                                              .arg(probe->digest.isEmpty() ? QString() : QStringLiteral(", ") + probe->digest));
                }
            });
        }
    }
    routesInSync(run, true);
}

} // namespace quayside
