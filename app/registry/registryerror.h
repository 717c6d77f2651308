#pragma once

#include <QString>
#include <QUrl>

#include <utility>
#include <variant>

namespace quayside {

// Why a registry operation failed, with everything a release engineer needs to act on it:
// which registry, which repository and reference, what the registry itself said.
struct RegistryError {
    enum class Kind {
        Network,   // unreachable, reset, timed out
        Tls,       // certificate or handshake problem
        Auth,      // 401/403, or no usable credentials
        NotFound,  // 404: repository, manifest or blob unknown
        Throttled, // 429 and still throttled after every retry
        Server,    // 5xx after every retry
        Protocol,  // bad JSON, wrong digest, oversized body, unexpected answer
        Refused,   // Quayside's own safety rules said no (a tag moved, an overwrite unconfirmed)
        Cancelled,
    };

    Kind kind = Kind::Protocol;
    QString registry;   // registry id from the profile, or host
    QString repository; // name on that registry
    QString reference;  // tag or digest, if any
    int httpStatus = 0;
    QString code;    // the registry's error code (MANIFEST_UNKNOWN, TOOMANYREQUESTS, …)
    QString message; // the registry's message, or ours
    QUrl url;        // redacted when shown
    int attempts = 1;

    // "quay: fedora/fedora:41: not found (404 MANIFEST_UNKNOWN: manifest unknown)"
    QString toString() const;
    bool isRetryable() const;
};

QString toString(RegistryError::Kind kind);

// A value or the reason there is none. (std::expected is C++23.)
template<typename T>
class Result final
{
public:
    Result()
        : m_state(RegistryError{})
    {
    }
    Result(T value)
        : m_state(std::move(value))
    {
    }
    Result(RegistryError error)
        : m_state(std::move(error))
    {
    }

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }
    const T &value() const & { return std::get<T>(m_state); }
    T &value() & { return std::get<T>(m_state); }
    T &&value() && { return std::get<T>(std::move(m_state)); }
    const T *operator->() const { return &std::get<T>(m_state); }
    const RegistryError &error() const { return std::get<RegistryError>(m_state); }
    // The error as text, or "" when there is none (safe to call either way).
    QString errorText() const { return ok() ? QString() : error().toString(); }

private:
    std::variant<T, RegistryError> m_state;
};

struct Unit {};

} // namespace quayside
