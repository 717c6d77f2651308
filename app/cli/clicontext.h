#pragma once

#include "inventory/profile.h"

#include <QCommandLineParser>
#include <QString>
#include <QTextStream>

#include <optional>

namespace quayside::cli {

// What every subcommand shares: output streams, whether stdout is a terminal (progress lines
// only then), and the common options (--profile, --format, --log-level).
class CliContext final
{
public:
    CliContext();

    QTextStream &out() { return m_out; }
    QTextStream &err() { return m_err; }
    bool stdoutIsTerminal() const { return m_stdoutIsTerminal; }
    bool stderrIsTerminal() const { return m_stderrIsTerminal; }

    // Adds --profile, --format and --log-level to a subcommand's parser.
    static void addCommonOptions(QCommandLineParser &parser, bool withFormat = true);

    // Parses; on --help prints it and returns ExitOk, on error prints and returns ExitUsage.
    // nullopt means "carry on".
    std::optional<int> parse(QCommandLineParser &parser, const QString &command,
                             const QStringList &arguments);

    // Loads the profile named by --profile (default "sandbox" when a sandbox runs, else an
    // error asking for one). Prints every problem and returns nullopt on failure.
    std::optional<Profile> loadProfile(const QCommandLineParser &parser);

    // The route FROM:TO of the profile; otherwise says so, with the routes there are.
    const Route *route(const Profile &profile, const QString &wanted, const QString &command);

    // "table" or "json"; anything else is a usage error reported here.
    // --format: table or json, or one of the command's own extra formats.
    std::optional<QString> format(const QCommandLineParser &parser, const QStringList &extra = {});

private:
    QTextStream m_out;
    QTextStream m_err;
    bool m_stdoutIsTerminal = false;
    bool m_stderrIsTerminal = false;
};

} // namespace quayside::cli
