#include "DiscoveryService.h"

#include "service/InTransaction.h"
#include "service/KvService.h"
#include "store/Store.h"

#include <QJsonDocument>
#include <QUuid>

namespace {

template <typename T>
StoreResult<T> failure(const QString &error)
{
    return StoreResult<T>::failure(error);
}

using Transaction = Store::Transaction;
using Access = Store::Access;

} // namespace

QString DiscoveryService::newId(DiscoveryKind kind)
{
    // QUuid::createUuid() is version 4 from the system's secure random source:
    // knowing an ID is what lets a node register, so it must not be guessable.
    const QUuid uuid = QUuid::createUuid();
    return kind == DiscoveryKind::Etcd ? QString::fromLatin1(uuid.toRfc4122().toHex())
                                       : uuid.toString(QUuid::WithoutBraces);
}

// --- reads ------------------------------------------------------------------------------

StoreResult<bool> DiscoveryService::checkHealth()
{
    return m_store.ping();
}

StoreResult<std::optional<DiscoveryId>> DiscoveryService::findId(const QString &id)
{
    return m_store.findId(id);
}

StoreResult<std::optional<DiscoveryIdWithNodes>> DiscoveryService::findIdWithNodes(const QString &id)
{
    return m_store.findIdWithNodes(id);
}

StoreResult<std::optional<RqliteRecord>> DiscoveryService::findRqliteRecord(const QString &id)
{
    // A transaction of its own, though the read is one statement: beginning one
    // reconnects a connection that failed (PostgreSQL coming back).
    Transaction read(m_store, Access::Read);
    if (!read.error().isEmpty())
        return StoreResult<std::optional<RqliteRecord>>::failure(read.error());
    return m_store.findRqliteRecord(id);
}

StoreResult<IdPage> DiscoveryService::listIds(const IdListQuery &query)
{
    return m_store.listIds(query);
}

StoreResult<StoreCounts> DiscoveryService::countIdsAndNodes()
{
    return m_store.countIdsAndNodes();
}

StoreResult<PruneResult> DiscoveryService::previewPrune(const PruneRules &rules)
{
    // A read of one moment reports exactly what a prune at that moment removes.
    return m_store.findPrunable(rules);
}

StoreResult<qsizetype> DiscoveryService::exportIds(const QStringList &ids, const IdVisitor &visit)
{
    return m_store.exportIds(ids, visit);
}

StoreResult<QList<DiscoveryIdWithNodes>> DiscoveryService::exportIds(const QStringList &ids)
{
    QList<DiscoveryIdWithNodes> records;
    const auto visited = exportIds(ids, [&records](const DiscoveryIdWithNodes &record) {
        records.append(record);
        return true;
    });
    if (!visited.ok())
        return failure<QList<DiscoveryIdWithNodes>>(visited.error());
    return records;
}

// --- writes -----------------------------------------------------------------------------

StoreResult<DiscoveryId> DiscoveryService::createId(DiscoveryKind kind, const QString &label,
                                                    std::optional<int> expectedSize)
{
    DiscoveryId record;
    record.id = newId(kind);
    record.kind = kind;
    record.createdAt = m_clock();
    record.label = label;
    record.expectedSize = expectedSize;
    record.lastActivity = record.createdAt;
    record.etcdIndex = kind == DiscoveryKind::Etcd ? 1 : 0; // the token and its size key

    return inTransaction(m_store, Access::Write, [&]() -> StoreResult<DiscoveryId> {
        if (const auto inserted = m_store.insertId(record); !inserted.ok())
            return failure<DiscoveryId>(inserted.error());
        return record;
    });
}

StoreResult<std::optional<DiscoveryId>> DiscoveryService::setLabel(const QString &id, const QString &label)
{
    using Result = StoreResult<std::optional<DiscoveryId>>;
    return inTransaction(m_store, Access::Write, [&]() -> Result {
        const auto found = m_store.findId(id);
        if (!found.ok() || !found.value())
            return found;
        DiscoveryId record = *found.value();
        record.label = label;
        if (const auto updated = m_store.updateId(record, m_clock()); !updated.ok())
            return Result::failure(updated.error());
        return std::optional<DiscoveryId>(record);
    });
}

