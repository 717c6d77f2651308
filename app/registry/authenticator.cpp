#include "authenticator.h"

#include "httpheaders.h"
#include "support/logging.h"
#include "support/redact.h"
#include "transport.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaObject>
#include <QUrlQuery>

namespace quayside {
namespace {

// Registries commonly answer Bearer tokens valid for 60 s (the spec's default) to an hour
// (quay.io); renew a little early so a token never expires on the wire.
constexpr int kExpiryMarginSeconds = 10;
constexpr int kDefaultExpirySeconds = 60;

RegistryError authError(const QString &registry, const QString &message, int status = 0)
{
    RegistryError e;
    e.kind = RegistryError::Kind::Auth;
    e.registry = registry;
    e.message = message;
    e.httpStatus = status;
    return e;
}

} // namespace

Authenticator::Authenticator(Transport *transport, QString registryId, QUrl registryUrl,
                             QObject *parent)
    : QObject(parent)
    , m_transport(transport)
    , m_registryId(std::move(registryId))
    , m_registryUrl(std::move(registryUrl))
{
}

void Authenticator::setCredential(std::optional<Credential> credential)
{
    m_credential = std::move(credential);
    m_tokens.clear(); // tokens were granted to the previous identity
}

QByteArray Authenticator::basicValue() const
{
    if (!m_credential)
        return {};
    return "Basic " + (m_credential->username + u':' + m_credential->secret).toUtf8().toBase64();
}

std::optional<QByteArray> Authenticator::cachedFor(const QString &scope) const
{
    const auto it = m_tokens.constFind(scope);
    if (it == m_tokens.constEnd() || it->expires <= QDateTime::currentDateTimeUtc())
        return std::nullopt;
    return it->value;
}

bool Authenticator::mayReceiveCredentials(const QUrl &url) const
{
    return Transport::hostKey(url) == Transport::hostKey(m_registryUrl) ||
           url.scheme() == QLatin1String("https");
}

void Authenticator::prepare(const QString &scope, Ready ready)
{
    std::optional<QByteArray> value;
    switch (m_scheme) {
    case Scheme::Unknown:
        m_discoveryWaiters.emplace_back(scope, std::move(ready));
        discover();
        return;
    case Scheme::None:
        value = QByteArray();
        break;
    case Scheme::Basic:
        value = basicValue();
        break;
    case Scheme::Bearer:
        value = cachedFor(scope);
        break;
    }
    if (!value) {
        fetchToken(scope, std::move(ready));
        return;
    }
    QMetaObject::invokeMethod(
        this, [ready = std::move(ready), value = *value] { ready(value); }, Qt::QueuedConnection);
}

void Authenticator::discover()
{
    if (m_discovering)
        return;
    m_discovering = true;
    Request request;
    request.url = m_registryUrl;
    request.url.setPath(QStringLiteral("/v2/"));
    request.endpoint = EndpointClass::Other;
    request.maxResponseBytes = 64 * 1024;
    request.registry = m_registryId;
    request.acceptStatuses = {401};
    m_transport->send(request, this, [this](Result<Response> result) {
        m_discovering = false;
        if (result.ok() && result->status == 401)
            learn(result.value());
        else if (result.ok())
            m_scheme = Scheme::None;
        auto waiters = std::move(m_discoveryWaiters);
        m_discoveryWaiters.clear();
        for (auto &[scope, ready] : waiters) {
            if (!result.ok())
                ready(result.error()); // unreachable: every waiting request says so, at once
            else if (m_scheme == Scheme::Unknown)
                ready(QByteArray()); // an unknown scheme: let the request meet its own 401
            else
                prepare(scope, std::move(ready));
        }
    });
}

void Authenticator::learn(const Response &response)
{
    for (const auto &c : http::parseWwwAuthenticate(response.header("www-authenticate"))) {
        if (c.scheme == QLatin1String("bearer")) {
            const QUrl realm(c.param(QStringLiteral("realm")));
            if (realm.isValid() && !realm.host().isEmpty()) {
                m_scheme = Scheme::Bearer;
                m_realm = Realm{realm, c.param(QStringLiteral("service"))};
                return;
            }
        } else if (c.scheme == QLatin1String("basic")) {
            m_scheme = Scheme::Basic;
            return;
        }
    }
}

void Authenticator::challenged(const Response &response, const QString &scope, Ready ready)
{
    const auto challenges = http::parseWwwAuthenticate(response.header("www-authenticate"));
    const http::Challenge *bearer = nullptr;
    const http::Challenge *basic = nullptr;
    for (const auto &c : challenges) {
        if (c.scheme == QLatin1String("bearer") && !bearer)
            bearer = &c;
        else if (c.scheme == QLatin1String("basic") && !basic)
            basic = &c;
    }
    if (bearer) {
        const QUrl realm(bearer->param(QStringLiteral("realm")));
        if (!realm.isValid() || realm.host().isEmpty() ||
            (realm.scheme() != QLatin1String("https") && realm.scheme() != QLatin1String("http"))) {
            ready(authError(m_registryId,
                            QStringLiteral("the registry asked for a Bearer token but named no "
                                           "usable realm (%1)")
                                .arg(bearer->param(QStringLiteral("realm"))),
                            401));
            return;
        }
        const bool wasBearer = m_scheme == Scheme::Bearer;
        m_scheme = Scheme::Bearer;
        m_realm = Realm{realm, bearer->param(QStringLiteral("service"))};
        // The registry's scope is authoritative; ours is the fallback when it names none.
        const QString wanted =
            bearer->param(QStringLiteral("scope")).isEmpty() ? scope : bearer->param(QStringLiteral("scope"));
        // A token we sent was refused (expired early, or short of this action): fetch afresh
        // once; if the registry refuses again, the transport reports it.
        if (wasBearer)
            m_tokens.remove(wanted);
        fetchToken(wanted, std::move(ready));
        return;
    }
    if (basic) {
        if (!m_credential) {
            ready(authError(m_registryId,
                            QStringLiteral("credentials required (Basic); store them in the "
                                           "keychain or set %1")
                                .arg(CredentialStore::environmentVariable(m_registryId)),
                            401));
            return;
        }
        if (m_scheme == Scheme::Basic) {
            ready(authError(m_registryId,
                            QStringLiteral("the user name or password for %1 was refused")
                                .arg(m_credential->username),
                            401));
            return;
        }
        m_scheme = Scheme::Basic;
        ready(basicValue());
        return;
    }
    const QByteArray header = response.header("www-authenticate");
    const auto [code, message] = http::registryErrorFromBody(response.body);
    QString text = header.isEmpty()
                       ? QStringLiteral("authentication required, and the registry named no way "
                                        "to authenticate")
                       : QStringLiteral("authentication required by a scheme Quayside does not "
                                        "speak (WWW-Authenticate: %1)")
                             .arg(QString::fromLatin1(header.left(200)));
    if (!message.isEmpty())
        text += QStringLiteral(": ") + message;
    ready(authError(m_registryId, text, 401));
}

QString Authenticator::refusal(const QString &scope) const
{
    const QString who = m_credential ? m_credential->username : QStringLiteral("anonymous");
    switch (m_scheme) {
    case Scheme::Basic:
        return QStringLiteral("the user name or password of %1 was refused").arg(who);
    case Scheme::Bearer:
        return scope.isEmpty()
                   ? QStringLiteral("the token granted to %1 was refused").arg(who)
                   : QStringLiteral("%1 may not %2").arg(who, scope);
    default:
        return QStringLiteral("%1 was refused").arg(who);
    }
}

void Authenticator::fetchToken(const QString &scope, Ready ready)
{
    auto &waiting = m_waiting[scope];
    waiting.push_back(std::move(ready));
    if (waiting.size() > 1)
        return; // a fetch for this scope is already under way

    QUrl url = m_realm->url;
    QUrlQuery query(url);
    if (!m_realm->service.isEmpty())
        query.addQueryItem(QStringLiteral("service"), m_realm->service);
    // Several scopes (a cross-repository mount needs push here and pull there) are sent as
    // repeated scope parameters, as the token spec says.
    for (const QString &one : scope.split(u' ', Qt::SkipEmptyParts))
        query.addQueryItem(QStringLiteral("scope"), one);
    url.setQuery(query);

    Request request;
    request.url = url;
    request.endpoint = EndpointClass::Auth;
    request.maxResponseBytes = 64 * 1024;
    request.registry = m_registryId;
    request.followRedirects = false;
    if (m_credential) {
        if (mayReceiveCredentials(url))
            request.headers.push_back({"Authorization", basicValue()});
        else
            log::net()->warn("{}: not sending credentials to token realm {} over plain HTTP",
                             m_registryId, redact::url(url));
    }
    ++m_tokenFetches;
    m_transport->send(request, this, [this, scope](Result<Response> result) {
        Result<QByteArray> outcome = authError(m_registryId, QString());
        if (!result.ok()) {
            RegistryError e = result.error();
            if (e.kind == RegistryError::Kind::Auth)
                e.message = m_credential
                                ? QStringLiteral("the token service refused %1's credentials")
                                      .arg(m_credential->username)
                                : QStringLiteral("the token service refused an anonymous token");
            outcome = e;
        } else {
            const QJsonObject o = QJsonDocument::fromJson(result->body).object();
            QString token = o.value(QLatin1String("token")).toString();
            if (token.isEmpty())
                token = o.value(QLatin1String("access_token")).toString();
            if (token.isEmpty()) {
                RegistryError e;
                e.kind = RegistryError::Kind::Protocol;
                e.registry = m_registryId;
                e.message = QStringLiteral("the token service answered without a token");
                outcome = e;
            } else {
                int expiresIn = o.value(QLatin1String("expires_in")).toInt(kDefaultExpirySeconds);
                if (expiresIn <= 0)
                    expiresIn = kDefaultExpirySeconds;
                const QByteArray value = "Bearer " + token.toUtf8();
                m_tokens.insert(scope, {value, QDateTime::currentDateTimeUtc().addSecs(std::max(
                                                   5, expiresIn - kExpiryMarginSeconds))});
                outcome = value;
            }
        }
        auto waiters = m_waiting.take(scope);
        for (auto &waiter : waiters)
            waiter(outcome);
    });
}

} // namespace quayside
