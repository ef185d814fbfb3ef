#pragma once

#include "core/ExchangeFormat.h"
#include "core/ExpiryRules.h"
#include "core/Records.h"
#include "core/StoreResult.h"

#include <functional>
#include <optional>

class Store;

// The one door to the data, for every front: the rqlite, etcd and admin APIs and the
// window. It holds the discovery rules: new IDs are random UUID v4s (etcd tokens 32
// hex digits), every change is stamped with the current time, registration is
// idempotent, an ID holds at most maxNodesPerId nodes, etcd indexes only grow, and an
// import merges by the rules below. Input has been validated by then
// (core/Validation.h); the store only keeps what it is told.
class DiscoveryService
{
public:
    static constexpr int DefaultMaxNodesPerId = 1000;
    using Clock = std::function<Timestamp()>;

    explicit DiscoveryService(Store &store, Clock clock = &Timestamp::now) : m_store(store), m_clock(std::move(clock)) {}

    // A new address beyond this many is refused (Full); registering again is not.
    void setMaxNodesPerId(int max) { m_maxNodesPerId = max; }
    int maxNodesPerId() const { return m_maxNodesPerId; }

    // --- reads ---
    // Whether the database answers: the health check.
    StoreResult<bool> checkHealth();
    StoreResult<std::optional<DiscoveryId>> findId(const QString &id);
    StoreResult<std::optional<DiscoveryIdWithNodes>> findIdWithNodes(const QString &id);
    // An rqlite ID's record; nullopt for an unknown ID or an etcd token.
    StoreResult<std::optional<RqliteRecord>> findRqliteRecord(const QString &id);
    StoreResult<IdPage> listIds(const IdListQuery &query);
    StoreResult<StoreCounts> countIdsAndNodes();
    // What prune(rules) would remove now. Reads only: nothing waits for it.
    StoreResult<PruneResult> previewPrune(const PruneRules &rules);
    // The given IDs (all when empty) handed to visit one at a time, from one moment's
    // data; see Store::exportIds.
    using IdVisitor = std::function<bool(const DiscoveryIdWithNodes &record)>;
    StoreResult<qsizetype> exportIds(const QStringList &ids, const IdVisitor &visit);
    StoreResult<QList<DiscoveryIdWithNodes>> exportIds(const QStringList &ids);
    // The Consul KV keys an export of everything holds beside the IDs.
    using KvVisitor = std::function<bool(const KvEntry &entry)>;
    StoreResult<qsizetype> exportKv(const KvVisitor &visit);

    // --- writes ---
    StoreResult<DiscoveryId> createId(DiscoveryKind kind, const QString &label,
                                      std::optional<int> expectedSize = std::nullopt);
    // nullopt: there is no such ID.
    StoreResult<std::optional<DiscoveryId>> setLabel(const QString &id, const QString &label);
    StoreResult<bool> deleteId(const QString &id); // false: there was no such ID

    enum class NodeChange {
        UnknownId, // the discovery ID does not exist (or is not of the kind asked for)
        Full,      // the ID has maxNodesPerId nodes already
        Added,
        Updated,   // it was there already: registered again
        Removed,
        Absent,    // removing an address that was not registered
    };
    // What a registration or removal did, and the rqlite record as that write left
    // it, read in the same transaction: the reply reports exactly what was saved.
    struct NodeWrite
    {
        NodeChange change;
        RqliteRecord record; // rqlite IDs, after Added, Updated, Removed or Absent
    };
    // rqlite's registration: adds the address to the rqlite ID, or counts it seen again.
    StoreResult<NodeWrite> registerNode(const QString &id, const QString &address, const QString &registeredBy);
    // Removes an address from an ID of either kind.
    StoreResult<NodeWrite> removeNode(const QString &id, const QString &address);

    // etcd's "PUT <token>/<member>?prevExist=false": creates the member with the
    // token's next index, or reports the member that is there already.
    struct EtcdMemberCreation
    {
        enum class Outcome { UnknownToken, Created, Exists, Full };
        Outcome outcome;
        Node member;       // the new member, or the one that exists
        qint64 tokenIndex; // the token's index afterwards
    };
    StoreResult<EtcdMemberCreation> createEtcdMember(const QString &token, const QString &memberId,
                                                     const QString &value, const QString &registeredBy);

    // Removes what the rules match, in one transaction that keeps other writers out.
    StoreResult<PruneResult> prune(const PruneRules &rules);

    // Automatic expiry, shared by every server on the database: its rules (off until
    // set), the last sweep, what a sweep would remove now (the Prune engine's preview
    // of the same rules), and a sweep when one is due: the rules are on and no server
    // has swept for an interval. Under the servers' write lock, so only one server
    // sweeps per interval.
    StoreResult<ExpiryRules> expiryRules();
    StoreResult<bool> setExpiryRules(const ExpiryRules &rules);
    StoreResult<std::optional<ExpirySweep>> lastExpirySweep();
    StoreResult<PruneResult> previewExpiry();
    StoreResult<PruneResult> previewExpiry(const ExpiryRules &rules); // rules not stored yet (the window's form)
    StoreResult<std::optional<ExpirySweep>> sweepIfDue();

    // The same sweep, a slice of IDs at a time, so that registrations run between
    // the slices: begin (which claims the interval, so that no other server sweeps
    // it too), then one slice per call until the run is done, then finish (which
    // records what went).
    // The ExpirySweeper sizes each slice by how long the last one took; 500 IDs is
    // for a sweep run in one call (sweepIfDue).
    static constexpr int ExpirySliceIds = 500;
    struct ExpiryRun
    {
        PruneRules rules; // the sweep's, at its moment
        ExpirySweep sweep;   // what went so far
        QString nextFrom;    // where the next slice begins
        bool done = false;
        int sliceIds = ExpirySliceIds;
    };
    StoreResult<std::optional<ExpiryRun>> beginSweepIfDue();
    StoreResult<bool> sweepSlice(ExpiryRun &run);
    StoreResult<bool> finishSweep(const ExpiryRun &run);

    // Merges validated records into the store in one transaction: all or nothing.
    // An ID that exists keeps the earlier creation time, its own label and size
    // unless it has none, and the later activity; a node that exists keeps its
    // earliest registration, latest sighting, larger count and its registered-by.
    // etcd members new to a token that exists get the token's next indexes, in the
    // file's order. Refused, with where in the file: an ID that exists as the other
    // kind, and an ID that would hold more than maxNodesPerId nodes.
    struct ImportOutcome
    {
        ImportSummary summary;
        std::optional<ExchangeFormat::ImportError> refused; // then nothing was imported
    };
    // kv: Consul KV keys from the same file, merged by KvService::merge in the same
    // transaction.
    StoreResult<ImportOutcome> importIds(const QList<DiscoveryIdWithNodes> &records, const QList<KvEntry> &kv = {});

    static QString newId(DiscoveryKind kind);

private:
    StoreResult<ImportOutcome> importInto(const QList<DiscoveryIdWithNodes> &records, const QList<KvEntry> &kv,
                                          Timestamp at);

    Store &m_store;
    Clock m_clock;
    int m_maxNodesPerId = DefaultMaxNodesPerId;
};
