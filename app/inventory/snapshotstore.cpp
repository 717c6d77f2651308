#include "snapshotstore.h"

#include "support/paths.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QFileInfo>
#include <QSaveFile>

namespace quayside {
namespace {

QJsonArray strings(const QStringList &list)
{
    return QJsonArray::fromStringList(list);
}

QStringList strings(const QJsonValue &value)
{
    QStringList out;
    for (const QJsonValue &v : value.toArray())
        out << v.toString();
    return out;
}

} // namespace

SnapshotStore::SnapshotStore(QString dir)
    : m_dir(dir.isEmpty() ? paths::snapshotsDir() : std::move(dir))
{
}

QString SnapshotStore::fileFor(const Profile &profile, const QString &registryId) const
{
    return m_dir + u'/' + profile.storageKey() + u'/' + registryId + QStringLiteral(".json");
}

QByteArray SnapshotStore::toJson(const Snapshot &snapshot)
{
    QJsonObject repositories;
    for (const auto &[name, repository] : snapshot.repositories) {
        QJsonObject tags;
        for (const auto &[tag, entry] : repository.tags) {
            QJsonObject t{{QStringLiteral("digest"), entry.digest}};
            if (!entry.mediaType.isEmpty())
                t.insert(QStringLiteral("mediaType"), entry.mediaType);
            if (entry.lastModified.isValid())
                t.insert(QStringLiteral("lastModified"), entry.lastModified.toUTC().toString(Qt::ISODate));
            if (!entry.error.isEmpty())
                t.insert(QStringLiteral("error"), entry.error);
            tags.insert(tag, t);
        }
        QJsonObject r{{QStringLiteral("tags"), tags}};
        if (!repository.missingChildren.isEmpty())
            r.insert(QStringLiteral("missingChildren"), strings(repository.missingChildren));
        if (!repository.error.isEmpty())
            r.insert(QStringLiteral("error"), repository.error);
        if (repository.lastModified.isValid())
            r.insert(QStringLiteral("lastModified"), repository.lastModified.toUTC().toString(Qt::ISODate));
        repositories.insert(name, r);
    }
    QJsonObject manifests;
    for (auto it = snapshot.manifests.cbegin(); it != snapshot.manifests.cend(); ++it) {
        const ManifestFacts &f = it.value();
        QJsonObject m{{QStringLiteral("mediaType"), f.mediaType},
                      {QStringLiteral("platforms"), strings(f.platforms)}};
        if (!f.configDigest.isEmpty()) {
            m.insert(QStringLiteral("config"), f.configDigest);
            m.insert(QStringLiteral("configSize"), f.configSize);
        }
        if (f.isIndex) {
            m.insert(QStringLiteral("index"), true);
            m.insert(QStringLiteral("children"), strings(f.children));
            m.insert(QStringLiteral("childPlatforms"), strings(f.childPlatforms));
            m.insert(QStringLiteral("rawPlatforms"), strings(f.rawPlatforms));
        }
        manifests.insert(it.key(), m);
    }
    QJsonObject root{{QStringLiteral("format"), Snapshot::kFormatVersion},
                     {QStringLiteral("registry"), snapshot.registryId},
                     {QStringLiteral("location"), snapshot.registryUrl},
                     {QStringLiteral("takenAt"), snapshot.takenAt.toUTC().toString(Qt::ISODateWithMs)},
                     {QStringLiteral("deep"), snapshot.deep},
                     {QStringLiteral("repositories"), repositories},
                     {QStringLiteral("manifests"), manifests}};
    if (!snapshot.error.isEmpty())
        root.insert(QStringLiteral("error"), snapshot.error);
    if (snapshot.previousTakenAt.isValid()) {
        QJsonArray changes;
        for (const SnapshotChange &c : snapshot.changes) {
            QJsonObject o{{QStringLiteral("kind"), toString(c.kind)},
                          {QStringLiteral("repository"), c.repository},
                          {QStringLiteral("tag"), c.tag}};
            if (!c.before.isEmpty())
                o.insert(QStringLiteral("before"), c.before);
            if (!c.after.isEmpty())
                o.insert(QStringLiteral("after"), c.after);
            changes.append(o);
        }
        root.insert(QStringLiteral("previousTakenAt"),
                    snapshot.previousTakenAt.toUTC().toString(Qt::ISODateWithMs));
        root.insert(QStringLiteral("changes"), changes);
    }
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}

std::optional<Snapshot> SnapshotStore::fromJson(const QByteArray &json, QString *error)
{
    QJsonParseError parseError{};
    const QJsonObject root = QJsonDocument::fromJson(json, &parseError).object();
    if (parseError.error != QJsonParseError::NoError) {
        if (error)
            *error = QStringLiteral("not valid JSON: %1").arg(parseError.errorString());
        return std::nullopt;
    }
    if (root.value(QLatin1String("format")).toInt() != Snapshot::kFormatVersion) {
        if (error)
            *error = QStringLiteral("snapshot format %1, this Quayside reads %2")
                         .arg(root.value(QLatin1String("format")).toInt())
                         .arg(Snapshot::kFormatVersion);
        return std::nullopt;
    }
    Snapshot s;
    s.registryId = root.value(QLatin1String("registry")).toString();
    s.registryUrl = root.value(QLatin1String("location")).toString();
    s.takenAt = QDateTime::fromString(root.value(QLatin1String("takenAt")).toString(), Qt::ISODateWithMs);
    s.deep = root.value(QLatin1String("deep")).toBool();
    s.error = root.value(QLatin1String("error")).toString();
    const QJsonObject repositories = root.value(QLatin1String("repositories")).toObject();
    for (auto r = repositories.constBegin(); r != repositories.constEnd(); ++r) {
        const QJsonObject ro = r.value().toObject();
        RepositorySnapshot repository;
        repository.error = ro.value(QLatin1String("error")).toString();
        repository.missingChildren = strings(ro.value(QLatin1String("missingChildren")));
        repository.lastModified =
            QDateTime::fromString(ro.value(QLatin1String("lastModified")).toString(), Qt::ISODate);
        const QJsonObject tags = ro.value(QLatin1String("tags")).toObject();
        for (auto t = tags.constBegin(); t != tags.constEnd(); ++t) {
            const QJsonObject to = t.value().toObject();
            TagEntry entry;
            entry.digest = to.value(QLatin1String("digest")).toString();
            entry.mediaType = to.value(QLatin1String("mediaType")).toString();
            entry.lastModified =
                QDateTime::fromString(to.value(QLatin1String("lastModified")).toString(), Qt::ISODate);
            entry.error = to.value(QLatin1String("error")).toString();
            repository.tags.emplace(t.key(), std::move(entry));
        }
        s.repositories.emplace(r.key(), std::move(repository));
    }
    const QJsonObject manifests = root.value(QLatin1String("manifests")).toObject();
    for (auto m = manifests.constBegin(); m != manifests.constEnd(); ++m) {
        const QJsonObject mo = m.value().toObject();
        ManifestFacts f;
        f.mediaType = mo.value(QLatin1String("mediaType")).toString();
        f.isIndex = mo.value(QLatin1String("index")).toBool();
        f.platforms = strings(mo.value(QLatin1String("platforms")));
        f.children = strings(mo.value(QLatin1String("children")));
        f.childPlatforms = strings(mo.value(QLatin1String("childPlatforms")));
        f.rawPlatforms = strings(mo.value(QLatin1String("rawPlatforms")));
        f.configDigest = mo.value(QLatin1String("config")).toString();
        f.configSize = static_cast<qint64>(mo.value(QLatin1String("configSize")).toDouble(-1));
        s.manifests.insert(m.key(), std::move(f));
    }
    // Optional (older snapshots lack them): what the scan that took this one saw change.
    s.previousTakenAt = QDateTime::fromString(root.value(QLatin1String("previousTakenAt")).toString(),
                                              Qt::ISODateWithMs);
    for (const QJsonValue &v : root.value(QLatin1String("changes")).toArray()) {
        const QJsonObject o = v.toObject();
        const auto kind = changeKindFromString(o.value(QLatin1String("kind")).toString());
        if (!kind)
            continue;
        s.changes.push_back({*kind, o.value(QLatin1String("repository")).toString(),
                             o.value(QLatin1String("tag")).toString(),
                             o.value(QLatin1String("before")).toString(),
                             o.value(QLatin1String("after")).toString()});
    }
    return s;
}

bool SnapshotStore::save(const Profile &profile, const Snapshot &snapshot, QString *error) const
{
    const QString path = fileFor(profile, snapshot.registryId);
    QDir().mkpath(QFileInfo(path).absolutePath());
    // A registry that could not be read at all must not wipe out what was last known of it:
    // keep the last readable snapshot aside (the roadmap proves a retired host's content with it).
    if (!snapshot.error.isEmpty()) {
        QFile previous(path);
        if (previous.open(QIODevice::ReadOnly)) {
            const auto old = fromJson(previous.readAll(), nullptr);
            previous.close();
            if (old && old->error.isEmpty()) {
                QFile::remove(readableFileFor(profile, snapshot.registryId));
                QFile::copy(path, readableFileFor(profile, snapshot.registryId));
            }
        }
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(toJson(snapshot)) < 0 || !file.commit()) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

std::optional<Snapshot> SnapshotStore::load(const Profile &profile, const RegistryConfig &registry,
                                            QString *error) const
{
    QFile file(fileFor(profile, registry.id));
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt; // none yet: not an error
    auto snapshot = fromJson(file.readAll(), error);
    if (snapshot && snapshot->registryUrl != registry.location()) {
        if (error)
            *error = QStringLiteral("the snapshot of %1 was taken of %2, not %3")
                         .arg(registry.id, snapshot->registryUrl, registry.location());
        return std::nullopt;
    }
    return snapshot;
}

QString SnapshotStore::readableFileFor(const Profile &profile, const QString &registryId) const
{
    return m_dir + u'/' + profile.storageKey() + u'/' + registryId + QStringLiteral(".readable.json");
}

std::optional<Snapshot> SnapshotStore::loadReadable(const Profile &profile, const RegistryConfig &registry,
                                                    QString *error) const
{
    auto latest = load(profile, registry, error);
    if (!latest || latest->error.isEmpty())
        return latest;
    QFile file(readableFileFor(profile, registry.id));
    if (!file.open(QIODevice::ReadOnly))
        return latest; // never read: the failed one is all there is
    auto readable = fromJson(file.readAll(), nullptr);
    return readable && readable->registryUrl == registry.location() ? readable : latest;
}

std::vector<Snapshot> SnapshotStore::loadAll(const Profile &profile) const
{
    std::vector<Snapshot> out;
    for (const RegistryConfig &registry : profile.registries)
        if (auto s = load(profile, registry))
            out.push_back(std::move(*s));
    return out;
}

} // namespace quayside
