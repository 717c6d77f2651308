#pragma once

#include "fmtqt.h"

#include <QString>

#include <spdlog/logger.h>

#include <memory>
#include <optional>

// Named loggers over shared sinks (a rotating file in the cache location and stderr), so a
// user's bug report carries one coherent log and each subsystem's verbosity can be told apart.
namespace quayside::log {

struct Options {
    // spdlog level name ("trace", "debug", "info", "warn", "error", "critical", "off").
    QString level = QStringLiteral("info");
    // Empty: the standard cache location. "-": no file at all (tests, short CLI runs).
    QString filePath;
    bool toStderr = true;
};

// Resolves the level from an explicit --log-level value, else QUAYSIDE_LOG, else "info".
QString levelFrom(const std::optional<QString> &commandLine);

// Sets the loggers up once; later calls only change the level. Routes Qt messages in.
void init(const Options &options);

// Where the rotating log file lives (empty if file logging is off).
QString logFilePath();

std::shared_ptr<spdlog::logger> net();
std::shared_ptr<spdlog::logger> scan();
std::shared_ptr<spdlog::logger> jobs();
std::shared_ptr<spdlog::logger> ui();
std::shared_ptr<spdlog::logger> keychain();
std::shared_ptr<spdlog::logger> app();

} // namespace quayside::log
