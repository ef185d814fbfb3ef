#include "DiscoveryService.h"

#include <QUuid>

QString DiscoveryService::newId()
{
    // QUuid::createUuid() is version 4 from the system's secure random source:
    // knowing an ID is what lets a node register, so it must not be guessable.
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

StoreResult<DiscoveryId> DiscoveryService::createId(DiscoveryKind kind, const QString &label,
                                                    std::optional<int> expectedSize)
{
    DiscoveryId record;
    record.id = newId();
    record.kind = kind;
    record.createdAt = Timestamp::now();
    record.label = label;
    record.expectedSize = expectedSize;
    return m_store.createId(record);
}

StoreResult<Store::NodeChange> DiscoveryService::registerNode(const QString &id, const QString &address,
                                                              const QString &registeredBy)
{
    return m_store.registerNode(id, address, registeredBy, Timestamp::now());
}

StoreResult<Store::NodeChange> DiscoveryService::removeNode(const QString &id, const QString &address)
{
    return m_store.removeNode(id, address, Timestamp::now());
}

StoreResult<PruneResult> DiscoveryService::prune(const PruneRules &rules, bool dryRun)
{
    return m_store.prune(rules, dryRun, Timestamp::now());
}

StoreResult<ImportSummary> DiscoveryService::importIds(const QList<DiscoveryIdWithNodes> &records)
{
    return m_store.importIds(records, Timestamp::now());
}
