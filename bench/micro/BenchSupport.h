#pragma once

#include "core/Records.h"
#include "service/DiscoveryService.h"
#include "store/Store.h"

#include <QTemporaryDir>

#include <benchmark/benchmark.h>

#include <memory>

// What the micro-benchmarks share: a Store on a real SQLite file in a temporary
// folder with the DiscoveryService every front uses on it, made-up IDs and
// addresses, and stores filled once for the read paths.
namespace BenchSupport {

// A Store opened on a new file in a folder of its own, and a DiscoveryService on it
// whose clock starts at at() and moves one microsecond a call, so that runs are
// alike; all go when it does.
class TempStore
{
public:
    TempStore();
    TempStore(const TempStore &) = delete;
    TempStore &operator=(const TempStore &) = delete;

    // Both only when error() is empty.
    Store &store() { return *m_store; }
    DiscoveryService &service() { return *m_service; }
    // Empty when the store opened (and was filled, for the shared ones); else why not.
    const QString &error() const { return m_error; }
    void setError(const QString &error) { m_error = error; }

private:
    QTemporaryDir m_dir; // declared first: removed after the store closed
    std::unique_ptr<Store> m_store;
    std::unique_ptr<DiscoveryService> m_service; // declared after the store it uses
    qint64 m_ticks = 0; // the clock's calls
    QString m_error;
};

// Skips the benchmark with the store's error, if it has one; true when usable.
bool usable(const TempStore &store, benchmark::State &state);

// The n-th made-up ID, shaped like an rqlite discovery ID (a UUID): unique per n.
QString idOf(qint64 n);
// The k-th node address of the n-th ID: "10.x.y.z:4001"-like, unique per (n, k).
QString addressOf(qint64 n, int k);
// A fixed moment, so that runs are alike: 2026-11-23T00:00:00Z.
inline constexpr qint64 BaseMicroseconds = 1795392000LL * 1000000;
inline Timestamp at(qint64 offsetMicroseconds = 0)
{
    return Timestamp::fromMicroseconds(BaseMicroseconds + offsetMicroseconds);
}

// The n-th made-up rqlite ID with its first `nodes` addresses.
DiscoveryIdWithNodes recordOf(qint64 n, int nodes);

// IDs first .. first+count-1, each with `nodes` nodes, written in one transaction
// (the service's import). Returns an empty string on success, else why not.
QString fill(DiscoveryService &service, qint64 first, qint64 count, int nodes);

// Filled once on first use, shared by the read benchmarks, removed by release().
// The catalog: 10,000 rqlite IDs with 5 nodes each.
inline constexpr qint64 CatalogIds = 10000;
TempStore &catalog();
// The export: 1,000 rqlite IDs with 5 nodes each.
inline constexpr qint64 ExportIds = 1000;
TempStore &exportStore();
// Closes the shared stores: call before the QCoreApplication goes.
void release();

} // namespace BenchSupport