StoreResult<bool> DiscoveryService::deleteId(const QString &id)
{
    return inTransaction(m_store, Access::Write, [&] { return m_store.deleteId(id, m_clock()); });
}

StoreResult<DiscoveryService::NodeWrite> DiscoveryService::registerNode(const QString &id, const QString &address,
                                                                        const QString &registeredBy)
{
    using Result = StoreResult<NodeWrite>;
    const Timestamp at = m_clock();
    // Counted inside the write transaction, so concurrent writers cannot overshoot.
    return inTransaction(m_store, Access::Write, [&]() -> Result {
        // The record as it was, read once: the reply is it with this address added,
        // as a new node comes last in registration order.
        const auto found = m_store.findRqliteRecord(id);
        if (!found.ok())
            return Result::failure(found.error());
        if (!found.value())
            return NodeWrite{NodeChange::UnknownId, {}};
        RqliteRecord record = *found.value();
        const bool known = record.addresses.contains(address); // registering again is allowed
        if (!known && record.addresses.size() >= m_maxNodesPerId)
            return NodeWrite{NodeChange::Full, {}};
        // A new address is a plain insert: the upsert's RETURNING, which a count of
        // registrations needs, cost a new node as much again.
        if (known) {
            if (const auto node = m_store.registerAddress(id, address, registeredBy, at); !node.ok())
                return Result::failure(node.error());
        } else {
            const Node node{address, at, at, 1, registeredBy, {}, 0};
            if (const auto inserted = m_store.insertNode(id, node, at); !inserted.ok())
                return Result::failure(inserted.error());
            record.addresses.append(address);
        }
        if (const auto marked = m_store.markActivity(id, at); !marked.ok())
            return Result::failure(marked.error());
        return NodeWrite{known ? NodeChange::Updated : NodeChange::Added, std::move(record)};
    });
}

StoreResult<DiscoveryService::NodeWrite> DiscoveryService::removeNode(const QString &id, const QString &address)
{
    using Result = StoreResult<NodeWrite>;
    const Timestamp at = m_clock();
    return inTransaction(m_store, Access::Write, [&]() -> Result {
        const auto found = m_store.findId(id);
        if (!found.ok())
            return Result::failure(found.error());
        if (!found.value())
            return NodeWrite{NodeChange::UnknownId, {}};
        const auto removed = m_store.deleteNode(id, address, at);
        if (!removed.ok())
            return Result::failure(removed.error());
        if (removed.value()) {
            if (const auto marked = m_store.markActivity(id, at); !marked.ok())
                return Result::failure(marked.error());
        }
        RqliteRecord record{id, found.value()->createdAt, {}};
        if (found.value()->kind == DiscoveryKind::Rqlite) {
            const auto addresses = m_store.addresses(id);
            if (!addresses.ok())
                return Result::failure(addresses.error());
            record.addresses = addresses.value();
        }
        return NodeWrite{removed.value() ? NodeChange::Removed : NodeChange::Absent, record};
    });
}

StoreResult<DiscoveryService::EtcdMemberCreation> DiscoveryService::createEtcdMember(const QString &token,
                                                                                     const QString &memberId,
                                                                                     const QString &value,
                                                                                     const QString &registeredBy)
{
    using Result = StoreResult<EtcdMemberCreation>;
    using Outcome = EtcdMemberCreation::Outcome;
    const Timestamp at = m_clock();
    return inTransaction(m_store, Access::Write, [&]() -> Result {
        const auto found = m_store.findId(token);
        if (!found.ok())
            return Result::failure(found.error());
        if (!found.value() || found.value()->kind != DiscoveryKind::Etcd)
            return EtcdMemberCreation{Outcome::UnknownToken, {}, 0};
        const qint64 index = found.value()->etcdIndex;
        const auto existing = m_store.findNode(token, memberId);
        if (!existing.ok())
            return Result::failure(existing.error());
        if (existing.value())
            return EtcdMemberCreation{Outcome::Exists, *existing.value(), index};
        if (found.value()->nodeCount >= m_maxNodesPerId)
            return EtcdMemberCreation{Outcome::Full, {}, index};
        // One counter per token: indexes strictly increase and are never reused.
        const Node member{memberId, at, at, 1, registeredBy, value, index + 1};
        if (const auto inserted = m_store.insertNode(token, member, at); !inserted.ok())
            return Result::failure(inserted.error());
        if (const auto marked = m_store.markActivity(token, at, member.etcdIndex); !marked.ok())
            return Result::failure(marked.error());
        return EtcdMemberCreation{Outcome::Created, member, member.etcdIndex};
    });
}

