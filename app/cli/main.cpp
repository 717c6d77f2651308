// quayside-cli: the console's engine without a display, for scripts and CI gates.
#include "clicontext.h"
#include "commands.h"
#include "support/application.h"

#include <QCoreApplication>

#include <cstring>

namespace {

using quayside::cli::Command;

const Command kCommands[] = {
    {"scan", "Read the registries of a profile into snapshots", quayside::cli::runScanCommand},
    {"compare", "Show where the registries differ (drift)", quayside::cli::runCompare},
    {"plan", "Plan a route's migration or promotion, checked against the destination",
     quayside::cli::runPlan},
    {"apply", "Carry out a plan through the job queue", quayside::cli::runApply},
    {"queue", "List, run, retry or cancel queued jobs", quayside::cli::runQueue},
    {"copy", "Copy one image (every platform) between registries, digests preserved",
     quayside::cli::runCopy},
    {"roadmap", "Check, sign off and report the migration roadmap's steps", quayside::cli::runRoadmap},
    {"profile", "List, show or check profiles", quayside::cli::runProfile},
    {"credentials", "Store or forget registry secrets in the keychain", quayside::cli::runCredentials},
};

void usage(QTextStream &out)
{
    out << "Usage: quayside-cli <command> [options]\n\n"
           "Compare, migrate and promote container images between registries.\n\n"
           "Commands:\n";
    for (const Command &command : kCommands)
        out << "  " << QString::fromLatin1(command.name).leftJustified(12) << ' '
            << command.summary << '\n';
    out << "\nRun 'quayside-cli <command> --help' for a command's options.\n"
           "Exit codes: 0 ok, 1 drift found (--fail-on-drift), 2 usage or profile error, "
           "3 a registry could not be read, 4 refused by a safety rule.\n";
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication application(argc, argv);
    quayside::identifyApplication();
    quayside::cli::CliContext context;

    QStringList arguments = QCoreApplication::arguments().mid(1);
    if (arguments.isEmpty() || arguments.first() == QLatin1String("--help") ||
        arguments.first() == QLatin1String("-h") || arguments.first() == QLatin1String("help")) {
        usage(arguments.isEmpty() ? context.err() : context.out());
        return arguments.isEmpty() ? quayside::cli::ExitUsage : quayside::cli::ExitOk;
    }
    if (arguments.first() == QLatin1String("--version")) {
        context.out() << "quayside-cli " << QCoreApplication::applicationVersion() << '\n';
        return quayside::cli::ExitOk;
    }
    const QString name = arguments.takeFirst();
    for (const Command &command : kCommands)
        if (name == QLatin1String(command.name))
            return command.run(context, arguments);
    context.err() << "quayside-cli: unknown command \"" << name << "\"\n\n";
    usage(context.err());
    return quayside::cli::ExitUsage;
}
