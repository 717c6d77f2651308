#pragma once

#include "inventory/profile.h"
#include "roadmap/ledger.h"
#include "roadmap/roadmap.h"

#include <QByteArray>
#include <QDateTime>
#include <map>

namespace quayside {

// What a status or report shows of one step.
struct StepStatus {
    const RoadmapStep *step = nullptr;
    const LedgerEntry *signOff = nullptr;       // latest sign-off, if any
    std::optional<StepEvidence> latestEvidence; // from a check run now, if any
};

// Per step: signed (by whom, when, with overrides), else whether it is ready.
std::vector<StepStatus> roadmapStatus(const Ledger &ledger,
                                      const std::map<int, StepEvidence> &checkedNow = {});

// A self-contained HTML page for the infrastructure ticket: profile, every step with its
// evidence and sign-off, and the ledger's verification with its head hash.
QByteArray roadmapReportHtml(const Profile &profile, const Ledger &ledger,
                             const std::map<int, StepEvidence> &checkedNow,
                             const QDateTime &generatedAt);

} // namespace quayside
