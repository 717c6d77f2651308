#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QString>
#include <QUrl>

#include <chrono>
#include <optional>
#include <vector>

// Parsers for the HTTP headers the registry protocols lean on. Registries and proxies write them
// in every legal (and some illegal) form, and they arrive from the network, so each parser takes
// any bytes, never crashes, and gives up cleanly (they are fuzzed: tests/fuzz/).
namespace quayside::http {

// One challenge of a WWW-Authenticate header: `Bearer realm="…",service="…",scope="…"`.
struct Challenge {
    QString scheme;                 // lower-case: "bearer", "basic"
    QHash<QString, QString> params; // keys lower-case, values unquoted
    QString token68;                // the rare `Scheme token68` form

    QString param(const QString &key) const { return params.value(key); }
};

// All challenges of one or several (comma-joined) WWW-Authenticate values, in order. Quoted
// values may hold commas (scope="repository:a/b:pull,push").
std::vector<Challenge> parseWwwAuthenticate(const QByteArray &header);

// One link-value of a Link header (RFC 8288): `<url>; rel="next"`.
struct Link {
    QString target;                 // as written (may be relative)
    QHash<QString, QString> params; // keys lower-case
    bool hasRel(const QString &rel) const;
};

std::vector<Link> parseLinkHeader(const QByteArray &header);

// The rel="next" target resolved against the URL the header came with (distribution 2.8 sends
// relative links, quay absolute ones); nullopt if there is none or it is unusable.
std::optional<QUrl> nextLink(const QByteArray &header, const QUrl &requestUrl);

// Retry-After: delta-seconds or an HTTP-date, relative to now. nullopt if absent or malformed;
// never negative, capped at a day.
std::optional<std::chrono::milliseconds> parseRetryAfter(const QByteArray &value,
                                                         const QDateTime &now);

// The registry's own words from an error body: OCI {"errors":[{"code","message"}]} or quay's
// API error object. Empty strings when the body says nothing usable.
std::pair<QString, QString> registryErrorFromBody(const QByteArray &body);

} // namespace quayside::http
