#pragma once

#include "inventory/profile.h"
#include "registryerror.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSslCertificate>
#include <QUrl>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>

class QIODevice;
class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

namespace quayside {

class Authenticator;

// One HTTP request as the registry client describes it.
struct Request {
    QByteArray method = "GET";
    QUrl url;
    QList<std::pair<QByteArray, QByteArray>> headers;
    EndpointClass endpoint = EndpointClass::Other;

    // Body: bytes, or a factory giving a fresh device for every attempt (uploads are retried).
    QByteArray body;
    std::function<std::unique_ptr<QIODevice>()> bodySource;

    // Buffered responses are refused beyond this (endpoints that should be small stay small).
    qint64 maxResponseBytes = 4 * 1024 * 1024;
    // Streaming: each chunk as it arrives (return false to abort); onRestart before a retry.
    std::function<bool(QByteArrayView)> onChunk;
    std::function<void()> onRestart;

    // Statuses handed back as a Response instead of an error (e.g. 404 for "does it exist").
    QList<int> acceptStatuses;
    bool followRedirects = true;
    // False for requests whose repetition could do harm (a PATCH in the middle of an upload).
    bool idempotent = true;

    // Adds Authorization and answers 401 challenges; never used for another host.
    Authenticator *auth = nullptr;
    QString authScope; // e.g. "repository:fedora/fedora:pull"

    // For error messages: which registry/repository/reference this is about.
    QString registry;
    QString repository;
    QString reference;
};

struct Response {
    int status = 0;
    QUrl url; // after redirects
    QHash<QByteArray, QByteArray> headers; // names lower-case; repeated headers joined by ", "
    QByteArray body;
    qint64 bytes = 0;

    QByteArray header(const QByteArray &lowerCaseName) const
    {
        return headers.value(lowerCaseName);
    }
};

// What happened on one host, for the UI's status line and the benchmarks.
struct HostStats {
    qint64 requests = 0;  // sent, retries included
    qint64 retries = 0;
    qint64 throttled = 0; // 429 answers
    qint64 failures = 0;  // requests that ended in an error for the caller
    qint64 bytesIn = 0;
    qint64 bytesOut = 0;
    qint64 perClass[kEndpointClassCount] = {};
};

// The HTTP layer under every RegistryClient of one thread: one QNetworkAccessManager, a queue
// per host with a concurrency cap, a rate budget per host and endpoint class, retries with
// jittered exponential backoff, Retry-After, redirects that never carry credentials to another
// host, bounded bodies, and counters. Registries throttle per IP, so budgets are per host, shared
// by every registry entry that lives there (quay.io/fedora and quay.io/fedora-candidate).
class Transport final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Transport)

public:
    using Callback = std::function<void(Result<Response>)>;

    explicit Transport(QObject *parent = nullptr);
    ~Transport() override;

    // The Transport of the calling thread, created on first use and deleted with the thread.
    static Transport *forCurrentThread();

    // Declares a host's limits. A host shared by several registries keeps the stricter ones.
    // extraCa: authorities trusted for this host on top of the system's.
    void configureHost(const QUrl &url, const RateLimit &limit, bool insecure,
                       const QList<QSslCertificate> &extraCa = {});

    // Sends the request (queued behind the host's budget); done runs on this thread, later,
    // unless context has been destroyed by then.
    void send(Request request, QObject *context, Callback done);
    // Drops queued and aborts running requests made for context (their callbacks never run).
    void cancel(QObject *context);

    HostStats stats(const QUrl &url) const;
    void resetStats();

    // Retry policy (tests shorten the delays).
    struct RetryPolicy {
        int maxAttempts = 5;          // network errors and 5xx
        int maxThrottledAttempts = 12; // 429s
        std::chrono::milliseconds baseDelay{500};
        std::chrono::milliseconds maxDelay{30000};
        std::chrono::milliseconds transferTimeout{30000};
    };
    void setRetryPolicy(const RetryPolicy &policy) { m_policy = policy; }
    const RetryPolicy &retryPolicy() const { return m_policy; }

    static QString hostKey(const QUrl &url);

Q_SIGNALS:
    // Every request put on the wire, for the log pane and for tests that check the budget.
    void requestStarted(const QString &host, quayside::EndpointClass endpoint,
                        const QByteArray &method, qint64 atMs);
    void statsChanged(const QString &host);

private:
    struct Pending;
    struct Host;

    Host &host(const QString &key);
    void enqueue(std::shared_ptr<Pending> pending);
    void pump(const QString &key);
    void start(Host &host, const std::shared_ptr<Pending> &pending);
    void finished(const std::shared_ptr<Pending> &pending, QNetworkReply *reply);
    void retryLater(const std::shared_ptr<Pending> &pending, qint64 delayMs, bool throttled,
                    qint64 retryAfterMs);
    void complete(const std::shared_ptr<Pending> &pending, Result<Response> result);
    void fail(const std::shared_ptr<Pending> &pending, RegistryError::Kind kind, int status,
              const QString &message, const QByteArray &body = {});
    qint64 backoffMs(int attempt) const;
    qint64 nowMs() const;

    QNetworkAccessManager *m_network;
    QHash<QString, std::shared_ptr<Host>> m_hosts;
    QHash<QNetworkReply *, std::weak_ptr<Pending>> m_running;
    RetryPolicy m_policy;
};

} // namespace quayside
