#include "profile.h"

#include <QCryptographicHash>

namespace quayside {

QString RegistryConfig::hostPort() const
{
    return url.port() > 0 ? url.host() + u':' + QString::number(url.port()) : url.host();
}

QString RegistryConfig::location() const
{
    return url.toString() + u'/' + prefix;
}

QString RegistryConfig::repositoryFor(const QString &logical) const
{
    if (const auto it = renames.constFind(logical); it != renames.constEnd())
        return it.value();
    return prefix + logical;
}

std::optional<QString> RegistryConfig::logicalFor(const QString &repository) const
{
    for (auto it = renames.cbegin(); it != renames.cend(); ++it)
        if (it.value() == repository)
            return it.key();
    if (!repository.startsWith(prefix) || repository.size() == prefix.size())
        return std::nullopt;
    return repository.mid(prefix.size());
}

QString Profile::storageKey() const
{
    QString slug;
    for (const QChar c : name.toLower())
        slug += c.isLetterOrNumber() ? c : u'-';
    const QByteArray key =
        QCryptographicHash::hash(source.toUtf8(), QCryptographicHash::Sha1).toHex().left(10);
    return slug.left(40) + u'-' + QString::fromLatin1(key);
}

const RegistryConfig *Profile::registry(const QString &id) const
{
    for (const auto &r : registries)
        if (r.id == id)
            return &r;
    return nullptr;
}

const Route *Profile::route(const QString &from, const QString &to) const
{
    for (const auto &r : routes)
        if (r.from == from && r.to == to)
            return &r;
    return nullptr;
}

void Profile::compileGlobs()
{
    includeGlobs = GlobSet(include);
    excludeGlobs = GlobSet(exclude);
    mutableGlobs = GlobSet(mutableTags);
}

bool Profile::includesRepository(const QString &logical) const
{
    if (!includeGlobs.isEmpty() && !includeGlobs.matches(logical))
        return false;
    return !excludeGlobs.matches(logical);
}

bool Profile::isMutableTag(const QString &tag) const
{
    return mutableGlobs.matches(tag);
}

QString ProfileError::toString() const
{
    QString where = file;
    if (line > 0)
        where += u':' + QString::number(line);
    QString out = where.isEmpty() ? QString() : where + QStringLiteral(": ");
    if (!key.isEmpty())
        out += key + QStringLiteral(": ");
    return out + message;
}

QString ProfileLoad::errorText() const
{
    QStringList lines;
    for (const auto &e : errors)
        lines << e.toString();
    return lines.join(u'\n');
}

QString toString(RegistryKind kind)
{
    return kind == RegistryKind::Quay ? QStringLiteral("quay") : QStringLiteral("distribution");
}

QString toString(RouteKind kind)
{
    return kind == RouteKind::Promote ? QStringLiteral("promote") : QStringLiteral("migrate");
}

QString toString(EndpointClass c)
{
    switch (c) {
    case EndpointClass::Api:
        return QStringLiteral("api");
    case EndpointClass::Catalog:
        return QStringLiteral("catalog");
    case EndpointClass::Tags:
        return QStringLiteral("tags");
    case EndpointClass::Manifests:
        return QStringLiteral("manifests");
    case EndpointClass::Blobs:
        return QStringLiteral("blobs");
    case EndpointClass::Auth:
        return QStringLiteral("auth");
    case EndpointClass::Other:
        break;
    }
    return QStringLiteral("other");
}

RateLimit quayDefaultRateLimit()
{
    // quay/quay conf/nginx/server-base.conf.jnj, HTTP/1 values: the tightest zones decide how
    // fast a namespace can be listed, so the client must never exceed them.
    RateLimit limit;
    limit.all = {60, 20};
    limit.perClass[static_cast<int>(EndpointClass::Api)] = RateBudget{5, 25};
    limit.perClass[static_cast<int>(EndpointClass::Catalog)] = RateBudget{5, 1};
    limit.perClass[static_cast<int>(EndpointClass::Tags)] = RateBudget{5, 2};
    limit.perClass[static_cast<int>(EndpointClass::Manifests)] = RateBudget{50, 10};
    limit.perClass[static_cast<int>(EndpointClass::Blobs)] = RateBudget{50, 50};
    limit.perClass[static_cast<int>(EndpointClass::Auth)] = RateBudget{120, 2};
    limit.concurrency = 4;
    return limit;
}

} // namespace quayside
