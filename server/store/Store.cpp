#include "Store.h"

#include "store/DatabaseLocation.h"
#include "store/PostgresStore.h"
#include "store/Schema.h"
#include "store/SqlCondition.h"
#include "store/SqliteStore.h"

#include <QAtomicInteger>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>

namespace {

// Column list shared by every query that reads whole IDs; idFromRow() reads it.
const QString IdColumns = QStringLiteral(
    "d.id, d.kind, d.created_at, d.expected_size, d.label, d.last_activity,"
    " (SELECT COUNT(*) FROM nodes n WHERE n.discovery_id = d.id), d.etcd_index");

// A new node's place in its ID's registration order (the ID bound once more).
const QString NextSeq = QStringLiteral("(SELECT COALESCE(MAX(seq), 0) + 1 FROM nodes WHERE discovery_id = ?)");

const QString NodeColumns = QStringLiteral(
    "address, first_registered, last_seen, registrations, registered_by, etcd_value, etcd_index");

DiscoveryId idFromRow(const QSqlQuery &q, int first = 0)
{
    DiscoveryId id;
    id.id = q.value(first).toString();
    id.kind = kindFromName(q.value(first + 1).toString()).value_or(DiscoveryKind::Rqlite);
    id.createdAt = Timestamp::fromMicroseconds(q.value(first + 2).toLongLong());
    if (!q.value(first + 3).isNull())
        id.expectedSize = q.value(first + 3).toInt();
    id.label = q.value(first + 4).toString();
    id.lastActivity = Timestamp::fromMicroseconds(q.value(first + 5).toLongLong());
    id.nodeCount = q.value(first + 6).toInt();
    id.etcdIndex = q.value(first + 7).toLongLong();
    return id;
}

Node nodeFromRow(const QSqlQuery &q, int first = 0)
{
    Node node;
    node.address = q.value(first).toString();
    node.firstRegistered = Timestamp::fromMicroseconds(q.value(first + 1).toLongLong());
    node.lastSeen = Timestamp::fromMicroseconds(q.value(first + 2).toLongLong());
    node.registrations = q.value(first + 3).toLongLong();
    node.registeredBy = q.value(first + 4).toString();
    node.etcdValue = q.value(first + 5).toString();
    node.etcdIndex = q.value(first + 6).toLongLong();
    return node;
}

// A null QString binds as SQL NULL; the text columns hold '' instead.
QVariant text(const QString &value)
{
    return value.isNull() ? QVariant(QStringLiteral("")) : QVariant(value);
}

QVariant optionalInt(const std::optional<int> &value)
{
    return value ? QVariant(*value) : QVariant(QMetaType::fromType<int>());
}

// A LIKE pattern that matches text anywhere, with its wildcards escaped.
QString containsPattern(const QString &text)
{
    QString escaped = text.toLower();
    escaped.replace(u'\\', QStringLiteral("\\\\"));
    escaped.replace(u'%', QStringLiteral("\\%"));
    escaped.replace(u'_', QStringLiteral("\\_"));
    return u'%' + escaped + u'%';
}

// The rules that remove whole IDs, on discovery_ids d; empty when none does.
// " AND column >= ? AND column < ?": the rule's slice of IDs, if it has one.
SqlCondition inSlice(const QString &column, const std::optional<PruneRules::IdSlice> &slice)
{
    if (!slice)
        return {};
    SqlCondition condition;
    if (!slice->from.isEmpty()) // the first slice: from the first ID, whatever it is
        condition = {QStringLiteral(" AND %1 >= ?").arg(column), {slice->from}};
    if (slice->before)
        condition.append({QStringLiteral(" AND %1 < ?").arg(column), {*slice->before}});
    return condition;
}

SqlCondition idRule(const PruneRules &rules)
{
    QStringList conditions;
    SqlCondition rule;
    if (rules.createdBefore) {
        conditions << QStringLiteral("d.created_at < ?");
        rule.values << rules.createdBefore->microseconds();
    }
    if (rules.inactiveSince) {
        conditions << QStringLiteral("d.last_activity < ?");
        rule.values << rules.inactiveSince->microseconds();
    }
    if (rules.noNodes) {
        QString noNodes = QStringLiteral("NOT EXISTS (SELECT 1 FROM nodes n WHERE n.discovery_id = d.id)");
        if (rules.noNodesInactiveSince) {
            // Both: an imported ID may say it was last active before it was made.
            noNodes += QStringLiteral(" AND d.created_at < ? AND d.last_activity < ?");
            rule.values << rules.noNodesInactiveSince->microseconds() << rules.noNodesInactiveSince->microseconds();
        }
        conditions << u'(' + noNodes + u')';
    }
    if (conditions.isEmpty())
        return rule;
    rule.sql = u'(' + conditions.join(QStringLiteral(" OR ")) + u')';
    rule.append(leavingOut(QStringLiteral("d.id"), rules.keepIds));
    rule.append(inSlice(QStringLiteral("d.id"), rules.slice));
    return rule;
}

// The rule that removes single nodes, on nodes as alias (with notSeenSince only). A
// kept ID keeps all its nodes.
SqlCondition nodeRule(const PruneRules &rules, const QString &alias)
{
    SqlCondition rule{QStringLiteral("%1.last_seen < ?").arg(alias), {rules.notSeenSince->microseconds()}};
    rule.append(leavingOut(alias + QStringLiteral(".discovery_id"), rules.keepIds));
    rule.append(leavingOut(alias + QStringLiteral(".discovery_id"), alias + QStringLiteral(".address"),
                           rules.keepNodes));
    rule.append(inSlice(alias + QStringLiteral(".discovery_id"), rules.slice));
    return rule;
}

template <typename T>
StoreResult<T> failure(const QString &error)
{
    return StoreResult<T>::failure(error);
}

} // namespace

