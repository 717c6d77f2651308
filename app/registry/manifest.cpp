#include "manifest.h"

#include "mediatypes.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace quayside {
namespace {

QString stripParameters(const QString &contentType)
{
    return contentType.section(u';', 0, 0).trimmed().toLower();
}

Descriptor parseDescriptor(const QJsonObject &o, bool withPlatform)
{
    Descriptor d;
    d.mediaType = o.value(QLatin1String("mediaType")).toString();
    d.digest = o.value(QLatin1String("digest")).toString();
    const QJsonValue size = o.value(QLatin1String("size"));
    d.size = size.isDouble() ? static_cast<qint64>(size.toDouble()) : -1;
    d.artifactType = o.value(QLatin1String("artifactType")).toString();
    for (const QJsonValue &url : o.value(QLatin1String("urls")).toArray())
        d.urls << url.toString();
    if (withPlatform) {
        const QJsonObject p = o.value(QLatin1String("platform")).toObject();
        d.platform = Platform::fromRaw(p.value(QLatin1String("os")).toString(),
                                       p.value(QLatin1String("architecture")).toString(),
                                       p.value(QLatin1String("variant")).toString());
    }
    return d;
}

// Every descriptor a registry would follow must name its content properly.
QString checkDescriptor(const Descriptor &d, const QString &where)
{
    if (!d.hasValidDigest())
        return QStringLiteral("%1: \"%2\" is not a valid digest").arg(where, d.digest);
    if (d.size < 0)
        return QStringLiteral("%1: missing or negative size").arg(where);
    return QString();
}

} // namespace

QString toString(ManifestKind kind)
{
    switch (kind) {
    case ManifestKind::OciIndex:
        return QStringLiteral("OCI index");
    case ManifestKind::DockerList:
        return QStringLiteral("Docker manifest list");
    case ManifestKind::OciManifest:
        return QStringLiteral("OCI manifest");
    case ManifestKind::DockerSchema2:
        return QStringLiteral("Docker schema 2 manifest");
    case ManifestKind::DockerSchema1:
        break;
    }
    return QStringLiteral("Docker schema 1 manifest (legacy)");
}

bool Descriptor::isNonDistributable() const
{
    return mediaType == mediatype::DockerForeignLayer ||
           mediaType.contains(QLatin1String("nondistributable")) || !urls.isEmpty();
}

bool Manifest::isArtifact() const
{
    if (kind != ManifestKind::OciManifest)
        return false;
    return !artifactType.isEmpty() || (config && config->mediaType != mediatype::OciConfig);
}

std::vector<Platform> Manifest::childPlatforms() const
{
    std::vector<Platform> out;
    out.reserve(manifests.size());
    for (const auto &d : manifests)
        out.push_back(d.platform.value_or(Platform()));
    return out;
}

std::vector<Descriptor> Manifest::blobs() const
{
    std::vector<Descriptor> out;
    if (config && config->size > 0)
        out.push_back(*config);
    out.insert(out.end(), layers.begin(), layers.end());
    return out;
}

bool isIndexMediaType(const QString &mediaType)
{
    return mediaType == mediatype::OciIndex || mediaType == mediatype::DockerList;
}

bool isManifestMediaType(const QString &mediaType)
{
    return isIndexMediaType(mediaType) || mediaType == mediatype::OciManifest ||
           mediaType == mediatype::DockerManifest || mediaType == mediatype::DockerSchema1 ||
           mediaType == mediatype::DockerSchema1Signed;
}

QString guessManifestMediaType(const QByteArray &bytes)
{
    // Mirrors containers/image manifest.GuessMIMEType, including its order of checks.
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return QString();
    const QJsonObject o = doc.object();
    const QString declared = o.value(QLatin1String("mediaType")).toString();
    if (declared == mediatype::DockerManifest || declared == mediatype::DockerList ||
        declared == mediatype::OciManifest || declared == mediatype::OciIndex)
        return declared;
    switch (o.value(QLatin1String("schemaVersion")).toInt()) {
    case 1:
        return o.contains(QLatin1String("signatures")) ? QString(mediatype::DockerSchema1Signed)
                                                       : QString(mediatype::DockerSchema1);
    case 2: {
        const QString configType =
            o.value(QLatin1String("config")).toObject().value(QLatin1String("mediaType")).toString();
        if (configType == mediatype::OciConfig)
            return mediatype::OciManifest;
        if (configType == mediatype::DockerConfig)
            return mediatype::DockerManifest;
        if (!o.value(QLatin1String("manifests")).toArray().isEmpty())
            return configType.isEmpty() ? QString(mediatype::OciIndex) : configType;
        return mediatype::OciManifest;
    }
    default:
        return QString();
    }
}

