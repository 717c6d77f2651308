#pragma once

#include "jobs/imagereference.h"
#include "registry/manifest.h"
#include "registry/registryclient.h"

#include <QObject>
#include <QSet>
#include <QString>

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace quayside {

class BlobLocations;

struct CopySpec {
    ResolvedImage source;      // by tag, by digest, or a tag pinned to the digest reviewed
    ResolvedImage destination; // must name a tag
    // The digest the destination tag held when the copy was planned ("" = absent). A
    // destination that has moved since is refused, whatever allowOverwrite says.
    std::optional<QString> plannedDestination;
    // Moving a destination tag away from a different digest needs this.
    bool allowOverwrite = false;
    // Before an overwrite, keep the digest being replaced under this tag.
    QString backupTag;
    // Read and check everything, write nothing: the report says what a copy would move
    // (mounts are assumed to succeed). Plans use it to estimate bytes.
    bool dryRun = false;
    int parallelBlobs = 3;
    QString spoolDir; // blobs crossing hosts are staged here; default: the temp dir
};

struct CopyProgress {
    enum class Phase { Reading, Checking, Blobs, Manifests, Tagging, Verifying, Done };
    Phase phase = Phase::Reading;
    int manifestsDone = 0;
    int manifestsTotal = 0;
    int blobsDone = 0;
    int blobsTotal = 0;
    qint64 bytesDone = 0;
    qint64 bytesTotal = 0;
};

QString toString(CopyProgress::Phase phase);

struct CopyReport {
    Digest digest; // the source's, now the destination tag's
    QString mediaType;
    QStringList platforms;
    int manifests = 0;       // in the tree: the top one and an index's children
    int manifestsPushed = 0; // children the destination lacked (+1 when the tag moved)
    int blobs = 0;           // that the missing manifests need
    int blobsPresent = 0;
    int blobsMounted = 0;
    int blobsCopied = 0;
    qint64 bytesCopied = 0;
    bool dryRun = false;    // counts are what a copy would do
    bool tagMoved = false;  // false: the tag already pointed at the digest
    QString previousDigest; // what the destination tag held ("" = nothing)
    QString backupTag;      // where previousDigest is kept, if it was asked for
};

// Copies one image, or an index with every child, from one registry to another over the
// registry clients, digests preserved: the manifests pushed are the bytes read, every blob is
// hashed on the way, and what a destination already holds is not sent again (a blob on the
// same host is mounted). Order protects users of the destination tag: blobs, then child
// manifests by digest, then the top manifest by tag, then a check that the tag names the
// digest. A failure at any point leaves the destination tag where it was.
class CopyEngine final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CopyEngine)

public:
    using Done = std::function<void(Result<CopyReport>)>;

    // The clients are borrowed and must outlive the copy (several copies may share them).
    CopyEngine(CopySpec spec, RegistryClient *source, RegistryClient *destination,
               QObject *parent = nullptr);
    ~CopyEngine() override;

    // Shared by the copies of a run: where blobs are known to live, for mounts across hosts'
    // repositories. Optional; must outlive the copy.
    void setBlobLocations(BlobLocations *locations) { m_locations = locations; }

    // done runs once, on this thread, after start() returns.
    void start(Done done);
    // Stops at the next step; done answers "cancelled". Nothing half-done is published.
    void cancel();

    const CopySpec &spec() const { return m_spec; }
    const CopyProgress &progress() const { return m_progress; }

Q_SIGNALS:
    void progressChanged(const quayside::CopyProgress &progress);

private:
    // Wraps a client callback so it is dropped once the copy has ended or this is gone.
    template<typename T>
    Callback<T> step(std::function<void(Result<T>)> next);

    void readSource();
    void readRoot(const QString &reference);
    void readChildren();
    void readIndexChildren(const Manifest &index, int depth);
    void checkDestination();
    void checkPresentManifests();
    void planBlobs();
    void pumpBlobs();
    void transferBlob(const Descriptor &blob, std::function<void(Result<int>)> done);
    void mountOrCopy(const Descriptor &blob, const QString &from, std::function<void(Result<int>)> done);
    void remember(const Descriptor &blob);
    void releaseClaim(const QString &digest, const QString &repository);
    void downloadAndUpload(const Descriptor &blob, std::function<void(Result<int>)> done);
    void pushChildren();
    void pushNextChild();
    void moveTag();
    void backupThenPut();
    void putRoot();
    void verify();
    void finish(Result<CopyReport> result);
    void emitProgress(CopyProgress::Phase phase);
    RegistryError refused(const ResolvedImage &image, const QString &reference,
                          const QString &message) const;
    bool sameHost() const;

    CopySpec m_spec;
    RegistryClient *m_source;
    RegistryClient *m_destination;
    BlobLocations *m_locations = nullptr;
    QSet<QString> m_claims; // blobs this copy is sending for the run (see BlobLocations)
    Done m_done;
    bool m_finished = false;
    bool m_cancelled = false;

    std::optional<Manifest> m_root;
    std::vector<Manifest> m_children; // in the order read: breadth first
    QSet<QString> m_childrenSeen;
    int m_childrenPending = 0;
    std::deque<std::size_t> m_pushOrder;
    std::vector<bool> m_childPresent;
    bool m_rootPresent = false; // the destination holds the top manifest (under some tag or none)
    std::optional<Digest> m_before;

    std::deque<Descriptor> m_blobQueue;
    int m_blobsInFlight = 0;

    CopyProgress m_progress;
    CopyReport m_report;
    // Callbacks hold a weak reference: a client may answer after this copy is gone.
    std::shared_ptr<int> m_alive = std::make_shared<int>(0);
};

} // namespace quayside
