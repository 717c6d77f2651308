#include "digest.h"

#include <QRegularExpression>

namespace quayside {

std::optional<Digest> Digest::parse(const QString &text)
{
    static const QRegularExpression pattern(
        QStringLiteral("^(?:sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$"));
    if (!pattern.match(text).hasMatch())
        return std::nullopt;
    return Digest(text);
}

Digest Digest::sha256Of(const QByteArray &bytes)
{
    return Digest(QStringLiteral("sha256:") +
                  QString::fromLatin1(
                      QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex()));
}

DigestHasher::DigestHasher(QCryptographicHash::Algorithm algorithm)
    : m_hash(algorithm)
    , m_algorithm(algorithm)
{
}

std::optional<QCryptographicHash::Algorithm> DigestHasher::algorithmOf(const Digest &digest)
{
    if (digest.algorithm() == QLatin1String("sha256"))
        return QCryptographicHash::Sha256;
    if (digest.algorithm() == QLatin1String("sha512"))
        return QCryptographicHash::Sha512;
    return std::nullopt;
}

void DigestHasher::addData(QByteArrayView data)
{
    m_hash.addData(data);
    m_bytes += data.size();
}

void DigestHasher::reset()
{
    m_hash.reset();
    m_bytes = 0;
}

Digest DigestHasher::result() const
{
    const QString prefix =
        m_algorithm == QCryptographicHash::Sha512 ? QStringLiteral("sha512:") : QStringLiteral("sha256:");
    return *Digest::parse(prefix + QString::fromLatin1(m_hash.resultView().toByteArray().toHex()));
}

} // namespace quayside
