#include "registryclient.h"

#include "authenticator.h"
#include "httpheaders.h"
#include "mediatypes.h"
#include "support/logging.h"
#include "transport.h"

#include <QBuffer>
#include <QFileDevice>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QSet>
#include <QSslCertificate>
#include <QTimeZone>
#include <QUrlQuery>

#include <algorithm>

namespace quayside {
namespace {

// Distribution refuses n > 1000 on _catalog (PAGINATION_NUMBER_INVALID).
constexpr int kCatalogPageSize = 1000;
// quay's REST API serves at most 100 tags a page.
constexpr int kQuayTagPageSize = 100;
// A registry that keeps sending "next" is broken; stop long before memory runs out.
constexpr int kMaxPages = 100000;
constexpr qint64 kSmallBody = 64 * 1024;
constexpr qint64 kManifestLimit = 4 * 1024 * 1024;
constexpr qint64 kListingLimit = 8 * 1024 * 1024;
constexpr int kUploadRestarts = 3;

QString pullScope(const QString &repository)
{
    return QStringLiteral("repository:%1:pull").arg(repository);
}

QString pushScope(const QString &repository)
{
    return QStringLiteral("repository:%1:pull,push").arg(repository);
}

QDateTime parseQuayDate(const QString &text)
{
    // quay's format_date: "Fri, 10 May 2024 17:46:02 -0000".
    QDateTime when = QDateTime::fromString(text, Qt::RFC2822Date);
    if (!when.isValid())
        when = QLocale::c().toDateTime(text, QStringLiteral("ddd, dd MMM yyyy HH:mm:ss '-0000'"));
    return when;
}

} // namespace

struct RegistryClient::Upload {
    QString repository;
    Digest digest;
    qint64 size = 0;
    qint64 chunkSize = 0;
    BodySource source;
    Callback<Unit> done;
    QUrl location;
    qint64 offset = 0;
    int restarts = 0;
};

RegistryClient::RegistryClient(RegistryConfig config, Transport *transport, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_transport(transport ? transport : Transport::forCurrentThread())
    , m_auth(new Authenticator(m_transport, m_config.id, m_config.url, this))
{
    m_transport->configureHost(m_config.url, m_config.rateLimit, m_config.insecure,
                               m_config.caCertificates.isEmpty()
                                   ? QList<QSslCertificate>()
                                   : QSslCertificate::fromPath(m_config.caCertificates, QSsl::Pem));
}

RegistryClient::~RegistryClient()
{
    m_transport->cancel(this);
}

void RegistryClient::setCredential(std::optional<Credential> credential)
{
    m_auth->setCredential(std::move(credential));
}

void RegistryClient::cancelAll()
{
    m_transport->cancel(this);
}

QUrl RegistryClient::v2Url(const QString &path) const
{
    QUrl url = m_config.url;
    url.setPath(QStringLiteral("/v2/") + path);
    return url;
}

Request RegistryClient::request(const QByteArray &method, const QUrl &url, EndpointClass endpoint,
                                const QString &repository, const QString &reference,
                                bool write) const
{
    Request r;
    r.method = method;
    r.url = url;
    r.endpoint = endpoint;
    r.auth = m_auth;
    r.authScope = repository.isEmpty()                             ? QString()
                  : write || m_writeRepositories.contains(repository) ? pushScope(repository)
                                                                        : pullScope(repository);
    r.registry = m_config.id;
    r.repository = repository;
    r.reference = reference;
    return r;
}

RegistryError RegistryClient::error(RegistryError::Kind kind, const QString &repository,
                                    const QString &reference, const QString &message) const
{
    RegistryError e;
    e.kind = kind;
    e.registry = m_config.id;
    e.repository = repository;
    e.reference = reference;
    e.message = message;
    return e;
}

void RegistryClient::send(Request request, std::function<void(Result<Response>)> done)
{
    m_transport->send(std::move(request), this, std::move(done));
}

void RegistryClient::ping(Callback<Unit> done)
{
    Request r = request("GET", v2Url(QString()), EndpointClass::Other, {}, {});
    r.maxResponseBytes = kSmallBody;
    send(r, [done = std::move(done)](Result<Response> result) {
        if (!result.ok())
            done(result.error());
        else
            done(Unit{});
    });
}

void RegistryClient::catalog(Callback<QStringList> done)
{
    QUrl url = v2Url(QStringLiteral("_catalog"));
    url.setQuery(QStringLiteral("n=%1").arg(kCatalogPageSize));
    catalogPage(url, std::make_shared<QStringList>(), std::make_shared<QSet<QString>>(),
                std::move(done));
}

void RegistryClient::catalogPage(QUrl url, std::shared_ptr<QStringList> names,
                                 std::shared_ptr<QSet<QString>> seen, Callback<QStringList> done)
{
    if (seen->contains(url.toString()) || seen->size() > kMaxPages) {
        done(error(RegistryError::Kind::Protocol, {}, {},
                   QStringLiteral("the catalog's Link pages loop back to %1").arg(url.toString())));
        return;
    }
    seen->insert(url.toString());
    Request r = request("GET", url, EndpointClass::Catalog, {}, {});
    r.authScope = QStringLiteral("registry:catalog:*");
    r.maxResponseBytes = kListingLimit;
    send(r, [this, url, names, seen, done = std::move(done)](Result<Response> result) mutable {
        if (!result.ok()) {
            done(result.error());
            return;
        }
        QJsonParseError parseError{};
        const QJsonDocument doc = QJsonDocument::fromJson(result->body, &parseError);
        const QJsonValue repositories = doc.object().value(QLatin1String("repositories"));
        if (parseError.error != QJsonParseError::NoError || !doc.isObject() ||
            !(repositories.isArray() || repositories.isNull())) {
            done(error(RegistryError::Kind::Protocol, {}, {},
                       QStringLiteral("the catalog is not the expected JSON (%1)")
                           .arg(parseError.error != QJsonParseError::NoError
                                    ? parseError.errorString()
                                    : QStringLiteral("no \"repositories\" array"))));
            return;
        }
        for (const QJsonValue &name : repositories.toArray())
            if (name.isString())
                names->append(name.toString());
        if (const auto next = http::nextLink(result->header("link"), url)) {
            catalogPage(*next, names, seen, std::move(done));
            return;
        }
        names->removeDuplicates();
        std::sort(names->begin(), names->end());
        done(*names);
    });
}

void RegistryClient::listTags(const QString &repository, Callback<QStringList> done)
{
    tagsPage(v2Url(repository + QStringLiteral("/tags/list")), repository,
             std::make_shared<QStringList>(), std::make_shared<QSet<QString>>(), std::move(done));
}

void RegistryClient::tagsPage(QUrl url, const QString &repository,
                              std::shared_ptr<QStringList> tags,
                              std::shared_ptr<QSet<QString>> seen, Callback<QStringList> done)
{
    if (seen->contains(url.toString()) || seen->size() > kMaxPages) {
        done(error(RegistryError::Kind::Protocol, repository, {},
                   QStringLiteral("the tag list's Link pages loop back to %1").arg(url.toString())));
        return;
    }
    seen->insert(url.toString());
    Request r = request("GET", url, EndpointClass::Tags, repository, {});
    r.maxResponseBytes = kListingLimit;
    send(r, [this, url, repository, tags, seen,
             done = std::move(done)](Result<Response> result) mutable {
        if (!result.ok()) {
            done(result.error());
            return;
        }
        QJsonParseError parseError{};
        const QJsonDocument doc = QJsonDocument::fromJson(result->body, &parseError);
        const QJsonValue list = doc.object().value(QLatin1String("tags"));
        // distribution 2.8 answers "tags": null for a repository whose tags were all deleted.
        if (parseError.error != QJsonParseError::NoError || !doc.isObject() ||
            !(list.isArray() || list.isNull())) {
            done(error(RegistryError::Kind::Protocol, repository, {},
                       QStringLiteral("the tag list is not the expected JSON (%1)")
                           .arg(parseError.error != QJsonParseError::NoError
                                    ? parseError.errorString()
                                    : QStringLiteral("no \"tags\" array"))));
            return;
        }
        for (const QJsonValue &tag : list.toArray())
            if (tag.isString())
                tags->append(tag.toString());
        if (const auto next = http::nextLink(result->header("link"), url)) {
            tagsPage(*next, repository, tags, seen, std::move(done));
            return;
        }
        // distribution 2.8 returns tags unsorted and ignores n/last.
        tags->removeDuplicates();
        std::sort(tags->begin(), tags->end());
        done(*tags);
    });
}

void RegistryClient::headManifest(const QString &repository, const QString &reference,
                                  Callback<ManifestHead> done)
{
    Request r = request("HEAD", v2Url(repository + QStringLiteral("/manifests/") + reference),
                        EndpointClass::Manifests, repository, reference);
    r.headers.push_back({"Accept", QByteArray(mediatype::AcceptManifests.data())});
    send(r, [this, repository, reference, done = std::move(done)](Result<Response> result) mutable {
        if (!result.ok()) {
            done(result.error());
            return;
        }
        const auto digest =
            Digest::parse(QString::fromLatin1(result->header("docker-content-digest")).trimmed());
        if (!digest) {
            // Some registries omit the header on HEAD: the bytes tell the truth instead.
            getManifest(repository, reference,
                        [done = std::move(done)](Result<Manifest> manifest) {
                            if (!manifest.ok())
                                done(manifest.error());
                            else
                                done(ManifestHead{manifest->digest, manifest->mediaType,
                                                  manifest->raw.size()});
                        });
            return;
        }
        if (const auto asDigest = Digest::parse(reference); asDigest && !(*asDigest == *digest)) {
            done(error(RegistryError::Kind::Protocol, repository, reference,
                       QStringLiteral("asked for %1 but the registry answered %2")
                           .arg(reference, digest->toString())));
            return;
        }
        ManifestHead head;
        head.digest = *digest;
        head.mediaType =
            QString::fromLatin1(result->header("content-type")).section(u';', 0, 0).trimmed();
        head.size = result->header("content-length").toLongLong();
        done(head);
    });
}

void RegistryClient::getManifest(const QString &repository, const QString &reference,
                                 Callback<Manifest> done)
{
    Request r = request("GET", v2Url(repository + QStringLiteral("/manifests/") + reference),
                        EndpointClass::Manifests, repository, reference);
    r.headers.push_back({"Accept", QByteArray(mediatype::AcceptManifests.data())});
    r.maxResponseBytes = kManifestLimit;
    send(r, [this, repository, reference, done = std::move(done)](Result<Response> result) {
        if (!result.ok()) {
            done(result.error());
            return;
        }
        ManifestParse parsed =
            parseManifest(result->body, QString::fromLatin1(result->header("content-type")));
        if (!parsed.ok()) {
            done(error(RegistryError::Kind::Protocol, repository, reference, parsed.error));
            return;
        }
        Manifest &m = *parsed.manifest;
        // The digest must be of the bytes received, whatever a header claims (a proxy may
        // have changed them); schema 1 signatures make its digests unverifiable this way.
        const auto claimed =
            Digest::parse(QString::fromLatin1(result->header("docker-content-digest")).trimmed());
        const auto asked = Digest::parse(reference);
        if (!m.isLegacy()) {
            for (const auto &expected : {claimed, asked}) {
                if (!expected)
                    continue;
                Digest actual = m.digest;
                if (expected->algorithm() == QLatin1String("sha512")) {
                    DigestHasher hasher(QCryptographicHash::Sha512);
                    hasher.addData(m.raw);
                    actual = hasher.result();
                }
                if (!(actual == *expected)) {
                    done(error(RegistryError::Kind::Protocol, repository, reference,
                               QStringLiteral("digest mismatch: expected %1, the bytes received "
                                              "hash to %2")
                                   .arg(expected->toString(), actual.toString())));
                    return;
                }
            }
        } else if (claimed) {
            m.digest = *claimed;
        }
        done(std::move(m));
    });
}

void RegistryClient::headBlob(const QString &repository, const Digest &digest,
                              Callback<std::optional<qint64>> done)
{
    Request r = request("HEAD", v2Url(repository + QStringLiteral("/blobs/") + digest.toString()),
                        EndpointClass::Blobs, repository, digest.toString());
    r.acceptStatuses = {404};
    send(r, [done = std::move(done)](Result<Response> result) {
        if (!result.ok())
            done(result.error());
        else if (result->status == 404)
            done(std::optional<qint64>());
        else
            done(std::optional<qint64>(result->header("content-length").toLongLong()));
    });
}

void RegistryClient::getBlob(const QString &repository, const Digest &digest, qint64 expectedSize,
                             QIODevice *sink, Callback<qint64> done)
{
    const auto algorithm = DigestHasher::algorithmOf(digest);
    auto hasher = std::make_shared<DigestHasher>(algorithm.value_or(QCryptographicHash::Sha256));
    auto failed = std::make_shared<QString>();
    Request r = request("GET", v2Url(repository + QStringLiteral("/blobs/") + digest.toString()),
                        EndpointClass::Blobs, repository, digest.toString());
    r.onChunk = [sink, hasher, failed, expectedSize](QByteArrayView chunk) {
        if (sink->write(chunk.data(), chunk.size()) != chunk.size()) {
            *failed = QStringLiteral("cannot write the download: %1").arg(sink->errorString());
            return false;
        }
        hasher->addData(chunk);
        if (expectedSize >= 0 && hasher->bytes() > expectedSize) {
            *failed = QStringLiteral("the blob is larger than the %1 bytes its descriptor says")
                          .arg(expectedSize);
            return false;
        }
        return true;
    };
    r.onRestart = [sink, hasher] {
        // A retry starts over: forget what the failed attempt wrote.
        hasher->reset();
        if (auto *file = qobject_cast<QFileDevice *>(sink))
            file->resize(0);
        else if (auto *buffer = qobject_cast<QBuffer *>(sink))
            buffer->buffer().clear();
        sink->seek(0);
    };
    send(r, [this, repository, digest, expectedSize, hasher, failed,
             done = std::move(done)](Result<Response> result) {
        if (!failed->isEmpty()) {
            done(error(RegistryError::Kind::Protocol, repository, digest.toString(), *failed));
            return;
        }
        if (!result.ok()) {
            done(result.error());
            return;
        }
        if (expectedSize >= 0 && hasher->bytes() != expectedSize) {
            done(error(RegistryError::Kind::Protocol, repository, digest.toString(),
                       QStringLiteral("the blob has %1 bytes, its descriptor says %2")
                           .arg(hasher->bytes())
                           .arg(expectedSize)));
            return;
        }
        if (!(hasher->result() == digest)) {
            done(error(RegistryError::Kind::Protocol, repository, digest.toString(),
                       QStringLiteral("digest mismatch: the bytes received hash to %1")
                           .arg(hasher->result().toString())));
            return;
        }
        done(hasher->bytes());
    });
}

QList<std::pair<QByteArray, QByteArray>> RegistryClient::apiHeaders() const
{
    QList<std::pair<QByteArray, QByteArray>> headers{{"Accept", "application/json"}};
    // quay's REST API takes an OAuth application token; robots have no API access.
    if (const auto &c = m_auth->credential(); c && c->username == QLatin1String("$oauthtoken"))
        headers.push_back({"Authorization", "Bearer " + c->secret.toUtf8()});
    return headers;
}

void RegistryClient::quayRepositories(const QString &ns, Callback<std::vector<QuayRepository>> done)
{
    quayRepositoriesPage(ns, QString(), std::make_shared<std::vector<QuayRepository>>(),
                         std::move(done));
}

void RegistryClient::probeManifest(const QString &repository, const QString &reference,
                                   Callback<ManifestProbe> done)
{
    const QUrl url = v2Url(repository + QStringLiteral("/manifests/") + reference);
    Request r = request("HEAD", url, EndpointClass::Manifests, repository, reference);
    r.headers.push_back({"Accept", QByteArray(mediatype::AcceptManifests.data())});
    r.followRedirects = false;
    r.acceptStatuses = {301, 302, 303, 307, 308, 404};
    send(r, [url, done = std::move(done)](Result<Response> result) {
        if (!result.ok()) {
            done(result.error());
            return;
        }
        ManifestProbe probe;
        probe.status = result->status;
        if (const QByteArray location = result->header("location"); !location.isEmpty())
            probe.location = url.resolved(QUrl::fromEncoded(location));
        probe.digest = QString::fromLatin1(result->header("docker-content-digest")).trimmed();
        done(probe);
    });
}

void RegistryClient::quayOrganizationExists(const QString &ns, Callback<bool> done)
{
    QUrl url = m_config.url;
    url.setPath(QStringLiteral("/api/v1/organization/") + ns);
    Request r = request("GET", url, EndpointClass::Api, ns, {});
    r.auth = nullptr; // the REST API is not the token-flow registry API
    r.headers = apiHeaders();
    r.maxResponseBytes = kSmallBody;
    r.acceptStatuses = {404};
    send(r, [done = std::move(done)](Result<Response> result) {
        if (!result.ok())
            done(result.error());
        else
            done(result->status == 200);
    });
}

void RegistryClient::quayRepositoriesPage(const QString &ns, const QString &nextPage,
                                          std::shared_ptr<std::vector<QuayRepository>> out,
                                          Callback<std::vector<QuayRepository>> done)
{
    QUrl url = m_config.url;
    url.setPath(QStringLiteral("/api/v1/repository"));
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("namespace"), ns);
    query.addQueryItem(QStringLiteral("public"), QStringLiteral("true"));
    query.addQueryItem(QStringLiteral("last_modified"), QStringLiteral("true"));
    if (!nextPage.isEmpty())
        query.addQueryItem(QStringLiteral("next_page"), nextPage);
    url.setQuery(query);
    Request r = request("GET", url, EndpointClass::Api, ns, {});
    r.auth = nullptr; // the REST API is not the token-flow registry API
    r.headers = apiHeaders();
    r.maxResponseBytes = kListingLimit;
    send(r, [this, ns, out, done = std::move(done)](Result<Response> result) mutable {
        if (!result.ok()) {
            done(result.error());
            return;
        }
        const QJsonDocument doc = QJsonDocument::fromJson(result->body);
        const QJsonValue list = doc.object().value(QLatin1String("repositories"));
        if (!list.isArray()) {
            done(error(RegistryError::Kind::Protocol, ns, {},
                       QStringLiteral("the repository list is not the expected JSON")));
            return;
        }
        for (const QJsonValue &v : list.toArray()) {
            const QJsonObject o = v.toObject();
            QuayRepository repo;
            repo.ns = o.value(QLatin1String("namespace")).toString(ns);
            repo.name = o.value(QLatin1String("name")).toString();
            repo.isPublic = o.value(QLatin1String("is_public")).toBool(true);
            repo.state = o.value(QLatin1String("state")).toString();
            const QJsonValue modified = o.value(QLatin1String("last_modified"));
            if (modified.isDouble())
                repo.lastModified = QDateTime::fromSecsSinceEpoch(
                    static_cast<qint64>(modified.toDouble()), QTimeZone::utc());
            if (!repo.name.isEmpty())
                out->push_back(repo);
        }
        const QString next = doc.object().value(QLatin1String("next_page")).toString();
        if (!next.isEmpty()) {
            if (out->size() > static_cast<std::size_t>(kMaxPages) * 100) {
                done(error(RegistryError::Kind::Protocol, ns, {},
                           QStringLiteral("the repository list does not end")));
                return;
            }
            quayRepositoriesPage(ns, next, out, std::move(done));
            return;
        }
        std::sort(out->begin(), out->end(),
                  [](const QuayRepository &a, const QuayRepository &b) { return a.name < b.name; });
        done(*out);
    });
}

void RegistryClient::quayTags(const QString &repository, Callback<std::vector<QuayTag>> done)
{
    quayTagsPage(repository, 1, std::make_shared<std::vector<QuayTag>>(), std::move(done));
}

void RegistryClient::quayTagsPage(const QString &repository, int page,
                                  std::shared_ptr<std::vector<QuayTag>> out,
                                  Callback<std::vector<QuayTag>> done)
{
    QUrl url = m_config.url;
    url.setPath(QStringLiteral("/api/v1/repository/") + repository + QStringLiteral("/tag/"));
    url.setQuery(QStringLiteral("onlyActiveTags=true&limit=%1&page=%2")
                     .arg(kQuayTagPageSize)
                     .arg(page));
    Request r = request("GET", url, EndpointClass::Api, repository, {});
    r.auth = nullptr;
    r.headers = apiHeaders();
    r.maxResponseBytes = kListingLimit;
    send(r, [this, repository, page, out, done = std::move(done)](Result<Response> result) mutable {
        if (!result.ok()) {
            done(result.error());
            return;
        }
        const QJsonObject o = QJsonDocument::fromJson(result->body).object();
        const QJsonValue tags = o.value(QLatin1String("tags"));
        if (!tags.isArray()) {
            done(error(RegistryError::Kind::Protocol, repository, {},
                       QStringLiteral("the tag list is not the expected JSON")));
            return;
        }
        for (const QJsonValue &v : tags.toArray()) {
            const QJsonObject t = v.toObject();
            QuayTag tag;
            tag.name = t.value(QLatin1String("name")).toString();
            const auto digest = Digest::parse(t.value(QLatin1String("manifest_digest")).toString());
            if (tag.name.isEmpty() || !digest) {
                done(error(RegistryError::Kind::Protocol, repository, tag.name,
                           QStringLiteral("a tag without a valid manifest_digest")));
                return;
            }
            tag.digest = *digest;
            tag.isManifestList = t.value(QLatin1String("is_manifest_list")).toBool();
            const QJsonValue size = t.value(QLatin1String("size"));
            tag.size = size.isDouble() ? static_cast<qint64>(size.toDouble()) : -1;
            tag.lastModified = parseQuayDate(t.value(QLatin1String("last_modified")).toString());
            out->push_back(tag);
        }
        if (o.value(QLatin1String("has_additional")).toBool()) {
            if (page >= kMaxPages) {
                done(error(RegistryError::Kind::Protocol, repository, {},
                           QStringLiteral("the tag list does not end")));
                return;
            }
            quayTagsPage(repository, page + 1, out, std::move(done));
            return;
        }
        std::sort(out->begin(), out->end(),
                  [](const QuayTag &a, const QuayTag &b) { return a.name < b.name; });
        out->erase(std::unique(out->begin(), out->end(),
                               [](const QuayTag &a, const QuayTag &b) { return a.name == b.name; }),
                   out->end());
        done(*out);
    });
}

void RegistryClient::mountBlob(const QString &repository, const Digest &digest,
                               const QString &fromRepository, Callback<MountResult> done)
{
    QUrl url = v2Url(repository + QStringLiteral("/blobs/uploads/"));
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("mount"), digest.toString());
    query.addQueryItem(QStringLiteral("from"), fromRepository);
    url.setQuery(query);
    Request r = request("POST", url, EndpointClass::Blobs, repository, digest.toString(), true);
    r.authScope = pushScope(repository) + u' ' + pullScope(fromRepository);
    r.maxResponseBytes = kSmallBody;
    send(r, [this, repository, url, digest, done = std::move(done)](Result<Response> result) {
        if (!result.ok()) {
            done(result.error());
            return;
        }
        MountResult mount;
        mount.mounted = result->status == 201;
        const QByteArray location = result->header("location");
        if (!mount.mounted) {
            if (location.isEmpty()) {
                done(error(RegistryError::Kind::Protocol, repository, digest.toString(),
                           QStringLiteral("a mount that neither mounted nor opened an upload")));
                return;
            }
            mount.uploadLocation = url.resolved(QUrl::fromEncoded(location));
        }
        done(mount);
    });
}

