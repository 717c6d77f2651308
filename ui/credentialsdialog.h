#pragma once

#include "inventory/profile.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace quayside {

class CredentialStore;
class RegistryClient;

// Stores a registry's secret in the desktop keychain (never in the profile), forgets it, and
// tests it against the registry before the user relies on it.
class CredentialsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CredentialsDialog)

public:
    explicit CredentialsDialog(const Profile &profile, QWidget *parent = nullptr);
    ~CredentialsDialog() override;

    void selectRegistry(const QString &id);

Q_SIGNALS:
    void credentialsChanged(const QString &registryId);

private:
    const RegistryConfig *current() const;
    void refresh();
    void save();
    void forget();
    void test();
    void setBusy(bool busy, const QString &message);

    Profile m_profile;
    CredentialStore *m_store;
    RegistryClient *m_probe = nullptr;
    QComboBox *m_registry;
    QLabel *m_username;
    QLineEdit *m_secret;
    QLabel *m_status;
    QPushButton *m_save;
    QPushButton *m_forget;
    QPushButton *m_test;
};

} // namespace quayside
