#pragma once

#include "roadmap/roadmap.h"

#include <QDialog>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;

namespace quayside {

// Signing a roadmap step off: who, what they attest to (the step's manual checklist, every
// item ticked), a note for the ticket, and the evidence just gathered. When the checks fail
// (or an earlier step is unsigned) signing needs a reason, which the ledger keeps.
class SignOffDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SignOffDialog)

public:
    SignOffDialog(const RoadmapStep &step, const StepEvidence &evidence, const QStringList &blockers,
                  QWidget *parent = nullptr);

    QString name() const;
    QString note() const; // the note, with the attested checklist
    QString overrideReason() const; // "" when nothing needed overriding

    // For tests and scripted use.
    void fill(const QString &name, const QString &note, const QString &reason);

private:
    void updateButtons();

    RoadmapStep m_step;
    bool m_needsOverride;
    QLineEdit *m_name;
    QPlainTextEdit *m_note;
    QLineEdit *m_override;
    std::vector<QCheckBox *> m_items;
    QDialogButtonBox *m_buttons;
};

} // namespace quayside
