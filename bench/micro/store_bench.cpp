// The store's hot paths, taken as the server takes them: through DiscoveryService,
// each on a real SQLite file (WAL, synchronous=NORMAL, as the server opens it). Data
// is made before the timed loop, or with the timing paused. Times are wall-clock
// (UseRealTime): a commit's waits on the disk count.
//
// "Store" benchmarks do the work their runs before DiscoveryService did (the node cap
// and the kind check were the store's then), so their figures compare. "Service" ones
// now include more of the service's rules than their Store forerunners measured:
// BM_ServiceRegisterNew reads the record back, as every registration now does
// (BM_StoreRegisterNew did not), and BM_ServiceCreateId makes the random UUID and
// stamps the time (BM_StoreCreateId inserted IDs made ahead, in order).
#include "BenchSupport.h"

#include <vector>

using namespace BenchSupport;

namespace {

const QString RegisteredBy = QStringLiteral("127.0.0.1");

// What the server does: with group commit on, DiscoveryServer commits after each
// pass of its event loop; here, after every 50 calls.
constexpr int CallsPerBatch = 50;

// An address to register, and how many nodes its ID has once it is registered.
struct Target
{
    QString id;
    QString address;
    int nodesAfter;
};

// Addresses to register, new to their IDs: IDs are made ahead, in blocks, each with
// nodesBefore nodes, and take newPerId more each (one ID after the other, as small
// clusters forming would).
class RegistrationPool
{
public:
    RegistrationPool(TempStore &temp, int nodesBefore, int newPerId)
        : m_temp(temp), m_nodesBefore(nodesBefore), m_newPerId(newPerId)
    {
    }

    bool empty() const { return m_next == m_targets.size(); }
    const Target &take() { return m_targets[m_next++]; }

    // The next block of IDs, written and committed. Empty string, or why not.
    QString refill()
    {
        if (const QString error = fill(m_temp.service(), m_nextId, BlockIds, m_nodesBefore); !error.isEmpty())
            return error;
        if (const auto committed = m_temp.store().commitBatch(); !committed.ok()) // with group commit on
            return committed.error();
        m_targets.clear();
        m_next = 0;
        for (qint64 n = m_nextId; n < m_nextId + BlockIds; ++n) {
            for (int k = m_nodesBefore; k < m_nodesBefore + m_newPerId; ++k)
                m_targets.push_back({idOf(n), addressOf(n, k), k + 1});
        }
        m_nextId += BlockIds;
        return {};
    }

private:
    static constexpr qint64 BlockIds = 2000;

