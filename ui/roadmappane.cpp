#include "roadmappane.h"

#include "inventory/snapshotstore.h"
#include "jobs/clientpool.h"
#include "roadmap/report.h"
#include "roadmap/roadmapchecker.h"
#include "signoffdialog.h"
#include "support/logging.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPageLayout>
#include <QPageSize>
#include <QPdfWriter>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollArea>
#include <QTextDocument>
#include <QVBoxLayout>

namespace quayside {
namespace {

QString badge(const QString &text, const QString &background, const QString &colour)
{
    return QStringLiteral("<span style='background:%1;color:%2;padding:1px 6px;border-radius:8px;'>"
                          "<b>&nbsp;%3&nbsp;</b></span>")
        .arg(background, colour, text.toHtmlEscaped());
}

} // namespace

RoadmapPane::RoadmapPane(QWidget *parent)
    : QWidget(parent)
    , m_ledgerLabel(new QLabel(this))
    , m_checkAll(new QPushButton(tr("Check All"), this))
    , m_export(new QPushButton(tr("Export Report…"), this))
{
    setObjectName(QStringLiteral("roadmapPane"));
    auto *inner = new QWidget(this);
    auto *grid = new QGridLayout(inner);
    grid->setColumnStretch(2, 1);
    int row = 0;
    for (const RoadmapStep &step : roadmapSteps()) {
        Card card;
        auto *title = new QLabel(QStringLiteral("<b>%1. %2</b>").arg(step.number).arg(step.title.toHtmlEscaped()), inner);
        title->setToolTip(step.goal + QStringLiteral("\n\nChecked: ") + step.automated.join(QStringLiteral("; ")) +
                          QStringLiteral("\nAttested: ") + step.manual.join(QStringLiteral("; ")));
        card.status = new QLabel(inner);
        card.status->setObjectName(QStringLiteral("stepStatus%1").arg(step.number));
        card.status->setMinimumWidth(210);
        card.evidence = new QLabel(inner);
        card.evidence->setObjectName(QStringLiteral("stepEvidence%1").arg(step.number));
        card.evidence->setWordWrap(true);
        card.evidence->setTextInteractionFlags(Qt::TextSelectableByMouse);
        card.check = new QPushButton(tr("Check"), inner);
        card.check->setObjectName(QStringLiteral("checkStep%1").arg(step.number));
        card.sign = new QPushButton(tr("Sign Off…"), inner);
        card.sign->setObjectName(QStringLiteral("signStep%1").arg(step.number));
        const int number = step.number;
        connect(card.check, &QPushButton::clicked, this, [this, number] { check(number); });
        connect(card.sign, &QPushButton::clicked, this, [this, number] { signOff(number); });
        grid->addWidget(title, row, 0);
        grid->addWidget(card.status, row, 1);
        grid->addWidget(card.evidence, row, 2);
        grid->addWidget(card.check, row, 3);
        grid->addWidget(card.sign, row, 4);
        auto *line = new QFrame(inner);
        line->setFrameShape(QFrame::HLine);
        line->setFrameShadow(QFrame::Sunken);
        grid->addWidget(line, row + 1, 0, 1, 5);
        row += 2;
        m_cards[step.number] = card;
    }
    grid->setRowStretch(row, 1);
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(inner);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);

    m_ledgerLabel->setObjectName(QStringLiteral("ledgerStatus"));
    m_ledgerLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_checkAll->setObjectName(QStringLiteral("checkAllSteps"));
    m_export->setObjectName(QStringLiteral("exportRoadmap"));
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_ledgerLabel, 1);
    bottom->addWidget(m_checkAll);
    bottom->addWidget(m_export);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(scroll, 1);
    layout->addLayout(bottom);

    connect(m_checkAll, &QPushButton::clicked, this, [this] {
        for (const RoadmapStep &s : roadmapSteps())
            check(s.number);
    });
    connect(m_export, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getSaveFileName(this, tr("Export Roadmap Report"),
                                                          QStringLiteral("roadmap-report.html"),
                                                          tr("HTML (*.html);;PDF (*.pdf)"));
        QString error;
        if (!file.isEmpty() && !exportReport(file, &error))
            QMessageBox::warning(this, tr("Report not exported"), error);
    });
}

