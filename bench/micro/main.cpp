// BENCHMARK_MAIN, with a QCoreApplication first: QtSql finds its SQLite driver
// through the application's plugin paths.
#include "BenchSupport.h"

#include <QCoreApplication>

#include <benchmark/benchmark.h>

int main(int argc, char **argv)
{
    // Qt gets only the program's name: Google Benchmark takes its own options out
    // of argv, which Qt must not see change under it.
    int qtArgc = 1;
    char *qtArgv[] = {argv[0], nullptr};
    QCoreApplication app(qtArgc, qtArgv);

    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    BenchSupport::release(); // the shared stores close while Qt is still there
    return 0;
}