// --- opening ------------------------------------------------------------------------

std::unique_ptr<Store> Store::open(const QString &location, QString *error, Mode mode, QObject *parent)
{
    const auto parsed = DatabaseLocation::parse(location, error);
    if (!parsed)
        return nullptr;
    std::unique_ptr<Store> store = parsed->kind == DatabaseLocation::Kind::PostgreSql
        ? PostgresStore::open(*parsed, mode, error, parent)
        : SqliteStore::open(parsed->filePath, mode, error, parent);
    if (store)
        store->m_records.setEnabled(!store->othersMayWrite());
    return store;
}

Store::Store(QObject *parent) : QObject(parent)
{
    static QAtomicInteger<quint64> counter;
    m_connectionName = QStringLiteral("discodesk-store-%1").arg(counter.fetchAndAddRelaxed(1));
    qRegisterMetaType<StoreChanges>();
}

Store::~Store()
{
    closeConnection();
}

void Store::closeConnection()
{
    // Closing the connection rolls an open batch back.
    forgetStatements();
    if (m_db.isValid()) {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connectionName);
    }
}

QString Store::prepareSchema(bool postgres)
{
    const Schema::Dialect dialect = postgres ? Schema::Dialect::PostgreSql : Schema::Dialect::Sqlite;
    int version = 0;
    if (const QString error = Schema::readVersion(m_db, dialect, &version); !error.isEmpty())
        return QStringLiteral("cannot read %1: %2").arg(m_name, error);
    if (version < 0)
        return QStringLiteral("%1 is a database of another program, not DiscoDesk's; "
                              "choose another database").arg(m_name);
    if (version > Schema::latestVersion())
        return QStringLiteral("%1 has schema version %2, newer than this DiscoDesk knows (%3); "
                              "use a newer DiscoDesk").arg(m_name).arg(version).arg(Schema::latestVersion());
    if (const QString error = Schema::migrate(m_db, dialect, version); !error.isEmpty())
        return QStringLiteral("cannot upgrade the schema of %1: %2").arg(m_name, error);
    return {};
}

// --- statements -----------------------------------------------------------------------

Store::Statement Store::Statement::failed(const QString &error)
{
    Statement statement(nullptr);
    statement.m_error = error.isEmpty() ? QStringLiteral("unknown database error") : error;
    return statement;
}

Store::Statement::Statement(Statement &&other) noexcept
    : m_query(std::exchange(other.m_query, nullptr)), m_error(std::move(other.m_error))
{
}

Store::Statement::~Statement()
{
    if (m_query)
        m_query->finish();
}

QString Store::describe(const QSqlError &error)
{
    return error.databaseText().isEmpty() ? error.text() : error.databaseText();
}

Store::Statement Store::failed(const QString &error)
{
    m_failedSinceConnect = true;
    emit statementFailed();
    return Statement::failed(error);
}

Store::Statement Store::run(const QString &sql, const QVariantList &values, Rows rows)
{
    if (!m_db.isOpen())
        return failed(QStringLiteral("the database is not open")); // the next transaction reconnects
    QSqlQuery *query = m_statements.value(sql);
    if (!query) {
        query = new QSqlQuery(m_db);
        // Rows are read once, in order: without this Qt keeps a copy of every row.
        query->setForwardOnly(forwardOnlyIsSafe(rows));
        if (!query->prepare(sql)) {
            const QString error = describe(query->lastError());
            delete query;
            return failed(error);
        }
        m_statements.insert(sql, query);
    }
    for (int i = 0; i < values.size(); ++i)
        query->bindValue(i, values.at(i));
    if (!query->exec()) {
        const QString error = describe(query->lastError());
        query->finish();
        return failed(error);
    }
    return Statement(query);
}

StoreResult<qint64> Store::runPlain(const QString &sql, const QVariantList &values, const RowReader &onRow)
{
    // QSqlQuery's current row, read as plain values.
    class QueryRow final : public PlainRow
    {
    public:
        explicit QueryRow(const QSqlQuery &query) : m_query(query) {}
        bool isNull(int column) const override { return m_query.isNull(column); }
        qint64 integer(int column) const override { return m_query.value(column).toLongLong(); }
        QString text(int column) const override { return m_query.value(column).toString(); }

    private:
        const QSqlQuery &m_query;
    };
    Statement q = run(sql, values);
    if (!q)
        return failure<qint64>(q.error());
    while (onRow && q->next())
        onRow(QueryRow(*q));
    return qint64(q->numRowsAffected());
}

QString Store::runControl(const QString &sql)
{
    const Statement statement = run(sql);
    return statement ? QString() : statement.error();
}

void Store::forgetStatements()
{
    qDeleteAll(m_statements);
    m_statements.clear();
    m_records.clear(); // the connection closes: an open batch rolls back
}

void Store::reconnectIfFailed()
{
    if (!m_failedSinceConnect || isInTransaction() || !m_db.isValid())
        return;
    m_failedSinceConnect = false;
    forgetStatements();
    reconnect();
    emit reconnected();
}

QString Store::setDurability(Durability durability)
{
    m_durability = durability;
    return applyDurability();
}

