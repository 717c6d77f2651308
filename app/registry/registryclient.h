#pragma once

#include "digest.h"
#include "inventory/profile.h"
#include "manifest.h"
#include "registryerror.h"
#include "support/credentials.h"

#include <QDateTime>
#include <QObject>
#include <QSet>
#include <QStringList>
#include <QUrl>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

class QIODevice;

namespace quayside {

class Authenticator;
class Transport;
struct Request;
struct Response;

template<typename T>
using Callback = std::function<void(Result<T>)>;

struct ManifestHead {
    Digest digest;
    QString mediaType;
    qint64 size = -1;
};

// A repository as quay's REST API lists it.
struct QuayRepository {
    QString ns;
    QString name;
    bool isPublic = true;
    QString state; // NORMAL, READ_ONLY, MIRROR
    QDateTime lastModified;

    QString fullName() const { return ns + u'/' + name; }
};

// An active tag as quay's REST API lists it: the digest comes with the listing, so a quay
// namespace is inventoried without one HEAD per tag.
struct QuayTag {
    QString name;
    Digest digest;
    bool isManifestList = false;
    qint64 size = -1; // null for lists
    QDateTime lastModified;
};

// What a host answers for a manifest, redirects not followed: the roadmap's evidence that an
// old registry now sends its clients to quay.io.
struct ManifestProbe {
    int status = 0;
    QUrl location; // resolved, for a 3xx
    QString digest; // Docker-Content-Digest, if the host served the manifest itself
};

struct MountResult {
    bool mounted = false;
    QUrl uploadLocation; // when not mounted: an upload session to continue with
};

using BodySource = std::function<std::unique_ptr<QIODevice>()>;

// Talks to one registry of a profile: the OCI distribution API for every kind, quay's REST API
// for kind "quay". Every call is asynchronous and answers with a value or a RegistryError that
// names the registry, repository and reference; callbacks run on the client's thread, after the
// call returns, and never after the client is destroyed.
class RegistryClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RegistryClient)

public:
    explicit RegistryClient(RegistryConfig config, Transport *transport = nullptr,
                            QObject *parent = nullptr);
    ~RegistryClient() override;

    const RegistryConfig &config() const { return m_config; }
    Transport *transport() const { return m_transport; }
    void setCredential(std::optional<Credential> credential);
    const Authenticator *authenticator() const { return m_auth; }
    // Stops every request of this client; their callbacks never run.
    void cancelAll();
    // This repository is about to be written: its reads ask for a pull,push token too, so one
    // token serves the whole copy (quay's token endpoint is slow, and its budget small).
    void intendToWrite(const QString &repository) { m_writeRepositories.insert(repository); }

    // GET /v2/: reachable, a registry, and the credentials (if any) accepted.
    void ping(Callback<Unit> done);
    // Every repository name (as the registry names them), following Link pages.
    void catalog(Callback<QStringList> done);
    // Every tag of a repository, sorted, following Link pages; [] for "tags": null.
    void listTags(const QString &repository, Callback<QStringList> done);
    void headManifest(const QString &repository, const QString &reference,
                      Callback<ManifestHead> done);
    // The manifest's exact bytes, parsed, its digest checked against the registry's header and
    // (when fetched by digest) against the reference.
    void getManifest(const QString &repository, const QString &reference, Callback<Manifest> done);
    // Size if the blob exists, nullopt if not.
    void headBlob(const QString &repository, const Digest &digest,
                  Callback<std::optional<qint64>> done);
    // Streams a blob into sink (which must be writable and, for retries, seekable), checking
    // its digest and size on the way. Answers the number of bytes.
    void getBlob(const QString &repository, const Digest &digest, qint64 expectedSize,
                 QIODevice *sink, Callback<qint64> done);

    // HEAD of a manifest without following a redirect; 3xx and 404 are answers, not errors.
    void probeManifest(const QString &repository, const QString &reference,
                       Callback<ManifestProbe> done);

    // quay REST API (kind "quay").
    // Whether the organization (namespace) exists: GET /api/v1/organization/<ns>.
    void quayOrganizationExists(const QString &ns, Callback<bool> done);
    void quayRepositories(const QString &ns, Callback<std::vector<QuayRepository>> done);
    void quayTags(const QString &repository, Callback<std::vector<QuayTag>> done);

    // Uploads.
    void mountBlob(const QString &repository, const Digest &digest, const QString &fromRepository,
                   Callback<MountResult> done);
    void startUpload(const QString &repository, Callback<QUrl> done);
    // Uploads a blob whole (chunkSize 0) or in chunks, offsets tracked here; restarts the
    // session when a registry loses it. source must give a fresh, open, seekable device.
    void uploadBlob(const QString &repository, const Digest &digest, qint64 size,
                    BodySource source, Callback<Unit> done, qint64 chunkSize = 0);
    // PUTs exactly these bytes; answers the digest the registry stored (checked against ours).
    void putManifest(const QString &repository, const QString &reference, const QByteArray &bytes,
                     const QString &mediaType, Callback<Digest> done);

    QUrl v2Url(const QString &path) const;

private:
    struct TagPager;
    struct Upload;

    Request request(const QByteArray &method, const QUrl &url, EndpointClass endpoint,
                    const QString &repository, const QString &reference, bool write = false) const;
    RegistryError error(RegistryError::Kind kind, const QString &repository,
                        const QString &reference, const QString &message) const;
    void send(Request request, std::function<void(Result<Response>)> done);
    void catalogPage(QUrl url, std::shared_ptr<QStringList> names,
                     std::shared_ptr<QSet<QString>> seen, Callback<QStringList> done);
    void tagsPage(QUrl url, const QString &repository, std::shared_ptr<QStringList> tags,
                  std::shared_ptr<QSet<QString>> seen, Callback<QStringList> done);
    void quayRepositoriesPage(const QString &ns, const QString &nextPage,
                              std::shared_ptr<std::vector<QuayRepository>> out,
                              Callback<std::vector<QuayRepository>> done);
    void quayTagsPage(const QString &repository, int page,
                      std::shared_ptr<std::vector<QuayTag>> out,
                      Callback<std::vector<QuayTag>> done);
    void uploadStep(std::shared_ptr<Upload> upload);
    void uploadFinish(std::shared_ptr<Upload> upload);
    void uploadRecover(std::shared_ptr<Upload> upload, const RegistryError &why);
    QList<std::pair<QByteArray, QByteArray>> apiHeaders() const;

    RegistryConfig m_config;
    Transport *m_transport;
    Authenticator *m_auth;
    QSet<QString> m_writeRepositories;
};

} // namespace quayside
