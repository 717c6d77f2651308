#pragma once

#include <QString>

namespace quayside {

// An index entry's platform. Registries hold both GOARCH names and the literal names older
// Fedora lists used ("aarch64"), so comparison is on the normalised form and the raw form is
// kept for display.
struct Platform {
    QString os;
    QString architecture; // normalised: amd64, arm64, ppc64le, s390x, arm, 386, ...
    QString variant;      // normalised: v7 for armhfp, "" for arm64/v8
    QString rawOs;
    QString rawArchitecture;
    QString rawVariant;

    // "linux/arm64", "linux/arm/v7"; "" when the entry names no platform at all.
    QString toString() const;
    // As the registry wrote it: "linux/aarch64".
    QString rawString() const;
    bool isEmpty() const { return os.isEmpty() && architecture.isEmpty(); }

    static Platform fromRaw(const QString &os, const QString &architecture,
                            const QString &variant);
    // Parses "linux/amd64", "linux/arm/v7", or a bare "x86_64" (os defaults to linux).
    static Platform parse(const QString &text);

    friend bool operator==(const Platform &a, const Platform &b)
    {
        return a.os == b.os && a.architecture == b.architecture && a.variant == b.variant;
    }
};

// x86_64→amd64, aarch64→arm64, armhfp→arm (variant v7), i386/i686→386, others lower-cased.
QString normaliseArchitecture(const QString &architecture);

} // namespace quayside
