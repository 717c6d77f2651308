#include "transport.h"

#include "authenticator.h"
#include "httpheaders.h"
#include "support/logging.h"
#include "support/redact.h"
#include "tokenbucket.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QIODevice>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QSslConfiguration>
#include <QThread>
#include <QTimer>

#include <algorithm>

namespace quayside {
namespace {

constexpr qint64 kStreamBufferBytes = 1024 * 1024;

constexpr int kMaxRedirects = 5;
const QByteArray kUserAgent = QByteArrayLiteral("quayside/" QUAYSIDE_VERSION);

QElapsedTimer &clock()
{
    static QElapsedTimer timer = [] {
        QElapsedTimer t;
        t.start();
        return t;
    }();
    return timer;
}

bool isRetryableNetworkError(QNetworkReply::NetworkError error)
{
    switch (error) {
    case QNetworkReply::ConnectionRefusedError:
    case QNetworkReply::RemoteHostClosedError:
    case QNetworkReply::HostNotFoundError:
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError: // what a transfer timeout looks like
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::UnknownNetworkError:
    case QNetworkReply::ProxyConnectionClosedError:
    case QNetworkReply::ProxyTimeoutError:
    case QNetworkReply::ProtocolFailure:
    case QNetworkReply::UnknownServerError:
        return true;
    default:
        return false;
    }
}

bool isTlsError(QNetworkReply::NetworkError error)
{
    return error == QNetworkReply::SslHandshakeFailedError ||
           error == QNetworkReply::TooManyRedirectsError ||
           error == QNetworkReply::InsecureRedirectError;
}

bool isRedirect(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

} // namespace

struct Transport::Pending {
    Request request;
    QPointer<QObject> context;
    bool hasContext = false;
    Callback done;

    QString originHost;  // where credentials may go
    QString currentHost; // where the request goes now (changes on redirect)
    bool crossedHost = false;
    bool authPrepared = false;
    bool authRetried = false;
    QByteArray authorization;

    int attempts = 0;          // network errors and 5xx
    int throttledAttempts = 0; // 429s
    int redirects = 0;
    qint64 readyAtMs = 0;

    QNetworkReply *reply = nullptr;
    std::unique_ptr<QIODevice> bodyDevice;
    QByteArray buffer;
    qint64 received = 0;
    std::optional<RegistryError> abortError;
    qint64 sentAtMs = 0;
    bool cancelled = false;

