#pragma once

#include "inventory/profile.h"
#include "roadmap/roadmap.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace quayside {

// One sign-off: who, when, which step, with what evidence, and why if the checks did not pass.
struct LedgerEntry {
    int sequence = 0;
    QDateTime at;
    QString profile;
    int step = 0;
    QString name;
    QString note;
    QString override; // the reason for signing although the checks fail ("" when they pass)
    StepEvidence evidence;
    QString previousHash;
    QString hash;

    // sha256 over the entry's canonical JSON without its own hash.
    QString computeHash() const;
    QJsonObject toJson(bool withHash = true) const;
};

struct LedgerVerification {
    bool ok = true;
    int entries = 0;
    int brokenAt = -1; // sequence of the first entry that does not verify
    QString problem;
    QString headHash; // the last entry's hash: quote it in the ticket to pin the whole chain
    QStringList warnings; // lines ignored (writes a crash cut short)
};

// The roadmap's sign-offs, hash-chained: every entry carries the hash of the one before and its
// own, over canonical JSON, so editing, reordering or removing any entry but the last breaks the
// chain at that entry (removing the last one shows as a head hash that no longer matches the one
// quoted in the ticket). Append-only JSON lines, fsync'd.
class Ledger final
{
public:
    static constexpr auto kGenesis = "0000000000000000000000000000000000000000000000000000000000000000";

    explicit Ledger(QString path);
    // <data>/roadmap/<profile>.ledger.jsonl: where the CLI and the console keep a profile's.
    static QString defaultPathFor(const Profile &profile);

    QString path() const { return m_path; }
    // Reads every line; a missing file is an empty ledger. Unreadable lines are verification
    // failures, not load errors.
    bool load(QString *error);
    const std::vector<LedgerEntry> &entries() const { return m_entries; }
    LedgerVerification verify() const;
    // The latest sign-off of a step, if any.
    const LedgerEntry *signOff(int step) const;

    // Appends a sign-off (refused if the ledger does not verify: never extend a broken chain).
    std::optional<LedgerEntry> append(const QString &profile, int step, const QString &name,
                                      const QString &note, const QString &override,
                                      const StepEvidence &evidence, QString *error);

private:
    QString m_path;
    std::vector<LedgerEntry> m_entries;
    QStringList m_unreadable; // "line N: why"
    QStringList m_ignored;    // not JSON at all: torn writes
};

} // namespace quayside
