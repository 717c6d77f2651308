#include "jsonlocator.h"

#include <algorithm>

namespace quayside {

JsonLocator::JsonLocator(const QByteArray &json)
    : m_json(json)
{
    skipWhitespace();
    if (m_pos < m_json.size())
        value(QString());
}

int JsonLocator::lineOf(const QString &path) const
{
    QString probe = path;
    while (true) {
        if (const auto it = m_lines.constFind(probe); it != m_lines.constEnd())
            return it.value();
        if (probe.isEmpty())
            return 0;
        const qsizetype cut = std::max(probe.lastIndexOf(u'.'), probe.lastIndexOf(u'['));
        probe = cut > 0 ? probe.left(cut) : QString();
    }
}

int JsonLocator::lineAtOffset(const QByteArray &json, qsizetype offset)
{
    offset = std::clamp<qsizetype>(offset, 0, json.size());
    return 1 + static_cast<int>(std::count(json.cbegin(), json.cbegin() + offset, '\n'));
}

void JsonLocator::skipWhitespace()
{
    while (m_pos < m_json.size()) {
        const char c = m_json.at(m_pos);
        if (c == '\n')
            ++m_line;
        else if (c != ' ' && c != '\t' && c != '\r')
            return;
        ++m_pos;
    }
}

void JsonLocator::value(const QString &path)
{
    skipWhitespace();
    if (m_pos >= m_json.size())
        return;
    m_lines.insert(path, m_line);
    switch (m_json.at(m_pos)) {
    case '{':
        object(path);
        break;
    case '[':
        array(path);
        break;
    case '"':
        string();
        break;
    default:
        skipScalar();
    }
}

void JsonLocator::object(const QString &path)
{
    ++m_pos; // '{'
    while (true) {
        skipWhitespace();
        if (m_pos >= m_json.size())
            return;
        if (m_json.at(m_pos) == '}') {
            ++m_pos;
            return;
        }
        if (m_json.at(m_pos) == ',') {
            ++m_pos;
            continue;
        }
        const QString key = string();
        skipWhitespace();
        if (m_pos < m_json.size() && m_json.at(m_pos) == ':')
            ++m_pos;
        value(path.isEmpty() ? key : path + u'.' + key);
    }
}

void JsonLocator::array(const QString &path)
{
    ++m_pos; // '['
    int index = 0;
    while (true) {
        skipWhitespace();
        if (m_pos >= m_json.size())
            return;
        const char c = m_json.at(m_pos);
        if (c == ']') {
            ++m_pos;
            return;
        }
        if (c == ',') {
            ++m_pos;
            continue;
        }
        value(path + u'[' + QString::number(index++) + u']');
    }
}

QString JsonLocator::string()
{
    if (m_pos >= m_json.size() || m_json.at(m_pos) != '"')
        return QString();
    const qsizetype start = ++m_pos;
    while (m_pos < m_json.size() && m_json.at(m_pos) != '"') {
        if (m_json.at(m_pos) == '\\')
            ++m_pos;
        ++m_pos;
    }
    const QByteArray raw = m_json.mid(start, m_pos - start);
    ++m_pos; // closing quote
    // Keys in profiles are plain ASCII; escapes are left as written, which is enough to match.
    return QString::fromUtf8(raw);
}

void JsonLocator::skipScalar()
{
    while (m_pos < m_json.size()) {
        const char c = m_json.at(m_pos);
        if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t')
            return;
        ++m_pos;
    }
}

} // namespace quayside