StoreResult<bool> Store::ping()
{
    Statement q = run(QStringLiteral("SELECT COUNT(*) FROM discodesk_schema"));
    if (!q || !q->next())
        return failure<bool>(q ? describe(q->lastError()) : q.error());
    return true;
}

// --- transactions -----------------------------------------------------------------------

// With group commit on, an outermost write transaction is a savepoint in the open
// batch (opening the batch first if there is none): committing it releases the
// savepoint, failing rolls back just its own changes, and commitBatch() commits them
// all at once.
Store::Transaction::Transaction(Store &store, Access access) : m_store(store)
{
    const bool write = access != Access::Read;
    if (write || store.othersMayWrite())
        store.reconnectIfFailed();
    if (store.m_transactionDepth++ > 0) {
        m_mode = Mode::Joined; // the outer transaction keeps other writers out already
        return;
    }
    if (store.m_batch == Batch::Broken) {
        m_error = store.m_batchError; // nothing more may join a batch that is lost
        return;
    }
    if (store.m_batch == Batch::None && write && store.m_groupCommit) {
        if (m_error = store.beginOwn(Access::Write); !m_error.isEmpty())
            return;
        store.m_batch = Batch::Open;
        emit store.batchOpened();
        if (access == Access::Exclusive) {
            // A prune or an import that opens the batch needs no savepoint: failing, it
            // rolls back the batch, which holds nothing else yet. A savepoint would
            // make SQLite copy every page it changes (half the store, for a big prune).
            ++store.m_batchUses;
            m_mode = Mode::FirstInBatch;
            return;
        }
    }
    if (store.m_batch == Batch::Open) {
        ++store.m_batchUses;
        if (!write) {
            m_mode = Mode::Joined;
            return;
        }
        m_changesBefore = store.m_pending.size();
        if (const QString error = store.runControl(QStringLiteral("SAVEPOINT request")); error.isEmpty())
            m_mode = Mode::Savepoint;
        else
            store.breakBatch(m_error = error);
        return;
    }
    if (m_error = store.beginOwn(access); !m_error.isEmpty())
        return;
    m_mode = Mode::Own;
}

Store::Transaction::~Transaction()
{
    --m_store.m_transactionDepth;
    if (m_mode == Mode::Own) {
        rollback();
    } else if (m_mode == Mode::FirstInBatch) {
        rollback();
        m_store.m_batch = Batch::None; // nothing else was in it
        m_store.m_batchUses = 0;
    } else if (m_mode == Mode::Savepoint) {
        QString error = m_store.runControl(QStringLiteral("ROLLBACK TO request"));
        if (error.isEmpty())
            error = m_store.runControl(QStringLiteral("RELEASE request"));
        if (error.isEmpty())
            m_store.forgetChangesSince(m_changesBefore);
        else
            m_store.breakBatch(error); // SQLite rolled the whole batch back on its own
    }
}

void Store::Transaction::rollback()
{
    m_store.rollbackOwn();
    m_store.forgetChangesSince(0);
    m_mode = Mode::Failed;
}

StoreResult<bool> Store::Transaction::commit()
{
    switch (m_mode) {
    case Mode::Joined:
        return true;
    case Mode::Savepoint:
        if (const QString error = m_store.runControl(QStringLiteral("RELEASE request")); !error.isEmpty())
            return failure<bool>(error);
        m_mode = Mode::Done; // its changes are emitted when the batch commits
        return true;
    case Mode::FirstInBatch:
        m_mode = Mode::Done; // the batch commits it, with whatever joins it after
        return true;
    case Mode::Own: {
        if (const QString error = m_store.commitOwn(m_store.m_pending); !error.isEmpty())
            return failure<bool>(error); // the destructor rolls back
        m_mode = Mode::Done;
        if (const StoreChanges changes = std::exchange(m_store.m_pending, {}); !changes.isEmpty())
            emit m_store.changed(changes);
        return true;
    }
    case Mode::Failed:
    case Mode::Done:
        break;
    }
    return failure<bool>(m_error.isEmpty() ? QStringLiteral("the transaction has ended") : m_error);
}

void Store::setGroupCommit(bool enabled)
{
    m_groupCommit = enabled;
}

void Store::forgetChangesSince(qsizetype kept)
{
    m_pending.resize(kept);
    // Which records the undone changes touched is not worth working out: all go.
    m_records.clear();
}

void Store::breakBatch(const QString &error)
{
    m_batch = Batch::Broken;
    m_batchError = error;
    m_records.clear(); // the batch rolls back
}

StoreResult<bool> Store::commitBatch()
{
    Q_ASSERT(m_transactionDepth == 0);
    if (m_batch == Batch::None)
        return true;
    const bool broken = m_batch == Batch::Broken;
    m_batch = Batch::None;
    m_batchUses = 0;
    QString error = std::exchange(m_batchError, {});
    if (!broken) {
        error = commitOwn(m_pending);
        if (error.isEmpty()) {
            if (const StoreChanges changes = std::exchange(m_pending, {}); !changes.isEmpty())
                emit changed(changes);
            return true;
        }
    }
    rollbackOwn(); // fails when SQLite rolled back already: fine
    forgetChangesSince(0);
    return failure<bool>(error);
}

// --- reads ------------------------------------------------------------------------------

StoreResult<std::optional<DiscoveryId>> Store::findId(const QString &id)
{
    using Result = StoreResult<std::optional<DiscoveryId>>;
    static const QString sql = QStringLiteral("SELECT %1 FROM discovery_ids d WHERE d.id = ?").arg(IdColumns);
    Statement q = run(sql, {id});
    if (!q)
        return Result::failure(q.error());
    if (!q->next())
        return std::optional<DiscoveryId>();
    return std::optional<DiscoveryId>(idFromRow(*q));
}

