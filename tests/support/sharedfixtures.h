#pragma once

#include <QDir>
#include <QString>

namespace quayside::test {

// ../shared sits beside the project on developer machines and CI; it is read in place, never
// copied. Empty when absent, so tests can QSKIP with a message saying so.
inline QString sharedDir()
{
    const QString dir = qEnvironmentVariable("QUAYSIDE_SHARED_DIR");
    return !dir.isEmpty() && QDir(dir).exists() ? QDir(dir).absolutePath() : QString();
}

inline QString manifestCorpusDir()
{
    const QString shared = sharedDir();
    const QString dir = shared + QStringLiteral("/fixtures/containers-image-manifests");
    return !shared.isEmpty() && QDir(dir).exists() ? dir : QString();
}

} // namespace quayside::test
