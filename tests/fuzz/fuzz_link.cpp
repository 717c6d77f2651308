// Any bytes as a Link header (and, split at the first newline, a Retry-After value).
#include "registry/httpheaders.h"

#include <QDateTime>
#include <QUrl>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    const qsizetype newline = input.indexOf('\n');
    const QByteArray link = newline < 0 ? input : input.left(newline);
    static const QUrl base(QStringLiteral("https://registry.example:5000/v2/_catalog?n=1000"));
    (void)quayside::http::parseLinkHeader(link).size();
    if (const auto next = quayside::http::nextLink(link, base))
        (void)next->toString().size();
    if (newline >= 0) {
        static const QDateTime now = QDateTime::fromSecsSinceEpoch(1'800'000'000);
        (void)quayside::http::parseRetryAfter(input.mid(newline + 1), now);
    }
    return 0;
}
