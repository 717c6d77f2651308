// quayside-cli profile list|show|check: what a profile says, and whether it is valid, before
// anything talks to a registry.
#include "clicontext.h"
#include "commands.h"
#include "inventory/profileloader.h"
#include "support/credentials.h"
#include "support/paths.h"
#include "texttable.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace quayside::cli {
namespace {

QJsonObject toJson(const Profile &profile)
{
    QJsonArray registries;
    for (const auto &r : profile.registries) {
        QJsonObject o{{QStringLiteral("id"), r.id},
                      {QStringLiteral("title"), r.displayTitle()},
                      {QStringLiteral("url"), r.url.toString()},
                      {QStringLiteral("prefix"), r.prefix},
                      {QStringLiteral("kind"), toString(r.kind)},
                      {QStringLiteral("insecure"), r.insecure}};
        if (!r.username.isEmpty())
            o.insert(QStringLiteral("username"), r.username);
        if (!r.caCertificates.isEmpty())
            o.insert(QStringLiteral("caCertificates"), r.caCertificates);
        registries.append(o);
    }
    QJsonArray routes;
    for (const auto &route : profile.routes)
        routes.append(QJsonObject{{QStringLiteral("from"), route.from},
                                  {QStringLiteral("to"), route.to},
                                  {QStringLiteral("kind"), toString(route.kind)}});
    return {{QStringLiteral("name"), profile.name},
            {QStringLiteral("source"), profile.source},
            {QStringLiteral("registries"), registries},
            {QStringLiteral("routes"), routes},
            {QStringLiteral("mutableTags"), QJsonArray::fromStringList(profile.mutableTags)},
            {QStringLiteral("architectures"),
             QJsonArray::fromStringList(profile.architectures)}};
}

void printTable(QTextStream &out, const Profile &profile)
{
    out << "Profile: " << profile.name << "  (" << profile.source << ")\n\n";
    TextTable table({QStringLiteral("ID"), QStringLiteral("KIND"), QStringLiteral("URL"),
                     QStringLiteral("PREFIX"), QStringLiteral("CREDENTIALS")});
    for (const auto &r : profile.registries) {
        QString credentials = QStringLiteral("anonymous");
        if (CredentialStore::fromEnvironment(r.id))
            credentials = CredentialStore::environmentVariable(r.id);
        else if (!r.username.isEmpty())
            credentials = r.username + QStringLiteral(" (keychain)");
        table.addRow({r.id, toString(r.kind), r.url.toString(),
                      r.prefix.isEmpty() ? QStringLiteral("-") : r.prefix, credentials});
    }
    table.print(out);
    out << "\nRoutes:\n";
    for (const auto &route : profile.routes)
        out << "  " << route.from << " → " << route.to << "  (" << toString(route.kind) << ")\n";
    if (profile.routes.empty())
        out << "  (none)\n";
    if (!profile.mutableTags.isEmpty())
        out << "\nMutable tags: " << profile.mutableTags.join(QStringLiteral(", ")) << '\n';
    if (!profile.architectures.isEmpty())
        out << "Expected architectures: " << profile.architectures.join(QStringLiteral(", "))
            << '\n';
}

} // namespace

int runProfile(CliContext &context, const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Inspect profiles."));
    CliContext::addCommonOptions(parser);
    parser.addPositionalArgument(QStringLiteral("action"),
                                 QStringLiteral("list | show | check FILE..."));
    if (auto exit = context.parse(parser, QStringLiteral("profile"), arguments))
        return *exit;

    const QStringList positional = parser.positionalArguments();
    const QString action = positional.value(0, QStringLiteral("show"));
    if (action == QLatin1String("list")) {
        context.out() << "Built-in: " << ProfileLoader::builtInNames().join(QStringLiteral(", "))
                      << '\n';
        const QStringList own =
            QDir(paths::userProfilesDir()).entryList({QStringLiteral("*.json")}, QDir::Files);
        context.out() << "Yours (" << paths::userProfilesDir() << "): "
                      << (own.isEmpty() ? QStringLiteral("none") : own.join(QStringLiteral(", ")))
                      << '\n';
        return ExitOk;
    }
    if (action == QLatin1String("check")) {
        if (positional.size() < 2) {
            context.err() << "quayside-cli profile check: name at least one FILE\n";
            return ExitUsage;
        }
        int exit = ExitOk;
        for (const QString &file : positional.mid(1)) {
            const ProfileLoad load = ProfileLoader::fromFile(file);
            if (load.ok()) {
                context.out() << file << ": ok (" << load.profile->registries.size()
                              << " registries, " << load.profile->routes.size() << " routes)\n";
            } else {
                for (const auto &error : load.errors)
                    context.err() << error.toString() << '\n';
                exit = ExitUsage;
            }
        }
        return exit;
    }
    if (action != QLatin1String("show")) {
        context.err() << "quayside-cli profile: unknown action \"" << action
                      << "\" (list, show or check)\n";
        return ExitUsage;
    }
    const auto format = context.format(parser);
    if (!format)
        return ExitUsage;
    const auto profile = context.loadProfile(parser);
    if (!profile)
        return ExitUsage;
    if (*format == QLatin1String("json"))
        context.out() << QJsonDocument(toJson(*profile)).toJson(QJsonDocument::Indented);
    else
        printTable(context.out(), *profile);
    return ExitOk;
}

} // namespace quayside::cli
