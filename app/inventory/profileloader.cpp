#include "profileloader.h"

#include "jsonlocator.h"
#include "registry/platform.h"
#include "support/paths.h"

#include <QDir>
#include <QFile>
#include <QDir>
#include <QFileInfo>
#include <QSslCertificate>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>

namespace quayside {
namespace {

const QStringList kBuiltIns{QStringLiteral("fedora"), QStringLiteral("fedora-staging"),
                            QStringLiteral("sandbox")};

// Collects errors with the line each key sits on, so a profile author sees "file:12: key: why".
class Validator final
{
public:
    Validator(const QByteArray &json, QString source)
        : m_locator(json)
        , m_source(std::move(source))
    {
    }

    void error(const QString &key, const QString &message)
    {
        m_errors.push_back({m_source, m_locator.lineOf(key), key, message});
    }

    void rejectUnknownKeys(const QJsonObject &object, const QString &path,
                           const QStringList &known)
    {
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            const QString key = path.isEmpty() ? it.key() : path + u'.' + it.key();
            const QString lower = it.key().toLower();
            if (lower.contains(QLatin1String("password")) || lower.contains(QLatin1String("token")) ||
                lower.contains(QLatin1String("secret")))
                error(key, QStringLiteral("secrets do not belong in profiles; store them in the "
                                          "keychain (Registries → Credentials…, or quayside-cli "
                                          "credentials set ID) or pass them as "
                                          "QUAYSIDE_CREDENTIALS_<ID>=user:secret"));
            else if (!known.contains(it.key()))
                error(key, QStringLiteral("unknown key (expected one of: %1)")
                               .arg(known.join(QStringLiteral(", "))));
        }
    }

    QString requiredString(const QJsonObject &o, const QString &path, const QString &key)
    {
        const QString full = path.isEmpty() ? key : path + u'.' + key;
        const QJsonValue v = o.value(key);
        if (v.isUndefined()) {
            error(path, QStringLiteral("missing required key \"%1\"").arg(key));
            return QString();
        }
        if (!v.isString() || v.toString().trimmed().isEmpty()) {
            error(full, QStringLiteral("must be a non-empty string"));
            return QString();
        }
        return v.toString().trimmed();
    }

