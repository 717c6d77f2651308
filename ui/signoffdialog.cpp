#include "signoffdialog.h"

#include <algorithm>

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTextBrowser>
#include <QSettings>
#include <QVBoxLayout>

namespace quayside {
namespace {

const auto kSignerKey = QStringLiteral("roadmap/signer");

} // namespace

SignOffDialog::SignOffDialog(const RoadmapStep &step, const StepEvidence &evidence,
                             const QStringList &blockers, QWidget *parent)
    : QDialog(parent)
    , m_step(step)
    , m_needsOverride(!evidence.passed() || !blockers.isEmpty())
    , m_name(new QLineEdit(this))
    , m_note(new QPlainTextEdit(this))
    , m_override(new QLineEdit(this))
    , m_buttons(new QDialogButtonBox(this))
{
    setObjectName(QStringLiteral("signOffDialog"));
    setWindowTitle(tr("Sign off step %1 — %2").arg(step.number).arg(step.title));
    resize(760, 620);
    auto *layout = new QVBoxLayout(this);
    auto *goal = new QLabel(step.goal, this);
    goal->setWordWrap(true);
    layout->addWidget(goal);

    // The evidence can run to dozens of probes (one per sampled tag and host): it scrolls in a
    // bounded box, failures first, so the dialog fits a laptop screen and the reasons to pause
    // are the first thing read.
    auto *evidenceBox = new QGroupBox(tr("Evidence gathered now"), this);
    auto *evidenceLayout = new QVBoxLayout(evidenceBox);
    auto *summary = new QLabel(evidence.summary().toHtmlEscaped(), evidenceBox);
    summary->setObjectName(QStringLiteral("evidenceSummary"));
    summary->setWordWrap(true);
    summary->setStyleSheet(evidence.passed() ? QStringLiteral("color:#1e7b34") : QStringLiteral("color:#b01e1e"));
    evidenceLayout->addWidget(summary);
    std::vector<const CheckResult *> ordered;
    for (const CheckResult &c : evidence.checks)
        ordered.push_back(&c);
    std::stable_partition(ordered.begin(), ordered.end(), [](const CheckResult *c) { return !c->passed; });
    QString html;
    for (const CheckResult *c : ordered)
        html += QStringLiteral("<p style='margin:0 0 4px 0'>%1 <b>%2</b><br><span style='color:#555'>%3</span></p>")
                    .arg(c->passed ? QStringLiteral("<span style='color:#1e7b34'>✔</span>")
                                   : QStringLiteral("<span style='color:#b01e1e'>✘</span>"),
                         c->name.toHtmlEscaped(), c->detail.toHtmlEscaped());
    auto *checks = new QTextBrowser(evidenceBox);
    checks->setObjectName(QStringLiteral("evidenceChecks"));
    checks->setHtml(html);
    checks->setMinimumHeight(110);
    checks->setMaximumHeight(std::min(300, 24 + 44 * static_cast<int>(ordered.size())));
    evidenceLayout->addWidget(checks);
    layout->addWidget(evidenceBox, 1);

    auto *attest = new QGroupBox(tr("I attest that"), this);
    auto *attestLayout = new QVBoxLayout(attest);
    for (const QString &item : step.manual) {
        auto *box = new QCheckBox(item, attest);
        box->setObjectName(QStringLiteral("attest"));
        attestLayout->addWidget(box);
        m_items.push_back(box);
        connect(box, &QCheckBox::toggled, this, &SignOffDialog::updateButtons);
    }
    layout->addWidget(attest);

    auto *form = new QFormLayout;
    m_name->setObjectName(QStringLiteral("signerName"));
    m_name->setText(QSettings().value(kSignerKey).toString());
    m_name->setPlaceholderText(tr("Your name, as the ticket knows you"));
    m_note->setObjectName(QStringLiteral("signerNote"));
    m_note->setPlaceholderText(tr("Ticket, change request, anything the next person should know"));
    m_note->setMaximumHeight(70);
    form->addRow(tr("Name:"), m_name);
    form->addRow(tr("Note:"), m_note);
    m_override->setObjectName(QStringLiteral("overrideReason"));
    if (m_needsOverride) {
        auto *warning = new QLabel(
            QStringLiteral("<span style='color:#a34a00'><b>%1</b></span>")
                .arg((blockers + (evidence.passed() ? QStringList() : QStringList{tr("the checks fail")}))
                         .join(QStringLiteral("; "))
                         .toHtmlEscaped()),
            this);
        warning->setWordWrap(true);
        layout->addWidget(warning);
        m_override->setPlaceholderText(tr("Why sign anyway (recorded in the ledger with the failing evidence)"));
        form->addRow(tr("Override reason:"), m_override);
    } else {
        m_override->hide();
    }
    layout->addLayout(form);

    auto *sign = m_buttons->addButton(m_needsOverride ? tr("Sign Off with Override") : tr("Sign Off"),
                                      QDialogButtonBox::AcceptRole);
    sign->setObjectName(QStringLiteral("signButton"));
    m_buttons->addButton(QDialogButtonBox::Cancel);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        QSettings().setValue(kSignerKey, name());
        accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_name, &QLineEdit::textChanged, this, &SignOffDialog::updateButtons);
    connect(m_override, &QLineEdit::textChanged, this, &SignOffDialog::updateButtons);
    updateButtons();
}

QString SignOffDialog::name() const
{
    return m_name->text().trimmed();
}

QString SignOffDialog::note() const
{
    QStringList attested;
    for (const QCheckBox *box : m_items)
        attested << QStringLiteral("✔ ") + box->text();
    const QString typed = m_note->toPlainText().trimmed();
    return (typed.isEmpty() ? QString() : typed + QStringLiteral("\n")) + attested.join(u'\n');
}

QString SignOffDialog::overrideReason() const
{
    return m_needsOverride ? m_override->text().trimmed() : QString();
}

void SignOffDialog::fill(const QString &name, const QString &note, const QString &reason)
{
    m_name->setText(name);
    m_note->setPlainText(note);
    m_override->setText(reason);
    for (QCheckBox *box : m_items)
        box->setChecked(true);
}

void SignOffDialog::updateButtons()
{
    bool allTicked = true;
    for (const QCheckBox *box : m_items)
        allTicked = allTicked && box->isChecked();
    const bool ok = !name().isEmpty() && allTicked && (!m_needsOverride || !overrideReason().isEmpty());
    for (QAbstractButton *b : m_buttons->buttons())
        if (m_buttons->buttonRole(b) == QDialogButtonBox::AcceptRole)
            b->setEnabled(ok);
}

} // namespace quayside
