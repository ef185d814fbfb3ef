#pragma once

#include "core/Records.h"
#include "core/StoreResult.h"
#include "core/Validation.h"

#include <functional>
#include <optional>

class Store;

// Consul's KV rules, as shared/protocols/consul-kv.md says: one index counter for
// every key, never going back; a compare-and-set by ModifyIndex (0: only if absent);
// a write that changes nothing keeps its index and wakes nobody; bounded keys and
// values. Every front (the KV API, the window) goes through it.
class KvService
{
public:
    static constexpr qsizetype MaxValueBytes = Validation::MaxKvValueBytes; // Consul's kv_max_value_size
    static constexpr qsizetype MaxKeys = 10000;
    static constexpr qsizetype MaxAskersPerKey = 32;
    using Clock = std::function<Timestamp()>;

    explicit KvService(Store &store, Clock clock = &Timestamp::now) : m_store(store), m_clock(std::move(clock)) {}

    // One key, and the index a reply reports: the key's ModifyIndex, or the last
    // index of all (at least 1) when it is absent.
    struct Read
    {
        std::optional<KvEntry> entry;
        qint64 index = 1;
    };
    StoreResult<Read> get(const QString &key);
    // The keys under prefix, at most MaxKeys, and the last index of all (at least 1).
    struct Listing
    {
        QList<KvEntry> entries;
        qint64 index = 1;
    };
    enum class Values { Read, Leading, Skipped }; // see Store::KvValues
    StoreResult<Listing> list(const QString &prefix, Values values = Values::Read);

    enum class WriteOutcome {
        Stored,    // created or changed: a new ModifyIndex
        Unchanged, // the same value and flags: only the time it was reported moved
        CasFailed, // the index asked for is not the key's (or 0 and the key exists)
        Full,      // a new key beyond MaxKeys
    };
    // cas: store only if the key's ModifyIndex is this (0: only if it is absent).
    StoreResult<WriteOutcome> put(const QString &key, const std::optional<QByteArray> &value, quint64 flags,
                                  std::optional<quint64> cas = std::nullopt);
    // True unless cas is given, the key exists, and its ModifyIndex is not cas.
    StoreResult<bool> remove(const QString &key, std::optional<quint64> cas = std::nullopt);
    // Every key that starts with prefix (all of them for an empty one).
    StoreResult<bool> removeUnder(const QString &prefix);

    // Who read key or lost a CAS for it (what it offered, then), if the key exists:
    // for rqlite, the voters waiting to join. Keeps MaxAskersPerKey per key.
    StoreResult<bool> noteAsker(const QString &key, const QString &address, const QByteArray &offered = {},
                                qint64 asks = 1);
    StoreResult<QList<KvAsker>> askers(const QString &key);

    // Merges exported keys in, within the caller's transaction (an import's): a new
    // key is created, and a key that exists takes the file's value and flags only
    // when the file's were written later. Either way it gets an index of this
    // server's counter, so no index goes back; the earlier creation time and the
    // later report time are kept. Counts into summary.
    StoreResult<bool> merge(const QList<KvEntry> &entries, ImportSummary &summary);

private:
    Store &m_store;
    Clock m_clock;
};
