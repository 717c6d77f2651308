#include "imagereference.h"

#include "registry/digest.h"

#include <QRegularExpression>

namespace quayside {
namespace {

// The distribution spec's grammar for repository path components and tags.
const QRegularExpression &repositoryPattern()
{
    static const QRegularExpression re(QStringLiteral(
        "^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$"));
    return re;
}

const QRegularExpression &tagPattern()
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$"));
    return re;
}

bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

} // namespace

QString ImageReference::toString() const
{
    QString out = isDocker() ? QStringLiteral("docker://") + host : registryId;
    out += u'/' + repository;
    if (!tag.isEmpty())
        out += u':' + tag;
    if (!digest.isEmpty())
        out += u'@' + digest;
    return out;
}

std::optional<ImageReference> ImageReference::parse(const QString &text, QString *error)
{
    ImageReference ref;
    QString rest = text.trimmed();
    const bool docker = rest.startsWith(QLatin1String("docker://"));
    if (docker)
        rest = rest.mid(9);
    const qsizetype at = rest.indexOf(u'@');
    if (at >= 0) {
        ref.digest = rest.mid(at + 1);
        rest.truncate(at);
        if (!Digest::parse(ref.digest)) {
            fail(error, QStringLiteral("\"%1\": \"%2\" is not a digest (sha256:<64 hex digits>)")
                            .arg(text, ref.digest));
            return std::nullopt;
        }
    }
    const qsizetype slash = rest.indexOf(u'/');
    if (slash <= 0) {
        fail(error, docker ? QStringLiteral("\"%1\": expected docker://HOST[:PORT]/REPOSITORY:TAG").arg(text)
                           : QStringLiteral("\"%1\": expected REGISTRY-ID/REPOSITORY:TAG "
                                            "(or docker://HOST/REPOSITORY:TAG)")
                                 .arg(text));
        return std::nullopt;
    }
    (docker ? ref.host : ref.registryId) = rest.left(slash);
    rest = rest.mid(slash + 1);
    // A tag follows the last ':' after the last '/' (a port never appears here any more).
    const qsizetype colon = rest.lastIndexOf(u':');
    if (colon > rest.lastIndexOf(u'/')) {
        ref.tag = rest.mid(colon + 1);
        rest.truncate(colon);
        if (!tagPattern().match(ref.tag).hasMatch()) {
            fail(error, QStringLiteral("\"%1\": \"%2\" is not a valid tag").arg(text, ref.tag));
            return std::nullopt;
        }
    }
    ref.repository = rest;
    if (!repositoryPattern().match(ref.repository).hasMatch()) {
        fail(error, QStringLiteral("\"%1\": \"%2\" is not a valid repository name (lower-case "
                                   "letters, digits, separators . _ - and /)")
                        .arg(text, ref.repository));
        return std::nullopt;
    }
    if (ref.tag.isEmpty() && ref.digest.isEmpty()) {
        fail(error, QStringLiteral("\"%1\": no tag or digest (add :TAG or @sha256:…)").arg(text));
        return std::nullopt;
    }
    return ref;
}

QString ResolvedImage::displayName() const
{
    QString out = registry.hostPort() + u'/' + repository;
    if (!tag.isEmpty())
        out += u':' + tag;
    if (!digest.isEmpty())
        out += u'@' + digest;
    return out;
}

std::optional<ResolvedImage> resolveImage(const ImageReference &reference, const Profile *profile,
                                          bool insecure, QString *error)
{
    ResolvedImage image;
    image.tag = reference.tag;
    image.digest = reference.digest;
    if (!reference.isDocker()) {
        const RegistryConfig *config = profile ? profile->registry(reference.registryId) : nullptr;
        if (!config) {
            fail(error, profile ? QStringLiteral("no registry \"%1\" in profile %2")
                                      .arg(reference.registryId, profile->name)
                                : QStringLiteral("\"%1\" names a profile registry, but no profile "
                                                 "is loaded")
                                      .arg(reference.toString()));
            return std::nullopt;
        }
        image.registry = *config;
        image.repository = config->repositoryFor(reference.repository);
        return image;
    }
    const RegistryConfig *sameHost = nullptr;
    if (profile)
        for (const RegistryConfig &r : profile->registries)
            if (r.hostPort() == reference.host)
                sameHost = &r;
    if (sameHost) {
        image.registry = *sameHost;
        image.registry.prefix.clear();
        image.registry.renames.clear();
    } else {
        image.registry.id = reference.host;
        image.registry.insecure = insecure;
        // quay.io throttles per IP whether or not a profile names it.
        if (reference.host == QLatin1String("quay.io"))
            image.registry.rateLimit = quayDefaultRateLimit();
        image.registry.url = QUrl((insecure ? QStringLiteral("http://") : QStringLiteral("https://")) +
                                  reference.host);
        if (!image.registry.url.isValid() || image.registry.url.host().isEmpty()) {
            fail(error, QStringLiteral("\"%1\" is not a registry host").arg(reference.host));
            return std::nullopt;
        }
    }
    image.repository = reference.repository;
    return image;
}

} // namespace quayside