ManifestParse parseManifest(const QByteArray &bytes, const QString &contentType)
{
    ManifestParse result;
    QJsonParseError jsonError{};
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &jsonError);
    if (jsonError.error != QJsonParseError::NoError) {
        result.error = QStringLiteral("not a manifest: invalid JSON (%1 at byte %2)")
                           .arg(jsonError.errorString())
                           .arg(jsonError.offset);
        return result;
    }
    if (!doc.isObject()) {
        result.error = QStringLiteral("not a manifest: the JSON is not an object");
        return result;
    }
    const QJsonObject o = doc.object();

    Manifest m;
    m.raw = bytes;
    m.digest = Digest::sha256Of(bytes);
    m.declaredMediaType = o.value(QLatin1String("mediaType")).toString();

    const QString header = stripParameters(contentType);
    QString mediaType;
    if (isManifestMediaType(header))
        mediaType = header;
    else if (isManifestMediaType(m.declaredMediaType))
        mediaType = m.declaredMediaType;
    else
        mediaType = guessManifestMediaType(bytes);

    const int schemaVersion = o.value(QLatin1String("schemaVersion")).toInt(-1);
    if (schemaVersion != 1 && schemaVersion != 2) {
        result.error =
            o.contains(QLatin1String("schemaVersion"))
                ? QStringLiteral("not a supported manifest: schemaVersion %1")
                      .arg(o.value(QLatin1String("schemaVersion")).toVariant().toString())
                : QStringLiteral("not a manifest: no schemaVersion");
        return result;
    }
    if (!m.declaredMediaType.isEmpty() && isManifestMediaType(header) &&
        m.declaredMediaType != header) {
        result.error = QStringLiteral("the manifest says it is %1 but was served as %2")
                           .arg(m.declaredMediaType, header);
        return result;
    }
    m.mediaType = mediaType;

    if (schemaVersion == 1) {
        m.kind = ManifestKind::DockerSchema1;
        if (m.mediaType.isEmpty())
            m.mediaType = mediatype::DockerSchema1;
        m.schema1Architecture = o.value(QLatin1String("architecture")).toString();
        for (const QJsonValue &layer : o.value(QLatin1String("fsLayers")).toArray()) {
            Descriptor d;
            d.digest = layer.toObject().value(QLatin1String("blobSum")).toString();
            m.layers.push_back(d);
        }
        result.manifest = std::move(m);
        return result;
    }

    if (isIndexMediaType(mediaType)) {
        m.kind = mediaType == mediatype::DockerList ? ManifestKind::DockerList
                                                    : ManifestKind::OciIndex;
        const QJsonValue manifests = o.value(QLatin1String("manifests"));
        if (!manifests.isArray()) {
            result.error = QStringLiteral("%1 without a \"manifests\" array").arg(toString(m.kind));
            return result;
        }
        const QJsonArray array = manifests.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            const Descriptor d = parseDescriptor(array.at(i).toObject(), true);
            const QString problem = checkDescriptor(d, QStringLiteral("manifests[%1]").arg(i));
            if (!problem.isEmpty()) {
                result.error = problem;
                return result;
            }
            m.manifests.push_back(d);
        }
    } else if (mediaType == mediatype::OciManifest || mediaType == mediatype::DockerManifest) {
        m.kind = mediaType == mediatype::DockerManifest ? ManifestKind::DockerSchema2
                                                        : ManifestKind::OciManifest;
        const QJsonValue config = o.value(QLatin1String("config"));
        if (!config.isObject()) {
            result.error = QStringLiteral("%1 without a \"config\" descriptor").arg(toString(m.kind));
            return result;
        }
        m.config = parseDescriptor(config.toObject(), false);
        const QJsonArray layers = o.value(QLatin1String("layers")).toArray();
        for (qsizetype i = 0; i < layers.size(); ++i) {
            const Descriptor d = parseDescriptor(layers.at(i).toObject(), false);
            const QString problem = checkDescriptor(d, QStringLiteral("layers[%1]").arg(i));
            if (!problem.isEmpty()) {
                result.error = problem;
                return result;
            }
            m.layers.push_back(d);
        }
        m.artifactType = o.value(QLatin1String("artifactType")).toString();
    } else {
        result.error = mediaType.isEmpty()
                           ? QStringLiteral("not a manifest: its type cannot be recognised")
                           : QStringLiteral("unsupported manifest type %1").arg(mediaType);
        return result;
    }
    if (o.contains(QLatin1String("subject")))
        m.subject = parseDescriptor(o.value(QLatin1String("subject")).toObject(), false);
    result.manifest = std::move(m);
    return result;
}

} // namespace quayside
