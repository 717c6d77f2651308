#pragma once

#include <QByteArray>
#include <QFile>
#include <QString>

// Append-only files that must survive a crash (the job journal, the sign-off ledger).
namespace quayside::durable {

// Writes the bytes at the end of an open file and makes them durable (flush and fsync) before
// returning: nothing may rely on a record a power cut could still take back.
bool append(QFile &file, const QByteArray &bytes, QString *error);

// The file does not end with a newline: a crash cut its last record short, and the next one
// must start on a line of its own.
bool endsMidLine(const QString &path);

} // namespace quayside::durable
