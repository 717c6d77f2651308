#include "httpheaders.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QTimeZone>

namespace quayside::http {
namespace {

bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~':
        return true;
    default:
        return false;
    }
}

bool isToken68Char(char c)
{
    return isTokenChar(c) || c == '/';
}

// A cursor over header bytes; every read moves forward or reports failure, so loops end.
class Cursor final
{
public:
    explicit Cursor(const QByteArray &text)
        : m_text(text)
    {
    }

    bool atEnd() const { return m_pos >= m_text.size(); }
    char peek() const { return atEnd() ? '\0' : m_text.at(m_pos); }
    qsizetype position() const { return m_pos; }
    void rewind(qsizetype to) { m_pos = to; }
    void advance() { ++m_pos; }

    void skipSpaces()
    {
        while (!atEnd() && (peek() == ' ' || peek() == '\t' || peek() == '\r' || peek() == '\n'))
            ++m_pos;
    }
    void skipSpacesAndCommas()
    {
        while (!atEnd() && (peek() == ' ' || peek() == '\t' || peek() == ',' || peek() == '\r' ||
                            peek() == '\n'))
            ++m_pos;
    }

    QByteArray token()
    {
        const qsizetype start = m_pos;
        while (!atEnd() && isTokenChar(peek()))
            ++m_pos;
        return m_text.mid(start, m_pos - start);
    }

    // A quoted-string with backslash escapes; tolerates a missing closing quote.
    QByteArray quoted()
    {
        QByteArray out;
        ++m_pos; // opening quote
        while (!atEnd()) {
            const char c = peek();
            ++m_pos;
            if (c == '"')
                return out;
            if (c == '\\' && !atEnd()) {
                out += peek();
                ++m_pos;
                continue;
            }
            out += c;
        }
        return out;
    }

    // A parameter value: quoted-string or token (lenient: anything up to ',' or ';').
    QByteArray value(char stopAt)
    {
        skipSpaces();
        if (peek() == '"')
            return quoted();
        const qsizetype start = m_pos;
        while (!atEnd() && peek() != ',' && peek() != stopAt)
            ++m_pos;
        return m_text.mid(start, m_pos - start).trimmed();
    }

private:
    const QByteArray &m_text;
    qsizetype m_pos = 0;
};

} // namespace

std::vector<Challenge> parseWwwAuthenticate(const QByteArray &header)
{
    std::vector<Challenge> challenges;
    Cursor c(header);
    while (true) {
        c.skipSpacesAndCommas();
        if (c.atEnd())
            break;
        const QByteArray scheme = c.token();
        if (scheme.isEmpty()) {
            c.advance(); // not a token: skip the stray byte
            continue;
        }
        Challenge challenge;
        challenge.scheme = QString::fromLatin1(scheme).toLower();
        c.skipSpaces();

        // token68 form (`Basic dXNlcjpwYXNz==`): token68 characters and '=' padding, then the end
        // of the challenge. Anything else is a list of auth-params.
        {
            const qsizetype start = c.position();
            while (!c.atEnd() && isToken68Char(c.peek()))
                c.advance();
            const qsizetype end = c.position();
            while (!c.atEnd() && c.peek() == '=')
                c.advance();
            const qsizetype afterPadding = c.position();
            c.skipSpaces();
            if (end > start && (c.atEnd() || c.peek() == ',')) {
                challenge.token68 = QString::fromLatin1(header.mid(start, afterPadding - start));
                challenges.push_back(challenge);
                continue;
            }
            c.rewind(start);
        }

        // auth-params until the next challenge's scheme (a token not followed by '=').
        while (true) {
            c.skipSpacesAndCommas();
            if (c.atEnd())
                break;
            const qsizetype start = c.position();
            const QByteArray name = c.token();
            if (name.isEmpty()) {
                c.advance();
                continue;
            }
            c.skipSpaces();
            if (c.peek() != '=') {
                c.rewind(start);
                break;
            }
            c.advance(); // '='
            const QByteArray value = c.value('\0');
            challenge.params.insert(QString::fromLatin1(name).toLower(), QString::fromUtf8(value));
        }
        challenges.push_back(challenge);
    }
    return challenges;
}

