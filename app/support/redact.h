#pragma once

#include <QByteArray>
#include <QString>
#include <QUrl>

// Secrets must never reach a log line, an error message or a crash report. Everything that
// formats a request or a header for humans goes through these.
namespace quayside::redact {

inline constexpr auto kMask = "***";

// "Authorization: Bearer abc" → "Authorization: Bearer ***"; also tokens in JSON bodies
// ("token", "access_token", "refresh_token", "password") and URL query secrets.
QString text(const QString &input);

// The value of a header, masked if the header carries credentials.
QByteArray headerValue(const QByteArray &name, const QByteArray &value);

// A URL with userinfo and secret-bearing query items masked.
QString url(const QUrl &url);

bool isSensitiveHeader(const QByteArray &name);

} // namespace quayside::redact