StoreResult<PruneResult> DiscoveryService::prune(const PruneRules &rules)
{
    if (rules.isEmpty())
        return PruneResult{};
    return inTransaction(m_store, Access::Exclusive, [&] {
        // Listed first; the removal counts what it removes, so no query counts it before.
        auto found = m_store.findPrunable(rules, Store::Counting::ListedOnly);
        if (!found.ok())
            return found;
        PruneResult result = found.value();
        if (const auto removed = m_store.removePrunable(rules, result, m_clock()); !removed.ok())
            return failure<PruneResult>(removed.error());
        return StoreResult<PruneResult>(result);
    });
}

namespace {

const QString ExpiryRulesSetting = QStringLiteral("expiry_rules");
const QString LastExpirySweepSetting = QStringLiteral("expiry_last_sweep");

} // namespace

StoreResult<ExpiryRules> DiscoveryService::expiryRules()
{
    const auto stored = m_store.setting(ExpiryRulesSetting);
    if (!stored.ok())
        return failure<ExpiryRules>(stored.error());
    if (stored->isEmpty())
        return ExpiryRules{}; // never set: off
    QString error;
    const auto rules = ExpiryRules::fromJson(QJsonDocument::fromJson(stored->toUtf8()).object(), &error);
    if (!rules)
        return failure<ExpiryRules>(QStringLiteral("the stored expiry rules are unreadable: %1").arg(error));
    return *rules;
}

StoreResult<bool> DiscoveryService::setExpiryRules(const ExpiryRules &rules)
{
    return inTransaction(m_store, Access::Write, [&] {
        return m_store.setSetting(ExpiryRulesSetting,
                                  QString::fromUtf8(QJsonDocument(rules.toJson()).toJson(QJsonDocument::Compact)));
    });
}

StoreResult<std::optional<ExpirySweep>> DiscoveryService::lastExpirySweep()
{
    using Result = StoreResult<std::optional<ExpirySweep>>;
    const auto stored = m_store.setting(LastExpirySweepSetting);
    if (!stored.ok())
        return Result::failure(stored.error());
    if (stored->isEmpty())
        return std::optional<ExpirySweep>();
    return ExpirySweep::fromJson(QJsonDocument::fromJson(stored->toUtf8()).object());
}

StoreResult<PruneResult> DiscoveryService::previewExpiry()
{
    const auto rules = expiryRules();
    if (!rules.ok())
        return failure<PruneResult>(rules.error());
    return previewExpiry(rules.value());
}

StoreResult<PruneResult> DiscoveryService::previewExpiry(const ExpiryRules &rules)
{
    return previewPrune(rules.pruneRules(m_clock()));
}

StoreResult<std::optional<ExpirySweep>> DiscoveryService::sweepIfDue()
{
    using Result = StoreResult<std::optional<ExpirySweep>>;
    const auto begun = beginSweepIfDue();
    if (!begun.ok() || !begun.value())
        return begun.ok() ? Result(std::optional<ExpirySweep>()) : Result::failure(begun.error());
    ExpiryRun run = *begun.value();
    while (!run.done) {
        if (const auto swept = sweepSlice(run); !swept.ok())
            return Result::failure(swept.error());
    }
    if (const auto finished = finishSweep(run); !finished.ok())
        return Result::failure(finished.error());
    return std::optional<ExpirySweep>(run.sweep);
}

