#pragma once

#include "inventory/profile.h"
#include "inventory/snapshot.h"
#include "support/credentials.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>

#include <functional>

#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace quayside {

class Transport;

struct ScanOptions {
    // Deep: HEAD every tag and re-check every index's children. Fast (default): re-list tags and
    // HEAD only tags that are new or match the profile's mutableTags; reuse the rest.
    bool deep = false;
    QStringList registries; // ids to scan; empty = all
    int inFlightPerRegistry = 32;
};

struct ScanProgress {
    int registriesDone = 0;
    int registriesTotal = 0;
    qint64 repositoriesDone = 0;
    qint64 repositoriesKnown = 0;
    qint64 tagsDone = 0;
    qint64 tagsKnown = 0;
};

// Reads registries into snapshots with the cheapest correct strategy per kind:
//  distribution: _catalog, tags/list, a HEAD per tag that needs one, a GET of each index (and of
//                images no index describes) not yet known by digest;
//  quay:         the REST API (repositories, then tags with their digests), a GET of each index
//                not yet known.
// Manifest facts are cached by digest (content never changes under a digest) across registries
// and scans. One failing repository or registry is recorded in its snapshot, never aborts the
// scan. Runs on the calling thread, asynchronously; all waiting is on the network.
class Scanner final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Scanner)

public:
    explicit Scanner(Profile profile, Transport *transport = nullptr, QObject *parent = nullptr);
    ~Scanner() override;

    // The last snapshots, for fast rescans and as a cache of manifest facts.
    void setPrevious(std::vector<Snapshot> previous);
    // Credentials per registry id (else the scanner reads the environment and the keychain).
    void setCredential(const QString &registryId, std::optional<Credential> credential);

    void start(const ScanOptions &options);
    void cancel();
    bool isRunning() const { return m_running; }

    const std::vector<Snapshot> &snapshots() const { return m_results; }
    const Snapshot *snapshot(const QString &registryId) const;
    // What changed against the previous snapshot of each registry scanned.
    const std::vector<std::pair<QString, SnapshotChange>> &changes() const { return m_changes; }
    ScanProgress progress() const;
    qint64 elapsedMs() const { return m_clock.elapsed(); }

Q_SIGNALS:
    void progressChanged(const quayside::ScanProgress &progress);
    void registryFinished(const QString &registryId);
    void finished(bool cancelled);

private:
    class RegistryScan;
    friend class RegistryScan;

    void begin();
    void registryDone(RegistryScan *scan);
    // Distribution registries describe (by GET) much of what quay only names: while one still
    // reads tags, quay scans hold back fetching facts.
    bool describersReading() const;
    void tagsRead(RegistryScan *scan);
    void reportProgress(bool force = false);
    const ManifestFacts *knownFacts(const QString &digest) const;
    void learnFacts(const QString &digest, ManifestFacts facts);
    // One fetch per digest per scan: claim it (true: you fetch), or wait for whoever does.
    bool claimFacts(const QString &key);
    void whenFacts(const QString &key, std::function<void()> ready);
    void releaseFacts(const QString &key);
    QString describedPlatform(const QString &digest) const;
    void setImagePlatform(const QString &digest, const QString &platform);
    // True if the snapshot gained anything.
    bool fillFromFacts(Snapshot &snapshot) const;
    const Snapshot *previous(const QString &registryId) const;

    Profile m_profile;
    Transport *m_transport;
    ScanOptions m_options;
    std::vector<Snapshot> m_previous;
    std::map<QString, std::optional<Credential>> m_credentials;
    QHash<QString, ManifestFacts> m_facts;
    QHash<QString, std::vector<std::function<void()>>> m_factsInFlight;
    QHash<QString, QString> m_describedBy;    // image digest → platform an index gives it
    QHash<QString, QString> m_configPlatforms; // config digest → platform
    std::vector<std::unique_ptr<RegistryScan>> m_scans;
    std::vector<Snapshot> m_results;
    std::vector<std::pair<QString, SnapshotChange>> m_changes;
    bool m_running = false;
    bool m_cancelled = false;
    int m_pendingCredentials = 0;
    QElapsedTimer m_clock;
    qint64 m_lastProgressMs = -1;
};

} // namespace quayside
