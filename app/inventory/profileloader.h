#pragma once

#include "profile.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace quayside {

// Parses and validates profile files (format in docs/profiles.md).
class ProfileLoader final
{
public:
    static ProfileLoad fromBytes(const QByteArray &json, const QString &sourceName);
    static ProfileLoad fromFile(const QString &path);

    // FILE or NAME, as --profile takes it: an existing file wins; then a user profile
    // (<config>/profiles/NAME.json); then "sandbox" from a running sandbox's state directory;
    // then the built-in profiles.
    static ProfileLoad resolve(const QString &fileOrName);

    static QStringList builtInNames();
};

} // namespace quayside
