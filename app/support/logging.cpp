#include "logging.h"

#include "redact.h"

#include <QDir>
#include <QStandardPaths>
#include <QtGlobal>

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <mutex>
#include <vector>

namespace quayside::log {
namespace {

constexpr std::size_t kMaxFileSize = 5 * 1024 * 1024;
constexpr std::size_t kMaxFiles = 3;
constexpr const char *kNames[] = {"net", "scan", "jobs", "ui", "keychain", "app", "qt"};

std::once_flag g_once;
QString g_filePath;

std::shared_ptr<spdlog::logger> named(const char *name)
{
    if (auto existing = spdlog::get(name))
        return existing;
    // Used before init() (e.g. in a unit test): log to stderr at the default level rather
    // than dereferencing null.
    init(Options{.level = levelFrom(std::nullopt), .filePath = QStringLiteral("-")});
    return spdlog::get(name);
}

void qtMessageHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    static const auto qt = spdlog::get("qt");
    if (!qt)
        return;
    const std::string text = redact::text(message).toStdString();
    const char *category = context.category ? context.category : "default";
    switch (type) {
    case QtDebugMsg:
        qt->debug("[{}] {}", category, text);
        break;
    case QtInfoMsg:
        qt->info("[{}] {}", category, text);
        break;
    case QtWarningMsg:
        qt->warn("[{}] {}", category, text);
        break;
    case QtCriticalMsg:
        qt->error("[{}] {}", category, text);
        break;
    case QtFatalMsg:
        qt->critical("[{}] {}", category, text);
        qt->flush();
        break;
    }
}

spdlog::level::level_enum parseLevel(const QString &level)
{
    const auto parsed = spdlog::level::from_str(level.trimmed().toLower().toStdString());
    // from_str answers "off" for unknown names; a typo should not silence everything.
    if (parsed == spdlog::level::off && level.trimmed().toLower() != QLatin1String("off"))
        return spdlog::level::info;
    return parsed;
}

} // namespace

QString levelFrom(const std::optional<QString> &commandLine)
{
    if (commandLine && !commandLine->isEmpty())
        return *commandLine;
    const QString env = qEnvironmentVariable("QUAYSIDE_LOG");
    return env.isEmpty() ? QStringLiteral("info") : env;
}

void init(const Options &options)
{
    std::call_once(g_once, [&options] {
        std::vector<spdlog::sink_ptr> sinks;
        if (options.filePath != QLatin1String("-")) {
            QString path = options.filePath;
            if (path.isEmpty()) {
                const QString dir =
                    QStandardPaths::writableLocation(QStandardPaths::CacheLocation);
                QDir().mkpath(dir);
                path = dir + QStringLiteral("/quayside.log");
            }
            try {
                sinks.push_back(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
                    path.toStdString(), kMaxFileSize, kMaxFiles));
                g_filePath = path;
            } catch (const spdlog::spdlog_ex &) {
                // A read-only cache must not stop the program; stderr still works.
            }
        }
        if (options.toStderr)
            sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());

        for (const char *name : kNames) {
            auto logger = std::make_shared<spdlog::logger>(name, sinks.begin(), sinks.end());
            logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ [%n] %v");
            logger->flush_on(spdlog::level::warn);
            spdlog::register_logger(logger);
        }
        qInstallMessageHandler(qtMessageHandler);
    });
    const auto level = parseLevel(options.level);
    for (const char *name : kNames)
        if (auto logger = spdlog::get(name))
            logger->set_level(level);
}

QString logFilePath() { return g_filePath; }

std::shared_ptr<spdlog::logger> net() { return named("net"); }
std::shared_ptr<spdlog::logger> scan() { return named("scan"); }
std::shared_ptr<spdlog::logger> jobs() { return named("jobs"); }
std::shared_ptr<spdlog::logger> ui() { return named("ui"); }
std::shared_ptr<spdlog::logger> keychain() { return named("keychain"); }
std::shared_ptr<spdlog::logger> app() { return named("app"); }

} // namespace quayside::log