    QString optionalString(const QJsonObject &o, const QString &path, const QString &key)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined() || v.isNull())
            return QString();
        if (!v.isString()) {
            error(path + u'.' + key, QStringLiteral("must be a string"));
            return QString();
        }
        return v.toString();
    }

    QStringList stringList(const QJsonValue &v, const QString &path)
    {
        QStringList out;
        if (v.isUndefined() || v.isNull())
            return out;
        if (!v.isArray()) {
            error(path, QStringLiteral("must be an array of strings"));
            return out;
        }
        const QJsonArray array = v.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            if (!array.at(i).isString() || array.at(i).toString().isEmpty())
                error(path + u'[' + QString::number(i) + u']',
                      QStringLiteral("must be a non-empty string"));
            else
                out << array.at(i).toString();
        }
        return out;
    }

    std::optional<RateBudget> budget(const QJsonValue &v, const QString &path)
    {
        if (!v.isObject()) {
            error(path, QStringLiteral("must be an object with requestsPerSecond and burst"));
            return std::nullopt;
        }
        const QJsonObject o = v.toObject();
        rejectUnknownKeys(o, path, {QStringLiteral("requestsPerSecond"), QStringLiteral("burst")});
        RateBudget b;
        const QJsonValue rps = o.value(QLatin1String("requestsPerSecond"));
        if (!rps.isDouble() || rps.toDouble() <= 0) {
            error(path + QStringLiteral(".requestsPerSecond"),
                  QStringLiteral("must be a number greater than 0"));
            return std::nullopt;
        }
        b.requestsPerSecond = rps.toDouble();
        const QJsonValue burst = o.value(QLatin1String("burst"));
        if (!burst.isUndefined()) {
            if (!burst.isDouble() || burst.toInt() < 1 || burst.toDouble() != burst.toInt()) {
                error(path + QStringLiteral(".burst"), QStringLiteral("must be an integer ≥ 1"));
                return std::nullopt;
            }
            b.burst = burst.toInt();
        }
        return b;
    }

    void rateLimit(const QJsonValue &v, const QString &path, RateLimit &limit)
    {
        if (!v.isObject()) {
            error(path, QStringLiteral("must be an object"));
            return;
        }
        const QJsonObject o = v.toObject();
        rejectUnknownKeys(o, path,
                          {QStringLiteral("requestsPerSecond"), QStringLiteral("burst"),
                           QStringLiteral("concurrency"), QStringLiteral("classes")});
        if (o.contains(QLatin1String("requestsPerSecond"))) {
            QJsonObject top;
            top.insert(QStringLiteral("requestsPerSecond"), o.value(QLatin1String("requestsPerSecond")));
            if (o.contains(QLatin1String("burst")))
                top.insert(QStringLiteral("burst"), o.value(QLatin1String("burst")));
            if (const auto b = budget(top, path))
                limit.all = *b;
        } else if (o.contains(QLatin1String("burst"))) {
            error(path + QStringLiteral(".burst"), QStringLiteral("needs requestsPerSecond"));
        }
        if (o.contains(QLatin1String("concurrency"))) {
            const QJsonValue c = o.value(QLatin1String("concurrency"));
            if (!c.isDouble() || c.toInt() < 1 || c.toInt() > 64 || c.toDouble() != c.toInt())
                error(path + QStringLiteral(".concurrency"),
                      QStringLiteral("must be an integer from 1 to 64"));
            else
                limit.concurrency = c.toInt();
        }
        const QJsonValue classes = o.value(QLatin1String("classes"));
        if (classes.isUndefined())
            return;
        if (!classes.isObject()) {
            error(path + QStringLiteral(".classes"), QStringLiteral("must be an object"));
            return;
        }
        const QJsonObject co = classes.toObject();
        for (auto it = co.constBegin(); it != co.constEnd(); ++it) {
            const QString key = path + QStringLiteral(".classes.") + it.key();
            int index = -1;
            for (int c = 0; c < kEndpointClassCount; ++c)
                if (toString(static_cast<EndpointClass>(c)) == it.key())
                    index = c;
            if (index < 0) {
                error(key, QStringLiteral("unknown endpoint class (expected api, catalog, tags, "
                                          "manifests, blobs, auth or other)"));
                continue;
            }
            if (const auto b = budget(it.value(), key))
                limit.perClass[index] = *b;
        }
    }

    void url(const QString &text, const QString &key, bool insecure, QUrl &out)
    {
        const QUrl u(text, QUrl::StrictMode);
        if (!u.isValid() || u.host().isEmpty() ||
            (u.scheme() != QLatin1String("https") && u.scheme() != QLatin1String("http"))) {
            error(key, QStringLiteral("\"%1\" is not a registry URL; write scheme://host[:port], "
                                      "e.g. https://quay.io")
                           .arg(text));
            return;
        }
        if (!u.userInfo().isEmpty()) {
            error(key, QStringLiteral("credentials do not belong in URLs; use \"username\" and "
                                      "the keychain"));
            return;
        }
        if ((!u.path().isEmpty() && u.path() != QLatin1String("/")) || u.hasQuery() ||
            u.hasFragment()) {
            error(key, QStringLiteral("must be scheme://host[:port] only; put namespaces in "
                                      "\"prefix\""));
            return;
        }
        if (u.scheme() == QLatin1String("http") && !insecure) {
            error(key, QStringLiteral("plain HTTP needs \"insecure\": true on this registry"));
            return;
        }
        out = u.adjusted(QUrl::RemovePath);
    }

    // A relative path is read from the profile's folder, so a profile and its CA travel together.
    void caCertificates(const QString &text, const QString &key, QString &out)
    {
        const QFileInfo source(m_source);
        const QString file = QDir::isAbsolutePath(text) || !source.isFile()
                                 ? QFileInfo(text).absoluteFilePath()
                                 : source.dir().absoluteFilePath(text);
        if (!QFileInfo(file).isReadable()) {
            error(key, QStringLiteral("cannot read %1").arg(file));
            return;
        }
        if (QSslCertificate::fromPath(file, QSsl::Pem).isEmpty()) {
            error(key, QStringLiteral("%1 holds no PEM certificate").arg(file));
            return;
        }
        out = file;
    }

    const std::vector<ProfileError> &errors() const { return m_errors; }

