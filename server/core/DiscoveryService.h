#pragma once

#include "core/Records.h"
#include "store/Store.h"

// The discovery rules on top of the store: new IDs are random UUID v4s, every change
// is stamped with the current time, registration is idempotent. The HTTP APIs and the
// window change data only through here; input has been validated by then
// (core/Validation.h).
class DiscoveryService
{
public:
    explicit DiscoveryService(Store &store) : m_store(store) {}

    Store &store() { return m_store; }

    // rqlite IDs are UUIDs; etcd tokens are 32 hex digits, as discovery.etcd.io made them.
    StoreResult<DiscoveryId> createId(DiscoveryKind kind, const QString &label,
                                      std::optional<int> expectedSize = std::nullopt);
    StoreResult<Store::EtcdMemberCreation> createEtcdMember(const QString &token, const QString &memberId,
                                                            const QString &value, const QString &registeredBy);
    StoreResult<Store::NodeChange> registerNode(const QString &id, const QString &address,
                                                const QString &registeredBy,
                                                RqliteRecord *record = nullptr);
    StoreResult<Store::NodeChange> removeNode(const QString &id, const QString &address);
    StoreResult<PruneResult> prune(const PruneRules &rules, bool dryRun);
    StoreResult<ImportSummary> importIds(const QList<DiscoveryIdWithNodes> &records);

    static QString newId(DiscoveryKind kind);

private:
    Store &m_store;
};