std::pair<QString, QString> registryErrorFromBody(const QByteArray &body)
{
    const QJsonObject o = QJsonDocument::fromJson(body.left(64 * 1024)).object();
    const QJsonArray errors = o.value(QLatin1String("errors")).toArray();
    if (!errors.isEmpty()) {
        const QJsonObject first = errors.first().toObject();
        return {first.value(QLatin1String("code")).toString(),
                first.value(QLatin1String("message")).toString()};
    }
    if (o.contains(QLatin1String("error_message")))
        return {o.value(QLatin1String("error_type")).toString(),
                o.value(QLatin1String("error_message")).toString()};
    if (o.contains(QLatin1String("detail")))
        return {o.value(QLatin1String("title")).toString(),
                o.value(QLatin1String("detail")).toString()};
    return {};
}

bool Link::hasRel(const QString &rel) const
{
    const QStringList rels = params.value(QStringLiteral("rel")).split(u' ', Qt::SkipEmptyParts);
    for (const QString &r : rels)
        if (r.compare(rel, Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

std::vector<Link> parseLinkHeader(const QByteArray &header)
{
    std::vector<Link> links;
    Cursor c(header);
    while (true) {
        c.skipSpacesAndCommas();
        if (c.atEnd())
            break;
        if (c.peek() != '<') {
            // Garbage before a link-value: skip to the next comma.
            while (!c.atEnd() && c.peek() != ',')
                c.advance();
            continue;
        }
        c.advance();
        const qsizetype start = c.position();
        while (!c.atEnd() && c.peek() != '>')
            c.advance();
        if (c.atEnd())
            break; // unterminated target: nothing usable
        Link link;
        link.target = QString::fromUtf8(header.mid(start, c.position() - start)).trimmed();
        c.advance(); // '>'
        while (true) {
            c.skipSpaces();
            if (c.peek() != ';')
                break;
            c.advance();
            c.skipSpaces();
            const QByteArray name = c.token();
            if (name.isEmpty())
                break;
            c.skipSpaces();
            QByteArray value;
            if (c.peek() == '=') {
                c.advance();
                value = c.value(';');
            }
            link.params.insert(QString::fromLatin1(name).toLower(), QString::fromUtf8(value));
        }
        // Skip whatever else up to the next link-value.
        while (!c.atEnd() && c.peek() != ',')
            c.advance();
        links.push_back(link);
    }
    return links;
}

std::optional<QUrl> nextLink(const QByteArray &header, const QUrl &requestUrl)
{
    if (header.isEmpty())
        return std::nullopt;
    for (const Link &link : parseLinkHeader(header)) {
        if (!link.hasRel(QStringLiteral("next")) || link.target.isEmpty())
            continue;
        const QUrl target(link.target, QUrl::TolerantMode);
        if (!target.isValid())
            return std::nullopt;
        const QUrl resolved = requestUrl.resolved(target);
        if (resolved.scheme() != QLatin1String("http") && resolved.scheme() != QLatin1String("https"))
            return std::nullopt;
        return resolved;
    }
    return std::nullopt;
}

std::optional<std::chrono::milliseconds> parseRetryAfter(const QByteArray &value,
                                                         const QDateTime &now)
{
    using namespace std::chrono;
    constexpr milliseconds kCap = hours(24);
    const QByteArray text = value.trimmed();
    if (text.isEmpty())
        return std::nullopt;
    bool isNumber = false;
    const qlonglong seconds = text.toLongLong(&isNumber);
    if (isNumber)
        return seconds < 0 ? std::nullopt
                           : std::optional(std::min<milliseconds>(milliseconds(seconds * 1000), kCap));
    // IMF-fixdate (what every server sends), then the obsolete RFC 850 form; always GMT.
    const QString date = QString::fromLatin1(text);
    QDateTime when;
    for (const auto *format : {"ddd, dd MMM yyyy HH:mm:ss 'GMT'", "dddd, dd-MMM-yy HH:mm:ss 'GMT'",
                               "ddd MMM d HH:mm:ss yyyy"}) {
        when = QLocale::c().toDateTime(date, QString::fromLatin1(format));
        if (when.isValid())
            break;
    }
    if (!when.isValid())
        when = QDateTime::fromString(date, Qt::RFC2822Date);
    if (!when.isValid())
        return std::nullopt;
    when = QDateTime(when.date(), when.time(), QTimeZone::utc());
    const qint64 ms = now.msecsTo(when);
    return std::min<milliseconds>(milliseconds(std::max<qint64>(0, ms)), kCap);
}

} // namespace quayside::http
