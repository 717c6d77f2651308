#include "credentialsdialog.h"

#include "registry/registryclient.h"
#include "support/credentials.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>

namespace quayside {

CredentialsDialog::CredentialsDialog(const Profile &profile, QWidget *parent)
    : QDialog(parent)
    , m_profile(profile)
    , m_store(new CredentialStore(this))
    , m_registry(new QComboBox(this))
    , m_username(new QLabel(this))
    , m_secret(new QLineEdit(this))
    , m_status(new QLabel(this))
    , m_save(new QPushButton(tr("Save in Keychain"), this))
    , m_forget(new QPushButton(tr("Forget…"), this))
    , m_test(new QPushButton(tr("Test"), this))
{
    setObjectName(QStringLiteral("credentialsDialog"));
    setWindowTitle(tr("Registry Credentials"));
    for (const RegistryConfig &r : profile.registries)
        m_registry->addItem(QStringLiteral("%1 (%2)").arg(r.displayTitle(), r.id), r.id);
    m_secret->setObjectName(QStringLiteral("secretEdit"));
    m_secret->setEchoMode(QLineEdit::Password);
    m_secret->setPlaceholderText(tr("password, robot token or OAuth token"));
    m_status->setObjectName(QStringLiteral("credentialStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_save->setObjectName(QStringLiteral("saveButton"));
    m_forget->setObjectName(QStringLiteral("forgetButton"));
    m_test->setObjectName(QStringLiteral("testButton"));

    auto *form = new QFormLayout;
    form->addRow(tr("Registry:"), m_registry);
    form->addRow(tr("User name:"), m_username);
    form->addRow(tr("Secret:"), m_secret);
    auto *actions = new QHBoxLayout;
    actions->addWidget(m_test);
    actions->addStretch();
    actions->addWidget(m_forget);
    actions->addWidget(m_save);
    auto *note = new QLabel(
        tr("Secrets are kept in the desktop keychain under “host/user name”, never in the "
           "profile. For CI, set QUAYSIDE_CREDENTIALS_<ID>=user:secret instead."),
        this);
    note->setWordWrap(true);
    note->setStyleSheet(QStringLiteral("color: palette(mid)"));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(actions);
    layout->addWidget(m_status);
    layout->addWidget(note);
    layout->addWidget(buttons);
    setMinimumWidth(520);

    connect(m_registry, &QComboBox::currentIndexChanged, this, &CredentialsDialog::refresh);
    connect(m_save, &QPushButton::clicked, this, &CredentialsDialog::save);
    connect(m_forget, &QPushButton::clicked, this, &CredentialsDialog::forget);
    connect(m_test, &QPushButton::clicked, this, &CredentialsDialog::test);
    refresh();
}

CredentialsDialog::~CredentialsDialog() = default;

void CredentialsDialog::selectRegistry(const QString &id)
{
    const int index = m_registry->findData(id);
    if (index >= 0)
        m_registry->setCurrentIndex(index);
}

const RegistryConfig *CredentialsDialog::current() const
{
    return m_profile.registry(m_registry->currentData().toString());
}

void CredentialsDialog::setBusy(bool busy, const QString &message)
{
    m_save->setEnabled(!busy && current() && !current()->username.isEmpty());
    m_forget->setEnabled(!busy && current() && !current()->username.isEmpty());
    m_test->setEnabled(!busy && current());
    m_status->setText(message);
}

void CredentialsDialog::refresh()
{
    const RegistryConfig *r = current();
    m_secret->clear();
    if (!r)
        return;
    if (r->username.isEmpty()) {
        m_username->setText(tr("<i>none: this registry is read anonymously</i>"));
        m_secret->setEnabled(false);
        setBusy(false, tr("Add a \"username\" to the registry in the profile to store a secret "
                          "for it (a quay robot is namespace+name)."));
        return;
    }
    m_username->setText(r->username.toHtmlEscaped());
    m_secret->setEnabled(true);
    setBusy(true, tr("Looking in the keychain…"));
    const QString id = r->id;
    m_store->read(*r, [this, id](const CredentialResult &result) {
        if (!current() || current()->id != id)
            return;
        QString text;
        if (!result.error.isEmpty())
            text = result.error;
        else if (result.credential && result.source == QLatin1String("environment"))
            text = tr("Taken from %1 (the environment wins over the keychain).")
                       .arg(CredentialStore::environmentVariable(id));
        else if (result.credential)
            text = tr("A secret is stored in the keychain.");
        else
            text = tr("No secret stored yet.");
        setBusy(false, text);
    });
}

void CredentialsDialog::save()
{
    const RegistryConfig *r = current();
    if (!r || m_secret->text().isEmpty())
        return;
    setBusy(true, tr("Saving…"));
    const QString id = r->id;
    m_store->write(*r, r->username, m_secret->text(), [this, id](const QString &error) {
        m_secret->clear();
        setBusy(false, error.isEmpty() ? tr("Saved in the keychain.") : error);
        if (error.isEmpty())
            Q_EMIT credentialsChanged(id);
    });
}

void CredentialsDialog::forget()
{
    const RegistryConfig *r = current();
    if (!r)
        return;
    if (QMessageBox::question(this, tr("Forget Secret"),
                              tr("Remove the secret of %1 for %2 from the keychain?")
                                  .arg(r->username, r->displayTitle())) != QMessageBox::Yes)
        return;
    setBusy(true, tr("Forgetting…"));
    const QString id = r->id;
    m_store->remove(*r, r->username, [this, id](const QString &error) {
        setBusy(false, error.isEmpty() ? tr("Removed from the keychain.") : error);
        if (error.isEmpty())
            Q_EMIT credentialsChanged(id);
    });
}

void CredentialsDialog::test()
{
    const RegistryConfig *r = current();
    if (!r)
        return;
    delete m_probe;
    m_probe = new RegistryClient(*r, nullptr, this);
    auto probe = [this](std::optional<Credential> credential) {
        m_probe->setCredential(std::move(credential));
        // A repository-scoped read proves more than /v2/ on token registries; /v2/ is enough
        // for Basic ones. The catalog is the cheapest read every kind of registry answers.
        m_probe->ping([this](Result<Unit> result) {
            setBusy(false, result.ok() ? tr("The registry accepted these credentials.")
                                       : result.errorText());
        });
    };
    setBusy(true, tr("Asking %1…").arg(r->hostPort()));
    if (!m_secret->text().isEmpty()) {
        probe(Credential{r->username, m_secret->text()});
        return;
    }
    m_store->read(*r, [probe](const CredentialResult &result) { probe(result.credential); });
}

} // namespace quayside
