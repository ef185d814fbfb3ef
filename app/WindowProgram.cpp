#include "WindowProgram.h"

#include "AppSettings.h"
#include "CommandLine.h"
#include "HeapTuning.h"
#include "Icons.h"
#include "MainWindow.h"
#include "UserPrompts.h"
#include "Version.h"

#include <QApplication>
#include <QMessageBox>
#include <QSettings>

#include <cstdio>

namespace {

// On X11/Wayland desktops Qt aborts with a core dump when there is no display; say
// plainly what to run instead.
bool hasDisplay()
{
#if defined(Q_OS_UNIX) && !defined(Q_OS_MACOS)
    return qEnvironmentVariableIsSet("DISPLAY") || qEnvironmentVariableIsSet("WAYLAND_DISPLAY")
        || qEnvironmentVariableIsSet("QT_QPA_PLATFORM");
#else
    return true;
#endif
}

} // namespace

int WindowProgram::run(int argc, char *argv[]) const
{
    if (!hasDisplay()) {
        std::fprintf(stderr,
                     "%s: no display (DISPLAY and WAYLAND_DISPLAY are not set); "
                     "run discodesk-server for the discovery service without a window\n",
                     qPrintable(name));
        return 1;
    }
    HeapTuning::keepFreedMemory();
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("DiscoDesk"));
    QApplication::setOrganizationName(QStringLiteral("DiscoDesk"));
    QApplication::setApplicationVersion(QStringLiteral(DISCODESK_VERSION));
    QApplication::setWindowIcon(Icons::application());
    // The window decides: closing it quits, unless the server stays in the tray.
    QApplication::setQuitOnLastWindowClosed(false);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        description + QStringLiteral("\n--bind, --port and --db override the saved settings for this run."));
    parser.addHelpOption();
    parser.addVersionOption();
    const ServerOptions serverOptions(parser);
    parser.addOptions(options);
    parser.process(app);
    if (readOptions) {
        if (const QString error = readOptions(parser); !error.isEmpty()) {
            std::fprintf(stderr, "%s: %s\n", qPrintable(name), qPrintable(error));
            return 2;
        }
    }

    QSettings storage;
    const AppSettings settings = AppSettings::load(storage);
    ServerConfig runConfig = settings.serverConfig();
    if (const QString error = serverOptions.apply(parser, runConfig); !error.isEmpty()) {
        std::fprintf(stderr, "%s: %s\n", qPrintable(name), qPrintable(error));
        QMessageBox::critical(nullptr, QStringLiteral("DiscoDesk"), error);
        return 2;
    }

    DialogPrompts prompts(storage);
    AppController controller(settings, runConfig);
    QObject::connect(&controller, &AppController::settingsChanged, &controller,
                     [&storage](const AppSettings &changed) { changed.save(storage); });
    MainWindow window(controller, prompts);
    // The window comes back where the user left it, with the docks as they were.
    window.restoreGeometry(storage.value(QStringLiteral("window/geometry")).toByteArray());
    window.restoreState(storage.value(QStringLiteral("window/state")).toByteArray());
    QObject::connect(&app, &QCoreApplication::aboutToQuit, &window, [&storage, &window] {
        storage.setValue(QStringLiteral("window/geometry"), window.saveGeometry());
        storage.setValue(QStringLiteral("window/state"), window.saveState());
    });
    const std::unique_ptr<QObject> watcher = watchWindow ? watchWindow(window, controller) : nullptr;
    // The server starts in the background; a failure is shown in the window, with the
    // way to fix it, and the program stays.
    bool firstStart = true;
    QObject::connect(&controller, &AppController::serverChanged, &controller, [&] {
        if (controller.server().isStarting())
            return;
        if (!controller.serverError().isEmpty())
            std::fprintf(stderr, "%s: %s\n", qPrintable(name), qPrintable(controller.serverError()));
        if (std::exchange(firstStart, false) && started)
            started();
    });
    window.show();
    controller.startServer();
    return app.exec();
}
