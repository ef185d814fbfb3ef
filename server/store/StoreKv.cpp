// Store: the SQL of Consul's KV API. Both engines run the same statements.

#include "Store.h"
#include "store/SqlCondition.h"

#include <QSqlError>
#include <QSqlQuery>

namespace {

const QString KvColumns = QStringLiteral(
    "key, value, flags, create_index, modify_index, created_at, modified_at, reported_at");

KvEntry kvFromRow(const QSqlQuery &q)
{
    KvEntry entry;
    entry.key = q.value(0).toString();
    if (!q.value(1).isNull())
        entry.value = q.value(1).toByteArray();
    entry.flags = quint64(q.value(2).toLongLong()); // kept in a signed column, bit for bit
    entry.createIndex = q.value(3).toLongLong();
    entry.modifyIndex = q.value(4).toLongLong();
    entry.createdAt = Timestamp::fromMicroseconds(q.value(5).toLongLong());
    entry.modifiedAt = Timestamp::fromMicroseconds(q.value(6).toLongLong());
    entry.reportedAt = Timestamp::fromMicroseconds(q.value(7).toLongLong());
    return entry;
}

QList<KvEntry> kvRows(QSqlQuery &q)
{
    QList<KvEntry> entries;
    while (q.next())
        entries.append(kvFromRow(q));
    return entries;
}

// The keys the prune rule of Consul KV removes (with kvNotReportedSince only).
SqlCondition kvRule(const PruneRules &rules)
{
    SqlCondition rule{QStringLiteral("reported_at < ?"), {rules.kvNotReportedSince->microseconds()}};
    rule.append(leavingOut(QStringLiteral("key"), rules.keepKvKeys));
    return rule;
}

KvAsker askerFromRow(const QSqlQuery &q)
{
    KvAsker asker;
    asker.address = q.value(0).toString();
    asker.firstAsked = Timestamp::fromMicroseconds(q.value(1).toLongLong());
    asker.lastAsked = Timestamp::fromMicroseconds(q.value(2).toLongLong());
    asker.asks = q.value(3).toLongLong();
    asker.offered = q.value(4).toByteArray();
    return asker;
}

// Empty bytes bind as NULL, which the statements read as "none".
QVariant bytes(const QByteArray &value)
{
    return value.isEmpty() ? QVariant(QMetaType::fromType<QByteArray>()) : QVariant(value);
}

} // namespace

StoreResult<std::optional<KvEntry>> Store::findKv(const QString &key)
{
    using Result = StoreResult<std::optional<KvEntry>>;
    static const QString sql = QStringLiteral("SELECT %1 FROM kv_entries WHERE key = ?").arg(KvColumns);
    Statement q = run(sql, {key});
    if (!q)
        return Result::failure(q.error());
    if (!q->next())
        return std::optional<KvEntry>();
    return std::optional<KvEntry>(kvFromRow(*q));
}

StoreResult<QList<KvEntry>> Store::listKv(const QString &prefix, qsizetype limit, KvValues values)
{
    using Result = StoreResult<QList<KvEntry>>;
    // substr() counts characters on both engines, as QString::size() does not:
    // the prefix's length is bound as its character count.
    const QString value = values == KvValues::Read    ? QStringLiteral("value")
                        : values == KvValues::Leading ? QStringLiteral("substr(value, 1, %1)").arg(LeadingValueBytes)
                                                      : QStringLiteral("NULL");
    const QString columns = QStringLiteral("key, %1, flags, create_index, modify_index, created_at, modified_at,"
                                           " reported_at").arg(value);
    const QString sql = QStringLiteral("SELECT %1 FROM kv_entries WHERE substr(key, 1, ?) = ? ORDER BY key LIMIT ?")
                            .arg(columns);
    // A null QString would bind as NULL, which no key equals.
    Statement q = run(sql, {prefix.toUcs4().size(), prefix.isNull() ? QStringLiteral("") : prefix, limit});
    if (!q)
        return Result::failure(q.error());
    return kvRows(*q);
}

StoreResult<qsizetype> Store::exportKv(const KvVisitor &visit)
{
    using Result = StoreResult<qsizetype>;
    Transaction transaction(*this, Access::Read);
    if (!transaction.error().isEmpty())
        return Result::failure(transaction.error());
    Statement q = run(QStringLiteral("SELECT %1 FROM kv_entries ORDER BY key").arg(KvColumns), {}, Rows::Streamed);
    if (!q)
        return Result::failure(q.error());
    qsizetype visited = 0;
    while (q->next()) {
        ++visited;
        if (!visit(kvFromRow(*q)))
            break;
    }
    if (q->lastError().isValid())
        return Result::failure(describe(q->lastError()));
    return visited;
}

StoreResult<qint64> Store::countPrunableKv(const PruneRules &rules)
{
    const SqlCondition keys = kvRule(rules);
    Statement q = run(QStringLiteral("SELECT COUNT(*) FROM kv_entries WHERE %1").arg(keys.sql), keys.values);
    if (!q || !q->next())
        return StoreResult<qint64>::failure(q ? describe(q->lastError()) : q.error());
    return q->value(0).toLongLong();
}

StoreResult<QList<KvEntry>> Store::listPrunableKv(const PruneRules &rules, qsizetype limit)
{
    using Result = StoreResult<QList<KvEntry>>;
    const SqlCondition keys = kvRule(rules);
    Statement q = run(QStringLiteral("SELECT key, NULL, flags, create_index, modify_index, created_at, modified_at,"
                                     " reported_at FROM kv_entries WHERE %1 ORDER BY key LIMIT ?").arg(keys.sql),
                      keys.values + QVariantList{limit});
    if (!q)
        return Result::failure(q.error());
    return kvRows(*q);
}

