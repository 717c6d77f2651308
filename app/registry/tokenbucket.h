#pragma once

#include "inventory/profile.h"

#include <QtGlobal>

namespace quayside {

// A token bucket that also learns: it refills at the configured rate up to its burst, but after
// a 429 it halves its own rate and honours the server's Retry-After, then creeps back up with
// each success (AIMD, as TCP does). Sized one token below nginx limit_req's allowance (which lets
// burst+1 through), so a client that follows it meets no 429 from a zone configured the same.
class TokenBucket final
{
public:
    TokenBucket() = default;
    TokenBucket(double requestsPerSecond, int burst);

    bool isUnlimited() const { return m_configured <= 0; }
    // Milliseconds until a request may start (0: now).
    qint64 delayMs(qint64 nowMs);
    // Consumes one token; call only when delayMs() is 0.
    void take(qint64 nowMs);
    void onThrottled(qint64 nowMs, qint64 retryAfterMs);
    void onSuccess();

    double configuredRate() const { return m_configured; }
    double effectiveRate() const { return m_effective; }
    int burst() const { return m_burst; }

private:
    void refill(qint64 nowMs);

    double m_configured = 0;
    double m_effective = 0;
    int m_burst = 1;
    double m_tokens = 1;
    qint64 m_lastRefillMs = -1;
    qint64 m_blockedUntilMs = 0;
};

} // namespace quayside
