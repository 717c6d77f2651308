// quayside-cli credentials: put registry secrets into the keychain (read from stdin, never from
// the command line, where `ps` and shell history would keep them), forget them, and show where
// each registry's credentials come from.
#include "clicontext.h"
#include "commands.h"
#include "support/credentials.h"
#include "texttable.h"

#include <QEventLoop>

#include <cstdio>
#include <termios.h>
#include <unistd.h>

namespace quayside::cli {
namespace {

QString readSecret(CliContext &context, const QString &prompt)
{
    const bool terminal = isatty(STDIN_FILENO) == 1;
    termios saved{};
    if (terminal) {
        context.err() << prompt;
        context.err().flush();
        tcgetattr(STDIN_FILENO, &saved);
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    char buffer[4096];
    QString secret;
    if (std::fgets(buffer, sizeof buffer, stdin))
        secret = QString::fromUtf8(buffer).trimmed();
    if (terminal) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        context.err() << '\n';
    }
    return secret;
}

} // namespace

int runCredentials(CliContext &context, const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Manage registry credentials in the keychain."));
    CliContext::addCommonOptions(parser, false);
    parser.addPositionalArgument(QStringLiteral("action"),
                                 QStringLiteral("status | set ID | forget ID (set reads the "
                                                "secret from stdin)"));
    if (auto exit = context.parse(parser, QStringLiteral("credentials"), arguments))
        return *exit;
    const auto profile = context.loadProfile(parser);
    if (!profile)
        return ExitUsage;
    const QStringList positional = parser.positionalArguments();
    const QString action = positional.value(0, QStringLiteral("status"));

    CredentialStore store;
    QEventLoop loop;
    if (action == QLatin1String("status")) {
        TextTable table({QStringLiteral("REGISTRY"), QStringLiteral("USERNAME"), QStringLiteral("SOURCE")});
        int pending = static_cast<int>(profile->registries.size());
        std::vector<QStringList> rows(profile->registries.size());
        for (std::size_t i = 0; i < profile->registries.size(); ++i) {
            const RegistryConfig &r = profile->registries[i];
            store.read(r, [&, i, r](const CredentialResult &result) {
                QString source = QStringLiteral("anonymous");
                if (!result.error.isEmpty())
                    source = result.error;
                else if (result.credential && result.source == QLatin1String("environment"))
                    source = CredentialStore::environmentVariable(r.id);
                else if (result.credential)
                    source = QStringLiteral("keychain");
                else if (!r.username.isEmpty())
                    source = QStringLiteral("not stored (quayside-cli credentials set %1)").arg(r.id);
                rows[i] = {r.id, result.credential ? result.credential->username
                                                   : (r.username.isEmpty() ? QStringLiteral("-") : r.username),
                           source};
                if (--pending == 0)
                    loop.quit();
            });
        }
        loop.exec();
        for (const QStringList &row : rows)
            table.addRow(row);
        table.print(context.out());
        return ExitOk;
    }
    if ((action != QLatin1String("set") && action != QLatin1String("forget")) || positional.size() != 2) {
        context.err() << "quayside-cli credentials: status | set ID | forget ID\n";
        return ExitUsage;
    }
    const RegistryConfig *registry = profile->registry(positional.at(1));
    if (!registry) {
        context.err() << "quayside-cli credentials: no registry \"" << positional.at(1) << "\" in "
                      << profile->name << '\n';
        return ExitUsage;
    }
    if (registry->username.isEmpty()) {
        context.err() << "quayside-cli credentials: registry " << registry->id
                      << " has no \"username\" in the profile; add one (e.g. a robot "
                         "\"namespace+name\") first\n";
        return ExitUsage;
    }
    QString error;
    if (action == QLatin1String("set")) {
        const QString secret = readSecret(
            context, QStringLiteral("Secret for %1 on %2: ").arg(registry->username, registry->hostPort()));
        if (secret.isEmpty()) {
            context.err() << "quayside-cli credentials: no secret given on stdin\n";
            return ExitUsage;
        }
        store.write(*registry, registry->username, secret, [&](const QString &e) {
            error = e;
            loop.quit();
        });
    } else {
        store.remove(*registry, registry->username, [&](const QString &e) {
            error = e;
            loop.quit();
        });
    }
    loop.exec();
    if (!error.isEmpty()) {
        context.err() << "quayside-cli credentials: " << error << '\n';
        return ExitUsage;
    }
    context.out() << (action == QLatin1String("set") ? "Stored" : "Forgot") << " the secret of "
                  << registry->username << " for " << registry->id << " ("
                  << CredentialStore::keychainKey(*registry, registry->username) << ")\n";
    return ExitOk;
}

} // namespace quayside::cli