StoreResult<qint64> Store::removePrunableKv(const PruneRules &rules)
{
    using Result = StoreResult<qint64>;
    const SqlCondition keys = kvRule(rules);
    Statement askers = run(QStringLiteral("DELETE FROM kv_askers WHERE key IN (SELECT key FROM kv_entries WHERE %1)")
                               .arg(keys.sql),
                           keys.values);
    if (!askers)
        return Result::failure(askers.error());
    Statement removed = run(QStringLiteral("DELETE FROM kv_entries WHERE %1").arg(keys.sql), keys.values);
    if (!removed)
        return Result::failure(removed.error());
    const qint64 count = removed->numRowsAffected();
    // A delete takes an index, so that readers of the keys see them go.
    if (count > 0) {
        if (const auto index = nextKvIndex(); !index.ok())
            return Result::failure(index.error());
    }
    return count;
}

StoreResult<qint64> Store::countKv()
{
    Statement q = run(QStringLiteral("SELECT COUNT(*) FROM kv_entries"));
    if (!q || !q->next())
        return StoreResult<qint64>::failure(q ? describe(q->lastError()) : q.error());
    return q->value(0).toLongLong();
}

StoreResult<qint64> Store::lastKvIndex()
{
    Statement q = run(QStringLiteral("SELECT last_index FROM kv_index"));
    if (!q || !q->next())
        return StoreResult<qint64>::failure(q ? describe(q->lastError()) : q.error());
    return q->value(0).toLongLong();
}

StoreResult<QList<KvAsker>> Store::kvAskers(const QString &key)
{
    using Result = StoreResult<QList<KvAsker>>;
    Statement q = run(QStringLiteral("SELECT address, first_asked, last_asked, asks, offered FROM kv_askers"
                                     " WHERE key = ? ORDER BY last_asked DESC, address"),
                      {key});
    if (!q)
        return Result::failure(q.error());
    QList<KvAsker> askers;
    while (q->next())
        askers.append(askerFromRow(*q));
    return askers;
}

StoreResult<qint64> Store::nextKvIndex()
{
    Statement q = run(QStringLiteral("UPDATE kv_index SET last_index = last_index + 1 RETURNING last_index"));
    if (!q || !q->next())
        return StoreResult<qint64>::failure(q ? describe(q->lastError()) : q.error());
    return q->value(0).toLongLong();
}

StoreResult<bool> Store::writeKv(const KvEntry &entry, bool changed)
{
    static const QString sql = QStringLiteral(
        "INSERT INTO kv_entries (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value, flags = excluded.flags,"
        " modify_index = excluded.modify_index, modified_at = excluded.modified_at,"
        " reported_at = excluded.reported_at").arg(KvColumns);
    const QVariant value = entry.value ? QVariant(*entry.value) : QVariant(QMetaType::fromType<QByteArray>());
    Statement q = run(sql, {entry.key, value, qint64(entry.flags), entry.createIndex, entry.modifyIndex,
                            entry.createdAt.microseconds(), entry.modifiedAt.microseconds(),
                            entry.reportedAt.microseconds()});
    if (!q)
        return StoreResult<bool>::failure(q.error());
    StoreChange change;
    change.type = changed ? StoreChange::Type::KvWritten : StoreChange::Type::KvReported;
    change.at = entry.reportedAt;
    change.kv = entry;
    noteChange(std::move(change));
    return true;
}

StoreResult<bool> Store::deleteKv(const QString &key, Timestamp at)
{
    Statement q = run(QStringLiteral("DELETE FROM kv_entries WHERE key = ?"), {key});
    if (!q)
        return StoreResult<bool>::failure(q.error());
    if (q->numRowsAffected() == 0)
        return false;
    Statement askers = run(QStringLiteral("DELETE FROM kv_askers WHERE key = ?"), {key});
    if (!askers)
        return StoreResult<bool>::failure(askers.error());
    StoreChange change;
    change.type = StoreChange::Type::KvDeleted;
    change.at = at;
    change.kv.key = key;
    noteChange(std::move(change));
    return true;
}

StoreResult<KvAsker> Store::recordKvAsker(const QString &key, const KvAsker &asker, qsizetype keepLatest)
{
    using Result = StoreResult<KvAsker>;
    // The count stops at the column's largest value rather than overflow.
    static const QString sql = QStringLiteral(
        "INSERT INTO kv_askers (key, address, first_asked, last_asked, asks, offered) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (key, address) DO UPDATE SET last_asked = excluded.last_asked,"
        " asks = CASE WHEN kv_askers.asks < 9223372036854775807 - excluded.asks"
        " THEN kv_askers.asks + excluded.asks ELSE kv_askers.asks END,"
        " offered = COALESCE(excluded.offered, kv_askers.offered)"
        " RETURNING address, first_asked, last_asked, asks, offered");
    Statement q = run(sql, {key, asker.address, asker.firstAsked.microseconds(), asker.lastAsked.microseconds(),
                            asker.asks, bytes(asker.offered)});
    if (!q || !q->next())
        return Result::failure(q ? describe(q->lastError()) : q.error());
    const KvAsker recorded = askerFromRow(*q);
    // Bounded: the oldest beyond keepLatest go.
    Statement trim = run(QStringLiteral("DELETE FROM kv_askers WHERE key = ? AND address NOT IN"
                                        " (SELECT address FROM kv_askers WHERE key = ?"
                                        " ORDER BY last_asked DESC, address LIMIT ?)"),
                         {key, key, keepLatest});
    if (!trim)
        return Result::failure(trim.error());
    StoreChange change;
    change.type = StoreChange::Type::KvAsked;
    change.at = recorded.lastAsked;
    change.kv.key = key;
    change.asker = recorded;
    noteChange(std::move(change));
    return recorded;
}
