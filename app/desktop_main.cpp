// discodesk: the discovery service in a window that shows it working.

#include "AppSettings.h"
#include "CommandLine.h"
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

int main(int argc, char *argv[])
{
    if (!hasDisplay()) {
        std::fputs("discodesk: no display (DISPLAY and WAYLAND_DISPLAY are not set); "
                   "run discodesk-server for the discovery service without a window\n",
                   stderr);
        return 1;
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("DiscoDesk"));
    QApplication::setOrganizationName(QStringLiteral("DiscoDesk"));
    QApplication::setApplicationVersion(QStringLiteral(DISCODESK_VERSION));
    QApplication::setWindowIcon(Icons::application());
    // The window decides: closing it quits, unless the server stays in the tray.
    QApplication::setQuitOnLastWindowClosed(false);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "DiscoDesk: a discovery service for rqlite (-disco-url) and etcd (--discovery) in a window that shows "
        "it working.\n"
        "--bind, --port and --db override the saved settings for this run."));
    parser.addHelpOption();
    parser.addVersionOption();
    const ServerOptions options(parser);
    parser.process(app);

    QSettings storage;
    const AppSettings settings = AppSettings::load(storage);
    ServerConfig runConfig = settings.serverConfig();
    if (const QString error = options.apply(parser, runConfig); !error.isEmpty()) {
        std::fprintf(stderr, "discodesk: %s\n", qPrintable(error));
        QMessageBox::critical(nullptr, QStringLiteral("DiscoDesk"), error);
        return 2;
    }

    DialogPrompts prompts;
    MainWindow window(settings, runConfig, prompts);
    QObject::connect(&window, &MainWindow::settingsChanged, &window,
                     [&storage](const AppSettings &changed) { changed.save(storage); });
    // The window comes back where the user left it, with the docks as they were.
    window.restoreGeometry(storage.value(QStringLiteral("window/geometry")).toByteArray());
    window.restoreState(storage.value(QStringLiteral("window/state")).toByteArray());
    QObject::connect(&app, &QCoreApplication::aboutToQuit, &window, [&storage, &window] {
        storage.setValue(QStringLiteral("window/geometry"), window.saveGeometry());
        storage.setValue(QStringLiteral("window/state"), window.saveState());
    });
    window.show();
    // A failure is shown in the window, with the way to fix it; the program stays.
    if (!window.startServer())
        std::fprintf(stderr, "discodesk: %s\n", qPrintable(window.serverError()));
    return app.exec();
}
