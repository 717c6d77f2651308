#include "scanrunner.h"

#include "clicontext.h"
#include "inventory/scaneta.h"
#include "inventory/snapshotstore.h"
#include "registry/transport.h"
#include "support/logging.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QSet>

namespace quayside::cli {

ScanOutcome runScan(CliContext &context, const Profile &profile, const ScanOptions &options)
{
    SnapshotStore store;
    Transport *transport = Transport::forCurrentThread();
    transport->resetStats();
    Scanner scanner(profile, transport);
    scanner.setPrevious(store.loadAll(profile));

    const bool showProgress = context.stderrIsTerminal();
    ScanEta eta;
    QElapsedTimer clock;
    clock.start();
    QObject::connect(&scanner, &Scanner::progressChanged, &scanner,
                     [&context, showProgress, &eta, &clock](const ScanProgress &p) {
                         if (!showProgress)
                             return;
                         const QString left = Eta::text(eta.update(p, clock.elapsed()));
                         context.err() << QStringLiteral("\r\x1b[Kscanning: %1/%2 registries, "
                                                         "%3/%4 repositories, %5/%6 tags%7")
                                              .arg(p.registriesDone)
                                              .arg(p.registriesTotal)
                                              .arg(p.repositoriesDone)
                                              .arg(p.repositoriesKnown)
                                              .arg(p.tagsDone)
                                              .arg(p.tagsKnown)
                                              .arg(left.isEmpty() ? QString() : QStringLiteral(", ") + left);
                         context.err().flush();
                     });
    QEventLoop loop;
    QObject::connect(&scanner, &Scanner::finished, &loop, &QEventLoop::quit);
    scanner.start(options);
    loop.exec();
    if (showProgress)
        context.err() << "\r\x1b[K";

    ScanOutcome outcome;
    outcome.snapshots = scanner.snapshots();
    outcome.changes = scanner.changes();
    outcome.elapsedMs = scanner.elapsedMs();
    QSet<QString> hosts;
    for (const RegistryConfig &r : profile.registries) {
        if (hosts.contains(Transport::hostKey(r.url)))
            continue;
        hosts.insert(Transport::hostKey(r.url));
        const HostStats stats = transport->stats(r.url);
        outcome.requests += stats.requests;
        outcome.throttled += stats.throttled;
        outcome.retries += stats.retries;
    }
    for (const Snapshot &s : outcome.snapshots) {
        outcome.anyRegistryFailed = outcome.anyRegistryFailed || !s.error.isEmpty();
        QString error;
        if (!store.save(profile, s, &error))
            context.err() << "quayside-cli: " << error << '\n';
    }
    return outcome;
}

std::optional<std::vector<Snapshot>> snapshotsFor(CliContext &context, const Profile &profile,
                                                  const QString &command, bool offline, bool deep,
                                                  bool *unreadable)
{
    std::vector<Snapshot> snapshots;
    if (offline) {
        SnapshotStore store;
        for (const RegistryConfig &registry : profile.registries) {
            QString error;
            auto snapshot = store.load(profile, registry, &error);
            if (!snapshot) {
                context.err() << "quayside-cli " << command << ": no usable snapshot of "
                              << registry.id
                              << (error.isEmpty() ? QStringLiteral("; run quayside-cli scan first")
                                                  : QStringLiteral(" (") + error + u')')
                              << '\n';
                return std::nullopt;
            }
            snapshots.push_back(std::move(*snapshot));
        }
    } else {
        ScanOptions options;
        options.deep = deep;
        snapshots = runScan(context, profile, options).snapshots;
    }
    for (const Snapshot &s : snapshots) {
        if (!s.error.isEmpty()) {
            *unreadable = true;
            context.err() << "quayside-cli: " << s.error << '\n';
        }
        for (const auto &[name, r] : s.repositories)
            if (!r.error.isEmpty()) {
                *unreadable = true;
                context.err() << "quayside-cli: " << r.error << '\n';
            }
    }
    return snapshots;
}

} // namespace quayside::cli
