// discodesk-window-bench: DiscoDesk's window, opened as discodesk opens it, measured
// as a user feels it (bench/scale runs it). Built only with the benchmarks.

#include "WindowBenchmark.h"
#include "WindowProgram.h"

#include <QCommandLineParser>
#include <QElapsedTimer>

int main(int argc, char *argv[])
{
    QElapsedTimer sinceStart; // the figures count from here
    sinceStart.start();
    const QCommandLineOption scroll(
        QStringLiteral("benchmark-scroll"),
        QStringLiteral("Once the first IDs are shown, scroll the IDs table to its last row, loading every page, "
                       "then print how long it took and quit."));
    const QCommandLineOption stalls(
        QStringLiteral("benchmark-stalls"),
        QStringLiteral("Once the first IDs are shown (and scrolled through, with --benchmark-scroll), print "
                       "\"benchmark: ready\", measure the longest stall of the event loop (a timer every %1 ms) "
                       "and how long changes take to show, for this many seconds; then compare the tables with "
                       "the store, print the figures and quit.").arg(StallMeter::IntervalMs),
        QStringLiteral("seconds"));

    WindowBenchmark::Options benchmark;
    WindowBenchmark *benchmarking = nullptr;
    WindowProgram program;
    program.name = QStringLiteral("discodesk-window-bench");
    program.description = QStringLiteral(
        "DiscoDesk's window, opened as discodesk opens it, with --benchmark-scroll or --benchmark-stalls. "
        "Figures go to standard output as \"benchmark: name=value\" lines, times in ms from the start of "
        "the program.");
    program.options = {scroll, stalls};
    program.readOptions = [&](const QCommandLineParser &parser) {
        benchmark.scroll = parser.isSet(scroll);
        if (parser.isSet(stalls)) {
            bool ok = false;
            benchmark.watchSeconds = parser.value(stalls).toInt(&ok);
            if (!ok || benchmark.watchSeconds < 1 || benchmark.watchSeconds > 3600)
                return QStringLiteral("--benchmark-stalls: give whole seconds from 1 to 3600");
        }
        if (!benchmark.scroll && benchmark.watchSeconds == 0)
            return QStringLiteral("give --benchmark-scroll, --benchmark-stalls SECONDS or both");
        return QString();
    };
    program.watchWindow = [&](MainWindow &window, AppController &app) -> std::unique_ptr<QObject> {
        auto made = std::make_unique<WindowBenchmark>(window, app, benchmark, sinceStart);
        benchmarking = made.get();
        return made;
    };
    program.started = [&] { benchmarking->start(); };
    return program.run(argc, argv);
}
