#include "glob.h"

#include <algorithm>

namespace quayside {
namespace {

QString toRegex(const QString &pattern)
{
    QString out;
    out.reserve(pattern.size() * 2 + 8);
    out += u'^';
    bool inClass = false;
    for (const QChar c : pattern) {
        if (inClass) {
            out += c == u'\\' ? QStringLiteral("\\\\") : QString(c);
            if (c == u']')
                inClass = false;
            continue;
        }
        if (c == u'*')
            out += QStringLiteral(".*");
        else if (c == u'?')
            out += u'.';
        else if (c == u'[') {
            out += c;
            inClass = true;
        } else
            out += QRegularExpression::escape(QString(c));
    }
    out += u'$';
    return out;
}

} // namespace

Glob::Glob(const QString &pattern)
    : m_pattern(pattern)
    , m_regex(toRegex(pattern))
{
}

bool Glob::matches(const QString &text) const
{
    return m_regex.match(text).hasMatch();
}

GlobSet::GlobSet(const QStringList &patterns)
{
    m_globs.reserve(static_cast<std::size_t>(patterns.size()));
    for (const QString &pattern : patterns)
        m_globs.emplace_back(pattern);
}

bool GlobSet::matches(const QString &text) const
{
    return std::any_of(m_globs.cbegin(), m_globs.cend(),
                       [&text](const Glob &glob) { return glob.matches(text); });
}

} // namespace quayside
