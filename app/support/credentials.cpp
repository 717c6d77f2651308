#include "credentials.h"

#include "fmtqt.h"
#include "inventory/profile.h"
#include "logging.h"

#include <QMetaObject>

#include <qt6keychain/keychain.h>

namespace quayside {
namespace {

QString service()
{
    return QStringLiteral(QUAYSIDE_APP_ID);
}

QString explain(QKeychain::Error error, const QString &detail)
{
    switch (error) {
    case QKeychain::NoBackendAvailable:
        return QStringLiteral("no keychain is available (%1). Start a Secret Service such as "
                              "gnome-keyring or KWallet, or provide the secret in the "
                              "environment as QUAYSIDE_CREDENTIALS_<ID>=user:secret")
            .arg(detail);
    case QKeychain::AccessDeniedByUser:
        return QStringLiteral("access to the keychain was refused (%1)").arg(detail);
    case QKeychain::AccessDenied:
        return QStringLiteral("the keychain denied access; is it locked? (%1)").arg(detail);
    default:
        return QStringLiteral("keychain error: %1").arg(detail);
    }
}

} // namespace

CredentialStore::CredentialStore(QObject *parent)
    : QObject(parent)
{
}

QString CredentialStore::environmentVariable(const QString &registryId)
{
    QString name = QStringLiteral("QUAYSIDE_CREDENTIALS_");
    for (const QChar c : registryId.toUpper())
        name += (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') ? c : u'_';
    return name;
}

std::optional<Credential> CredentialStore::fromEnvironment(const QString &registryId)
{
    const QString value = qEnvironmentVariable(environmentVariable(registryId).toLatin1());
    const qsizetype colon = value.indexOf(u':');
    if (colon <= 0)
        return std::nullopt;
    return Credential{value.left(colon), value.mid(colon + 1)};
}

QString CredentialStore::keychainKey(const RegistryConfig &registry, const QString &username)
{
    return registry.hostPort() + u'/' + username;
}

void CredentialStore::read(const RegistryConfig &registry, Callback callback)
{
    if (auto env = fromEnvironment(registry.id)) {
        CredentialResult result{std::move(env), QString(), QStringLiteral("environment")};
        QMetaObject::invokeMethod(
            this, [callback = std::move(callback), result] { callback(result); },
            Qt::QueuedConnection);
        return;
    }
    if (registry.username.isEmpty()) {
        QMetaObject::invokeMethod(
            this, [callback = std::move(callback)] { callback({}); }, Qt::QueuedConnection);
        return;
    }
    auto *job = new QKeychain::ReadPasswordJob(service(), this);
    job->setKey(keychainKey(registry, registry.username));
    job->setAutoDelete(true);
    const QString username = registry.username;
    const QString key = job->key();
    connect(job, &QKeychain::Job::finished, this,
            [callback = std::move(callback), username, key](QKeychain::Job *finished) {
                auto *readJob = static_cast<QKeychain::ReadPasswordJob *>(finished);
                CredentialResult result;
                result.source = QStringLiteral("keychain");
                if (finished->error() == QKeychain::NoError) {
                    result.credential = Credential{username, readJob->textData()};
                } else if (finished->error() != QKeychain::EntryNotFound) {
                    result.error = explain(finished->error(), finished->errorString());
                    log::keychain()->warn("reading {}: {}", key, result.error);
                }
                callback(result);
            });
    job->start();
}

void CredentialStore::write(const RegistryConfig &registry, const QString &username,
                            const QString &secret, Done done)
{
    auto *job = new QKeychain::WritePasswordJob(service(), this);
    job->setKey(keychainKey(registry, username));
    job->setTextData(secret);
    job->setAutoDelete(true);
    connect(job, &QKeychain::Job::finished, this,
            [done = std::move(done)](QKeychain::Job *finished) {
                const QString error = finished->error() == QKeychain::NoError
                                          ? QString()
                                          : explain(finished->error(), finished->errorString());
                if (!error.isEmpty())
                    log::keychain()->warn("storing {}: {}", finished->key(), error);
                done(error);
            });
    job->start();
}

void CredentialStore::remove(const RegistryConfig &registry, const QString &username, Done done)
{
    auto *job = new QKeychain::DeletePasswordJob(service(), this);
    job->setKey(keychainKey(registry, username));
    job->setAutoDelete(true);
    connect(job, &QKeychain::Job::finished, this,
            [done = std::move(done)](QKeychain::Job *finished) {
                const bool ok = finished->error() == QKeychain::NoError ||
                                finished->error() == QKeychain::EntryNotFound;
                done(ok ? QString() : explain(finished->error(), finished->errorString()));
            });
    job->start();
}

} // namespace quayside