RoadmapPane::~RoadmapPane() = default;

void RoadmapPane::setProfile(const Profile &profile, const std::vector<Snapshot> &snapshots)
{
    m_profile = profile;
    m_evidence.clear();
    m_pool = std::make_unique<RegistryClientPool>();
    m_ledger = std::make_unique<Ledger>(Ledger::defaultPathFor(profile));
    QString error;
    if (!m_ledger->load(&error))
        log::ui()->warn("{}", error);
    setSnapshots(snapshots);
}

void RoadmapPane::setSnapshots(const std::vector<Snapshot> &snapshots)
{
    m_snapshots = snapshots;
    refresh();
}

std::vector<Snapshot> RoadmapPane::evidenceSnapshots() const
{
    // What the window shows, except that a registry it could not read is represented by the
    // last snapshot in which it could (a retired host's content is proven by it).
    std::vector<Snapshot> out;
    SnapshotStore store;
    for (const RegistryConfig &r : m_profile.registries) {
        const Snapshot *current = nullptr;
        for (const Snapshot &s : m_snapshots)
            if (s.registryId == r.id)
                current = &s;
        if (current && current->error.isEmpty())
            out.push_back(*current);
        else if (auto readable = store.loadReadable(m_profile, r); readable && readable->error.isEmpty())
            out.push_back(std::move(*readable));
        else if (current)
            out.push_back(*current);
    }
    return out;
}

void RoadmapPane::check(int step)
{
    Card &card = m_cards[step];
    card.check->setEnabled(false);
    card.evidence->setText(tr("Checking…"));
    ++m_running;
    auto *checker = new RoadmapChecker(m_profile, evidenceSnapshots(), m_pool.get(), this);
    for (const RegistryConfig &r : m_profile.registries)
        m_pool->client(r);
    m_pool->readCredentials([this, checker, step](const QStringList &warnings) {
        for (const QString &w : warnings)
            log::ui()->warn("{}", w);
        checker->check(step, [this, checker, step](StepEvidence e) {
            checker->deleteLater();
            --m_running;
            const bool passed = e.passed();
            m_evidence[step] = std::move(e);
            refresh();
            Q_EMIT checked(step, passed);
        });
    });
}

QStringList RoadmapPane::blockers(int step) const
{
    QStringList out;
    for (int earlier = 1; earlier < step; ++earlier)
        if (!m_ledger->signOff(earlier))
            out << tr("step %1 is not signed off yet").arg(earlier);
    if (!m_ledger->verify().ok)
        out << tr("the ledger does not verify");
    return out;
}

