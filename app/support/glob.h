#pragma once

#include <QRegularExpression>
#include <QString>
#include <QStringList>

#include <vector>

namespace quayside {

// Shell-style globs over repository and tag names. Unlike QRegularExpression's wildcard
// conversion in Qt 6.4, '*' also crosses '/', so "f40/*" and "*" both mean what a release
// engineer expects of nested repository names.
class Glob final
{
public:
    explicit Glob(const QString &pattern);

    bool matches(const QString &text) const;
    bool isValid() const { return m_regex.isValid(); }
    const QString &pattern() const { return m_pattern; }

private:
    QString m_pattern;
    QRegularExpression m_regex;
};

// Patterns compiled once, for matching many names (a scan sees every tag).
class GlobSet final
{
public:
    GlobSet() = default;
    explicit GlobSet(const QStringList &patterns);

    bool matches(const QString &text) const;
    bool isEmpty() const { return m_globs.empty(); }

private:
    std::vector<Glob> m_globs;
};

} // namespace quayside