StoreResult<std::optional<DiscoveryIdWithNodes>> Store::findIdWithNodes(const QString &id)
{
    Transaction transaction(*this, Access::Read); // the ID and its nodes of one moment
    if (!transaction.error().isEmpty())
        return failure<std::optional<DiscoveryIdWithNodes>>(transaction.error());
    return readIdWithNodes(id);
}

StoreResult<std::optional<DiscoveryIdWithNodes>> Store::readIdWithNodes(const QString &id)
{
    using Result = StoreResult<std::optional<DiscoveryIdWithNodes>>;
    const auto found = findId(id);
    if (!found.ok())
        return Result::failure(found.error());
    if (!found.value())
        return std::optional<DiscoveryIdWithNodes>();
    DiscoveryIdWithNodes result{*found.value(), {}};
    static const QString sql = QStringLiteral("SELECT %1 FROM nodes WHERE discovery_id = ? ORDER BY seq").arg(NodeColumns);
    Statement q = run(sql, {id});
    if (!q)
        return Result::failure(q.error());
    while (q->next())
        result.nodes.append(nodeFromRow(*q));
    return std::optional<DiscoveryIdWithNodes>(std::move(result));
}

StoreResult<std::optional<Node>> Store::findNode(const QString &id, const QString &address)
{
    static const QString sql = QStringLiteral("SELECT %1 FROM nodes WHERE discovery_id = ? AND address = ?").arg(NodeColumns);
    Statement q = run(sql, {id, address});
    if (!q)
        return failure<std::optional<Node>>(q.error());
    if (!q->next())
        return std::optional<Node>();
    return std::optional<Node>(nodeFromRow(*q));
}

StoreResult<QStringList> Store::addresses(const QString &id)
{
    Statement q = run(QStringLiteral("SELECT address FROM nodes WHERE discovery_id = ? ORDER BY seq"), {id});
    if (!q)
        return failure<QStringList>(q.error());
    QStringList list;
    while (q->next())
        list.append(q->value(0).toString());
    return list;
}

StoreResult<std::optional<RqliteRecord>> Store::findRqliteRecord(const QString &id)
{
    using Result = StoreResult<std::optional<RqliteRecord>>;
    if (const RqliteRecord *kept = m_records.find(id))
        return std::optional<RqliteRecord>(*kept);
    // One row per node, or one row with a null address for an ID without nodes.
    static const QString sql = QStringLiteral("SELECT d.created_at, n.address FROM discovery_ids d"
                                              " LEFT JOIN nodes n ON n.discovery_id = d.id"
                                              " WHERE d.id = ? AND d.kind = '%1' ORDER BY n.seq")
                                   .arg(kindName(DiscoveryKind::Rqlite));
    std::optional<RqliteRecord> record;
    const auto read = runPlain(sql, {id}, [&](const PlainRow &row) {
        if (!record)
            record = RqliteRecord{id, Timestamp::fromMicroseconds(row.integer(0)), {}};
        if (!row.isNull(1))
            record->addresses.append(row.text(1));
    });
    if (!read.ok())
        return Result::failure(read.error());
    if (record)
        m_records.remember(*record);
    return record;
}

StoreResult<IdPage> Store::listIds(const IdListQuery &query)
{
    const QString where = query.filter.isEmpty()
        ? QString()
        : QStringLiteral(" WHERE (lower(d.id) LIKE ? ESCAPE '\\' OR lower(d.label) LIKE ? ESCAPE '\\')");
    QVariantList filterValues;
    if (!query.filter.isEmpty()) {
        const QString pattern = containsPattern(query.filter);
        filterValues = {pattern, pattern};
    }
    const bool newestFirst = query.sort == IdListQuery::Sort::NewestFirst;
    const QString order = newestFirst ? QStringLiteral("d.created_at DESC, d.id")
                                      : QStringLiteral("d.last_activity DESC, d.id");
    // Keyset paging: the rows after the anchor, found through the index in this
    // order (discovery_ids_newest_first), however deep. Written without a row value,
    // as the order is descending in one column and ascending in the other.
    QString pageWhere = where;
    QVariantList values = filterValues;
    if (query.after && newestFirst) {
        pageWhere += where.isEmpty() ? QStringLiteral(" WHERE ") : QStringLiteral(" AND ");
        pageWhere += QStringLiteral("d.created_at <= ? AND (d.created_at < ? OR d.id > ?)");
        const qint64 createdAt = query.after->createdAt.microseconds();
        values << createdAt << createdAt << query.after->id;
    }

    Transaction transaction(*this, Access::Read);
    if (!transaction.error().isEmpty())
        return failure<IdPage>(transaction.error());
    IdPage page;
    {
        Statement count = run(QStringLiteral("SELECT COUNT(*) FROM discovery_ids d") + where, filterValues);
        if (!count || !count->next())
            return failure<IdPage>(count ? describe(count->lastError()) : count.error());
        page.total = count->value(0).toLongLong();
    }
    values << query.limit << query.offset;
    Statement q = run(QStringLiteral("SELECT %1 FROM discovery_ids d%2 ORDER BY %3 LIMIT ? OFFSET ?")
                          .arg(IdColumns, pageWhere, order),
                      values);
    if (!q)
        return failure<IdPage>(q.error());
    while (q->next())
        page.ids.append(idFromRow(*q));
    return page;
}

