#pragma once

#include "driftmatrix.h"

#include <QByteArray>
#include <QString>

namespace quayside {

// The drift matrix for other tools and for tickets, as the console's File → Export Shown Rows
// writes it. CSV (RFC 4180): repository, tag, one full digest per registry ("" where the tag is
// absent, "error: …" where unreadable), one status per route ("arch-missing: linux/s390x").
QByteArray toCsv(const DriftMatrix &matrix);
// A Markdown table with short digests, headed by the profile and when its snapshots were taken,
// to paste into an infrastructure ticket.
QString toMarkdown(const QString &profileName, const QString &takenAt, const DriftMatrix &matrix);

} // namespace quayside
