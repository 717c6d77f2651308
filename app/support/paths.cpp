#include "paths.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

#include <unistd.h>

namespace quayside::paths {
namespace {

QString ensured(const QString &dir)
{
    QDir().mkpath(dir);
    return dir;
}

} // namespace

QString cacheDir()
{
    return ensured(QStandardPaths::writableLocation(QStandardPaths::CacheLocation));
}

QString snapshotsDir()
{
    return ensured(cacheDir() + QStringLiteral("/snapshots"));
}

QString userProfilesDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) +
           QStringLiteral("/profiles");
}

QString dataDir()
{
    return ensured(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation));
}

QString sandboxStateDir()
{
    const QString explicitDir = qEnvironmentVariable("QUAYSIDE_SANDBOX");
    if (!explicitDir.isEmpty())
        return explicitDir;
    // Keep in step with default_state() in tests/support/sandbox/sandboxctl.py.
    const QString runtime = qEnvironmentVariable("XDG_RUNTIME_DIR");
    if (!runtime.isEmpty())
        return runtime + QStringLiteral("/quayside-sandbox");
    const QFileInfo shm(QStringLiteral("/dev/shm"));
    if (shm.isDir() && shm.isWritable())
        return QStringLiteral("/dev/shm/quayside-sandbox-%1").arg(getuid());
    return QStringLiteral("/tmp/quayside-sandbox");
}

} // namespace quayside::paths