    bool contextGone() const { return cancelled || (hasContext && context.isNull()); }
};

struct Transport::Host {
    QString key;
    bool configured = false;
    bool insecure = false;
    std::optional<QSslConfiguration> ssl; // only when the profile adds authorities
    int concurrency = 6;
    int active = 0;
    TokenBucket buckets[kEndpointClassCount];
    std::deque<std::shared_ptr<Pending>> queue;
    QTimer *timer = nullptr;
    HostStats stats;
};

Transport::Transport(QObject *parent)
    : QObject(parent)
    , m_network(new QNetworkAccessManager(this))
{
    // Redirects are followed by hand, so credentials never cross to another host.
    m_network->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
}

Transport::~Transport()
{
    for (const auto &host : std::as_const(m_hosts))
        for (const auto &pending : host->queue)
            pending->done = nullptr;
}

namespace {
QPointer<Transport> &mainThreadTransport()
{
    static QPointer<Transport> transport;
    return transport;
}
} // namespace

Transport *Transport::forCurrentThread()
{
    thread_local QPointer<Transport> transport;
    if (!transport) {
        auto *app = QCoreApplication::instance();
        const bool mainThread = app && QThread::currentThread() == app->thread();
        transport = new Transport(mainThread ? app : nullptr);
        if (mainThread) {
            // Gone before the application starts to go: as a mere child of it, the network
            // manager's HTTP thread would close its TLS connections while QCoreApplication is
            // half destroyed, which Qt 6.4 answers with a warning and, at times, a double free.
            mainThreadTransport() = transport;
            qAddPostRoutine([] { delete mainThreadTransport().data(); });
        } else {
            QObject::connect(QThread::currentThread(), &QThread::finished, transport,
                             &QObject::deleteLater);
        }
    }
    return transport;
}

QString Transport::hostKey(const QUrl &url)
{
    const int port = url.port(url.scheme() == QLatin1String("https") ? 443 : 80);
    return url.scheme() + QStringLiteral("://") + url.host().toLower() + u':' +
           QString::number(port);
}

qint64 Transport::nowMs() const
{
    return clock().elapsed();
}

Transport::Host &Transport::host(const QString &key)
{
    auto it = m_hosts.find(key);
    if (it == m_hosts.end()) {
        auto h = std::make_shared<Host>();
        h->key = key;
        h->timer = new QTimer(this);
        h->timer->setSingleShot(true);
        connect(h->timer, &QTimer::timeout, this, [this, key] { pump(key); });
        it = m_hosts.insert(key, h);
    }
    return *it.value();
}

void Transport::configureHost(const QUrl &url, const RateLimit &limit, bool insecure,
                              const QList<QSslCertificate> &extraCa)
{
    Host &h = host(hostKey(url));
    for (int c = 0; c < kEndpointClassCount; ++c) {
        const auto &budget = limit.budgetFor(static_cast<EndpointClass>(c));
        const TokenBucket &current = h.buckets[c];
        // Two registries on one host (two quay namespaces): the stricter budget wins.
        const bool stricter = !h.configured || current.isUnlimited() ||
                              (budget.requestsPerSecond > 0 &&
                               budget.requestsPerSecond < current.configuredRate());
        if (stricter)
            h.buckets[c] = TokenBucket(budget.requestsPerSecond, budget.burst);
    }
    h.concurrency = h.configured ? std::min(h.concurrency, limit.concurrency) : limit.concurrency;
    h.insecure = h.insecure || insecure;
    if (!extraCa.isEmpty()) {
        if (!h.ssl)
            h.ssl = QSslConfiguration::defaultConfiguration();
        h.ssl->addCaCertificates(extraCa);
    }
    h.configured = true;
}

void Transport::send(Request request, QObject *context, Callback done)
{
    auto pending = std::make_shared<Pending>();
    pending->request = std::move(request);
    pending->context = context;
    pending->hasContext = context != nullptr;
    pending->done = std::move(done);
    pending->originHost = hostKey(pending->request.url);
    pending->currentHost = pending->originHost;
    // Never synchronously: callers can rely on send() returning before done runs.
    QMetaObject::invokeMethod(this, [this, pending] { enqueue(pending); }, Qt::QueuedConnection);
}

void Transport::cancel(QObject *context)
{
    for (const auto &h : std::as_const(m_hosts)) {
        auto &queue = h->queue;
        queue.erase(std::remove_if(queue.begin(), queue.end(),
                                   [context](const auto &p) { return p->context == context; }),
                    queue.end());
    }
    const auto running = m_running;
    for (auto it = running.cbegin(); it != running.cend(); ++it) {
        if (const auto pending = it.value().lock(); pending && pending->context == context) {
            pending->cancelled = true;
            it.key()->abort();
        }
    }
}

void Transport::enqueue(std::shared_ptr<Pending> pending)
{
    if (pending->contextGone())
        return;
    Request &r = pending->request;
    if (r.auth && !pending->crossedHost && !pending->authPrepared) {
        // Authorisation may need a token fetch (through this transport): get it before taking
        // a connection slot, so token requests can never be starved by their own waiters.
        r.auth->prepare(r.authScope, [this, pending](Result<QByteArray> value) {
            if (!value.ok()) {
                complete(pending, value.error());
                return;
            }
            pending->authorization = value.value();
            pending->authPrepared = true;
            enqueue(pending);
        });
        return;
    }
    Host &h = host(pending->currentHost);
    h.queue.push_back(std::move(pending));
    pump(h.key);
}

void Transport::pump(const QString &key)
{
    Host &h = host(key);
    const qint64 now = nowMs();
    qint64 wake = -1;
    for (std::size_t i = 0; i < h.queue.size() && h.active < h.concurrency;) {
        const std::shared_ptr<Pending> p = h.queue[i];
        if (p->contextGone()) {
            h.queue.erase(h.queue.begin() + static_cast<std::ptrdiff_t>(i));
            continue;
        }
        qint64 delay = std::max<qint64>(0, p->readyAtMs - now);
        TokenBucket &bucket = h.buckets[static_cast<int>(p->request.endpoint)];
        if (delay == 0)
            delay = bucket.delayMs(now);
        if (delay > 0) {
            wake = wake < 0 ? delay : std::min(wake, delay);
            ++i;
            continue;
        }
        bucket.take(now);
        h.queue.erase(h.queue.begin() + static_cast<std::ptrdiff_t>(i));
        start(h, p);
    }
    if (wake >= 0 && !h.queue.empty())
        h.timer->start(static_cast<int>(std::max<qint64>(1, wake)));
}

void Transport::start(Host &h, const std::shared_ptr<Pending> &pending)
{
    const Request &r = pending->request;
    QNetworkRequest request(r.url);
    request.setTransferTimeout(static_cast<int>(m_policy.transferTimeout.count()));
    request.setRawHeader("User-Agent", kUserAgent);
    if (h.ssl)
        request.setSslConfiguration(*h.ssl);
    for (const auto &[name, value] : r.headers) {
        // A header set by the caller that carries credentials stays on its own host too.
        if (pending->crossedHost && redact::isSensitiveHeader(name))
            continue;
        request.setRawHeader(name, value);
    }
    if (!pending->crossedHost && !pending->authorization.isEmpty())
        request.setRawHeader("Authorization", pending->authorization);

    pending->buffer.clear();
    pending->received = 0;
    pending->abortError.reset();
    qint64 bodyBytes = r.body.size();
    QNetworkReply *reply = nullptr;
    if (r.bodySource) {
        pending->bodyDevice = r.bodySource();
        if (!pending->bodyDevice || !pending->bodyDevice->isOpen()) {
            QMetaObject::invokeMethod(
                this,
                [this, pending] {
                    fail(pending, RegistryError::Kind::Protocol, 0,
                         QStringLiteral("the content to upload cannot be read"));
                },
                Qt::QueuedConnection);
            return;
        }
        bodyBytes = pending->bodyDevice->size();
        request.setHeader(QNetworkRequest::ContentLengthHeader, bodyBytes);
        reply = m_network->sendCustomRequest(request, r.method, pending->bodyDevice.get());
    } else if (r.method == "GET") {
        reply = m_network->get(request);
    } else if (r.method == "HEAD") {
        reply = m_network->head(request);
    } else {
        request.setHeader(QNetworkRequest::ContentLengthHeader, r.body.size());
        reply = m_network->sendCustomRequest(request, r.method, r.body);
    }
    pending->reply = reply;
    pending->sentAtMs = nowMs();
    ++h.active;
    ++h.stats.requests;
    ++h.stats.perClass[static_cast<int>(r.endpoint)];
    h.stats.bytesOut += bodyBytes;
    // A blob streams through its consumer: bound what Qt buffers ahead of it, or a fast
    // registry fills memory with a whole layer before the consumer has hashed a byte.
    if (r.onChunk)
        reply->setReadBufferSize(kStreamBufferBytes);
    m_running.insert(reply, pending);
    if (pending->hasContext && pending->context)
        connect(pending->context, &QObject::destroyed, reply, &QNetworkReply::abort);
    Q_EMIT requestStarted(h.key, r.endpoint, r.method, pending->sentAtMs);
    if (log::net()->should_log(spdlog::level::trace)) {
        QByteArray headers;
        for (const QByteArray &name : request.rawHeaderList())
            headers += "\n  " + name + ": " + redact::headerValue(name, request.rawHeader(name));
        log::net()->trace("{} {}{}", r.method, redact::url(r.url), headers);
    }

    if (h.insecure)
        connect(reply, &QNetworkReply::sslErrors, reply,
                [reply](const QList<QSslError> &) { reply->ignoreSslErrors(); });
    connect(reply, &QNetworkReply::metaDataChanged, this, [reply, pending] {
        const QVariant length = reply->header(QNetworkRequest::ContentLengthHeader);
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (!pending->request.onChunk && length.isValid() && status >= 200 && status < 300 &&
            pending->request.method != "HEAD" &&
            length.toLongLong() > pending->request.maxResponseBytes) {
            pending->abortError = RegistryError{
                RegistryError::Kind::Protocol, {}, {}, {}, status, {},
                QStringLiteral("the response would be %1 bytes, more than the %2 expected here")
                    .arg(length.toLongLong())
                    .arg(pending->request.maxResponseBytes),
                {}, 1};
            reply->abort();
        }
    });
    connect(reply, &QNetworkReply::readyRead, this, [reply, pending] {
        const QByteArray chunk = reply->readAll();
        pending->received += chunk.size();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const bool success = status >= 200 && status < 300;
        if (pending->request.onChunk && success) {
            if (!pending->request.onChunk(chunk)) {
                pending->abortError = RegistryError{RegistryError::Kind::Protocol, {}, {}, {},
                                                    status, {},
                                                    QStringLiteral("the download was refused by "
                                                                   "its consumer"),
                                                    {}, 1};
                reply->abort();
            }
            return;
        }
        pending->buffer += chunk;
        const qint64 limit = success ? pending->request.maxResponseBytes : 256 * 1024;
        if (pending->buffer.size() > limit) {
            pending->abortError = RegistryError{
                RegistryError::Kind::Protocol, {}, {}, {}, status, {},
                QStringLiteral("the response exceeded the %1 bytes expected here").arg(limit), {},
                1};
            reply->abort();
        }
    });
    connect(reply, &QNetworkReply::finished, this,
            [this, pending, reply] { finished(pending, reply); });
}

void Transport::finished(const std::shared_ptr<Pending> &pending, QNetworkReply *reply)
{
    reply->deleteLater();
    m_running.remove(reply);
    pending->reply = nullptr;
    pending->bodyDevice.reset();
    Host &h = host(pending->currentHost);
    --h.active;
    const Request &r = pending->request;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QNetworkReply::NetworkError error = reply->error();
    const qint64 elapsed = nowMs() - pending->sentAtMs;

    if (const QByteArray rest = reply->isOpen() ? reply->readAll() : QByteArray(); !rest.isEmpty()) {
        pending->received += rest.size();
        if (r.onChunk && status >= 200 && status < 300) {
            if (!r.onChunk(rest))
                pending->abortError = RegistryError{RegistryError::Kind::Protocol, {}, {}, {},
                                                    status, {},
                                                    QStringLiteral("the download was refused by "
                                                                   "its consumer"),
                                                    {}, 1};
        } else {
            pending->buffer += rest;
        }
    }
    h.stats.bytesIn += pending->received;
    // Redacting a URL costs more than the request's own bookkeeping: only when it is logged.
    if (log::net()->should_log(spdlog::level::debug))
        log::net()->debug("{} {} → {} {} ({} ms, {} B)", r.method, redact::url(r.url), status,
                          error == QNetworkReply::NoError ? QString() : reply->errorString(),
                          elapsed, pending->received);

    // Let the host's next request go as soon as this one is done.
    QMetaObject::invokeMethod(this, [this, key = h.key] { pump(key); }, Qt::QueuedConnection);

    if (pending->contextGone())
        return;
    if (pending->abortError) {
        RegistryError e = *pending->abortError;
        complete(pending, e);
        return;
    }

    const bool truncated = status >= 200 && status < 300 && r.method != "HEAD" &&
                           reply->header(QNetworkRequest::ContentLengthHeader).isValid() &&
                           pending->received <
                               reply->header(QNetworkRequest::ContentLengthHeader).toLongLong();
    if (status == 0 || truncated) {
        const QString why = truncated ? QStringLiteral("the connection closed before the whole "
                                                       "body arrived (%1 of %2 bytes)")
                                            .arg(pending->received)
                                            .arg(reply->header(QNetworkRequest::ContentLengthHeader)
                                                     .toLongLong())
                                      : reply->errorString();
        if (isTlsError(error)) {
            fail(pending, RegistryError::Kind::Tls, status,
                 error == QNetworkReply::SslHandshakeFailedError && !h.insecure
                     ? why + QStringLiteral("; if the certificate comes from a private authority, "
                                            "name it in the profile's \"caCertificates\"")
                     : why);
            return;
        }
        if ((truncated || isRetryableNetworkError(error)) && r.idempotent &&
            pending->attempts + 1 < m_policy.maxAttempts) {
            ++pending->attempts;
            retryLater(pending, backoffMs(pending->attempts), false, 0);
            return;
        }
        fail(pending, RegistryError::Kind::Network, status, why);
        return;
    }
    if (error != QNetworkReply::NoError && status >= 200 && status < 300) {
        // A 2xx whose body broke off mid-way (reset): a network failure, not a success.
        if (r.idempotent && pending->attempts + 1 < m_policy.maxAttempts) {
            ++pending->attempts;
            retryLater(pending, backoffMs(pending->attempts), false, 0);
            return;
        }
        fail(pending, RegistryError::Kind::Network, status, reply->errorString());
        return;
    }

    Response response;
    response.status = status;
    response.url = r.url;
    for (const auto &[name, value] : reply->rawHeaderPairs()) {
        const QByteArray key = name.toLower();
        auto it = response.headers.find(key);
        if (it == response.headers.end())
            response.headers.insert(key, value);
        else
            it.value() += ", " + value;
    }
    response.body = pending->buffer;
    response.bytes = pending->received;

    if (isRedirect(status) && r.followRedirects && !r.acceptStatuses.contains(status)) {
        const QByteArray location = response.header("location");
        if (location.isEmpty() || ++pending->redirects > kMaxRedirects) {
            fail(pending, RegistryError::Kind::Protocol, status,
                 location.isEmpty() ? QStringLiteral("a redirect without a Location")
                                    : QStringLiteral("more than %1 redirects").arg(kMaxRedirects));
            return;
        }
        const QUrl target = r.url.resolved(QUrl::fromEncoded(location));
        // A downgrade would carry the request (and on the same host, its Authorization) in
        // clear text: refuse it, as browsers and Qt's own NoLessSafeRedirectPolicy do.
        if (r.url.scheme() == QLatin1String("https") && target.scheme() != QLatin1String("https")) {
            fail(pending, RegistryError::Kind::Tls, status,
                 QStringLiteral("refused a redirect from HTTPS to %1").arg(redact::url(target)));
            return;
        }
        log::net()->debug("redirect {} → {}", redact::url(r.url), redact::url(target));
        pending->request.url = target;
        pending->currentHost = hostKey(target);
        if (pending->currentHost != pending->originHost)
            pending->crossedHost = true; // credentials stay home from now on
        if (status == 303 && r.method != "HEAD") {
            pending->request.method = "GET";
            pending->request.body.clear();
            pending->request.bodySource = nullptr;
        }
        if (r.onRestart)
            r.onRestart();
        enqueue(pending);
        return;
    }

    if (status == 401 && r.auth && !pending->crossedHost && !pending->authRetried) {
        pending->authRetried = true;
        r.auth->challenged(response, r.authScope, [this, pending](Result<QByteArray> value) {
            if (!value.ok()) {
                complete(pending, value.error());
                return;
            }
            pending->authorization = value.value();
            pending->authPrepared = true;
            if (pending->request.onRestart)
                pending->request.onRestart();
            enqueue(pending);
        });
        return;
    }

    TokenBucket &bucket = h.buckets[static_cast<int>(r.endpoint)];
    if (status == 429) {
        ++h.stats.throttled;
        const auto retryAfter = http::parseRetryAfter(response.header("retry-after"),
                                                      QDateTime::currentDateTimeUtc());
        const qint64 waitMs =
            retryAfter ? retryAfter->count() : backoffMs(pending->throttledAttempts + 1);
        bucket.onThrottled(nowMs(), waitMs);
        if (r.idempotent && ++pending->throttledAttempts < m_policy.maxThrottledAttempts) {
            retryLater(pending, waitMs, true, waitMs);
            return;
        }
        fail(pending, RegistryError::Kind::Throttled, status, QString(), response.body);
        return;
    }
    if (status >= 500 && !r.acceptStatuses.contains(status)) {
        if (r.idempotent && pending->attempts + 1 < m_policy.maxAttempts) {
            ++pending->attempts;
            retryLater(pending, backoffMs(pending->attempts), false, 0);
            return;
        }
        fail(pending, RegistryError::Kind::Server, status, QString(), response.body);
        return;
    }
    if ((status == 401 || status == 403) && r.auth && pending->authRetried &&
        !pending->crossedHost && !r.acceptStatuses.contains(status)) {
        const auto [code, message] = http::registryErrorFromBody(response.body);
        fail(pending, RegistryError::Kind::Auth, status,
             r.auth->refusal(r.authScope) +
                 (message.isEmpty() ? QString() : QStringLiteral(": ") + message),
             response.body);
        return;
    }
    if (status >= 400 && !r.acceptStatuses.contains(status)) {
        const auto kind = status == 401 || status == 403 ? RegistryError::Kind::Auth
                          : status == 404               ? RegistryError::Kind::NotFound
                                                        : RegistryError::Kind::Protocol;
        fail(pending, kind, status, QString(), response.body);
        return;
    }
    bucket.onSuccess();
    complete(pending, std::move(response));
}

void Transport::retryLater(const std::shared_ptr<Pending> &pending, qint64 delayMs,
                           bool throttled, qint64 retryAfterMs)
{
    Host &h = host(pending->currentHost);
    ++h.stats.retries;
    log::net()->info("{} {}: {}; retrying in {} ms", pending->request.method,
                     redact::url(pending->request.url),
                     throttled ? QStringLiteral("throttled (429, Retry-After %1 ms)").arg(retryAfterMs)
                               : QStringLiteral("failed"),
                     delayMs);
    pending->readyAtMs = nowMs() + delayMs;
    if (pending->request.onRestart)
        pending->request.onRestart();
    Q_EMIT statsChanged(h.key);
    h.queue.push_back(pending);
    pump(h.key);
}

void Transport::fail(const std::shared_ptr<Pending> &pending, RegistryError::Kind kind,
                     int status, const QString &message, const QByteArray &body)
{
    RegistryError e;
    e.kind = kind;
    e.httpStatus = status;
    const auto [code, registryMessage] = http::registryErrorFromBody(body);
    e.code = code;
    e.message = message.isEmpty() ? registryMessage : message;
    if (e.message.isEmpty() && status == 429)
        e.message = QStringLiteral("too many requests");
    complete(pending, e);
}

void Transport::complete(const std::shared_ptr<Pending> &pending, Result<Response> result)
{
    if (pending->contextGone() || !pending->done)
        return;
    Host &h = host(pending->originHost);
    if (!result.ok()) {
        RegistryError e = result.error();
        const Request &r = pending->request;
        if (e.registry.isEmpty())
            e.registry = r.registry.isEmpty() ? r.url.host() : r.registry;
        if (e.repository.isEmpty())
            e.repository = r.repository;
        if (e.reference.isEmpty())
            e.reference = r.reference;
        e.url = r.url;
        e.attempts = std::max(e.attempts, 1 + pending->attempts + pending->throttledAttempts);
        ++h.stats.failures;
        // A missing tag or repository is an answer, not a fault: keep the log for faults.
        if (e.kind == RegistryError::Kind::NotFound)
            log::net()->info("{}", redact::text(e.toString()));
        else
            log::net()->warn("{}", redact::text(e.toString()));
        result = e;
    }
    Q_EMIT statsChanged(h.key);
    auto done = std::move(pending->done);
    pending->done = nullptr;
    done(std::move(result));
}

qint64 Transport::backoffMs(int attempt) const
{
    const qint64 base = m_policy.baseDelay.count();
    const qint64 cap = m_policy.maxDelay.count();
    const qint64 exponential = std::min(cap, base << std::min(attempt - 1, 20));
    // Half fixed, half random: retries from many clients spread out instead of colliding.
    return exponential / 2 +
           static_cast<qint64>(QRandomGenerator::global()->bounded(static_cast<quint64>(
               std::max<qint64>(1, exponential / 2))));
}

HostStats Transport::stats(const QUrl &url) const
{
    const auto it = m_hosts.constFind(hostKey(url));
    return it == m_hosts.constEnd() ? HostStats{} : it.value()->stats;
}

void Transport::resetStats()
{
    for (const auto &h : std::as_const(m_hosts))
        h->stats = {};
}

} // namespace quayside
