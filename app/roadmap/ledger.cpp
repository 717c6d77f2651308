#include "ledger.h"

#include "support/durablefile.h"
#include "support/paths.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>


namespace quayside {

QJsonObject LedgerEntry::toJson(bool withHash) const
{
    QJsonObject o{{QStringLiteral("sequence"), sequence},
                  {QStringLiteral("at"), at.toString(Qt::ISODateWithMs)},
                  {QStringLiteral("profile"), profile},
                  {QStringLiteral("step"), step},
                  {QStringLiteral("name"), name},
                  {QStringLiteral("note"), note},
                  {QStringLiteral("override"), override},
                  {QStringLiteral("evidence"), quayside::toJson(evidence)},
                  {QStringLiteral("previousHash"), previousHash}};
    if (withHash)
        o.insert(QStringLiteral("hash"), hash);
    return o;
}

QString LedgerEntry::computeHash() const
{
    // QJsonObject keeps keys sorted and the compact form has no whitespace: canonical.
    const QByteArray canonical = QJsonDocument(toJson(false)).toJson(QJsonDocument::Compact);
    return QString::fromLatin1(QCryptographicHash::hash(canonical, QCryptographicHash::Sha256).toHex());
}

QString Ledger::defaultPathFor(const Profile &profile)
{
    return paths::dataDir() + QStringLiteral("/roadmap/") + profile.storageKey() +
           QStringLiteral(".ledger.jsonl");
}

Ledger::Ledger(QString path)
    : m_path(std::move(path))
{
}

bool Ledger::load(QString *error)
{
    m_entries.clear();
    m_unreadable.clear();
    m_ignored.clear();
    QFile file(m_path);
    if (!file.exists())
        return true;
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("cannot read %1: %2").arg(m_path, file.errorString());
        return false;
    }
    int lineNumber = 0;
    while (!file.atEnd()) {
        const QByteArray raw = file.readLine();
        const QByteArray line = raw.trimmed();
        ++lineNumber;
        if (line.isEmpty())
            continue;
        QJsonParseError parseError;
        const QJsonObject o = QJsonDocument::fromJson(line, &parseError).object();
        const auto evidence = evidenceFromJson(o.value(QLatin1String("evidence")).toObject());
        if (parseError.error != QJsonParseError::NoError) {
            // A crash in the middle of an append leaves a line that is not JSON: that sign-off
            // never happened. Ignoring it hides nothing: removing or editing an entry still
            // breaks the numbering or the hashes of those around it.
            m_ignored << QStringLiteral("line %1: not JSON (a write cut short), ignored").arg(lineNumber);
            continue;
        }
        if (!evidence) {
            m_unreadable << QStringLiteral("line %1: not a ledger entry").arg(lineNumber);
            continue;
        }
        LedgerEntry e;
        e.sequence = o.value(QLatin1String("sequence")).toInt();
        e.at = QDateTime::fromString(o.value(QLatin1String("at")).toString(), Qt::ISODateWithMs);
        e.profile = o.value(QLatin1String("profile")).toString();
        e.step = o.value(QLatin1String("step")).toInt();
        e.name = o.value(QLatin1String("name")).toString();
        e.note = o.value(QLatin1String("note")).toString();
        e.override = o.value(QLatin1String("override")).toString();
        e.evidence = *evidence;
        e.previousHash = o.value(QLatin1String("previousHash")).toString();
        e.hash = o.value(QLatin1String("hash")).toString();
        // Evidence read back must hash the same: refuse what it cannot represent exactly.
        if (QJsonDocument(quayside::toJson(e.evidence)).toJson(QJsonDocument::Compact) !=
            QJsonDocument(o.value(QLatin1String("evidence")).toObject()).toJson(QJsonDocument::Compact))
            m_unreadable << QStringLiteral("line %1: evidence altered (it no longer reads back "
                                           "as written)")
                                .arg(lineNumber);
        m_entries.push_back(std::move(e));
    }
    return true;
}

LedgerVerification Ledger::verify() const
{
    LedgerVerification v;
    v.entries = static_cast<int>(m_entries.size());
    v.warnings = m_ignored;
    if (!m_unreadable.isEmpty()) {
        v.ok = false;
        v.problem = m_unreadable.join(QStringLiteral("; "));
    }
    QString previous = QString::fromLatin1(kGenesis);
    for (std::size_t i = 0; i < m_entries.size() && v.ok; ++i) {
        const LedgerEntry &e = m_entries[i];
        const int expected = static_cast<int>(i) + 1;
        if (e.sequence != expected)
            v.problem = QStringLiteral("entry %1 is numbered %2: an entry was removed or moved")
                            .arg(expected)
                            .arg(e.sequence);
        else if (e.previousHash != previous)
            v.problem = QStringLiteral("entry %1 does not follow entry %2 (its previous hash differs)")
                            .arg(e.sequence)
                            .arg(e.sequence - 1);
        else if (e.computeHash() != e.hash)
            v.problem = QStringLiteral("entry %1 was altered after it was signed (its hash differs)")
                            .arg(e.sequence);
        if (!v.problem.isEmpty()) {
            v.ok = false;
            v.brokenAt = expected;
        }
        previous = e.hash;
    }
    v.headHash = m_entries.empty() ? QString::fromLatin1(kGenesis) : m_entries.back().hash;
    return v;
}

const LedgerEntry *Ledger::signOff(int step) const
{
    for (auto it = m_entries.rbegin(); it != m_entries.rend(); ++it)
        if (it->step == step)
            return &*it;
    return nullptr;
}

std::optional<LedgerEntry> Ledger::append(const QString &profile, int step, const QString &name,
                                          const QString &note, const QString &override,
                                          const StepEvidence &evidence, QString *error)
{
    const LedgerVerification v = verify();
    if (!v.ok) {
        if (error)
            *error = QStringLiteral("the ledger %1 does not verify (%2); not signing on top of it")
                         .arg(m_path, v.problem);
        return std::nullopt;
    }
    LedgerEntry e;
    e.sequence = static_cast<int>(m_entries.size()) + 1;
    e.at = QDateTime::currentDateTimeUtc();
    e.profile = profile;
    e.step = step;
    e.name = name;
    e.note = note;
    e.override = override;
    e.evidence = evidence;
    e.previousHash = v.headHash;
    e.hash = e.computeHash();

    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QFile file(m_path);
    const QByteArray line = (durable::endsMidLine(m_path) ? QByteArray("\n") : QByteArray()) +
                            QJsonDocument(e.toJson()).toJson(QJsonDocument::Compact) + '\n';
    if (!file.open(QIODevice::WriteOnly | QIODevice::Append)) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(m_path, file.errorString());
        return std::nullopt;
    }
    if (!durable::append(file, line, error))
        return std::nullopt;
    m_entries.push_back(e);
    return e;
}

} // namespace quayside