StoreResult<StoreCounts> Store::countIdsAndNodes()
{
    // One statement: one snapshot.
    Statement q = run(QStringLiteral("SELECT (SELECT COUNT(*) FROM discovery_ids), (SELECT COUNT(*) FROM nodes)"));
    if (!q || !q->next())
        return failure<StoreCounts>(q ? describe(q->lastError()) : q.error());
    return StoreCounts{q->value(0).toLongLong(), q->value(1).toLongLong()};
}

StoreResult<std::optional<QString>> Store::idAfter(const QString &from, int count)
{
    using Result = StoreResult<std::optional<QString>>;
    Statement q = from.isEmpty()
        ? run(QStringLiteral("SELECT id FROM discovery_ids ORDER BY id LIMIT 1 OFFSET ?"), {count})
        : run(QStringLiteral("SELECT id FROM discovery_ids WHERE id >= ? ORDER BY id LIMIT 1 OFFSET ?"), {from, count});
    if (!q)
        return Result::failure(q.error());
    return q->next() ? std::optional<QString>(q->value(0).toString()) : std::nullopt;
}

StoreResult<QString> Store::setting(const QString &name)
{
    Statement q = run(QStringLiteral("SELECT value FROM settings WHERE name = ?"), {name});
    if (!q)
        return failure<QString>(q.error());
    return q->next() ? q->value(0).toString() : QString();
}

StoreResult<bool> Store::setSetting(const QString &name, const QString &value)
{
    Statement q = run(QStringLiteral("INSERT INTO settings (name, value) VALUES (?, ?)"
                                     " ON CONFLICT (name) DO UPDATE SET value = excluded.value"),
                      {name, value});
    if (!q)
        return failure<bool>(q.error());
    return true;
}

StoreResult<KindCounts> Store::countByKind()
{
    // One statement: one snapshot. An etcd member is a node with an etcd index.
    Statement q = run(QStringLiteral(
        "SELECT (SELECT COUNT(*) FROM discovery_ids WHERE kind = ?),"
        " (SELECT COUNT(*) FROM discovery_ids WHERE kind = ?),"
        " (SELECT COUNT(*) FROM nodes WHERE etcd_index = 0),"
        " (SELECT COUNT(*) FROM nodes WHERE etcd_index <> 0),"
        " (SELECT COUNT(*) FROM kv_entries)"),
        {kindName(DiscoveryKind::Rqlite), kindName(DiscoveryKind::Etcd)});
    if (!q || !q->next())
        return failure<KindCounts>(q ? describe(q->lastError()) : q.error());
    KindCounts counts;
    counts.rqliteIds = q->value(0).toLongLong();
    counts.etcdTokens = q->value(1).toLongLong();
    counts.rqliteNodes = q->value(2).toLongLong();
    counts.etcdMembers = q->value(3).toLongLong();
    counts.kvKeys = q->value(4).toLongLong();
    return counts;
}

StoreResult<PruneResult> Store::findPrunable(const PruneRules &rules, Counting counting)
{
    PruneResult result;
    if (rules.isEmpty())
        return result;
    Transaction transaction(*this, Access::Read);
    if (!transaction.error().isEmpty())
        return failure<PruneResult>(transaction.error());
    const SqlCondition ids = idRule(rules);
    const QVariantList limit = {PruneResult::MaxListed};
    if (!ids.sql.isEmpty() && counting == Counting::Counted) {
        Statement counts = run(QStringLiteral("SELECT COUNT(*), COALESCE(SUM((SELECT COUNT(*) FROM nodes n"
                                              " WHERE n.discovery_id = d.id)), 0) FROM discovery_ids d WHERE %1")
                                   .arg(ids.sql),
                               ids.values);
        if (!counts || !counts->next())
            return failure<PruneResult>(counts ? describe(counts->lastError()) : counts.error());
        result.idCount = counts->value(0).toLongLong();
        result.nodesOfIdsCount = counts->value(1).toLongLong();
    }
    if (!ids.sql.isEmpty()) {
        Statement q = run(QStringLiteral("SELECT %1 FROM discovery_ids d WHERE %2 ORDER BY d.created_at, d.id LIMIT ?")
                              .arg(IdColumns, ids.sql),
                          ids.values + limit);
        if (!q)
            return failure<PruneResult>(q.error());
        while (q->next())
            result.ids.append(idFromRow(*q));
    }
    if (rules.notSeenSince) {
        // Nodes of IDs that go anyway are counted with their IDs.
        SqlCondition nodes = nodeRule(rules, QStringLiteral("s"));
        if (!ids.sql.isEmpty()) {
            nodes.append({QStringLiteral(" AND NOT EXISTS (SELECT 1 FROM discovery_ids d"
                                         " WHERE d.id = s.discovery_id AND %1)").arg(ids.sql),
                          ids.values});
        }
        if (counting == Counting::Counted) {
            Statement counts = run(QStringLiteral("SELECT COUNT(*), COUNT(DISTINCT s.discovery_id) FROM nodes s"
                                                  " WHERE %1").arg(nodes.sql),
                                   nodes.values);
            if (!counts || !counts->next())
                return failure<PruneResult>(counts ? describe(counts->lastError()) : counts.error());
            result.singleNodeCount = counts->value(0).toLongLong();
            result.singleNodeIdCount = counts->value(1).toLongLong();
        }
        // Each listed node says how many its ID loses (its ID stays, so all of them
        // are single nodes): computed for the listed rows only.
        const SqlCondition ofTheSameId = nodeRule(rules, QStringLiteral("t"));
        Statement q = run(QStringLiteral("SELECT s.discovery_id, s.address, s.last_seen,"
                                         " (SELECT COUNT(*) FROM nodes t WHERE t.discovery_id = s.discovery_id AND %1)"
                                         " FROM nodes s WHERE %2 ORDER BY s.discovery_id, s.seq LIMIT ?")
                              .arg(ofTheSameId.sql, nodes.sql),
                          ofTheSameId.values + nodes.values + limit);
        if (!q)
            return failure<PruneResult>(q.error());
        while (q->next()) {
            result.nodes.append({q->value(0).toString(), q->value(1).toString(),
                                 Timestamp::fromMicroseconds(q->value(2).toLongLong()), q->value(3).toLongLong()});
        }
    }
    if (rules.includesKv()) {
        if (counting == Counting::Counted) {
            const auto counted = countPrunableKv(rules);
            if (!counted.ok())
                return failure<PruneResult>(counted.error());
            result.kvKeyCount = counted.value();
        }
        auto listed = listPrunableKv(rules, PruneResult::MaxListed);
        if (!listed.ok())
            return failure<PruneResult>(listed.error());
        result.kvKeys = listed.value();
    }
    return result;
}

