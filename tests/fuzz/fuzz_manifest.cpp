// Any bytes a registry might send as a manifest: parse, guess, and walk the result.
#include "registry/manifest.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    quayside::guessManifestMediaType(bytes);
    for (const char *type : {"", "application/vnd.oci.image.index.v1+json",
                             "application/vnd.docker.distribution.manifest.v2+json"}) {
        const auto parsed = quayside::parseManifest(bytes, QString::fromLatin1(type));
        if (!parsed.ok())
            continue;
        const auto &m = *parsed.manifest;
        for (const auto &p : m.childPlatforms())
            (void)p.toString().size();
        for (const auto &b : m.blobs())
            (void)b.hasValidDigest();
        (void)m.isArtifact();
    }
    return 0;
}
