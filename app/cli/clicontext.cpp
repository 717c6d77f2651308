#include "clicontext.h"

#include "commands.h"
#include "inventory/profileloader.h"
#include "support/logging.h"
#include "support/paths.h"

#include <QFileInfo>

#include <cstdio>
#include <unistd.h>

namespace quayside::cli {

CliContext::CliContext()
    : m_out(stdout)
    , m_err(stderr)
    , m_stdoutIsTerminal(isatty(STDOUT_FILENO) == 1)
    , m_stderrIsTerminal(isatty(STDERR_FILENO) == 1)
{
}

void CliContext::addCommonOptions(QCommandLineParser &parser, bool withFormat)
{
    parser.addHelpOption();
    parser.addOption({QStringLiteral("profile"),
                      QStringLiteral("Profile file or name (fedora, fedora-staging, sandbox, or "
                                     "one of yours)."),
                      QStringLiteral("FILE|NAME")});
    if (withFormat)
        parser.addOption({QStringLiteral("format"), QStringLiteral("Output: table or json."),
                          QStringLiteral("table|json"), QStringLiteral("table")});
    parser.addOption({QStringLiteral("log-level"),
                      QStringLiteral("trace, debug, info, warn, error or off (default: "
                                     "$QUAYSIDE_LOG, else warn for the CLI)."),
                      QStringLiteral("LEVEL")});
}

std::optional<int> CliContext::parse(QCommandLineParser &parser, const QString &command,
                                     const QStringList &arguments)
{
    parser.setApplicationDescription(QString());
    // QCommandLineParser wants argv[0]; give it "quayside-cli <command>" so --help reads well.
    QStringList argv{QStringLiteral("quayside-cli ") + command};
    argv << arguments;
    if (!parser.parse(argv)) {
        m_err << "quayside-cli " << command << ": " << parser.errorText() << '\n'
              << "Try 'quayside-cli " << command << " --help'.\n";
        return ExitUsage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        m_out << parser.helpText();
        return ExitOk;
    }
    const std::optional<QString> level =
        parser.isSet(QStringLiteral("log-level"))
            ? std::optional<QString>(parser.value(QStringLiteral("log-level")))
            : std::nullopt;
    // The CLI's stdout belongs to its results, so logs go to the file and, from warn up, stderr.
    QString resolved = log::levelFrom(level);
    if (!level && qEnvironmentVariableIsEmpty("QUAYSIDE_LOG"))
        resolved = QStringLiteral("warn");
    log::init({.level = resolved, .filePath = QString(), .toStderr = true});
    return std::nullopt;
}

std::optional<Profile> CliContext::loadProfile(const QCommandLineParser &parser)
{
    QString name = parser.value(QStringLiteral("profile"));
    if (name.isEmpty()) {
        if (QFileInfo::exists(paths::sandboxStateDir() + QStringLiteral("/profile.json"))) {
            name = QStringLiteral("sandbox");
        } else {
            m_err << "quayside-cli: no --profile given (try --profile fedora, or a file)\n";
            return std::nullopt;
        }
    }
    const ProfileLoad load = ProfileLoader::resolve(name);
    if (!load.ok()) {
        m_err << "quayside-cli: the profile is not usable:\n";
        for (const auto &error : load.errors)
            m_err << "  " << error.toString() << '\n';
        return std::nullopt;
    }
    return load.profile;
}

const Route *CliContext::route(const Profile &profile, const QString &wanted, const QString &command)
{
    const QStringList ids = wanted.split(u':');
    if (const Route *r = ids.size() == 2 ? profile.route(ids.at(0), ids.at(1)) : nullptr)
        return r;
    QStringList known;
    for (const Route &r : profile.routes)
        known << r.label();
    m_err << "quayside-cli " << command << ": "
          << (wanted.isEmpty() ? QStringLiteral("--route FROM:TO is required")
                               : QStringLiteral("no route \"%1\" in %2").arg(wanted, profile.name))
          << " (routes: " << known.join(QStringLiteral(", ")) << ")\n";
    return nullptr;
}

std::optional<QString> CliContext::format(const QCommandLineParser &parser, const QStringList &extra)
{
    const QString value = parser.value(QStringLiteral("format"));
    const QStringList allowed = QStringList{QStringLiteral("table"), QStringLiteral("json")} + extra;
    if (allowed.contains(value))
        return value;
    m_err << "quayside-cli: --format must be " << allowed.mid(0, allowed.size() - 1).join(QStringLiteral(", "))
          << " or " << allowed.last() << ", not \"" << value << "\"\n";
    return std::nullopt;
}

} // namespace quayside::cli