    TempStore &m_temp;
    int m_nodesBefore;
    int m_newPerId;
    std::vector<Target> m_targets;
    std::size_t m_next = 0;
    qint64 m_nextId = 0;
};

bool commit(Store &store, benchmark::State &state)
{
    const auto committed = store.commitBatch();
    if (!committed.ok())
        state.SkipWithError(committed.error().toStdString().c_str());
    return committed.ok();
}

// With group commit on, commits every CallsPerBatch calls, as the server commits after
// each pass of its event loop; the rest is committed at the end.
class BatchCommits
{
public:
    BatchCommits(Store &store, bool on) : m_store(store), m_on(on) { store.setGroupCommit(on); }
    ~BatchCommits()
    {
        if (m_on)
            m_store.commitBatch();
    }
    // False when a commit failed (the benchmark then stops with the error).
    bool afterCall(benchmark::State &state)
    {
        if (!m_on || ++m_since < CallsPerBatch)
            return true;
        m_since = 0;
        return commit(m_store, state);
    }
    void committedElsewhere() { m_since = 0; }

private:
    Store &m_store;
    bool m_on;
    int m_since = 0;
};

// Registers target's address as the rqlite API does. Stops the benchmark when that
// failed, made another change than expected or read back the wrong record.
bool registerTarget(benchmark::State &state, DiscoveryService &service, const Target &target,
                    DiscoveryService::NodeChange expected)
{
    const auto result = service.registerNode(target.id, target.address, RegisteredBy);
    if (!result.ok()) {
        state.SkipWithError(result.error().toStdString().c_str());
        return false;
    }
    const char *problem = result->change != expected ? "the registration made another change than expected"
        : result->record.addresses.size() != target.nodesAfter ? "the record read back has the wrong number of addresses"
        : nullptr;
    if (problem)
        state.SkipWithError(problem);
    return !problem;
}

// Registers addresses new to their IDs; the service reads each record back.
void registerNew(benchmark::State &state, bool groupCommit, int nodesBefore, int newPerId)
{
    TempStore temp;
    if (!usable(temp, state))
        return;
    Store &store = temp.store();
    BatchCommits batches(store, groupCommit);
    RegistrationPool pool(temp, nodesBefore, newPerId);
    if (const QString error = pool.refill(); !error.isEmpty()) {
        state.SkipWithError(error.toStdString().c_str());
        return;
    }
    for (auto _ : state) {
        if (pool.empty()) {
            // The batch of the timed calls is committed here, untimed, once a block.
            state.PauseTiming();
            QString error;
            if (groupCommit) {
                if (const auto committed = store.commitBatch(); !committed.ok())
                    error = committed.error();
            }
            if (error.isEmpty())
                error = pool.refill();
            state.ResumeTiming(); // not after SkipWithError: it may not follow one
            if (!error.isEmpty()) {
                state.SkipWithError(error.toStdString().c_str());
                break;
            }
            batches.committedElsewhere();
        }
        if (!registerTarget(state, temp.service(), pool.take(), DiscoveryService::NodeChange::Added))
            break;
        if (!batches.afterCall(state))
            break;
    }
    state.SetItemsProcessed(state.iterations());
}

// (a) and (b): five new addresses into each ID, one to five in the record read back.
void BM_ServiceRegisterNew(benchmark::State &state, bool groupCommit)
{
    registerNew(state, groupCommit, 0, 5);
}
BENCHMARK_CAPTURE(BM_ServiceRegisterNew, one_transaction_each, false)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_ServiceRegisterNew, group_commit_50, true)->Unit(benchmark::kMicrosecond)->UseRealTime();

// What the rqlite API does: the fifth node of an ID registers and the reply's record
// (five addresses) is read back in the same transaction. Group commit on.
void BM_StoreRegisterNewWithRecord(benchmark::State &state)
{
    registerNew(state, true, 4, 1);
}
BENCHMARK(BM_StoreRegisterNewWithRecord)->Name("BM_StoreRegisterNewWithRecord/5_nodes/group_commit_50")
    ->Unit(benchmark::kMicrosecond)->UseRealTime();