void RegistryClient::startUpload(const QString &repository, Callback<QUrl> done)
{
    const QUrl url = v2Url(repository + QStringLiteral("/blobs/uploads/"));
    Request r = request("POST", url, EndpointClass::Blobs, repository, {}, true);
    r.maxResponseBytes = kSmallBody;
    send(r, [this, repository, url, done = std::move(done)](Result<Response> result) {
        if (!result.ok()) {
            done(result.error());
            return;
        }
        const QByteArray location = result->header("location");
        if (result->status != 202 || location.isEmpty()) {
            done(error(RegistryError::Kind::Protocol, repository, {},
                       QStringLiteral("starting an upload answered %1 without a Location")
                           .arg(result->status)));
            return;
        }
        done(url.resolved(QUrl::fromEncoded(location)));
    });
}

void RegistryClient::uploadBlob(const QString &repository, const Digest &digest, qint64 size,
                                BodySource source, Callback<Unit> done, qint64 chunkSize)
{
    auto upload = std::make_shared<Upload>();
    upload->repository = repository;
    upload->digest = digest;
    upload->size = size;
    upload->chunkSize = chunkSize;
    upload->source = std::move(source);
    upload->done = std::move(done);
    startUpload(repository, [this, upload](Result<QUrl> location) {
        if (!location.ok()) {
            upload->done(location.error());
            return;
        }
        upload->location = location.value();
        upload->offset = 0;
        uploadStep(upload);
    });
}

