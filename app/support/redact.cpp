#include "redact.h"

#include <QRegularExpression>
#include <QUrlQuery>

namespace quayside::redact {
namespace {

const QStringList &secretQueryKeys()
{
    static const QStringList keys{QStringLiteral("token"),         QStringLiteral("access_token"),
                                  QStringLiteral("refresh_token"), QStringLiteral("password"),
                                  QStringLiteral("secret"),        QStringLiteral("_state")};
    return keys;
}

} // namespace

bool isSensitiveHeader(const QByteArray &name)
{
    const QByteArray lower = name.toLower();
    return lower == "authorization" || lower == "proxy-authorization" || lower == "cookie" ||
           lower == "set-cookie" || lower == "x-registry-auth";
}

QByteArray headerValue(const QByteArray &name, const QByteArray &value)
{
    if (!isSensitiveHeader(name))
        return value;
    // Keep the scheme: "Bearer ***" still tells a reader which auth flow was used.
    const qsizetype space = value.indexOf(' ');
    if (space > 0 && name.compare("authorization", Qt::CaseInsensitive) == 0)
        return value.left(space + 1) + kMask;
    return kMask;
}

QString text(const QString &input)
{
    static const QRegularExpression authHeader(
        QStringLiteral(R"(((?:proxy-)?authorization\s*[:=]\s*"?)(basic|bearer)?\s*[^\s",;]+)"),
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression jsonSecret(
        QStringLiteral(R"re("(token|access_token|refresh_token|password|secret)"\s*:\s*"[^"]*")re"),
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression querySecret(
        QStringLiteral(R"(([?&](?:token|access_token|refresh_token|password|secret)=)[^&\s]+)"),
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression userInfo(QStringLiteral(R"((\w+://)[^/@\s:]+:[^/@\s]+@)"));

    QString out = input;
    out.replace(authHeader, QStringLiteral("\\1\\2 ***"));
    out.replace(jsonSecret, QStringLiteral("\"\\1\":\"***\""));
    out.replace(querySecret, QStringLiteral("\\1***"));
    out.replace(userInfo, QStringLiteral("\\1***@"));
    return out;
}

QString url(const QUrl &url)
{
    QUrl copy = url;
    if (!copy.password().isEmpty() || !copy.userName().isEmpty())
        copy.setUserInfo(QString::fromLatin1(kMask));
    if (copy.hasQuery()) {
        QUrlQuery query(copy);
        const auto items = query.queryItems(QUrl::FullyEncoded);
        bool changed = false;
        for (const auto &[key, value] : items) {
            if (secretQueryKeys().contains(key, Qt::CaseInsensitive)) {
                query.removeAllQueryItems(key);
                query.addQueryItem(key, QString::fromLatin1(kMask));
                changed = true;
            }
        }
        if (changed)
            copy.setQuery(query);
    }
    return copy.toString(QUrl::FullyEncoded);
}

} // namespace quayside::redact
