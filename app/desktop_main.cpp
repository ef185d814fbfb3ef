// discodesk: the discovery service in a window that shows it working.

#include "AppSettings.h"
#include "CommandLine.h"
#include "Icons.h"
#include "MainWindow.h"
#include "UserPrompts.h"
#include "Version.h"
#include "WindowBenchmark.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QMessageBox>
#include <QSettings>

#include <cstdio>
#include <memory>

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
    QElapsedTimer sinceStart; // the benchmark mode counts from here
    sinceStart.start();
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
    const QCommandLineOption benchmarkScroll(
        QStringLiteral("benchmark-scroll"),
        QStringLiteral("Benchmark: once the first IDs are shown, scroll the IDs table to its last row, loading "
                       "every page, then print how long it took and quit. Figures go to standard output as "
                       "\"benchmark: name=value\" lines, times in ms from the start of the program."));
    const QCommandLineOption benchmarkStalls(
        QStringLiteral("benchmark-stalls"),
        QStringLiteral("Benchmark: once the first IDs are shown (and scrolled through, with --benchmark-scroll), "
                       "print \"benchmark: ready\", measure the longest stall of the event loop (a timer every "
                       "%1 ms) and how long changes take to show, for this many seconds; then compare the tables "
                       "with the store, print the figures and quit.").arg(StallMeter::IntervalMs),
        QStringLiteral("seconds"));
    parser.addOption(benchmarkScroll);
    parser.addOption(benchmarkStalls);
    parser.process(app);

    WindowBenchmark::Options benchmark;
    benchmark.scroll = parser.isSet(benchmarkScroll);
    if (parser.isSet(benchmarkStalls)) {
        bool ok = false;
        benchmark.watchSeconds = parser.value(benchmarkStalls).toInt(&ok);
        if (!ok || benchmark.watchSeconds < 1 || benchmark.watchSeconds > 3600) {
            std::fputs("discodesk: --benchmark-stalls: give whole seconds from 1 to 3600\n", stderr);
            return 2;
        }
    }

    QSettings storage;
    const AppSettings settings = AppSettings::load(storage);
    ServerConfig runConfig = settings.serverConfig();
    if (const QString error = options.apply(parser, runConfig); !error.isEmpty()) {
        std::fprintf(stderr, "discodesk: %s\n", qPrintable(error));
        QMessageBox::critical(nullptr, QStringLiteral("DiscoDesk"), error);
        return 2;
    }

    DialogPrompts prompts;
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
    std::unique_ptr<WindowBenchmark> benchmarking;
    if (benchmark.scroll || benchmark.watchSeconds > 0)
        benchmarking = std::make_unique<WindowBenchmark>(window, controller, benchmark, sinceStart);
    // A failure is shown in the window, with the way to fix it; the program stays.
    bool firstStart = true;
    QObject::connect(&controller, &AppController::serverChanged, &controller, [&] {
        if (controller.server().isStarting())
            return;
        if (!controller.serverError().isEmpty())
            std::fprintf(stderr, "discodesk: %s\n", qPrintable(controller.serverError()));
        if (std::exchange(firstStart, false) && benchmarking)
            benchmarking->start();
    });
    window.show();
    controller.startServer();
    return app.exec();
}
