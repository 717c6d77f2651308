#include "copyengine.h"

#include "jobs/bloblocations.h"
#include "registry/transport.h"
#include "support/logging.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QMetaObject>
#include <QSet>
#include <QTemporaryFile>

#include <memory>

namespace quayside {
namespace {

// Blobs up to this size cross hosts in memory; bigger ones through a spool file, so a copy of a
// multi-gigabyte layer never holds it in memory.
constexpr qint64 kInMemoryBlobBytes = 1024 * 1024;
// An index of indexes is as deep as registries nest in practice.
constexpr int kMaxIndexDepth = 3;

RegistryError cancelledError(const ResolvedImage &image)
{
    RegistryError e;
    e.kind = RegistryError::Kind::Cancelled;
    e.registry = image.registry.id;
    e.repository = image.repository;
    e.reference = image.reference();
    e.message = QStringLiteral("the copy was cancelled; the destination tag was not moved");
    return e;
}

} // namespace

QString toString(CopyProgress::Phase phase)
{
    switch (phase) {
    case CopyProgress::Phase::Reading:
        return QStringLiteral("reading the source");
    case CopyProgress::Phase::Checking:
        return QStringLiteral("checking the destination");
    case CopyProgress::Phase::Blobs:
        return QStringLiteral("copying blobs");
    case CopyProgress::Phase::Manifests:
        return QStringLiteral("pushing manifests");
    case CopyProgress::Phase::Tagging:
        return QStringLiteral("moving the tag");
    case CopyProgress::Phase::Verifying:
        return QStringLiteral("verifying");
    case CopyProgress::Phase::Done:
        break;
    }
    return QStringLiteral("done");
}

CopyEngine::CopyEngine(CopySpec spec, RegistryClient *source, RegistryClient *destination,
                       QObject *parent)
    : QObject(parent)
    , m_spec(std::move(spec))
    , m_source(source)
    , m_destination(destination)
{
    if (m_spec.parallelBlobs < 1)
        m_spec.parallelBlobs = 1;
    if (m_spec.spoolDir.isEmpty())
        m_spec.spoolDir = QDir::tempPath();
}

CopyEngine::~CopyEngine()
{
    for (const QString &digest : QSet<QString>(m_claims))
        releaseClaim(digest, QString());
}

template<typename T>
Callback<T> CopyEngine::step(std::function<void(Result<T>)> next)
{
    return [this, alive = std::weak_ptr<int>(m_alive), next = std::move(next)](Result<T> result) {
        if (alive.expired() || m_finished)
            return;
        if (m_cancelled) {
            finish(cancelledError(m_spec.destination));
            return;
        }
        next(std::move(result));
    };
}

void CopyEngine::start(Done done)
{
    m_done = std::move(done);
    if (m_spec.destination.tag.isEmpty()) {
        QMetaObject::invokeMethod(
            this,
            [this] {
                finish(refused(m_spec.destination, {},
                               QStringLiteral("a copy needs a destination tag")));
            },
            Qt::QueuedConnection);
        return;
    }
    if (!m_spec.dryRun)
        m_destination->intendToWrite(m_spec.destination.repository);
    QMetaObject::invokeMethod(this, &CopyEngine::readSource, Qt::QueuedConnection);
}

void CopyEngine::cancel()
{
    if (m_finished || m_cancelled)
        return;
    m_cancelled = true;
    // Before the tag moves there is nothing to wait for; once its PUT is on the wire, its answer
    // says what happened, so putRoot() decides.
    if (m_progress.phase != CopyProgress::Phase::Tagging &&
        m_progress.phase != CopyProgress::Phase::Verifying)
        QMetaObject::invokeMethod(
            this, [this] { finish(cancelledError(m_spec.destination)); }, Qt::QueuedConnection);
}

RegistryError CopyEngine::refused(const ResolvedImage &image, const QString &reference,
                                  const QString &message) const
{
    RegistryError e;
    e.kind = RegistryError::Kind::Refused;
    e.registry = image.registry.id;
    e.repository = image.repository;
    e.reference = reference;
    e.message = message;
    return e;
}

bool CopyEngine::sameHost() const
{
    return Transport::hostKey(m_spec.source.registry.url) ==
           Transport::hostKey(m_spec.destination.registry.url);
}

void CopyEngine::emitProgress(CopyProgress::Phase phase)
{
    m_progress.phase = phase;
    Q_EMIT progressChanged(m_progress);
}

void CopyEngine::finish(Result<CopyReport> result)
{
    if (m_finished)
        return;
    m_finished = true;
    // Copies waiting on a blob this one was sending must not wait for ever.
    for (const QString &digest : QSet<QString>(m_claims))
        releaseClaim(digest, QString());
    if (result.ok() && result->dryRun) {
        emitProgress(CopyProgress::Phase::Done);
        log::jobs()->debug("dry run of {} to {}: {} blobs to copy ({} bytes), {} to mount",
                           m_spec.source.displayName(), m_spec.destination.displayName(),
                           result->blobsCopied, result->bytesCopied, result->blobsMounted);
    } else if (result.ok()) {
        emitProgress(CopyProgress::Phase::Done);
        log::jobs()->info("copied {} to {} ({}; {} blobs copied, {} mounted, {} present, {} bytes)",
                          m_spec.source.displayName(), m_spec.destination.displayName(),
                          result->tagMoved ? QStringLiteral("tag moved")
                                           : QStringLiteral("tag already there"),
                          result->blobsCopied, result->blobsMounted, result->blobsPresent,
                          result->bytesCopied);
    } else {
        log::jobs()->warn("copy of {} to {} failed: {}", m_spec.source.displayName(),
                          m_spec.destination.displayName(), result.errorText());
    }
    if (m_done)
        m_done(std::move(result));
}

// ---- source: the top manifest (its tag checked against a pinned digest) and its children ----

void CopyEngine::readSource()
{
    if (m_cancelled) {
        finish(cancelledError(m_spec.destination));
        return;
    }
    emitProgress(CopyProgress::Phase::Reading);
    const ResolvedImage &src = m_spec.source;
    if (src.tag.isEmpty() || src.digest.isEmpty()) {
        readRoot(src.reference());
        return;
    }
    // Promotion copies the digest that was reviewed, and only while the tag still names it.
    m_source->headManifest(src.repository, src.tag, step<ManifestHead>([this](Result<ManifestHead> head) {
        const ResolvedImage &pinned = m_spec.source;
        if (!head.ok()) {
            finish(head.error());
            return;
        }
        if (head->digest.toString() != pinned.digest) {
            finish(refused(pinned, pinned.tag,
                           QStringLiteral("the tag now points at %1, not at %2 as planned; plan "
                                          "the copy again after reviewing the new image")
                               .arg(head->digest.toString(), pinned.digest)));
            return;
        }
        readRoot(pinned.digest);
    }));
}

void CopyEngine::readRoot(const QString &reference)
{
    m_source->getManifest(m_spec.source.repository, reference, step<Manifest>([this](Result<Manifest> m) {
        if (!m.ok()) {
            finish(m.error());
            return;
        }
        if (m->isLegacy()) {
            finish(refused(m_spec.source, m_spec.source.reference(),
                           QStringLiteral("a schema 1 manifest cannot be copied with its digest "
                                          "preserved; rebuild or convert the image first")));
            return;
        }
        m_root = std::move(m).value();
        m_report.digest = m_root->digest;
        m_report.mediaType = m_root->mediaType;
        m_report.manifests = 1;
        for (const Platform &p : m_root->childPlatforms())
            if (!p.isEmpty() && p.os != QLatin1String("unknown"))
                m_report.platforms << p.toString();
        readChildren();
    }));
}

void CopyEngine::readChildren()
{
    if (m_root->isIndex())
        readIndexChildren(*m_root, 1);
    if (m_childrenPending == 0 && !m_finished)
        checkDestination(); // an image, or an index whose children were all seen already
}

// Breadth first; pushChildren() pushes in reverse, so a nested index follows its children.
void CopyEngine::readIndexChildren(const Manifest &index, int depth)
{
    const QString parent = index.digest.toString();
    for (const Descriptor &child : index.manifests) {
        if (!child.hasValidDigest()) {
            finish(refused(m_spec.source, parent,
                           QStringLiteral("the index names \"%1\", which is not a digest")
                               .arg(child.digest)));
            return;
        }
        if (m_childrenSeen.contains(child.digest))
            continue;
        m_childrenSeen.insert(child.digest);
        if (depth > kMaxIndexDepth) {
            finish(refused(m_spec.source, parent,
                           QStringLiteral("indexes nested deeper than %1 levels").arg(kMaxIndexDepth)));
            return;
        }
        ++m_childrenPending;
        m_source->getManifest(
            m_spec.source.repository, child.digest,
            step<Manifest>([this, depth, parent](Result<Manifest> m) {
                if (!m.ok()) {
                    RegistryError e = m.error();
                    if (e.kind == RegistryError::Kind::NotFound)
                        e.message = QStringLiteral("the index %1 names it, but the source does not "
                                                   "hold it; an incomplete index is never copied")
                                        .arg(parent);
                    finish(e);
                    return;
                }
                if (m->isLegacy()) {
                    finish(refused(m_spec.source, m->digest.toString(),
                                   QStringLiteral("an index child in schema 1 cannot be copied "
                                                  "with its digest preserved")));
                    return;
                }
                const Manifest read = std::move(m).value();
                m_children.push_back(read);
                if (read.isIndex())
                    readIndexChildren(read, depth + 1);
                if (--m_childrenPending == 0 && !m_finished)
                    checkDestination();
            }));
    }
}

// ---- destination: where the tag is now, and which manifests it already holds ----

void CopyEngine::checkDestination()
{
    m_report.manifests = 1 + static_cast<int>(m_children.size());
    m_progress.manifestsTotal = m_report.manifests;
    emitProgress(CopyProgress::Phase::Checking);
    m_destination->headManifest(m_spec.destination.repository, m_spec.destination.tag,
                                step<ManifestHead>([this](Result<ManifestHead> head) {
        const ResolvedImage &dst = m_spec.destination;
        if (!head.ok() && head.error().kind != RegistryError::Kind::NotFound) {
            finish(head.error());
            return;
        }
        if (head.ok())
            m_before = head->digest;
        const QString before = m_before ? m_before->toString() : QString();
        const bool same = m_before && *m_before == m_root->digest;
        m_report.previousDigest = before;
        m_report.tagMoved = !same;
        if (!same && m_spec.plannedDestination && *m_spec.plannedDestination != before) {
            finish(refused(dst, dst.tag,
                           QStringLiteral("the tag moved since the copy was planned (planned: %1, "
                                          "now: %2); plan again")
                               .arg(m_spec.plannedDestination->isEmpty()
                                        ? QStringLiteral("absent")
                                        : *m_spec.plannedDestination,
                                    before.isEmpty() ? QStringLiteral("absent") : before)));
            return;
        }
        if (!same && m_before && !m_spec.allowOverwrite) {
            finish(refused(dst, dst.tag,
                           QStringLiteral("the tag points at %1, a different image; replacing it "
                                          "needs confirmation (--allow-overwrite)")
                               .arg(before)));
            return;
        }
        checkPresentManifests();
    }));
}

void CopyEngine::checkPresentManifests()
{
    m_childPresent.assign(m_children.size(), false);
    if (m_before && *m_before == m_root->digest)
        m_rootPresent = true;
    auto pending = std::make_shared<int>(static_cast<int>(m_children.size()) + (m_rootPresent ? 0 : 1));
    if (*pending == 0) {
        planBlobs();
        return;
    }
    const QString repository = m_spec.destination.repository;
    auto check = [this, pending, repository](const Digest &digest, std::function<void(bool)> present) {
        m_destination->headManifest(
            repository, digest.toString(),
            step<ManifestHead>([this, pending, present](Result<ManifestHead> head) {
                if (!head.ok() && head.error().kind != RegistryError::Kind::NotFound) {
                    finish(head.error());
                    return;
                }
                present(head.ok());
                if (--*pending == 0)
                    planBlobs();
            }));
    };
    if (!m_rootPresent)
        check(m_root->digest, [this](bool present) { m_rootPresent = present; });
    for (std::size_t i = 0; i < m_children.size(); ++i)
        check(m_children[i].digest, [this, i](bool present) { m_childPresent[i] = present; });
}

// ---- blobs: only those of manifests the destination lacks ----

void CopyEngine::planBlobs()
{
    QSet<QString> queued;
    auto want = [this, &queued](const Manifest &m) {
        for (const Descriptor &blob : m.blobs()) {
            // Foreign layers live elsewhere by design; registries accept manifests naming them.
            if (blob.isNonDistributable() || queued.contains(blob.digest))
                continue;
            queued.insert(blob.digest);
            m_blobQueue.push_back(blob);
            m_progress.bytesTotal += std::max<qint64>(0, blob.size);
        }
    };
    if (!m_root->isIndex() && !m_rootPresent)
        want(*m_root);
    for (std::size_t i = 0; i < m_children.size(); ++i)
        if (!m_childPresent[i] && !m_children[i].isIndex())
            want(m_children[i]);
    for (const Descriptor &blob : m_blobQueue) {
        if (!blob.hasValidDigest() || blob.size < 0) {
            finish(refused(m_spec.source, m_root->digest.toString(),
                           QStringLiteral("a manifest names blob \"%1\" without a valid digest and "
                                          "size")
                               .arg(blob.digest)));
            return;
        }
    }
    m_report.blobs = static_cast<int>(m_blobQueue.size());
    m_progress.blobsTotal = m_report.blobs;
    emitProgress(CopyProgress::Phase::Blobs);
    pumpBlobs();
}

void CopyEngine::pumpBlobs()
{
    if (m_finished)
        return;
    if (m_blobQueue.empty() && m_blobsInFlight == 0) {
        if (m_spec.dryRun) {
            // What the copy would push: the missing children, and the top manifest by tag.
            for (bool present : m_childPresent)
                m_report.manifestsPushed += present ? 0 : 1;
            m_report.manifestsPushed += m_report.tagMoved ? 1 : 0;
            m_report.dryRun = true;
            finish(m_report);
            return;
        }
        pushChildren();
        return;
    }
    while (m_blobsInFlight < m_spec.parallelBlobs && !m_blobQueue.empty()) {
        const Descriptor blob = m_blobQueue.front();
        m_blobQueue.pop_front();
        ++m_blobsInFlight;
        transferBlob(blob, [this, blob](Result<int> how) {
            --m_blobsInFlight;
            if (!how.ok()) {
                finish(how.error());
                return;
            }
            ++m_progress.blobsDone;
            m_progress.bytesDone += blob.size;
            emitProgress(CopyProgress::Phase::Blobs);
            pumpBlobs();
        });
    }
}

// Answers 0 when the destination had the blob, 1 when it was mounted, 2 when it was copied.
void CopyEngine::transferBlob(const Descriptor &blob, std::function<void(Result<int>)> done)
{
    const Digest digest = *Digest::parse(blob.digest);
    const QString dstRepo = m_spec.destination.repository;
    m_destination->headBlob(dstRepo, digest, step<std::optional<qint64>>(
        [this, blob, dstRepo, done](Result<std::optional<qint64>> size) {
            if (!size.ok()) {
                done(size.error());
                return;
            }
            if (size.value() && *size.value() == blob.size) {
                ++m_report.blobsPresent;
                remember(blob);
                done(0);
                return;
            }
            // On one host a blob moves without its bytes: a cross-repository mount, from the
            // source repository, or from where an earlier copy of this run put it.
            const QString srcRepo = m_spec.source.repository;
            const QString from = sameHost() && srcRepo != dstRepo
                                     ? srcRepo
                                     : (m_locations ? m_locations->find(Transport::hostKey(m_spec.destination.registry.url),
                                                                        blob.digest, dstRepo)
                                                    : QString());
            if (m_spec.dryRun) {
                // As if done: the plan's later items would find it there.
                remember(blob);
                if (!from.isEmpty()) {
                    ++m_report.blobsMounted;
                    done(1);
                } else {
                    ++m_report.blobsCopied;
                    m_report.bytesCopied += blob.size;
                    done(2);
                }
                return;
            }
            if (!from.isEmpty()) {
                mountOrCopy(blob, from, done);
                return;
            }
            const QString host = Transport::hostKey(m_spec.destination.registry.url);
            if (!m_locations || m_locations->claim(host, blob.digest)) {
                if (m_locations)
                    m_claims.insert(blob.digest);
                downloadAndUpload(blob, [this, blob, done](Result<int> how) {
                    releaseClaim(blob.digest, how.ok() ? m_spec.destination.repository : QString());
                    done(std::move(how));
                });
                return;
            }
            // Another copy of this run is sending it to this host: mount from where it lands.
            m_locations->wait(host, blob.digest,
                              [this, alive = std::weak_ptr<int>(m_alive), blob, done](const QString &landed) {
                                  if (alive.expired() || m_finished)
                                      return;
                                  if (landed.isEmpty())
                                      downloadAndUpload(blob, done);
                                  else
                                      mountOrCopy(blob, landed, done);
                              });
        }));
}

void CopyEngine::releaseClaim(const QString &digest, const QString &repository)
{
    if (m_locations && m_claims.remove(digest))
        m_locations->release(Transport::hostKey(m_spec.destination.registry.url), digest, repository);
}

void CopyEngine::mountOrCopy(const Descriptor &blob, const QString &from,
                             std::function<void(Result<int>)> done)
{
    const Digest digest = *Digest::parse(blob.digest);
    m_destination->mountBlob(m_spec.destination.repository, digest, from, step<MountResult>(
        [this, blob, done](Result<MountResult> mount) {
            if (mount.ok() && mount->mounted) {
                ++m_report.blobsMounted;
                remember(blob);
                done(1);
                return;
            }
            // 202: no access to that repository, or the registry will not mount. Upload.
            downloadAndUpload(blob, done);
        }));
}

void CopyEngine::remember(const Descriptor &blob)
{
    if (m_locations)
        m_locations->remember(Transport::hostKey(m_spec.destination.registry.url), blob.digest,
                              m_spec.destination.repository);
}

void CopyEngine::downloadAndUpload(const Descriptor &blob, std::function<void(Result<int>)> done)
{
    const Digest digest = *Digest::parse(blob.digest);
    std::shared_ptr<QIODevice> spool;
    QString spoolPath;
    if (blob.size <= kInMemoryBlobBytes) {
        spool = std::make_shared<QBuffer>();
    } else {
        auto file = std::make_shared<QTemporaryFile>(m_spec.spoolDir +
                                                     QStringLiteral("/quayside-blob-XXXXXX"));
        spool = file;
    }
    if (!spool->open(QIODevice::ReadWrite)) {
        RegistryError e;
        e.kind = RegistryError::Kind::Protocol;
        e.registry = m_spec.destination.registry.id;
        e.repository = m_spec.destination.repository;
        e.reference = blob.digest;
        e.message = QStringLiteral("cannot stage the blob in %1: %2")
                        .arg(m_spec.spoolDir, spool->errorString());
        done(e);
        return;
    }
    if (auto *file = dynamic_cast<QTemporaryFile *>(spool.get()))
        spoolPath = file->fileName();
    // getBlob checks the bytes against the digest and size as they arrive.
    m_source->getBlob(
        m_spec.source.repository, digest, blob.size, spool.get(),
        step<qint64>([this, blob, digest, spool, spoolPath, done](Result<qint64> got) {
            if (!got.ok()) {
                done(got.error());
                return;
            }
            BodySource source;
            if (spoolPath.isEmpty()) {
                const QByteArray bytes = static_cast<QBuffer *>(spool.get())->data();
                source = [bytes] {
                    auto buffer = std::make_unique<QBuffer>();
                    buffer->setData(bytes);
                    buffer->open(QIODevice::ReadOnly);
                    return std::unique_ptr<QIODevice>(std::move(buffer));
                };
            } else {
                spool->close();
                // The spool (kept alive by this capture) outlives every retry of the upload.
                source = [spool, spoolPath] {
                    auto file = std::make_unique<QFile>(spoolPath);
                    if (!file->open(QIODevice::ReadOnly))
                        return std::unique_ptr<QIODevice>();
                    return std::unique_ptr<QIODevice>(std::move(file));
                };
            }
            const QString dstRepo = m_spec.destination.repository;
            m_destination->uploadBlob(
                dstRepo, digest, blob.size, source,
                step<Unit>([this, blob, digest, dstRepo, done](Result<Unit> uploaded) {
                    if (!uploaded.ok()) {
                        done(uploaded.error());
                        return;
                    }
                    // Trust, then verify: the registry must now hold exactly these bytes.
                    m_destination->headBlob(dstRepo, digest, step<std::optional<qint64>>(
                        [this, blob, dstRepo, done](Result<std::optional<qint64>> size) {
                            if (!size.ok()) {
                                done(size.error());
                                return;
                            }
                            if (!size.value() || *size.value() != blob.size) {
                                RegistryError e;
                                e.kind = RegistryError::Kind::Protocol;
                                e.registry = m_spec.destination.registry.id;
                                e.repository = dstRepo;
                                e.reference = blob.digest;
                                e.message = QStringLiteral("the upload was accepted but the "
                                                           "registry does not hold %1 bytes")
                                                .arg(blob.size);
                                done(e);
                                return;
                            }
                            ++m_report.blobsCopied;
                            m_report.bytesCopied += blob.size;
                            remember(blob);
                            done(2);
                        }));
                }));
        }));
}

// ---- manifests: children by digest, then the tag ----

void CopyEngine::pushChildren()
{
    emitProgress(CopyProgress::Phase::Manifests);
    // Deepest first: a nested index is pushed after the children it names.
    for (std::size_t i = m_children.size(); i-- > 0;) {
        if (m_childPresent[i])
            ++m_progress.manifestsDone;
        else
            m_pushOrder.push_back(i);
    }
    pushNextChild();
}

void CopyEngine::pushNextChild()
{
    if (m_pushOrder.empty()) {
        moveTag();
        return;
    }
    const Manifest &child = m_children[m_pushOrder.front()];
    m_pushOrder.pop_front();
    m_destination->putManifest(m_spec.destination.repository, child.digest.toString(), child.raw,
                               child.mediaType, step<Digest>([this](Result<Digest> stored) {
                                   if (!stored.ok()) {
                                       finish(stored.error());
                                       return;
                                   }
                                   ++m_report.manifestsPushed;
                                   ++m_progress.manifestsDone;
                                   emitProgress(CopyProgress::Phase::Manifests);
                                   pushNextChild();
                               }));
}

void CopyEngine::moveTag()
{
    if (!m_report.tagMoved) {
        ++m_progress.manifestsDone;
        verify();
        return;
    }
    emitProgress(CopyProgress::Phase::Tagging);
    if (m_before && !m_spec.backupTag.isEmpty()) {
        backupThenPut();
        return;
    }
    putRoot();
}

void CopyEngine::backupThenPut()
{
    const QString backup = m_spec.backupTag;
    m_destination->headManifest(m_spec.destination.repository, backup,
                                step<ManifestHead>([this, backup](Result<ManifestHead> head) {
        const ResolvedImage &dst = m_spec.destination;
        if (head.ok() && !(head->digest == *m_before)) {
            finish(refused(dst, backup,
                           QStringLiteral("the backup tag already names %1; choose another")
                               .arg(head->digest.toString())));
            return;
        }
        if (!head.ok() && head.error().kind != RegistryError::Kind::NotFound) {
            finish(head.error());
            return;
        }
        m_destination->getManifest(dst.repository, m_before->toString(), step<Manifest>(
            [this, backup](Result<Manifest> old) {
                if (!old.ok()) {
                    finish(old.error());
                    return;
                }
                m_destination->putManifest(
                    m_spec.destination.repository, backup, old->raw, old->mediaType,
                    step<Digest>([this, backup](Result<Digest> stored) {
                        if (!stored.ok()) {
                            finish(stored.error());
                            return;
                        }
                        m_report.backupTag = backup;
                        putRoot();
                    }));
            }));
    }));
}

void CopyEngine::putRoot()
{
    if (m_cancelled) {
        finish(cancelledError(m_spec.destination));
        return;
    }
    // Not wrapped in step(): once this PUT is on the wire its answer, not a cancel, says where
    // the tag is.
    m_destination->putManifest(
        m_spec.destination.repository, m_spec.destination.tag, m_root->raw, m_root->mediaType,
        [this, alive = std::weak_ptr<int>(m_alive)](Result<Digest> stored) {
            if (alive.expired() || m_finished)
                return;
            if (!stored.ok()) {
                finish(stored.error());
                return;
            }
            ++m_report.manifestsPushed;
            ++m_progress.manifestsDone;
            m_cancelled = false; // too late to cancel: the tag has moved; say so truthfully
            verify();
        });
}

void CopyEngine::verify()
{
    emitProgress(CopyProgress::Phase::Verifying);
    const ResolvedImage &dst = m_spec.destination;
    auto pending = std::make_shared<int>(1 + static_cast<int>(m_children.size()));
    auto answered = [this, pending](Result<ManifestHead> head, const QString &reference,
                                    const Digest &expected) {
        if (m_finished)
            return;
        if (!head.ok()) {
            RegistryError e = head.error();
            e.message = QStringLiteral("after the copy: %1").arg(e.message);
            finish(e);
            return;
        }
        if (!(head->digest == expected)) {
            finish(refused(m_spec.destination, reference,
                           QStringLiteral("after the copy the destination answers %1, not %2")
                               .arg(head->digest.toString(), expected.toString())));
            return;
        }
        if (--*pending == 0)
            finish(m_report);
    };
    const std::weak_ptr<int> alive(m_alive);
    m_destination->headManifest(dst.repository, dst.tag,
                                [alive, answered, tag = dst.tag, root = m_root->digest](Result<ManifestHead> head) {
                                    if (!alive.expired())
                                        answered(std::move(head), tag, root);
                                });
    for (const Manifest &child : m_children)
        m_destination->headManifest(
            dst.repository, child.digest.toString(),
            [alive, answered, digest = child.digest](Result<ManifestHead> head) {
                if (!alive.expired())
                    answered(std::move(head), digest.toString(), digest);
            });
}

} // namespace quayside