StoreResult<qsizetype> Store::exportIds(const QStringList &ids, const IdVisitor &visit)
{
    using Result = StoreResult<qsizetype>;
    Transaction transaction(*this, Access::Read);
    if (!transaction.error().isEmpty())
        return Result::failure(transaction.error());

    qsizetype visited = 0;
    if (!ids.isEmpty()) {
        for (const QString &id : ids) {
            const auto found = readIdWithNodes(id);
            if (!found.ok())
                return Result::failure(found.error());
            if (!found.value())
                continue;
            ++visited;
            if (!visit(*found.value()))
                break;
        }
        return visited;
    }

    return streamsSideBySide() ? exportInStep(visit) : exportJoined(visit);
}

// Every export reads IDs oldest first, and by ID backwards among IDs created in the
// same microsecond: exactly the window's index read backwards, so no sort runs. An
// ID's nodes come by address and are put in registration order (seq) here. No ID is
// read before the one before it is handed on; node_count is counted as read.
namespace {

using NodesAsRead = QList<std::pair<qint64, Node>>; // an ID's nodes, with their seq

bool handOn(DiscoveryIdWithNodes &record, NodesAsRead &nodes, const Store::IdVisitor &visit)
{
    std::sort(nodes.begin(), nodes.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    record.nodes.clear();
    for (auto &entry : nodes)
        record.nodes.append(std::move(entry.second));
    nodes.clear();
    record.id.nodeCount = int(record.nodes.size());
    return visit(record);
}

} // namespace

StoreResult<qsizetype> Store::exportInStep(const IdVisitor &visit)
{
    // Two passes in step: the IDs, and their nodes in the same order. One joined
    // query would hand an ID's eight columns over again with each of its nodes, and
    // turning columns into values is most of what the export's reading thread does
    // (100,000 IDs: 11% less CPU, 1.21 s instead of 1.37 s, medians of 12).
    using Result = StoreResult<qsizetype>;
    Statement idRows = run(QStringLiteral("SELECT d.id, d.kind, d.created_at, d.expected_size, d.label,"
                                          " d.last_activity, 0, d.etcd_index FROM discovery_ids d"
                                          " ORDER BY d.created_at, d.id DESC"),
                           {}, Rows::Streamed);
    if (!idRows)
        return Result::failure(idRows.error());
    Statement nodeRows = run(QStringLiteral("SELECT n.discovery_id, n.address, n.first_registered, n.last_seen,"
                                            " n.registrations, n.registered_by, n.etcd_value, n.etcd_index, n.seq"
                                            " FROM discovery_ids d JOIN nodes n ON n.discovery_id = d.id"
                                            " ORDER BY d.created_at, d.id DESC"),
                             {}, Rows::Streamed);
    if (!nodeRows)
        return Result::failure(nodeRows.error());
    qsizetype visited = 0;
    DiscoveryIdWithNodes record;
    NodesAsRead nodes;
    bool moreNodes = nodeRows->next();
    while (idRows->next()) {
        record.id = idFromRow(*idRows);
        // IDs without nodes have no rows here.
        while (moreNodes && nodeRows->value(0).toString() == record.id.id) {
            nodes.append({nodeRows->value(8).toLongLong(), nodeFromRow(*nodeRows, 1)});
            moreNodes = nodeRows->next();
        }
        ++visited;
        if (!handOn(record, nodes, visit))
            return visited;
    }
    for (const QSqlQuery *rows : {&*idRows, &*nodeRows}) {
        if (rows->lastError().isValid())
            return Result::failure(describe(rows->lastError()));
    }
    if (moreNodes) // both passes read one snapshot in one order: never
        return Result::failure(QStringLiteral("the export read a node of an ID it did not read"));
    return visited;
}

StoreResult<qsizetype> Store::exportJoined(const IdVisitor &visit)
{
    // One pass over every ID joined with its nodes, an ID's rows together.
    using Result = StoreResult<qsizetype>;
    Statement q = run(QStringLiteral("SELECT d.id, d.kind, d.created_at, d.expected_size, d.label,"
                                     " d.last_activity, 0, d.etcd_index, n.address, n.first_registered,"
                                     " n.last_seen, n.registrations, n.registered_by, n.etcd_value, n.etcd_index,"
                                     " n.seq FROM discovery_ids d LEFT JOIN nodes n ON n.discovery_id = d.id"
                                     " ORDER BY d.created_at, d.id DESC"),
                      {}, Rows::Streamed);
    if (!q)
        return Result::failure(q.error());
    constexpr int FirstNodeColumn = 8;
    constexpr int SeqColumn = 15;
    qsizetype visited = 0;
    DiscoveryIdWithNodes record;
    NodesAsRead nodes;
    while (q->next()) {
        if (q->value(0).toString() != record.id.id) { // the first row of the next ID
            if (!record.id.id.isEmpty()) {
                ++visited;
                if (!handOn(record, nodes, visit))
                    return visited;
            }
            record.id = idFromRow(*q);
        }
        if (!q->isNull(FirstNodeColumn))
            nodes.append({q->value(SeqColumn).toLongLong(), nodeFromRow(*q, FirstNodeColumn)});
    }
    if (q->lastError().isValid())
        return Result::failure(describe(q->lastError()));
    if (!record.id.id.isEmpty()) {
        ++visited;
        handOn(record, nodes, visit);
    }
    return visited;
}

// --- writes -------------------------------------------------------------------------------

StoreResult<bool> Store::insertId(const DiscoveryId &id)
{
    Statement q = run(QStringLiteral("INSERT INTO discovery_ids"
                                     " (id, kind, created_at, expected_size, label, last_activity, etcd_index)"
                                     " VALUES (?, ?, ?, ?, ?, ?, ?)"),
                      {id.id, kindName(id.kind), id.createdAt.microseconds(), optionalInt(id.expectedSize),
                       text(id.label), id.lastActivity.microseconds(), id.etcdIndex});
    if (!q)
        return failure<bool>(q.error());
    noteChange({StoreChange::Type::IdCreated, id.id, id.createdAt, id, {}});
    return true;
}

StoreResult<bool> Store::updateId(const DiscoveryId &id, Timestamp at)
{
    Statement q = run(QStringLiteral("UPDATE discovery_ids SET created_at = ?, expected_size = ?, label = ?,"
                                     " last_activity = ?, etcd_index = ? WHERE id = ?"),
                      {id.createdAt.microseconds(), optionalInt(id.expectedSize), text(id.label),
                       id.lastActivity.microseconds(), id.etcdIndex, id.id});
    if (!q)
        return failure<bool>(q.error());
    if (q->numRowsAffected() == 0)
        return false;
    noteChange({StoreChange::Type::IdUpdated, id.id, at, id, {}});
    return true;
}

StoreResult<bool> Store::deleteId(const QString &id, Timestamp at)
{
    if (Statement nodes = run(QStringLiteral("DELETE FROM nodes WHERE discovery_id = ?"), {id}); !nodes)
        return failure<bool>(nodes.error());
    Statement q = run(QStringLiteral("DELETE FROM discovery_ids WHERE id = ?"), {id});
    if (!q)
        return failure<bool>(q.error());
    if (q->numRowsAffected() == 0)
        return false;
    noteChange({StoreChange::Type::IdDeleted, id, at, {}, {}});
    return true;
}

StoreResult<bool> Store::markActivity(const QString &id, Timestamp at, std::optional<qint64> etcdIndex)
{
    const auto marked = etcdIndex
        ? runPlain(QStringLiteral("UPDATE discovery_ids SET last_activity = ?, etcd_index = ? WHERE id = ?"),
                   {at.microseconds(), *etcdIndex, id})
        : runPlain(QStringLiteral("UPDATE discovery_ids SET last_activity = ? WHERE id = ?"), {at.microseconds(), id});
    if (!marked.ok())
        return failure<bool>(marked.error());
    return marked.value() > 0;
}

StoreResult<Node> Store::registerAddress(const QString &id, const QString &address, const QString &registeredBy,
                                         Timestamp at)
{
    // The count stops at the column's largest value rather than overflow.
    static const QString sql = QStringLiteral(
        "INSERT INTO nodes (discovery_id, address, seq, first_registered, last_seen, registrations, registered_by)"
        " VALUES (?, ?, %2, ?, ?, 1, ?)"
        " ON CONFLICT (discovery_id, address) DO UPDATE"
        " SET last_seen = excluded.last_seen, registrations = CASE WHEN nodes.registrations < 9223372036854775807"
        " THEN nodes.registrations + 1 ELSE nodes.registrations END"
        " RETURNING %1").arg(NodeColumns, NextSeq);
    Statement q = run(sql, {id, address, id, at.microseconds(), at.microseconds(), text(registeredBy)});
    if (!q || !q->next())
        return failure<Node>(q ? describe(q->lastError()) : q.error());
    const Node node = nodeFromRow(*q);
    const bool added = node.registrations == 1;
    noteChange({added ? StoreChange::Type::NodeAdded : StoreChange::Type::NodeUpdated, id, at, {}, node});
    return node;
}

StoreResult<bool> Store::insertNode(const QString &id, const Node &node, Timestamp at)
{
    static const QString sql = QStringLiteral("INSERT INTO nodes (discovery_id, address, seq, first_registered,"
                                              " last_seen, registrations, registered_by, etcd_value, etcd_index)"
                                              " VALUES (?, ?, %1, ?, ?, ?, ?, ?, ?)").arg(NextSeq);
    const auto inserted = runPlain(sql, {id, node.address, id, node.firstRegistered.microseconds(),
                                         node.lastSeen.microseconds(), node.registrations, text(node.registeredBy),
                                         text(node.etcdValue), node.etcdIndex});
    if (!inserted.ok())
        return failure<bool>(inserted.error());
    noteChange({StoreChange::Type::NodeAdded, id, at, {}, node});
    return true;
}

StoreResult<bool> Store::updateNode(const QString &id, const Node &node, Timestamp at)
{
    Statement q = run(QStringLiteral("UPDATE nodes SET first_registered = ?, last_seen = ?, registrations = ?"
                                     " WHERE discovery_id = ? AND address = ?"),
                      {node.firstRegistered.microseconds(), node.lastSeen.microseconds(), node.registrations, id,
                       node.address});
    if (!q)
        return failure<bool>(q.error());
    if (q->numRowsAffected() == 0)
        return false;
    noteChange({StoreChange::Type::NodeUpdated, id, at, {}, node});
    return true;
}

StoreResult<bool> Store::deleteNode(const QString &id, const QString &address, Timestamp at)
{
    Statement q = run(QStringLiteral("DELETE FROM nodes WHERE discovery_id = ? AND address = ?"), {id, address});
    if (!q)
        return failure<bool>(q.error());
    if (q->numRowsAffected() == 0)
        return false;
    Node removed;
    removed.address = address;
    noteChange({StoreChange::Type::NodeRemoved, id, at, {}, removed});
    return true;
}

StoreResult<bool> Store::removePrunable(const PruneRules &rules, PruneResult &found, Timestamp at)
{
    // A statement per rule, not per row; each counts what it removed.
    const SqlCondition ids = idRule(rules);
    // A full list: there may be hundreds of thousands more. Not for an expiry sweep's
    // slice, sized to take about 10 ms: giving the memory back after each would cost
    // more than the slice itself.
    const bool fullList = found.ids.size() >= PruneResult::MaxListed || found.nodes.size() >= PruneResult::MaxListed;
    if (fullList && !rules.slice)
        expectManyChanges();
    if (!ids.sql.isEmpty()) {
        // Nodes first: the IDs' rule "no nodes" then still picks the same IDs, as
        // only IDs it picked lost their nodes.
        const auto nodes = changeRows(QStringLiteral("DELETE FROM nodes WHERE discovery_id IN"
                                                     " (SELECT d.id FROM discovery_ids d WHERE %1)").arg(ids.sql),
                                      ids.values);
        if (!nodes.ok())
            return failure<bool>(nodes.error());
        // By the rule itself, not by the list of IDs: SQLite then walks the rows in
        // the rule's index order instead of looking each ID up (half a million IDs:
        // 10 s instead of 21).
        const auto removed = changeRows(QStringLiteral("DELETE FROM discovery_ids AS d WHERE %1").arg(ids.sql),
                                        ids.values);
        if (!removed.ok())
            return failure<bool>(removed.error());
        found.nodesOfIdsCount = nodes.value();
        found.idCount = removed.value();
    }
    if (rules.notSeenSince) {
        // The IDs that go are gone: what the rule matches now is single nodes.
        const SqlCondition nodes = nodeRule(rules, QStringLiteral("s"));
        const auto touched = changeRows(QStringLiteral("UPDATE discovery_ids SET last_activity = ? WHERE id IN"
                                                       " (SELECT s.discovery_id FROM nodes s WHERE %1)").arg(nodes.sql),
                                        QVariantList{at.microseconds()} + nodes.values);
        if (!touched.ok())
            return failure<bool>(touched.error());
        const auto removed = changeRows(QStringLiteral("DELETE FROM nodes AS s WHERE %1").arg(nodes.sql), nodes.values);
        if (!removed.ok())
            return failure<bool>(removed.error());
        found.singleNodeIdCount = touched.value();
        found.singleNodeCount = removed.value();
    }
    if (rules.includesKv()) {
        const auto removed = removePrunableKv(rules);
        if (!removed.ok())
            return failure<bool>(removed.error());
        found.kvKeyCount = removed.value();
    }
    // The lists were read in this transaction, by the same rules: they are the first
    // of what was removed.
    Q_ASSERT(found.ids.size() <= found.idCount && found.nodes.size() <= found.singleNodeCount);
    notePruned(found, at);
    return true;
}

StoreResult<qint64> Store::changeRows(const QString &sql, const QVariantList &values)
{
    Statement q = run(sql, values);
    if (!q)
        return failure<qint64>(q.error());
    return qint64(q->numRowsAffected());
}

void Store::notePruned(const PruneResult &result, Timestamp at)
{
    // One notice per removed ID or node, unless there are many: then one that says
    // "read again", cheaper for everyone than tens of thousands of single changes.
    static_assert(MaxPruneNotices <= PruneResult::MaxListed, "a prune with notices lists all it removed");
    if (result.idCount + result.singleNodeCount + result.kvKeyCount > MaxPruneNotices) {
        StoreChange change{StoreChange::Type::ChangedElsewhere, {}, at, {}, {}};
        change.prunedIds = result.idCount;
        change.prunedNodes = result.singleNodeCount;
        change.prunedKvKeys = result.kvKeyCount;
        noteChange(std::move(change));
        return;
    }
    for (const DiscoveryId &id : result.ids)
        noteChange({StoreChange::Type::IdDeleted, id.id, at, {}, {}});
    for (const PrunedNode &node : result.nodes) {
        Node removed;
        removed.address = node.address;
        noteChange({StoreChange::Type::NodeRemoved, node.discoveryId, at, {}, removed});
    }
    for (const KvEntry &entry : result.kvKeys) {
        StoreChange change;
        change.type = StoreChange::Type::KvDeleted;
        change.at = at;
        change.kv.key = entry.key;
        noteChange(std::move(change));
    }
}