void RegistryClient::uploadStep(std::shared_ptr<Upload> upload)
{
    if (upload->chunkSize <= 0 || upload->offset >= upload->size) {
        uploadFinish(upload);
        return;
    }
    auto device = upload->source();
    if (!device || !device->isOpen() || !device->seek(upload->offset)) {
        upload->done(error(RegistryError::Kind::Protocol, upload->repository,
                           upload->digest.toString(),
                           QStringLiteral("the content to upload cannot be read")));
        return;
    }
    const QByteArray chunk = device->read(std::min(upload->chunkSize, upload->size - upload->offset));
    const qint64 end = upload->offset + chunk.size() - 1;
    Request r = request("PATCH", upload->location, EndpointClass::Blobs, upload->repository,
                        upload->digest.toString(), true);
    r.body = chunk;
    r.headers.push_back({"Content-Type", "application/octet-stream"});
    r.headers.push_back({"Content-Range", QByteArray::number(upload->offset) + '-' +
                                              QByteArray::number(end)});
    r.idempotent = false; // a repeated PATCH could append twice: recover via the upload status
    r.maxResponseBytes = kSmallBody;
    send(r, [this, upload, end](Result<Response> result) {
        if (!result.ok()) {
            uploadRecover(upload, result.error());
            return;
        }
        if (const QByteArray location = result->header("location"); !location.isEmpty())
            upload->location = upload->location.resolved(QUrl::fromEncoded(location));
        // The client keeps the offset: distribution 2.8 accepts out-of-order ranges silently.
        upload->offset = end + 1;
        uploadStep(upload);
    });
}

