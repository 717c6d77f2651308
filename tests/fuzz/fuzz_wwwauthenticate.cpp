// Any bytes as a WWW-Authenticate header.
#include "registry/httpheaders.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray header(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    for (const auto &challenge : quayside::http::parseWwwAuthenticate(header)) {
        (void)challenge.param(QStringLiteral("realm")).size();
        (void)challenge.param(QStringLiteral("scope")).size();
    }
    return 0;
}
