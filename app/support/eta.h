#pragma once

#include <QString>
#include <QtGlobal>

#include <deque>
#include <utility>

namespace quayside {

// Time left of a long task from its recent pace: the rate over the recent half of a sliding
// window of (time, done) samples, so a stall or a change of pace shows within seconds while one
// slow request does not make the estimate jump. It says nothing until it has seen some history.
class Eta
{
public:
    explicit Eta(qint64 windowMs = 15000, qint64 minimumHistoryMs = 2000);

    // Records progress; nowMs from any monotonic clock, never going back.
    void sample(qint64 nowMs, qint64 done);
    // Seconds left to reach total at the recent pace; 0 when done; -1 while it cannot tell
    // (too little history, or no progress within the window).
    qint64 secondsLeft(qint64 total) const;
    void reset()
    {
        m_samples.clear();
        m_hasCurrent = false;
    }

    // "about 40 s left", "about 3 min left", "about 2 h 10 min left", "finishing" for 0, "" for -1.
    static QString text(qint64 seconds);

private:
    qint64 m_window;
    qint64 m_minimumHistory;
    std::deque<std::pair<qint64, qint64>> m_samples; // (ms, done), oldest first, spaced out
    std::pair<qint64, qint64> m_current{0, 0};       // the latest report
    bool m_hasCurrent = false;
};

} // namespace quayside