// A node of a 5-node ID registering again (a restarted rqlited), record read back.
void BM_StoreRegisterAgainWithRecord(benchmark::State &state)
{
    TempStore temp;
    if (!usable(temp, state))
        return;
    constexpr qint64 Ids = 1000;
    if (const QString error = fill(temp.service(), 0, Ids, 5); !error.isEmpty()) {
        state.SkipWithError(error.toStdString().c_str());
        return;
    }
    std::vector<Target> targets;
    for (int k = 0; k < 5; ++k) {
        for (qint64 n = 0; n < Ids; ++n)
            targets.push_back({idOf(n), addressOf(n, k), 5});
    }
    BatchCommits batches(temp.store(), true);
    std::size_t next = 0;
    for (auto _ : state) {
        const Target &target = targets[next];
        next = (next + 1) % targets.size();
        if (!registerTarget(state, temp.service(), target, DiscoveryService::NodeChange::Updated))
            break;
        if (!batches.afterCall(state))
            break;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StoreRegisterAgainWithRecord)->Name("BM_StoreRegisterAgainWithRecord/5_nodes/group_commit_50")
    ->Unit(benchmark::kMicrosecond)->UseRealTime();

// A new rqlite ID as the APIs make one: a random UUID, the clock's time, one insert.
// Random keys land all over the primary key's b-tree, so a batch writes more pages
// than the ordered IDs BM_StoreCreateId inserted.
void BM_ServiceCreateId(benchmark::State &state, bool groupCommit)
{
    TempStore temp;
    if (!usable(temp, state))
        return;
    BatchCommits batches(temp.store(), groupCommit);
    for (auto _ : state) {
        const auto created = temp.service().createId(DiscoveryKind::Rqlite, QString());
        if (!created.ok()) {
            state.SkipWithError(created.error().toStdString().c_str());
            break;
        }
        if (!batches.afterCall(state))
            break;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_ServiceCreateId, one_transaction_each, false)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_ServiceCreateId, group_commit_50, true)->Unit(benchmark::kMicrosecond)->UseRealTime();

// The catalog's IDs in turn: 10,000 IDs with 5 nodes each.
QStringList catalogIds()
{
    QStringList ids;
    ids.reserve(CatalogIds);
    for (qint64 n = 0; n < CatalogIds; ++n)
        ids.append(idOf(n));
    return ids;
}

// Looks up the catalog's IDs in turn; lookup returns what is wrong with an answer,
// or nullptr when it is right.
template <typename Lookup>
void lookUpEachId(benchmark::State &state, Lookup lookup)
{
    TempStore &temp = catalog();
    if (!usable(temp, state))
        return;
    const QStringList ids = catalogIds();
    qsizetype next = 0;
    for (auto _ : state) {
        if (const char *problem = lookup(temp.service(), ids.at(next))) {
            state.SkipWithError(problem);
            break;
        }
        next = (next + 1) % ids.size();
    }
    state.SetItemsProcessed(state.iterations());
}

void BM_StoreFindRqliteRecord(benchmark::State &state)
{
    lookUpEachId(state, [](DiscoveryService &service, const QString &id) -> const char * {
        const auto found = service.findRqliteRecord(id);
        return found.ok() && found.value() && found.value()->addresses.size() == 5 ? nullptr
                                                                                     : "no record with 5 addresses";
    });
}
BENCHMARK(BM_StoreFindRqliteRecord)->Name("BM_StoreFindRqliteRecord/5_nodes")
    ->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_StoreFindIdWithNodes(benchmark::State &state)
{
    lookUpEachId(state, [](DiscoveryService &service, const QString &id) -> const char * {
        const auto found = service.findIdWithNodes(id);
        return found.ok() && found.value() && found.value()->nodes.size() == 5 ? nullptr : "no ID with 5 nodes";
    });
}
BENCHMARK(BM_StoreFindIdWithNodes)->Name("BM_StoreFindIdWithNodes/5_nodes")
    ->Unit(benchmark::kMicrosecond)->UseRealTime();

// A page of 100 of the 10,000 IDs, newest first: the first page, and one from the middle.
void BM_StoreListIds(benchmark::State &state)
{
    TempStore &temp = catalog();
    if (!usable(temp, state))
        return;
    IdListQuery query;
    query.offset = static_cast<int>(state.range(0));
    query.limit = 100;
    for (auto _ : state) {
        const auto page = temp.service().listIds(query);
        if (!page.ok() || page->total != CatalogIds || page->ids.size() != 100) {
            state.SkipWithError(page.ok() ? "not a page of 100 of 10,000" : page.error().toStdString().c_str());
            break;
        }
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StoreListIds)->Name("BM_StoreListIds/page_100_of_10000")->ArgName("offset")->Arg(0)->Arg(5000)
    ->Unit(benchmark::kMicrosecond)->UseRealTime();

// The export's read: every ID with its nodes, 1,000 IDs x 5 nodes.
void BM_StoreExportIds(benchmark::State &state)
{
    TempStore &temp = exportStore();
    if (!usable(temp, state))
        return;
    for (auto _ : state) {
        const auto records = temp.service().exportIds({});
        if (!records.ok() || records->size() != ExportIds) {
            state.SkipWithError(records.ok() ? "not 1,000 IDs" : records.error().toStdString().c_str());
            break;
        }
    }
    state.SetItemsProcessed(state.iterations() * ExportIds);
}
BENCHMARK(BM_StoreExportIds)->Name("BM_StoreExportIds/1000_ids_x_5_nodes")
    ->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace
