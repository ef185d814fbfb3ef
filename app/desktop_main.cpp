// discodesk: the discovery service in a window that shows it working.

#include "WindowBenchmark.h"
#include "WindowProgram.h"

#include <QCommandLineParser>
#include <QElapsedTimer>

int main(int argc, char *argv[])
{
    QElapsedTimer sinceStart; // the benchmark mode counts from here
    sinceStart.start();
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

    WindowBenchmark::Options benchmark;
    WindowBenchmark *benchmarking = nullptr;
    WindowProgram program;
    program.name = QStringLiteral("discodesk");
    program.description = QStringLiteral(
        "DiscoDesk: a discovery service for rqlite (-disco-url) and etcd (--discovery) in a window that shows "
        "it working.");
    program.options = {benchmarkScroll, benchmarkStalls};
    program.readOptions = [&](const QCommandLineParser &parser) {
        benchmark.scroll = parser.isSet(benchmarkScroll);
        if (parser.isSet(benchmarkStalls)) {
            bool ok = false;
            benchmark.watchSeconds = parser.value(benchmarkStalls).toInt(&ok);
            if (!ok || benchmark.watchSeconds < 1 || benchmark.watchSeconds > 3600)
                return QStringLiteral("--benchmark-stalls: give whole seconds from 1 to 3600");
        }
        return QString();
    };
    program.watchWindow = [&](MainWindow &window) -> std::unique_ptr<QObject> {
        if (!benchmark.scroll && benchmark.watchSeconds == 0)
            return nullptr;
        auto made = std::make_unique<WindowBenchmark>(window, benchmark, sinceStart);
        benchmarking = made.get();
        return made;
    };
    program.started = [&] {
        if (benchmarking)
            benchmarking->start();
    };
    return program.run(argc, argv);
}
