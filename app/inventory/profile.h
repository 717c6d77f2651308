#pragma once

#include "support/glob.h"

#include <QHash>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>
#include <vector>

namespace quayside {

enum class RegistryKind { Distribution, Quay };
enum class RouteKind { Migrate, Promote };

// The endpoint classes a rate budget is kept for; they match quay's nginx zones.
enum class EndpointClass { Api, Catalog, Tags, Manifests, Blobs, Auth, Other };
inline constexpr int kEndpointClassCount = 7;

struct RateBudget {
    double requestsPerSecond = 0; // 0: unlimited
    int burst = 1;
};

struct RateLimit {
    // Applies to every class without its own entry.
    RateBudget all;
    std::optional<RateBudget> perClass[kEndpointClassCount];
    int concurrency = 6;

    const RateBudget &budgetFor(EndpointClass c) const
    {
        const auto &own = perClass[static_cast<int>(c)];
        return own ? *own : all;
    }
};

struct RegistryConfig {
    QString id;
    QString title;
    QUrl url; // scheme://host[:port], no path
    QString prefix; // prepended to logical repository names ("fedora/")
    RegistryKind kind = RegistryKind::Distribution;
    QString username; // the secret lives in the keychain or the environment
    bool insecure = false;
    // A PEM file of certificate authorities trusted for this registry besides the system's
    // (an internal CA, a staging host): verification stays on, unlike "insecure". Absolute.
    QString caCertificates;
    RateLimit rateLimit;
    // logical name → name on this registry (prefix not applied), for the odd exception.
    QHash<QString, QString> renames;

    QString displayTitle() const { return title.isEmpty() ? id : title; }
    // "host:port" as people write it in image references.
    QString hostPort() const;
    // "https://quay.io/fedora/": where this registry's repositories live, for people to read.
    QString location() const;
    QString repositoryFor(const QString &logical) const;
    // Inverse of repositoryFor: nullopt when the name lies outside this registry's prefix.
    std::optional<QString> logicalFor(const QString &repository) const;
};

struct Route {
    QString from;
    QString to;
    RouteKind kind = RouteKind::Migrate;

    QString label() const { return from + u':' + to; }
};

struct Profile {
    QString name;
    QString source; // file path or ":/profiles/<name>.json"
    std::vector<RegistryConfig> registries;
    std::vector<Route> routes;
    QStringList include; // globs over logical names; empty = everything
    QStringList exclude;
    QStringList mutableTags;
    QStringList architectures; // normalised ("amd64", "arm64", ...)

    // Compiled once by the loader; call compileGlobs() after editing the lists above.
    GlobSet includeGlobs;
    GlobSet excludeGlobs;
    GlobSet mutableGlobs;
    void compileGlobs();

    // "fedora-production-3f2a9c01de": names this profile's files (snapshots, job journal). The
    // source names the set: two profiles may share a name, never a file.
    QString storageKey() const;

    const RegistryConfig *registry(const QString &id) const;
    const Route *route(const QString &from, const QString &to) const;
    bool includesRepository(const QString &logical) const;
    bool isMutableTag(const QString &tag) const;
};

struct ProfileError {
    QString file;
    int line = 0;
    QString key; // "registries[1].url"
    QString message;

    QString toString() const;
};

// Either a valid profile or every problem found in it (people fix files faster when told all
// of what is wrong at once).
struct ProfileLoad {
    std::optional<Profile> profile;
    std::vector<ProfileError> errors;

    bool ok() const { return profile.has_value(); }
    QString errorText() const;
};

QString toString(RegistryKind kind);
QString toString(RouteKind kind);
QString toString(EndpointClass c);

// Quay's shipped nginx zones (reference §2.6), the defaults for kind "quay".
RateLimit quayDefaultRateLimit();

} // namespace quayside
