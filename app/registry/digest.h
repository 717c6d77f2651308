#pragma once

#include <QByteArray>
#include <QCryptographicHash>
#include <QHashFunctions>
#include <QString>

#include <optional>

namespace quayside {

// A content digest ("sha256:<64 lower-case hex>"). Registries name manifests and blobs by it and
// every byte Quayside reads or writes is checked against one, so it is a type, not a string.
class Digest final
{
public:
    Digest() = default;

    // nullopt unless the text is a well-formed sha256 or sha512 digest.
    static std::optional<Digest> parse(const QString &text);
    static Digest sha256Of(const QByteArray &bytes);

    bool isValid() const { return !m_text.isEmpty(); }
    const QString &toString() const { return m_text; }
    QString algorithm() const { return m_text.section(u':', 0, 0); }
    QString hex() const { return m_text.section(u':', 1); }

    friend bool operator==(const Digest &a, const Digest &b) { return a.m_text == b.m_text; }
    friend bool operator<(const Digest &a, const Digest &b) { return a.m_text < b.m_text; }

private:
    friend class DigestHasher;
    explicit Digest(QString text)
        : m_text(std::move(text))
    {
    }
    QString m_text;
};

// Hashes a stream as it passes (blob downloads and uploads never hold a whole layer in memory).
class DigestHasher final
{
public:
    explicit DigestHasher(QCryptographicHash::Algorithm algorithm = QCryptographicHash::Sha256);
    // The algorithm a digest was made with, to check content against it.
    static std::optional<QCryptographicHash::Algorithm> algorithmOf(const Digest &digest);

    void addData(QByteArrayView data);
    void reset();
    Digest result() const;
    qint64 bytes() const { return m_bytes; }

private:
    QCryptographicHash m_hash;
    QCryptographicHash::Algorithm m_algorithm;
    qint64 m_bytes = 0;
};

inline size_t qHash(const Digest &digest, size_t seed = 0)
{
    return ::qHash(digest.toString(), seed);
}

} // namespace quayside