private:
    JsonLocator m_locator;
    QString m_source;
    std::vector<ProfileError> m_errors;
};

void parseRegistry(Validator &v, const QJsonObject &o, const QString &path, RegistryConfig &r)
{
    v.rejectUnknownKeys(o, path,
                        {QStringLiteral("id"), QStringLiteral("title"), QStringLiteral("url"),
                         QStringLiteral("prefix"), QStringLiteral("kind"),
                         QStringLiteral("username"), QStringLiteral("insecure"),
                         QStringLiteral("caCertificates"), QStringLiteral("rateLimit"),
                         QStringLiteral("renames")});
    r.id = v.requiredString(o, path, QStringLiteral("id"));
    static const QRegularExpression idPattern(QStringLiteral("^[a-z0-9][a-z0-9._-]{0,63}$"));
    if (!r.id.isEmpty() && !idPattern.match(r.id).hasMatch())
        v.error(path + QStringLiteral(".id"),
                QStringLiteral("\"%1\": use lower-case letters, digits, '.', '_' or '-'").arg(r.id));
    r.title = v.optionalString(o, path, QStringLiteral("title"));
    r.username = v.optionalString(o, path, QStringLiteral("username"));

    const QJsonValue insecure = o.value(QLatin1String("insecure"));
    if (!insecure.isUndefined() && !insecure.isBool())
        v.error(path + QStringLiteral(".insecure"), QStringLiteral("must be true or false"));
    r.insecure = insecure.toBool(false);
    if (const QString ca = v.optionalString(o, path, QStringLiteral("caCertificates")); !ca.isEmpty())
        v.caCertificates(ca, path + QStringLiteral(".caCertificates"), r.caCertificates);

    const QString kind = v.requiredString(o, path, QStringLiteral("kind"));
    if (kind == QLatin1String("quay"))
        r.kind = RegistryKind::Quay;
    else if (kind == QLatin1String("distribution"))
        r.kind = RegistryKind::Distribution;
    else if (!kind.isEmpty())
        v.error(path + QStringLiteral(".kind"),
                QStringLiteral("\"%1\": expected \"distribution\" or \"quay\"").arg(kind));

    const QString url = v.requiredString(o, path, QStringLiteral("url"));
    if (!url.isEmpty())
        v.url(url, path + QStringLiteral(".url"), r.insecure, r.url);

    if (!o.contains(QLatin1String("prefix")))
        v.error(path, QStringLiteral("missing required key \"prefix\" (use \"\" for none)"));
    r.prefix = v.optionalString(o, path, QStringLiteral("prefix"));
    if (r.prefix.startsWith(u'/') || (!r.prefix.isEmpty() && !r.prefix.endsWith(u'/')))
        v.error(path + QStringLiteral(".prefix"),
                QStringLiteral("\"%1\": write a namespace path ending in '/', e.g. \"fedora/\"")
                    .arg(r.prefix));
    if (r.kind == RegistryKind::Quay && r.prefix.isEmpty())
        v.error(path + QStringLiteral(".prefix"),
                QStringLiteral("a quay registry needs a namespace prefix, e.g. \"fedora/\""));

    r.rateLimit = r.kind == RegistryKind::Quay ? quayDefaultRateLimit() : RateLimit{};
    if (o.contains(QLatin1String("rateLimit")))
        v.rateLimit(o.value(QLatin1String("rateLimit")), path + QStringLiteral(".rateLimit"),
                    r.rateLimit);

    const QJsonValue renames = o.value(QLatin1String("renames"));
    if (!renames.isUndefined()) {
        if (!renames.isObject()) {
            v.error(path + QStringLiteral(".renames"),
                    QStringLiteral("must map logical names to names on this registry"));
        } else {
            const QJsonObject ro = renames.toObject();
            for (auto it = ro.constBegin(); it != ro.constEnd(); ++it) {
                if (!it.value().isString() || it.value().toString().isEmpty())
                    v.error(path + QStringLiteral(".renames.") + it.key(),
                            QStringLiteral("must be a repository name"));
                else
                    r.renames.insert(it.key(), it.value().toString());
            }
        }
    }
}

