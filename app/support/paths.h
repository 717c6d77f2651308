#pragma once

#include <QString>

// Where Quayside keeps things. All under the XDG locations of the "quayside" application name,
// so a user can find (and delete) everything in three places.
namespace quayside::paths {

// ~/.cache/quayside: snapshots, manifest cache, log.
QString cacheDir();
QString snapshotsDir();
// ~/.config/quayside/profiles: the user's own profiles, usable by name.
QString userProfilesDir();
// ~/.local/share/quayside: job journal, sign-off ledgers.
QString dataDir();
// $QUAYSIDE_SANDBOX, else $XDG_RUNTIME_DIR/quayside-sandbox, else /dev/shm/quayside-sandbox-UID
// (a tmpfs: registries fsync every write), else /tmp/quayside-sandbox.
QString sandboxStateDir();

} // namespace quayside::paths
