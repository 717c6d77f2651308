#pragma once

#include "registryerror.h"
#include "support/credentials.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QString>
#include <QUrl>

#include <functional>
#include <optional>
#include <vector>

namespace quayside {

class Transport;
struct Request;
struct Response;

// Authorisation for one registry: anonymous or credentialed Bearer tokens (the Docker token
// flow quay.io uses), or Basic (htpasswd registries). Tokens are cached per scope until they
// expire; concurrent requests for one scope share one token fetch. Credentials go only to the
// registry's own host and to the token realm it names, and to a realm on another host only
// over HTTPS.
class Authenticator final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Authenticator)

public:
    using Ready = std::function<void(Result<QByteArray>)>; // Authorization value ("" = none)

    Authenticator(Transport *transport, QString registryId, QUrl registryUrl,
                  QObject *parent = nullptr);

    void setCredential(std::optional<Credential> credential);
    bool hasCredential() const { return m_credential.has_value(); }
    const std::optional<Credential> &credential() const { return m_credential; }

    // The Authorization value for a request with this scope; fetches a token first if the
    // registry is known to want one and none is cached.
    void prepare(const QString &scope, Ready ready);
    // After a 401: learns the challenge and gets a token (or switches to Basic). The request
    // should be retried once with the value handed to ready.
    void challenged(const Response &response, const QString &scope, Ready ready);

    // Why a request that carried our authorisation was still refused, in words a user can act on.
    QString refusal(const QString &scope) const;

    // For tests and the UI: how many tokens were fetched.
    int tokenFetches() const { return m_tokenFetches; }

private:
    struct Cached {
        QByteArray value;
        QDateTime expires;
    };
    struct Realm {
        QUrl url;
        QString service;
    };

    void fetchToken(const QString &scope, Ready ready);
    void discover();
    void learn(const Response &response);
    std::optional<QByteArray> cachedFor(const QString &scope) const;
    QByteArray basicValue() const;
    bool mayReceiveCredentials(const QUrl &url) const;

    Transport *m_transport;
    QString m_registryId;
    QUrl m_registryUrl;
    std::optional<Credential> m_credential;
    enum class Scheme { Unknown, None, Basic, Bearer } m_scheme = Scheme::Unknown;
    std::optional<Realm> m_realm;
    QHash<QString, Cached> m_tokens;
    QHash<QString, std::vector<Ready>> m_waiting; // scope → callers waiting for one fetch
    // Requests that arrived while the first GET /v2/ finds out how this registry authenticates:
    // without it, a burst of first requests would each earn a 401 and spend the rate budget.
    std::vector<std::pair<QString, Ready>> m_discoveryWaiters;
    bool m_discovering = false;
    int m_tokenFetches = 0;
};

} // namespace quayside
