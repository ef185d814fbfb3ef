#include "BenchSupport.h"

#include <algorithm>

namespace BenchSupport {

TempStore::TempStore()
{
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("cannot make a temporary folder: %1").arg(m_dir.errorString());
        return;
    }
    m_store = Store::open(m_dir.filePath(QStringLiteral("bench.sqlite")), &m_error);
    if (m_store)
        m_service = std::make_unique<DiscoveryService>(*m_store, [this] { return at(++m_ticks); });
}

bool usable(const TempStore &store, benchmark::State &state)
{
    if (store.error().isEmpty())
        return true;
    state.SkipWithError(store.error().toStdString().c_str());
    return false;
}

QString idOf(qint64 n)
{
    // "00000000-0000-4000-8000-" and n in 12 hex digits: 36 characters like a UUID.
    return QStringLiteral("00000000-0000-4000-8000-%1").arg(n, 12, 16, QLatin1Char('0'));
}

QString addressOf(qint64 n, int k)
{
    return QStringLiteral("10.%1.%2.%3:400%4")
        .arg((n >> 16) & 0xff)
        .arg((n >> 8) & 0xff)
        .arg(n & 0xff)
        .arg(k + 1);
}

DiscoveryIdWithNodes recordOf(qint64 n, int nodes)
{
    DiscoveryIdWithNodes record;
    record.id.id = idOf(n);
    record.id.kind = DiscoveryKind::Rqlite;
    record.id.createdAt = at(n * 1000);
    record.id.lastActivity = record.id.createdAt;
    for (int k = 0; k < nodes; ++k) {
        Node node;
        node.address = addressOf(n, k);
        node.firstRegistered = at(n * 1000 + k + 1);
        node.lastSeen = node.firstRegistered;
        node.registeredBy = QStringLiteral("127.0.0.1");
        record.nodes.append(node);
    }
    return record;
}

QString fill(DiscoveryService &service, qint64 first, qint64 count, int nodes)
{
    QList<DiscoveryIdWithNodes> records;
    records.reserve(count);
    for (qint64 n = first; n < first + count; ++n)
        records.append(recordOf(n, nodes));
    // Room for every node made here, whatever the server's default cap.
    service.setMaxNodesPerId(std::max(service.maxNodesPerId(), nodes));
    const auto imported = service.importIds(records);
    if (!imported.ok())
        return imported.error();
    if (const auto &refused = imported->refused)
        return QStringLiteral("import refused: ") + refused->toString();
    return {};
}

namespace {

std::unique_ptr<TempStore> makeFilled(qint64 ids, int nodes)
{
    auto store = std::make_unique<TempStore>();
    if (store->error().isEmpty())
        store->setError(fill(store->service(), 0, ids, nodes));
    return store;
}

std::unique_ptr<TempStore> &catalogSlot()
{
    static std::unique_ptr<TempStore> store;
    return store;
}

std::unique_ptr<TempStore> &exportSlot()
{
    static std::unique_ptr<TempStore> store;
    return store;
}

} // namespace

TempStore &catalog()
{
    if (!catalogSlot())
        catalogSlot() = makeFilled(CatalogIds, 5);
    return *catalogSlot();
}

TempStore &exportStore()
{
    if (!exportSlot())
        exportSlot() = makeFilled(ExportIds, 5);
    return *exportSlot();
}

void release()
{
    catalogSlot().reset();
    exportSlot().reset();
}

} // namespace BenchSupport
