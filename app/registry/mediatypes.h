#pragma once

#include <QLatin1StringView>

// The manifest media types registries serve, as the OCI image spec and Docker's manifest v2
// spec name them.
namespace quayside::mediatype {

inline constexpr QLatin1StringView OciIndex{"application/vnd.oci.image.index.v1+json"};
inline constexpr QLatin1StringView OciManifest{"application/vnd.oci.image.manifest.v1+json"};
inline constexpr QLatin1StringView OciConfig{"application/vnd.oci.image.config.v1+json"};
inline constexpr QLatin1StringView DockerList{
    "application/vnd.docker.distribution.manifest.list.v2+json"};
inline constexpr QLatin1StringView DockerManifest{
    "application/vnd.docker.distribution.manifest.v2+json"};
inline constexpr QLatin1StringView DockerConfig{"application/vnd.docker.container.image.v1+json"};
inline constexpr QLatin1StringView DockerSchema1{
    "application/vnd.docker.distribution.manifest.v1+json"};
inline constexpr QLatin1StringView DockerSchema1Signed{
    "application/vnd.docker.distribution.manifest.v1+prettyjws"};
inline constexpr QLatin1StringView DockerForeignLayer{
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"};

// Sent on every manifest GET and HEAD. Without the OCI index type, distribution 2.8 answers 404
// for an OCI index (reference §3.9), so the list must always be complete.
inline constexpr QLatin1StringView AcceptManifests{
    "application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json"};

} // namespace quayside::mediatype
