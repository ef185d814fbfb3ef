// discodesk-generate: fills a new DiscoDesk database with made-up IDs and nodes for
// the scale benchmark (bench/scale), through the store's own import.

#include "ScaleData.h"
#include "service/DiscoveryService.h"
#include "store/Store.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>

#include <cstdio>
#include <limits>

namespace {

// IDs per import transaction: large enough to be quick, small enough that the
// store's change list for one transaction stays small.
constexpr qint64 ChunkIds = 5000;

qint64 numberOption(const QCommandLineParser &parser, const QString &name, bool *ok)
{
    const qint64 value = parser.value(name).toLongLong(ok);
    *ok = *ok && value >= 0;
    return value;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Fills a new DiscoDesk database with made-up discovery IDs and nodes (rqlite and etcd, some "
        "labelled, created evenly over --days days up to now), for the scale benchmark."));
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("db"), QStringLiteral("The database file to create (must not exist)."), QStringLiteral("path")},
        {QStringLiteral("ids"), QStringLiteral("Discovery IDs (default 100000)."), QStringLiteral("count"),
         QStringLiteral("100000")},
        {QStringLiteral("nodes"), QStringLiteral("Nodes in all (default 500000)."), QStringLiteral("count"),
         QStringLiteral("500000")},
        {QStringLiteral("days"), QStringLiteral("Span of creation times, ending now (default 60)."),
         QStringLiteral("days"), QStringLiteral("60")},
        {QStringLiteral("seed"), QStringLiteral("Random seed (default 1)."), QStringLiteral("number"),
         QStringLiteral("1")},
    });
    parser.process(app);

    bool idsOk = false, nodesOk = false, daysOk = false, seedOk = false;
    const qint64 ids = numberOption(parser, QStringLiteral("ids"), &idsOk);
    const qint64 nodes = numberOption(parser, QStringLiteral("nodes"), &nodesOk);
    const qint64 days = numberOption(parser, QStringLiteral("days"), &daysOk);
    const qint64 seed = numberOption(parser, QStringLiteral("seed"), &seedOk);
    const QString path = parser.value(QStringLiteral("db"));
    if (!idsOk || !nodesOk || !daysOk || !seedOk || days < 1 || days > 36500 || path.isEmpty()) {
        std::fputs("discodesk-generate: give --db, and whole numbers for --ids, --nodes, --days (1 or more) "
                   "and --seed\n", stderr);
        return 2;
    }
    if (ids == 0 && nodes > 0) {
        std::fputs("discodesk-generate: nodes need at least one ID\n", stderr);
        return 2;
    }
    // A fresh file only: merging into real data would make the figures meaningless.
    if (QFileInfo::exists(path)) {
        std::fprintf(stderr, "discodesk-generate: %s exists already\n", qPrintable(path));
        return 1;
    }

    QElapsedTimer timer;
    timer.start();
    QString error;
    const std::unique_ptr<Store> store = Store::open(path, &error);
    if (!store) {
        std::fprintf(stderr, "discodesk-generate: %s\n", qPrintable(error));
        return 1;
    }
    const Timestamp now = Timestamp::now();
    // Through the service, like an import: the figures are of data as DiscoDesk makes it.
    DiscoveryService service(*store, [now] { return now; });
    service.setMaxNodesPerId(std::numeric_limits<int>::max());
    ScaleData data(ids, nodes, now, int(days), quint64(seed));
    while (!data.atEnd()) {
        const auto imported = service.importIds(data.next(ChunkIds));
        if (!imported.ok() || imported->refused) {
            std::fprintf(stderr, "discodesk-generate: %s\n",
                         qPrintable(imported.ok() ? imported->refused->toString() : imported.error()));
            return 1;
        }
    }

    // Count what is there now, through the service, as a check.
    const auto counted = service.countIdsAndNodes();
    if (!counted.ok()) {
        std::fprintf(stderr, "discodesk-generate: %s\n", qPrintable(counted.error()));
        return 1;
    }
    std::printf("%s: %lld IDs and %lld nodes in %.1f s\n", qPrintable(path), static_cast<long long>(counted->ids),
                static_cast<long long>(counted->nodes), double(timer.elapsed()) / 1000);
    return counted->ids == ids && counted->nodes == nodes ? 0 : 1;
}