void parseRoute(Validator &v, const QJsonObject &o, const QString &path, const Profile &profile,
                Route &route)
{
    v.rejectUnknownKeys(o, path,
                        {QStringLiteral("from"), QStringLiteral("to"), QStringLiteral("kind")});
    route.from = v.requiredString(o, path, QStringLiteral("from"));
    route.to = v.requiredString(o, path, QStringLiteral("to"));
    for (const auto &[key, id] : {std::pair{QStringLiteral("from"), route.from},
                                  std::pair{QStringLiteral("to"), route.to}})
        if (!id.isEmpty() && !profile.registry(id))
            v.error(path + u'.' + key,
                    QStringLiteral("\"%1\" is not the id of a registry in this profile").arg(id));
    if (!route.from.isEmpty() && route.from == route.to)
        v.error(path + QStringLiteral(".to"), QStringLiteral("a route needs two registries"));
    const QString kind = v.requiredString(o, path, QStringLiteral("kind"));
    if (kind == QLatin1String("promote"))
        route.kind = RouteKind::Promote;
    else if (kind == QLatin1String("migrate"))
        route.kind = RouteKind::Migrate;
    else if (!kind.isEmpty())
        v.error(path + QStringLiteral(".kind"),
                QStringLiteral("\"%1\": expected \"migrate\" or \"promote\"").arg(kind));
}

} // namespace

