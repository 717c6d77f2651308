// quayside: the desktop console.
#include "inventory/profileloader.h"
#include "mainwindow.h"
#include "support/application.h"
#include "support/logging.h"
#include "support/paths.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QIcon>
#include <QSettings>
#include <QTimer>

int main(int argc, char *argv[])
{
    QApplication application(argc, argv);
    quayside::identifyApplication();
    QApplication::setApplicationDisplayName(QStringLiteral("Quayside"));
    QApplication::setDesktopFileName(QStringLiteral(QUAYSIDE_APP_ID));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/quayside.svg")));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Compare, migrate and promote container images between registries."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({QStringLiteral("profile"),
                      QStringLiteral("Profile file or name (fedora, fedora-staging, sandbox, or "
                                     "one of yours)."),
                      QStringLiteral("FILE|NAME")});
    parser.addOption({QStringLiteral("log-level"),
                      QStringLiteral("trace, debug, info, warn, error or off (default: "
                                     "$QUAYSIDE_LOG, else info)."),
                      QStringLiteral("LEVEL")});
    parser.addOption({QStringLiteral("scan"),
                      QStringLiteral("Scan the registries as soon as the window opens.")});
    parser.addOption({QStringLiteral("select"),
                      QStringLiteral("Select the first row whose repository:tag contains TEXT "
                                     "(with --screenshot, to show its details)."),
                      QStringLiteral("TEXT")});
    parser.addOption({QStringLiteral("screenshot"),
                      QStringLiteral("Save a PNG of the window once it has settled, then quit "
                                     "(for docs and for looking at a headless run)."),
                      QStringLiteral("FILE")});
    parser.process(application);

    quayside::log::init({.level = quayside::log::levelFrom(
                             parser.isSet(QStringLiteral("log-level"))
                                 ? std::optional(parser.value(QStringLiteral("log-level")))
                                 : std::nullopt),
                         .filePath = QString(),
                         .toStderr = true});
    quayside::log::app()->info("Quayside {} starting", QUAYSIDE_VERSION);

    quayside::MainWindow window;
    // An explicit --profile wins; then the last profile used; then a running sandbox; then
    // Fedora production, which is what the console is for.
    QString profile = parser.value(QStringLiteral("profile"));
    if (profile.isEmpty())
        profile = QSettings().value(QStringLiteral("ui/lastProfile")).toString();
    if (profile.isEmpty())
        profile = QFileInfo::exists(quayside::paths::sandboxStateDir() +
                                    QStringLiteral("/profile.json"))
                      ? QStringLiteral("sandbox")
                      : QStringLiteral("fedora");
    if (!window.openProfile(profile) && profile != QLatin1String("fedora"))
        window.openProfile(QStringLiteral("fedora"));
    window.show();

    const QString screenshot = parser.value(QStringLiteral("screenshot"));
    const QString select = parser.value(QStringLiteral("select"));
    auto shoot = [&window, screenshot, select] {
        if (!select.isEmpty())
            window.selectRow(select);
        // Long enough for layouts, fonts and the first paint of every view to settle.
        QTimer::singleShot(1500, &window, [&window, screenshot] {
            const bool saved = window.grab().save(screenshot, "PNG");
            quayside::log::app()->info("screenshot {} {}", screenshot,
                                       saved ? "saved" : "could not be written");
            QApplication::exit(saved ? 0 : 1);
        });
    };
    if (parser.isSet(QStringLiteral("scan"))) {
        if (!screenshot.isEmpty())
            QObject::connect(&window, &quayside::MainWindow::scanFinished, &window, shoot);
        QTimer::singleShot(0, &window, [&window] { window.scan(false); });
    } else if (!screenshot.isEmpty()) {
        shoot();
    }
    return QApplication::exec();
}
