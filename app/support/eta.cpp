#include "eta.h"

#include <cmath>

namespace quayside {
namespace {

// Progress reports can come thousands a second; the history needs far fewer points.
constexpr qint64 kSampleSpacingMs = 250;

} // namespace

Eta::Eta(qint64 windowMs, qint64 minimumHistoryMs)
    : m_window(windowMs)
    , m_minimumHistory(minimumHistoryMs)
{
}

void Eta::sample(qint64 nowMs, qint64 done)
{
    m_current = {nowMs, done};
    m_hasCurrent = true;
    if (m_samples.empty() || nowMs - m_samples.back().first >= kSampleSpacingMs)
        m_samples.emplace_back(nowMs, done);
    // Keep one sample at or before the window's start, so the window is always fully spanned.
    while (m_samples.size() > 2 && m_samples[1].first <= nowMs - m_window)
        m_samples.pop_front();
}

qint64 Eta::secondsLeft(qint64 total) const
{
    if (!m_hasCurrent)
        return -1;
    const auto &[nowMs, done] = m_current;
    if (done >= total)
        return 0;
    const qint64 span = nowMs - m_samples.front().first;
    if (span < m_minimumHistory)
        return -1;
    // The pace over the recent half of the history (at most the window): a burst at the start
    // (tags whose digests came with the listing) must not make the rest look quick.
    const qint64 lookback = std::min(m_window, span / 2);
    const std::pair<qint64, qint64> *reference = &m_samples.front();
    for (const auto &s : m_samples) {
        if (s.first > nowMs - lookback)
            break;
        reference = &s;
    }
    const qint64 elapsed = nowMs - reference->first;
    const qint64 progress = done - reference->second;
    if (elapsed <= 0 || progress <= 0)
        return -1;
    const double perMs = static_cast<double>(progress) / static_cast<double>(elapsed);
    return static_cast<qint64>(std::ceil(static_cast<double>(total - done) / perMs / 1000.0));
}

QString Eta::text(qint64 seconds)
{
    if (seconds < 0)
        return QString();
    if (seconds == 0)
        return QStringLiteral("finishing");
    if (seconds < 60)
        return QStringLiteral("about %1 s left").arg(seconds);
    const qint64 minutes = (seconds + 59) / 60;
    if (minutes < 60)
        return QStringLiteral("about %1 min left").arg(minutes);
    return QStringLiteral("about %1 h %2 min left").arg(minutes / 60).arg(minutes % 60);
}

} // namespace quayside
