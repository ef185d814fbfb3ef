#include "DiscoveryService.h"

#include <QUuid>

QString DiscoveryService::newId(DiscoveryKind kind)
{
    // QUuid::createUuid() is version 4 from the system's secure random source:
    // knowing an ID is what lets a node register, so it must not be guessable.
    const QUuid uuid = QUuid::createUuid();
    return kind == DiscoveryKind::Etcd ? QString::fromLatin1(uuid.toRfc4122().toHex())
                                       : uuid.toString(QUuid::WithoutBraces);
}

StoreResult<DiscoveryId> DiscoveryService::createId(DiscoveryKind kind, const QString &label,
                                                    std::optional<int> expectedSize)
{
    DiscoveryId record;
    record.id = newId(kind);
    record.kind = kind;
    record.createdAt = Timestamp::now();
    record.label = label;
    record.expectedSize = expectedSize;
    return m_store.createId(record);
}

StoreResult<Store::NodeChange> DiscoveryService::registerNode(const QString &id, const QString &address,
                                                              const QString &registeredBy,
                                                              RqliteRecord *record)
{
    return m_store.registerNode(id, address, registeredBy, Timestamp::now(), record);
}

StoreResult<Store::NodeChange> DiscoveryService::removeNode(const QString &id, const QString &address)
{
    return m_store.removeNode(id, address, Timestamp::now());
}

StoreResult<Store::EtcdMemberCreation> DiscoveryService::createEtcdMember(const QString &token,
                                                                         const QString &memberId,
                                                                         const QString &value,
                                                                         const QString &registeredBy)
{
    return m_store.createEtcdMember(token, memberId, value, registeredBy, Timestamp::now());
}

StoreResult<PruneResult> DiscoveryService::prune(const PruneRules &rules, bool dryRun)
{
    return m_store.prune(rules, dryRun, Timestamp::now());
}

StoreResult<ImportSummary> DiscoveryService::importIds(const QList<DiscoveryIdWithNodes> &records)
{
    return m_store.importIds(records, Timestamp::now());
}
