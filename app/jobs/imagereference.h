#pragma once

#include "inventory/profile.h"

#include <QString>

#include <optional>

namespace quayside {

// An image as people name it on the command line:
//   ID/REPO:TAG                      a registry of the profile, REPO its logical name
//   ID/REPO@sha256:…                 by digest
//   ID/REPO:TAG@sha256:…             a tag pinned to the digest that was reviewed
//   docker://HOST[:PORT]/REPO:TAG    any registry, REPO as that registry names it
struct ImageReference {
    QString registryId; // empty for docker://
    QString host;       // docker:// only: "host[:port]"
    QString repository; // logical for profile references, literal for docker://
    QString tag;
    QString digest;

    bool isDocker() const { return registryId.isEmpty(); }
    QString reference() const { return digest.isEmpty() ? tag : digest; }
    QString toString() const;

    // nullopt and *error ("no tag or digest in …") for anything else.
    static std::optional<ImageReference> parse(const QString &text, QString *error);
};

// A reference made concrete: the registry to talk to and the repository's name there.
struct ResolvedImage {
    RegistryConfig registry;
    QString repository; // as the registry names it (prefix applied)
    QString tag;
    QString digest;

    QString reference() const { return digest.isEmpty() ? tag : digest; }
    // "quay.io/fedora/fedora:41" for people to read.
    QString displayName() const;
};

// Profile references need a profile; docker:// ones borrow the settings (rate limits, username,
// insecure) of a profile registry on the same host, else are plain HTTPS (HTTP with insecure).
std::optional<ResolvedImage> resolveImage(const ImageReference &reference, const Profile *profile,
                                          bool insecure, QString *error);

} // namespace quayside
