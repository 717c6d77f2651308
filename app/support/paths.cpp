#include "paths.h"

#include <QDir>
#include <QStandardPaths>

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
    const QString runtime = qEnvironmentVariable("XDG_RUNTIME_DIR");
    return (runtime.isEmpty() ? QStringLiteral("/tmp") : runtime) +
           QStringLiteral("/quayside-sandbox");
}

} // namespace quayside::paths