StoreResult<std::optional<DiscoveryService::ExpiryRun>> DiscoveryService::beginSweepIfDue()
{
    using Result = StoreResult<std::optional<ExpiryRun>>;
    // Whether a sweep is due: the rules are on and no server swept for an interval.
    const auto due = [this](Timestamp now) -> StoreResult<std::optional<ExpiryRules>> {
        const auto rules = expiryRules();
        if (!rules.ok())
            return StoreResult<std::optional<ExpiryRules>>::failure(rules.error());
        if (rules->isOff())
            return std::optional<ExpiryRules>();
        const auto last = lastExpirySweep();
        if (!last.ok())
            return StoreResult<std::optional<ExpiryRules>>::failure(last.error());
        if (now < *rules->nextSweepDue(last.value(), now))
            return std::optional<ExpiryRules>(); // this server or another swept lately
        return std::optional<ExpiryRules>(rules.value());
    };
    // Asked first without the servers' write lock, which most looks would take for nothing.
    const Timestamp now = m_clock();
    if (const auto looked = due(now); !looked.ok() || !looked.value())
        return looked.ok() ? Result(std::optional<ExpiryRun>()) : Result::failure(looked.error());
    return inTransaction(m_store, Access::Exclusive, [&]() -> Result {
        const auto rules = due(now); // again: another server may have begun one meanwhile
        if (!rules.ok())
            return Result::failure(rules.error());
        if (!rules.value())
            return std::optional<ExpiryRun>();
        ExpiryRun run{rules.value()->pruneRules(now), ExpirySweep{}, QString(), false};
        run.sweep.at = now;
        // Recorded now: this sweep has the interval, whatever the others look.
        if (const auto claimed = finishSweep(run); !claimed.ok())
            return Result::failure(claimed.error());
        return std::optional<ExpiryRun>(run);
    });
}

StoreResult<bool> DiscoveryService::sweepSlice(ExpiryRun &run)
{
    return inTransaction(m_store, Access::Exclusive, [&]() -> StoreResult<bool> {
        const auto end = m_store.idAfter(run.nextFrom, run.sliceIds);
        if (!end.ok())
            return failure<bool>(end.error());
        PruneRules slice = run.rules;
        slice.slice = PruneRules::IdSlice{run.nextFrom, end.value()};
        const auto pruned = prune(slice);
        if (!pruned.ok())
            return failure<bool>(pruned.error());
        run.sweep.addRemoved(ExpirySweep::of(pruned.value(), run.sweep.at));
        ++run.sweep.slices;
        run.done = !end.value();
        if (end.value())
            run.nextFrom = *end.value();
        return true;
    });
}

StoreResult<bool> DiscoveryService::finishSweep(const ExpiryRun &run)
{
    return inTransaction(m_store, Access::Write, [&] {
        return m_store.setSetting(LastExpirySweepSetting,
                                  QString::fromUtf8(QJsonDocument(run.sweep.toJson()).toJson(QJsonDocument::Compact)));
    });
}

StoreResult<DiscoveryService::ImportOutcome> DiscoveryService::importIds(const QList<DiscoveryIdWithNodes> &records,
                                                                         const QList<KvEntry> &kv)
{
    return importInto(records, kv, m_clock());
}

StoreResult<qsizetype> DiscoveryService::exportKv(const KvVisitor &visit)
{
    return m_store.exportKv(visit);
}

