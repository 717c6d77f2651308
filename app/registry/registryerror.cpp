#include "registryerror.h"

namespace quayside {

QString toString(RegistryError::Kind kind)
{
    switch (kind) {
    case RegistryError::Kind::Network:
        return QStringLiteral("network error");
    case RegistryError::Kind::Tls:
        return QStringLiteral("TLS error");
    case RegistryError::Kind::Auth:
        return QStringLiteral("not authorised");
    case RegistryError::Kind::NotFound:
        return QStringLiteral("not found");
    case RegistryError::Kind::Throttled:
        return QStringLiteral("throttled");
    case RegistryError::Kind::Server:
        return QStringLiteral("server error");
    case RegistryError::Kind::Protocol:
        return QStringLiteral("protocol error");
    case RegistryError::Kind::Refused:
        return QStringLiteral("refused");
    case RegistryError::Kind::Cancelled:
        break;
    }
    return QStringLiteral("cancelled");
}

QString RegistryError::toString() const
{
    QString where = registry.isEmpty() ? url.host() : registry;
    if (!repository.isEmpty()) {
        where += QStringLiteral(": ") + repository;
        if (!reference.isEmpty())
            where += (reference.contains(u':') ? u'@' : u':') + reference;
    }
    QString detail;
    if (httpStatus > 0)
        detail = QString::number(httpStatus);
    if (!code.isEmpty())
        detail += (detail.isEmpty() ? QString() : QStringLiteral(" ")) + code;
    if (!message.isEmpty())
        detail += (detail.isEmpty() ? QString() : QStringLiteral(": ")) + message;
    QString out = where + QStringLiteral(": ") + quayside::toString(kind);
    if (!detail.isEmpty())
        out += QStringLiteral(" (") + detail + u')';
    if (attempts > 1)
        out += QStringLiteral(" after %1 attempts").arg(attempts);
    return out;
}

bool RegistryError::isRetryable() const
{
    return kind == Kind::Network || kind == Kind::Throttled || kind == Kind::Server;
}

} // namespace quayside
