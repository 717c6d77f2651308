#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace quayside {

// The migration roadmap of Fedora's ARC investigation ("Migrate registry.fedoraproject.org to
// quay.io"): four steps, each with checks Quayside runs itself and the manual items a release
// engineer attests to when signing it off.
struct RoadmapStep {
    int number = 0;
    QString key; // "namespaces", "configs", "redirects", "decommission"
    QString title;
    QString goal;
    QStringList automated; // what the checks establish
    QStringList manual;    // what the signer attests to
};

const std::vector<RoadmapStep> &roadmapSteps();
const RoadmapStep *roadmapStep(int number);
// "3" or "redirects" → 3.
std::optional<int> roadmapStepFromString(const QString &text);

// One automated check: what was looked at, whether it holds, and what was seen.
struct CheckResult {
    QString name;
    bool passed = false;
    QString detail;
};

struct StepEvidence {
    int step = 0;
    QDateTime at;
    std::vector<CheckResult> checks;

    bool passed() const;
    int failures() const;
    QString summary() const; // "7 of 7 checks pass" / "2 of 7 checks fail: …"
};

QJsonObject toJson(const StepEvidence &evidence);
std::optional<StepEvidence> evidenceFromJson(const QJsonObject &o);

} // namespace quayside
