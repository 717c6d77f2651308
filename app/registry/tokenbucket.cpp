#include "tokenbucket.h"

#include <algorithm>
#include <cmath>

namespace quayside {
namespace {

// Never slower than this after 429s: a registry that throttles hard still gets polled.
constexpr double kMinimumRate = 0.2;
// Each success gives back this share of the configured rate.
constexpr double kRecoveryShare = 0.05;

} // namespace

TokenBucket::TokenBucket(double requestsPerSecond, int burst)
    : m_configured(requestsPerSecond)
    , m_effective(requestsPerSecond)
    , m_burst(std::max(1, burst))
    , m_tokens(std::max(1, burst))
{
}

void TokenBucket::refill(qint64 nowMs)
{
    if (m_lastRefillMs < 0) {
        m_lastRefillMs = nowMs;
        return;
    }
    const qint64 elapsed = nowMs - m_lastRefillMs;
    if (elapsed <= 0)
        return;
    m_tokens = std::min<double>(m_burst, m_tokens + m_effective * static_cast<double>(elapsed) / 1000.0);
    m_lastRefillMs = nowMs;
}

qint64 TokenBucket::delayMs(qint64 nowMs)
{
    qint64 wait = std::max<qint64>(0, m_blockedUntilMs - nowMs);
    if (isUnlimited())
        return wait;
    refill(nowMs);
    if (m_tokens < 1.0) {
        const double missing = 1.0 - m_tokens;
        wait = std::max(wait, static_cast<qint64>(std::ceil(missing * 1000.0 / m_effective)));
    }
    return wait;
}

void TokenBucket::take(qint64 nowMs)
{
    if (isUnlimited())
        return;
    refill(nowMs);
    m_tokens -= 1.0;
}

void TokenBucket::onThrottled(qint64 nowMs, qint64 retryAfterMs)
{
    m_blockedUntilMs = std::max(m_blockedUntilMs, nowMs + retryAfterMs);
    if (isUnlimited())
        return;
    m_effective = std::max(kMinimumRate, m_effective / 2.0);
    // The server counted requests we thought were free: start again from an empty bucket.
    m_tokens = std::min(m_tokens, 0.0);
}

void TokenBucket::onSuccess()
{
    if (isUnlimited())
        return;
    m_effective = std::min(m_configured, m_effective + m_configured * kRecoveryShare);
}

} // namespace quayside
