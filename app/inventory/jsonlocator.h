#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>

namespace quayside {

// QJsonDocument forgets where things were. Profile errors must name the line at fault, so this
// walks the (already parsed, hence valid) text once and records the line of every value by path:
// "name", "registries[1].url", "routes[0]".
class JsonLocator final
{
public:
    explicit JsonLocator(const QByteArray &json);

    // 1-based line of the value at path, or of its closest recorded ancestor; 0 if unknown.
    int lineOf(const QString &path) const;

    // 1-based line of a byte offset (what QJsonParseError reports).
    static int lineAtOffset(const QByteArray &json, qsizetype offset);

private:
    void value(const QString &path);
    void object(const QString &path);
    void array(const QString &path);
    QString string();
    void skipWhitespace();
    void skipScalar();

    const QByteArray &m_json;
    qsizetype m_pos = 0;
    int m_line = 1;
    QHash<QString, int> m_lines;
};

} // namespace quayside
