#include "KvService.h"

#include "service/InTransaction.h"
#include "store/Store.h"

#include <QtGlobal>

namespace {

using Access = Store::Access;

} // namespace

StoreResult<KvService::Read> KvService::get(const QString &key)
{
    using Result = StoreResult<Read>;
    Store::Transaction read(m_store, Access::Read); // the key and the index of one moment
    if (!read.error().isEmpty())
        return Result::failure(read.error());
    const auto found = m_store.findKv(key);
    if (!found.ok())
        return Result::failure(found.error());
    if (found.value())
        return Read{found.value(), qMax<qint64>(1, found.value()->modifyIndex)};
    const auto last = m_store.lastKvIndex();
    if (!last.ok())
        return Result::failure(last.error());
    return Read{std::nullopt, qMax<qint64>(1, last.value())};
}

StoreResult<KvService::Listing> KvService::list(const QString &prefix, Values values)
{
    using Result = StoreResult<Listing>;
    Store::Transaction read(m_store, Access::Read);
    if (!read.error().isEmpty())
        return Result::failure(read.error());
    const Store::KvValues asked = values == Values::Read    ? Store::KvValues::Read
                                : values == Values::Leading ? Store::KvValues::Leading
                                                            : Store::KvValues::Skipped;
    const auto entries = m_store.listKv(prefix, MaxKeys, asked);
    if (!entries.ok())
        return Result::failure(entries.error());
    // The last index of all, not of these keys: it only grows, deletes under the
    // prefix included, which is what a blocking reader needs of it.
    const auto last = m_store.lastKvIndex();
    if (!last.ok())
        return Result::failure(last.error());
    return Listing{entries.value(), qMax<qint64>(1, last.value())};
}

StoreResult<KvService::WriteOutcome> KvService::put(const QString &key, const std::optional<QByteArray> &value,
                                                    quint64 flags, std::optional<quint64> cas)
{
    using Result = StoreResult<WriteOutcome>;
    const Timestamp at = m_clock();
    return inTransaction(m_store, Access::Write, [&]() -> Result {
        const auto found = m_store.findKv(key);
        if (!found.ok())
            return Result::failure(found.error());
        const std::optional<KvEntry> &existing = found.value();
        if (cas && (existing ? quint64(existing->modifyIndex) != *cas : *cas != 0))
            return WriteOutcome::CasFailed;
        if (existing && existing->value == value && existing->flags == flags) {
            KvEntry reported = *existing;
            reported.reportedAt = at;
            if (const auto written = m_store.writeKv(reported, false); !written.ok())
                return Result::failure(written.error());
            return WriteOutcome::Unchanged;
        }
        if (!existing) {
            const auto count = m_store.countKv();
            if (!count.ok())
                return Result::failure(count.error());
            if (count.value() >= MaxKeys)
                return WriteOutcome::Full;
        }
        const auto index = m_store.nextKvIndex();
        if (!index.ok())
            return Result::failure(index.error());
        KvEntry entry = existing.value_or(KvEntry{key, {}, 0, index.value(), 0, at, at, at});
        entry.value = value;
        entry.flags = flags;
        entry.modifyIndex = index.value();
        entry.modifiedAt = at;
        entry.reportedAt = at;
        if (const auto written = m_store.writeKv(entry, true); !written.ok())
            return Result::failure(written.error());
        return WriteOutcome::Stored;
    });
}

StoreResult<bool> KvService::remove(const QString &key, std::optional<quint64> cas)
{
    using Result = StoreResult<bool>;
    const Timestamp at = m_clock();
    return inTransaction(m_store, Access::Write, [&]() -> Result {
        const auto found = m_store.findKv(key);
        if (!found.ok())
            return Result::failure(found.error());
        if (!found.value())
            return true; // Consul: deleting what is not there succeeds
        if (cas && quint64(found.value()->modifyIndex) != *cas)
            return false;
        // The delete takes an index too, so readers of the key see it go.
        if (const auto index = m_store.nextKvIndex(); !index.ok())
            return Result::failure(index.error());
        if (const auto deleted = m_store.deleteKv(key, at); !deleted.ok())
            return Result::failure(deleted.error());
        return true;
    });
}

StoreResult<bool> KvService::removeUnder(const QString &prefix)
{
    using Result = StoreResult<bool>;
    const Timestamp at = m_clock();
    return inTransaction(m_store, Access::Write, [&]() -> Result {
        const auto found = m_store.listKv(prefix, MaxKeys, Store::KvValues::Skipped);
        if (!found.ok())
            return Result::failure(found.error());
        if (found.value().isEmpty())
            return true;
        if (const auto index = m_store.nextKvIndex(); !index.ok())
            return Result::failure(index.error());
        for (const KvEntry &entry : found.value()) {
            if (const auto deleted = m_store.deleteKv(entry.key, at); !deleted.ok())
                return Result::failure(deleted.error());
        }
        return true;
    });
}

StoreResult<bool> KvService::noteAsker(const QString &key, const QString &address, const QByteArray &offered,
                                       qint64 asks)
{
    using Result = StoreResult<bool>;
    const Timestamp at = m_clock();
    return inTransaction(m_store, Access::Write, [&]() -> Result {
        const auto found = m_store.findKv(key);
        if (!found.ok())
            return Result::failure(found.error());
        if (!found.value())
            return false;
        const auto recorded = m_store.recordKvAsker(key, KvAsker{address, at, at, asks, offered}, MaxAskersPerKey);
        if (!recorded.ok())
            return Result::failure(recorded.error());
        return true;
    });
}

StoreResult<bool> KvService::merge(const QList<KvEntry> &entries, ImportSummary &summary)
{
    using Result = StoreResult<bool>;
    return inTransaction(m_store, Access::Exclusive, [&]() -> Result {
        for (const KvEntry &incoming : entries) {
            const auto found = m_store.findKv(incoming.key);
            if (!found.ok())
                return Result::failure(found.error());
            KvEntry merged = incoming;
            bool changed = true;
            if (const std::optional<KvEntry> &local = found.value()) {
                ++summary.kvMerged;
                const bool theirs = incoming.modifiedAt > local->modifiedAt;
                merged = *local;
                if (theirs) {
                    merged.value = incoming.value;
                    merged.flags = incoming.flags;
                    merged.modifiedAt = incoming.modifiedAt;
                }
                merged.createdAt = std::min(local->createdAt, incoming.createdAt);
                merged.reportedAt = std::max(local->reportedAt, incoming.reportedAt);
                changed = merged.value != local->value || merged.flags != local->flags;
                if (!changed && merged.createdAt == local->createdAt && merged.reportedAt == local->reportedAt)
                    continue; // importing the same file twice changes nothing
            } else {
                const auto count = m_store.countKv();
                if (!count.ok())
                    return Result::failure(count.error());
                if (count.value() >= MaxKeys)
                    return Result::failure(QStringLiteral("the import would hold more than %1 Consul KV keys").arg(MaxKeys));
                ++summary.kvAdded;
            }
            if (changed) {
                const auto index = m_store.nextKvIndex();
                if (!index.ok())
                    return Result::failure(index.error());
                merged.modifyIndex = index.value();
                if (!found.value())
                    merged.createIndex = index.value();
            }
            if (const auto written = m_store.writeKv(merged, changed); !written.ok())
                return Result::failure(written.error());
        }
        return true;
    });
}

StoreResult<QList<KvAsker>> KvService::askers(const QString &key)
{
    return m_store.kvAskers(key);
}