void RegistryClient::uploadFinish(std::shared_ptr<Upload> upload)
{
    QUrl url = upload->location;
    QUrlQuery query(url);
    query.addQueryItem(QStringLiteral("digest"), upload->digest.toString());
    url.setQuery(query);
    Request r = request("PUT", url, EndpointClass::Blobs, upload->repository,
                        upload->digest.toString(), true);
    r.headers.push_back({"Content-Type", "application/octet-stream"});
    if (upload->chunkSize <= 0) {
        r.bodySource = upload->source;
    }
    r.idempotent = false; // the session is consumed by a PUT; recovery starts a new one
    r.maxResponseBytes = kSmallBody;
    send(r, [this, upload](Result<Response> result) {
        if (!result.ok()) {
            uploadRecover(upload, result.error());
            return;
        }
        const auto stored =
            Digest::parse(QString::fromLatin1(result->header("docker-content-digest")).trimmed());
        if (stored && !(*stored == upload->digest)) {
            upload->done(error(RegistryError::Kind::Protocol, upload->repository,
                               upload->digest.toString(),
                               QStringLiteral("the registry stored the upload as %1")
                                   .arg(stored->toString())));
            return;
        }
        upload->done(Unit{});
    });
}

void RegistryClient::uploadRecover(std::shared_ptr<Upload> upload, const RegistryError &why)
{
    // Only failures a retry can cure; a 401 or a 404 will not change. A DIGEST_INVALID can:
    // what we send was checked against its digest when it was read, so the registry received
    // it damaged on the way, and sending it again on a new session is safe.
    const bool damaged = why.httpStatus == 400 && why.code == QLatin1String("DIGEST_INVALID");
    if ((!why.isRetryable() && !damaged) || ++upload->restarts > kUploadRestarts) {
        upload->done(why);
        return;
    }
    const auto level = damaged ? spdlog::level::warn : spdlog::level::info;
    log::net()->log(level, "{}: upload of {} {} ({}); restarting", m_config.id,
                    upload->digest.toString(),
                    damaged ? QStringLiteral("arrived damaged") : QStringLiteral("interrupted"),
                    why.toString());
    startUpload(upload->repository, [this, upload](Result<QUrl> location) {
        if (!location.ok()) {
            upload->done(location.error());
            return;
        }
        upload->location = location.value();
        upload->offset = 0;
        uploadStep(upload);
    });
}

void RegistryClient::putManifest(const QString &repository, const QString &reference,
                                 const QByteArray &bytes, const QString &mediaType,
                                 Callback<Digest> done)
{
    Request r = request("PUT", v2Url(repository + QStringLiteral("/manifests/") + reference),
                        EndpointClass::Manifests, repository, reference, true);
    r.body = bytes;
    r.headers.push_back({"Content-Type", mediaType.toLatin1()});
    r.maxResponseBytes = kSmallBody;
    const Digest ours = Digest::sha256Of(bytes);
    send(r, [this, repository, reference, ours, done = std::move(done)](Result<Response> result) {
        if (!result.ok()) {
            done(result.error());
            return;
        }
        const auto stored =
            Digest::parse(QString::fromLatin1(result->header("docker-content-digest")).trimmed());
        if (stored && !(*stored == ours)) {
            done(error(RegistryError::Kind::Protocol, repository, reference,
                       QStringLiteral("the registry stored the manifest as %1, not %2")
                           .arg(stored->toString(), ours.toString())));
            return;
        }
        done(ours);
    });
}

} // namespace quayside
