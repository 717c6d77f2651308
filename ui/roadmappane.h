#pragma once

#include "inventory/profile.h"
#include "inventory/snapshot.h"
#include "roadmap/ledger.h"
#include "roadmap/roadmap.h"

#include <QWidget>

#include <map>
#include <memory>
#include <vector>

class QLabel;
class QPushButton;

namespace quayside {

class RegistryClientPool;
class RoadmapChecker;

// The migration roadmap as the console shows it: one card per step with its sign-off (who,
// when, override) and the evidence last gathered, buttons to check and sign off, and the
// ledger's verification with its head hash. Exports the report as HTML or PDF.
class RoadmapPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RoadmapPane)

public:
    explicit RoadmapPane(QWidget *parent = nullptr);
    ~RoadmapPane() override;

    // The window's current snapshots (the last readable ones stand in for failed reads).
    void setProfile(const Profile &profile, const std::vector<Snapshot> &snapshots);
    void setSnapshots(const std::vector<Snapshot> &snapshots);

    void check(int step);
    void signOff(int step);
    const std::map<int, StepEvidence> &evidence() const { return m_evidence; }
    const Ledger &ledger() const { return *m_ledger; }
    // Signs without the dialog (tests): false and *error when refused or not written.
    bool sign(int step, const QString &name, const QString &note, const QString &reason, QString *error);
    bool exportReport(const QString &path, QString *error) const;

Q_SIGNALS:
    void checked(int step, bool passed);
    void signedOff(int step);

private:
    struct Card {
        QLabel *status = nullptr;
        QLabel *evidence = nullptr;
        QPushButton *check = nullptr;
        QPushButton *sign = nullptr;
    };
    void refresh();
    QStringList blockers(int step) const;
    std::vector<Snapshot> evidenceSnapshots() const;

    Profile m_profile;
    std::vector<Snapshot> m_snapshots;
    std::unique_ptr<Ledger> m_ledger;
    std::unique_ptr<RegistryClientPool> m_pool;
    std::map<int, StepEvidence> m_evidence;
    std::map<int, Card> m_cards;
    QLabel *m_ledgerLabel;
    QPushButton *m_checkAll;
    QPushButton *m_export;
    int m_running = 0;
};

} // namespace quayside