StoreResult<DiscoveryService::ImportOutcome> DiscoveryService::importInto(const QList<DiscoveryIdWithNodes> &records,
                                                                          const QList<KvEntry> &kv, Timestamp at)
{
    using Result = StoreResult<ImportOutcome>;
    using ExchangeFormat::ImportError;
    auto refuse = [](const QString &where, const QString &message) {
        return ImportOutcome{{}, ImportError{message, where}};
    };
    ImportOutcome outcome;
    ImportSummary &summary = outcome.summary;
    Transaction write(m_store, Access::Exclusive);
    if (!write.error().isEmpty())
        return Result::failure(write.error());

    for (qsizetype i = 0; i < records.size(); ++i) {
        const DiscoveryIdWithNodes &incoming = records.at(i);
        const QString where = QStringLiteral("ids[%1]").arg(i);
        const auto existing = m_store.findId(incoming.id.id);
        if (!existing.ok())
            return Result::failure(existing.error());

        // What the ID becomes: the file's, or the merge of the file's and the local one.
        DiscoveryId merged = incoming.id;
        // A token's index never goes back: not below its members', nor below the
        // file's (its last member may have been removed since).
        merged.etcdIndex = incoming.id.kind == DiscoveryKind::Etcd ? std::max<qint64>(1, incoming.id.etcdIndex) : 0;
        for (const Node &node : incoming.nodes) {
            merged.lastActivity = std::max(merged.lastActivity, node.lastSeen);
            merged.etcdIndex = std::max(merged.etcdIndex, node.etcdIndex);
        }
        merged.lastActivity = std::max(merged.lastActivity, merged.createdAt);
        if (existing.value()) {
            const DiscoveryId &local = *existing.value();
            if (local.kind != incoming.id.kind)
                return refuse(where + QStringLiteral(".kind"),
                              QStringLiteral("%1 exists already as an %2 ID; the file has it as %3")
                                  .arg(local.id, kindName(local.kind), kindName(incoming.id.kind)));
            merged.createdAt = std::min(local.createdAt, incoming.id.createdAt);
            merged.label = local.label.isEmpty() ? incoming.id.label : local.label;
            merged.expectedSize = local.expectedSize ? local.expectedSize : incoming.id.expectedSize;
            merged.lastActivity = std::max(local.lastActivity, merged.lastActivity);
            merged.etcdIndex = local.etcdIndex; // members new to the token count on from here
        }

        // The nodes: new ones are added, known ones merged.
        QList<Node> added;
        QList<Node> changed;
        for (const Node &node : incoming.nodes) {
            const auto local = existing.value() ? m_store.findNode(incoming.id.id, node.address)
                                                : StoreResult<std::optional<Node>>(std::nullopt);
            if (!local.ok())
                return Result::failure(local.error());
            if (!local.value()) {
                added.append(node);
                if (existing.value() && incoming.id.kind == DiscoveryKind::Etcd)
                    added.last().etcdIndex = ++merged.etcdIndex; // etcd learns members by index
                continue;
            }
            ++summary.nodesMerged;
            Node kept = *local.value();
            kept.firstRegistered = std::min(kept.firstRegistered, node.firstRegistered);
            kept.lastSeen = std::max(kept.lastSeen, node.lastSeen);
            // The larger count, so that importing the same file twice changes nothing.
            kept.registrations = std::max(kept.registrations, node.registrations);
            if (kept.firstRegistered != local.value()->firstRegistered || kept.lastSeen != local.value()->lastSeen
                || kept.registrations != local.value()->registrations)
                changed.append(kept);
        }
        const qsizetype nodeCount = (existing.value() ? existing.value()->nodeCount : 0) + added.size();
        if (nodeCount > m_maxNodesPerId)
            return refuse(where + QStringLiteral(".nodes"),
                          QStringLiteral("%1 would have %2 nodes, more than the %3 an ID may have")
                              .arg(incoming.id.id).arg(nodeCount).arg(m_maxNodesPerId));
        // As the ID is before its new nodes: each added node is reported after it.
        merged.nodeCount = existing.value() ? existing.value()->nodeCount : 0;

        if (!existing.value()) {
            if (const auto inserted = m_store.insertId(merged); !inserted.ok())
                return Result::failure(inserted.error());
            ++summary.idsAdded;
        } else {
            const DiscoveryId &local = *existing.value();
            if (merged.createdAt != local.createdAt || merged.label != local.label
                || merged.expectedSize != local.expectedSize || merged.lastActivity != local.lastActivity
                || merged.etcdIndex != local.etcdIndex) {
                if (const auto updated = m_store.updateId(merged, at); !updated.ok())
                    return Result::failure(updated.error());
            }
            ++summary.idsMerged;
        }
        for (const Node &node : std::as_const(added)) {
            if (const auto inserted = m_store.insertNode(incoming.id.id, node, at); !inserted.ok())
                return Result::failure(inserted.error());
        }
        summary.nodesAdded += int(added.size());
        for (const Node &node : std::as_const(changed)) {
            if (const auto updated = m_store.updateNode(incoming.id.id, node, at); !updated.ok())
                return Result::failure(updated.error());
        }
    }
    if (const auto merged = KvService(m_store, m_clock).merge(kv, summary); !merged.ok())
        return Result::failure(merged.error());
    if (const auto committed = write.commit(); !committed.ok())
        return Result::failure(committed.error());
    return outcome;
}
