#include "platform.h"

#include <QStringList>

namespace quayside {

QString normaliseArchitecture(const QString &architecture)
{
    const QString a = architecture.trimmed().toLower();
    if (a == QLatin1String("x86_64") || a == QLatin1String("x86-64"))
        return QStringLiteral("amd64");
    if (a == QLatin1String("aarch64"))
        return QStringLiteral("arm64");
    if (a == QLatin1String("armhfp") || a == QLatin1String("armv7hl") ||
        a == QLatin1String("armv7l"))
        return QStringLiteral("arm");
    if (a == QLatin1String("i386") || a == QLatin1String("i686") || a == QLatin1String("x86"))
        return QStringLiteral("386");
    if (a == QLatin1String("ppc64el"))
        return QStringLiteral("ppc64le");
    return a;
}

Platform Platform::fromRaw(const QString &os, const QString &architecture, const QString &variant)
{
    Platform p;
    p.os = os.trimmed().toLower();
    p.rawOs = os;
    p.rawArchitecture = architecture;
    p.rawVariant = variant;
    p.architecture = normaliseArchitecture(architecture);
    p.variant = variant.trimmed().toLower();
    const QString rawArch = architecture.trimmed().toLower();
    if (p.variant.isEmpty() && (rawArch == QLatin1String("armhfp") ||
                                rawArch == QLatin1String("armv7hl") ||
                                rawArch == QLatin1String("armv7l")))
        p.variant = QStringLiteral("v7");
    // arm64's only variant is v8; an image that spells it out is the same platform.
    if (p.architecture == QLatin1String("arm64") && p.variant == QLatin1String("v8"))
        p.variant.clear();
    return p;
}

Platform Platform::parse(const QString &text)
{
    const QStringList parts = text.split(u'/');
    if (parts.size() == 1)
        return fromRaw(QStringLiteral("linux"), parts.at(0), QString());
    return fromRaw(parts.at(0), parts.value(1), parts.value(2));
}

QString Platform::toString() const
{
    if (isEmpty() && variant.isEmpty())
        return QString();
    QString out = os + u'/' + architecture;
    if (!variant.isEmpty())
        out += u'/' + variant;
    return out;
}

QString Platform::rawString() const
{
    if (rawOs.isEmpty() && rawArchitecture.isEmpty())
        return QString();
    QString out = rawOs + u'/' + rawArchitecture;
    if (!rawVariant.isEmpty())
        out += u'/' + rawVariant;
    return out;
}

} // namespace quayside