void RoadmapPane::signOff(int step)
{
    const auto it = m_evidence.find(step);
    if (it == m_evidence.end()) {
        // Evidence first, always fresh: sign once it is in.
        connect(this, &RoadmapPane::checked, this, [this, step](int done, bool) {
            if (done != step)
                return;
            disconnect(this, &RoadmapPane::checked, this, nullptr);
            signOff(step);
        });
        check(step);
        return;
    }
    SignOffDialog dialog(*roadmapStep(step), it->second, blockers(step), this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    QString error;
    if (!sign(step, dialog.name(), dialog.note(), dialog.overrideReason(), &error))
        QMessageBox::warning(this, tr("Not signed off"), error);
}

bool RoadmapPane::sign(int step, const QString &name, const QString &note, const QString &reason,
                       QString *error)
{
    const auto it = m_evidence.find(step);
    if (it == m_evidence.end()) {
        *error = tr("step %1 has not been checked yet").arg(step);
        return false;
    }
    const QStringList blocking = blockers(step) + (it->second.passed() ? QStringList() : QStringList{tr("the checks fail")});
    if (name.trimmed().isEmpty() || (!blocking.isEmpty() && reason.trimmed().isEmpty())) {
        *error = name.trimmed().isEmpty() ? tr("a sign-off needs a name")
                                          : tr("not signed: %1; give a reason to override").arg(blocking.join(QStringLiteral("; ")));
        return false;
    }
    const auto entry = m_ledger->append(m_profile.name, step, name.trimmed(), note,
                                        blocking.isEmpty() ? QString() : reason.trimmed(), it->second, error);
    if (!entry)
        return false;
    log::ui()->info("roadmap step {} signed off by {} (ledger entry {}, {})", step, entry->name,
                    entry->sequence, entry->hash);
    refresh();
    Q_EMIT signedOff(step);
    return true;
}

bool RoadmapPane::exportReport(const QString &path, QString *error) const
{
    const QByteArray html = roadmapReportHtml(m_profile, *m_ledger, m_evidence, QDateTime::currentDateTimeUtc());
    if (path.endsWith(QLatin1String(".pdf"), Qt::CaseInsensitive)) {
        QPdfWriter pdf(path);
        pdf.setPageSize(QPageSize(QPageSize::A4));
        pdf.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout::Millimeter);
        pdf.setTitle(tr("Registry migration roadmap — %1").arg(m_profile.name));
        QTextDocument document;
        document.setHtml(QString::fromUtf8(html));
        document.print(&pdf);
        if (!QFileInfo(path).exists() || QFileInfo(path).size() == 0) {
            *error = tr("cannot write %1").arg(path);
            return false;
        }
        return true;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(html) != html.size() || !file.commit()) {
        *error = tr("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

void RoadmapPane::refresh()
{
    if (!m_ledger)
        return;
    const LedgerVerification v = m_ledger->verify();
    for (const RoadmapStep &step : roadmapSteps()) {
        Card &card = m_cards[step.number];
        const LedgerEntry *signOff = m_ledger->signOff(step.number);
        if (signOff)
            card.status->setText(
                (signOff->override.isEmpty() ? badge(tr("signed"), QStringLiteral("#dff3e3"), QStringLiteral("#1e7b34"))
                                             : badge(tr("signed, override"), QStringLiteral("#fde9d9"), QStringLiteral("#a34a00"))) +
                QStringLiteral("<br><small>%1, %2</small>")
                    .arg(signOff->name.toHtmlEscaped(),
                         QLocale().toString(signOff->at.toLocalTime(), QLocale::ShortFormat)));
        else
            card.status->setText(badge(tr("not signed"), QStringLiteral("#eeeeee"), QStringLiteral("#555555")));
        card.status->setToolTip(signOff ? tr("Ledger entry %1\n%2\n%3").arg(signOff->sequence).arg(signOff->hash, signOff->note)
                                        : QString());
        const auto it = m_evidence.find(step.number);
        if (it != m_evidence.end()) {
            const StepEvidence &e = it->second;
            card.evidence->setText(QStringLiteral("<span style='color:%1'>%2</span> <small>(%3)</small>")
                                       .arg(e.passed() ? QStringLiteral("#1e7b34") : QStringLiteral("#b01e1e"),
                                            e.summary().toHtmlEscaped(),
                                            QLocale().toString(e.at.toLocalTime(), QLocale::ShortFormat)));
            QString tip;
            for (const CheckResult &c : e.checks)
                tip += (c.passed ? QStringLiteral("✔ ") : QStringLiteral("✘ ")) + c.name + QStringLiteral("\n    ") +
                       c.detail + u'\n';
            card.evidence->setToolTip(tip.trimmed());
        } else if (signOff) {
            card.evidence->setText(tr("When signed: %1").arg(signOff->evidence.summary()).toHtmlEscaped());
        } else {
            card.evidence->setText(tr("Not checked yet"));
        }
        card.check->setEnabled(true);
        card.sign->setEnabled(v.ok);
    }
    m_ledgerLabel->setText(v.ok ? tr("Ledger: %n sign-off(s), chain verifies · head %1", nullptr, v.entries)
                                      .arg(v.headHash.left(16))
                                : tr("Ledger BROKEN at entry %1: %2").arg(v.brokenAt).arg(v.problem));
    m_ledgerLabel->setToolTip(m_ledger->path() + QStringLiteral("\nhead ") + v.headHash);
    m_ledgerLabel->setStyleSheet(v.ok ? QString() : QStringLiteral("color:#b01e1e"));
}

} // namespace quayside
