#include "digest.h"


namespace quayside {

std::optional<Digest> Digest::parse(const QString &text)
{
    // By hand rather than by regular expression: every tag of every scan passes through here.
    qsizetype hexLength = 0;
    if (text.startsWith(QLatin1String("sha256:")))
        hexLength = 64;
    else if (text.startsWith(QLatin1String("sha512:")))
        hexLength = 128;
    if (hexLength == 0 || text.size() != 7 + hexLength)
        return std::nullopt;
    for (qsizetype i = 7; i < text.size(); ++i) {
        const char16_t c = text.at(i).unicode();
        if (!((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f')))
            return std::nullopt;
    }
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
    return Digest(prefix + QString::fromLatin1(m_hash.resultView().toByteArray().toHex()));
}

} // namespace quayside
