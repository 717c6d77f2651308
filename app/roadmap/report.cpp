#include "report.h"

namespace quayside {
namespace {

QString esc(const QString &text)
{
    return text.toHtmlEscaped();
}

QString checksTable(const StepEvidence &evidence)
{
    QString html = QStringLiteral("<table class='checks'><tr><th></th><th>Check</th><th>Seen</th></tr>");
    for (const CheckResult &c : evidence.checks)
        html += QStringLiteral("<tr class='%1'><td>%2</td><td>%3</td><td>%4</td></tr>")
                    .arg(c.passed ? QStringLiteral("pass") : QStringLiteral("fail"),
                         c.passed ? QStringLiteral("✔") : QStringLiteral("✘"), esc(c.name), esc(c.detail));
    return html + QStringLiteral("</table>");
}

} // namespace

std::vector<StepStatus> roadmapStatus(const Ledger &ledger, const std::map<int, StepEvidence> &checkedNow)
{
    std::vector<StepStatus> out;
    for (const RoadmapStep &step : roadmapSteps()) {
        StepStatus s;
        s.step = &step;
        s.signOff = ledger.signOff(step.number);
        if (const auto it = checkedNow.find(step.number); it != checkedNow.end())
            s.latestEvidence = it->second;
        out.push_back(std::move(s));
    }
    return out;
}

QByteArray roadmapReportHtml(const Profile &profile, const Ledger &ledger,
                             const std::map<int, StepEvidence> &checkedNow, const QDateTime &generatedAt)
{
    const LedgerVerification v = ledger.verify();
    QString html = QStringLiteral(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<title>Registry migration roadmap — %1</title><style>"
        "body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
        "h1{font-size:1.6em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ccc}"
        ".badge{display:inline-block;padding:.1em .6em;border-radius:1em;font-size:.85em;font-weight:bold}"
        ".signed{background:#dff3e3;color:#1e7b34}.open{background:#eee;color:#555}"
        ".override{background:#fde9d9;color:#a34a00}.broken{background:#fadbd8;color:#b01e1e}"
        "table{border-collapse:collapse;width:100%;margin:.5em 0}td,th{border:1px solid #ddd;"
        "padding:.3em .5em;text-align:left;vertical-align:top;font-size:.9em}"
        "tr.fail td{background:#fdf0ef}code{font-size:.85em}.muted{color:#666}"
        "</style></head><body>")
                       .arg(esc(profile.name));
    html += QStringLiteral("<h1>Registry migration roadmap — %1</h1>").arg(esc(profile.name));
    html += QStringLiteral("<p class='muted'>Generated %1 by Quayside from profile <code>%2</code>.</p>")
                .arg(esc(generatedAt.toString(Qt::ISODate)), esc(profile.source));
    html += QStringLiteral("<p>Sign-off ledger <code>%1</code>: %2 entries, ")
                .arg(esc(ledger.path()))
                .arg(v.entries);
    html += v.ok ? QStringLiteral("<span class='badge signed'>chain verifies</span>")
                 : QStringLiteral("<span class='badge broken'>chain broken at entry %1: %2</span>")
                       .arg(v.brokenAt)
                       .arg(esc(v.problem));
    html += QStringLiteral("<br>Head hash <code>%1</code> — quote it in the ticket: any later change "
                           "to the ledger shows as a different head.</p>")
                .arg(v.headHash);
    html += QStringLiteral("<table><tr><th>Step</th><th>Status</th></tr>");
    for (const StepStatus &s : roadmapStatus(ledger, checkedNow)) {
        QString status;
        if (s.signOff)
            status = QStringLiteral("<span class='badge %1'>signed</span> by %2 on %3%4")
                         .arg(s.signOff->override.isEmpty() ? QStringLiteral("signed") : QStringLiteral("override"),
                              esc(s.signOff->name), esc(s.signOff->at.toString(Qt::ISODate)),
                              s.signOff->override.isEmpty() ? QString()
                                                            : QStringLiteral(" (checks overridden)"));
        else
            status = QStringLiteral("<span class='badge open'>not signed</span>");
        html += QStringLiteral("<tr><td>%1. %2</td><td>%3</td></tr>").arg(s.step->number).arg(esc(s.step->title), status);
    }
    html += QStringLiteral("</table>");

    for (const StepStatus &s : roadmapStatus(ledger, checkedNow)) {
        html += QStringLiteral("<h2>Step %1 — %2</h2><p>%3</p>").arg(s.step->number).arg(esc(s.step->title), esc(s.step->goal));
        html += QStringLiteral("<p><b>Checked by Quayside:</b></p><ul>");
        for (const QString &a : s.step->automated)
            html += QStringLiteral("<li>%1</li>").arg(esc(a));
        html += QStringLiteral("</ul><p><b>Attested by the signer:</b></p><ul>");
        for (const QString &m : s.step->manual)
            html += QStringLiteral("<li>%1</li>").arg(esc(m));
        html += QStringLiteral("</ul>");
        if (s.signOff) {
            const LedgerEntry &e = *s.signOff;
            html += QStringLiteral("<p><b>Signed off</b> by %1 on %2 (ledger entry %3, hash <code>%4</code>).</p>")
                        .arg(esc(e.name), esc(e.at.toString(Qt::ISODate)))
                        .arg(e.sequence)
                        .arg(e.hash);
            if (!e.note.isEmpty())
                html += QStringLiteral("<p>Note: %1</p>").arg(esc(e.note));
            if (!e.override.isEmpty())
                html += QStringLiteral("<p><span class='badge override'>override</span> signed although %1. "
                                       "Reason given: %2</p>")
                            .arg(esc(e.evidence.summary()), esc(e.override));
            html += QStringLiteral("<p>Evidence at signing (%1): %2</p>")
                        .arg(esc(e.evidence.at.toString(Qt::ISODate)), esc(e.evidence.summary()));
            html += checksTable(e.evidence);
        }
        if (s.latestEvidence) {
            html += QStringLiteral("<p>Checked again for this report (%1): %2</p>")
                        .arg(esc(s.latestEvidence->at.toString(Qt::ISODate)), esc(s.latestEvidence->summary()));
            html += checksTable(*s.latestEvidence);
        }
        if (!s.signOff && !s.latestEvidence)
            html += QStringLiteral("<p class='muted'>Not signed off and not checked for this report.</p>");
    }
    html += QStringLiteral("</body></html>\n");
    return html.toUtf8();
}

} // namespace quayside