ProfileLoad ProfileLoader::fromBytes(const QByteArray &json, const QString &sourceName)
{
    ProfileLoad result;
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        result.errors.push_back({sourceName, JsonLocator::lineAtOffset(json, parseError.offset),
                                 QString(),
                                 QStringLiteral("not valid JSON: %1").arg(parseError.errorString())});
        return result;
    }
    if (!doc.isObject()) {
        result.errors.push_back({sourceName, 1, QString(),
                                 QStringLiteral("a profile is a JSON object")});
        return result;
    }

    Validator v(json, sourceName);
    const QJsonObject root = doc.object();
    v.rejectUnknownKeys(root, QString(),
                        {QStringLiteral("name"), QStringLiteral("registries"),
                         QStringLiteral("routes"), QStringLiteral("repositories"),
                         QStringLiteral("mutableTags"), QStringLiteral("architectures"),
                         QStringLiteral("description")});
    Profile profile;
    profile.source = sourceName;
    profile.name = v.requiredString(root, QString(), QStringLiteral("name"));

    const QJsonValue registries = root.value(QLatin1String("registries"));
    if (!registries.isArray() || registries.toArray().isEmpty()) {
        v.error(QStringLiteral("registries"),
                QStringLiteral("must be a non-empty array of registries"));
    } else {
        const QJsonArray array = registries.toArray();
        QSet<QString> ids;
        for (qsizetype i = 0; i < array.size(); ++i) {
            const QString path = QStringLiteral("registries[%1]").arg(i);
            if (!array.at(i).isObject()) {
                v.error(path, QStringLiteral("must be an object"));
                continue;
            }
            RegistryConfig r;
            parseRegistry(v, array.at(i).toObject(), path, r);
            if (!r.id.isEmpty() && ids.contains(r.id))
                v.error(path + QStringLiteral(".id"),
                        QStringLiteral("\"%1\" is used by another registry").arg(r.id));
            ids.insert(r.id);
            profile.registries.push_back(std::move(r));
        }
    }

    const QJsonValue routes = root.value(QLatin1String("routes"));
    if (!routes.isUndefined() && !routes.isArray()) {
        v.error(QStringLiteral("routes"), QStringLiteral("must be an array"));
    } else {
        const QJsonArray array = routes.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            const QString path = QStringLiteral("routes[%1]").arg(i);
            if (!array.at(i).isObject()) {
                v.error(path, QStringLiteral("must be an object"));
                continue;
            }
            Route route;
            parseRoute(v, array.at(i).toObject(), path, profile, route);
            if (profile.route(route.from, route.to))
                v.error(path, QStringLiteral("route %1 appears twice").arg(route.label()));
            profile.routes.push_back(route);
        }
    }

    const QJsonValue repositories = root.value(QLatin1String("repositories"));
    if (!repositories.isUndefined()) {
        if (!repositories.isObject()) {
            v.error(QStringLiteral("repositories"),
                    QStringLiteral("must be an object with \"include\" and/or \"exclude\""));
        } else {
            const QJsonObject ro = repositories.toObject();
            v.rejectUnknownKeys(ro, QStringLiteral("repositories"),
                                {QStringLiteral("include"), QStringLiteral("exclude")});
            profile.include = v.stringList(ro.value(QLatin1String("include")),
                                           QStringLiteral("repositories.include"));
            profile.exclude = v.stringList(ro.value(QLatin1String("exclude")),
                                           QStringLiteral("repositories.exclude"));
        }
    }
    profile.mutableTags =
        v.stringList(root.value(QLatin1String("mutableTags")), QStringLiteral("mutableTags"));
    for (const QString &arch : v.stringList(root.value(QLatin1String("architectures")),
                                            QStringLiteral("architectures")))
        profile.architectures << normaliseArchitecture(arch);
    profile.architectures.removeDuplicates();
    profile.compileGlobs();

    result.errors = v.errors();
    if (result.errors.empty())
        result.profile = std::move(profile);
    return result;
}

ProfileLoad ProfileLoader::fromFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        ProfileLoad result;
        result.errors.push_back({path, 0, QString(),
                                 QStringLiteral("cannot read profile: %1").arg(file.errorString())});
        return result;
    }
    // Profiles are small; a huge file is a mistake (wrong path), not something to parse.
    constexpr qint64 kMaxProfileBytes = 4 * 1024 * 1024;
    if (file.size() > kMaxProfileBytes) {
        ProfileLoad result;
        result.errors.push_back({path, 0, QString(),
                                 QStringLiteral("larger than 4 MiB; is this really a profile?")});
        return result;
    }
    return fromBytes(file.readAll(), path);
}

ProfileLoad ProfileLoader::resolve(const QString &fileOrName)
{
    if (QFileInfo(fileOrName).isFile())
        return fromFile(fileOrName);

    const QString user = paths::userProfilesDir() + u'/' + fileOrName + QStringLiteral(".json");
    if (QFileInfo(user).isFile())
        return fromFile(user);

    // The sandbox picks its ports at start-up, so its own profile is the truth when it runs.
    if (fileOrName == QLatin1String("sandbox")) {
        const QString running = paths::sandboxStateDir() + QStringLiteral("/profile.json");
        if (QFileInfo(running).isFile())
            return fromFile(running);
    }

    if (kBuiltIns.contains(fileOrName))
        return fromFile(QStringLiteral(":/profiles/") + fileOrName + QStringLiteral(".json"));

    ProfileLoad result;
    result.errors.push_back(
        {QString(), 0, QString(),
         QStringLiteral("no profile file or name \"%1\" (built-in: %2; yours go in %3)")
             .arg(fileOrName, kBuiltIns.join(QStringLiteral(", ")), paths::userProfilesDir())});
    return result;
}

QStringList ProfileLoader::builtInNames()
{
    return kBuiltIns;
}

} // namespace quayside
