#include "Store.h"

#include "store/ChangeMessage.h"
#include "store/Schema.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>

namespace {

// Any number, the same in every DiscoDesk: the advisory lock held while the schema is
// read and upgraded.
constexpr qint64 SchemaLockKey = 0x44697363; // "Disc"

// Column list shared by every query that reads whole IDs; idFromRow() reads it.
const QString IdColumns = QStringLiteral(
    "d.id, d.kind, d.created_at, d.expected_size, d.label, d.last_activity,"
    " (SELECT COUNT(*) FROM nodes n WHERE n.discovery_id = d.id), d.etcd_index");

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

QString describe(const QSqlError &error)
{
    return error.databaseText().isEmpty() ? error.text() : error.databaseText();
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

} // namespace

// A prepared statement that has run; releases its result set when it goes out of
// scope, so readers never hold the database open longer than needed.
class Store::Statement
{
public:
    explicit Statement(QSqlQuery *query) : m_query(query) {}
    Statement(Statement &&other) noexcept : m_query(std::exchange(other.m_query, nullptr)) {}
    ~Statement()
    {
        if (m_query)
            m_query->finish();
    }
    explicit operator bool() const { return m_query != nullptr; }
    QSqlQuery *operator->() const { return m_query; }
    QSqlQuery &operator*() const { return *m_query; }

private:
    QSqlQuery *m_query;
};

// BEGIN IMMEDIATE ... COMMIT. Changes recorded inside are emitted after the commit;
// a transaction that is not committed rolls back and forgets them. A transaction
// opened inside another joins it: only the outermost one begins and commits.
//
// With group commit on, an outermost write transaction is a savepoint in the open
// batch instead (opening the batch first if there is none): committing it releases
// the savepoint, failing rolls back just its own changes, and commitBatch() commits
// them all at once. Reads join an open batch, so they see its writes.
class Store::Transaction
{
public:
    // Read: a consistent view. Write: changes, one writer at a time per ID (SQLite:
    // one at a time at all). Exclusive: changes to many IDs at once, with every other
    // writer kept out until the end (prune, import).
    enum class Access { Read, Write, Exclusive };

    explicit Transaction(Store &store, Access access = Access::Write) : m_store(store)
    {
        const bool write = access != Access::Read;
        if (write || store.isShared())
            store.reconnectIfFailed();
        if (store.m_transactionDepth++ > 0) {
            m_mode = Mode::Joined;
            return;
        }
        if (store.m_batch == Batch::Broken) {
            store.m_error = store.m_batchError;
            return; // Failed: nothing more may join a batch that is lost
        }
        if (store.m_batch == Batch::None && write && store.m_groupCommit) {
            if (!store.run(QStringLiteral("BEGIN IMMEDIATE")))
                return;
            store.m_batch = Batch::Open;
            emit store.batchOpened();
        }
        if (store.m_batch == Batch::Open) {
            if (!write) {
                m_mode = Mode::Joined;
                return;
            }
            m_changesBefore = store.m_pending.size();
            if (store.run(QStringLiteral("SAVEPOINT request")))
                m_mode = Mode::Savepoint;
            else
                store.breakBatch();
            return;
        }
        if (!store.isShared()) {
            // Prepared once like every statement: BEGIN and COMMIT run on every request.
            if (store.run(write ? QStringLiteral("BEGIN IMMEDIATE") : QStringLiteral("BEGIN")))
                m_mode = Mode::Own;
            return;
        }
        if (!store.m_db.transaction()) {
            store.fail(describe(store.m_db.lastError()));
            return;
        }
        // PostgreSQL's READ COMMITTED gives each statement a snapshot of its own: an ID
        // read before another server's commit and its nodes read after would disagree
        // (an etcd token's index older than a member it lists, and etcd then learns
        // that member twice). A read sees one moment, as on SQLite.
        // SET and LOCK cannot be prepared statements.
        const QString setUp = access == Access::Read
            ? QStringLiteral("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            : access == Access::Exclusive ? QStringLiteral("LOCK TABLE discovery_ids, nodes IN EXCLUSIVE MODE")
                                          : QString();
        if (QSqlQuery first(store.m_db); !setUp.isEmpty() && !first.exec(setUp)) {
            store.fail(describe(first.lastError()));
            rollback();
            return;
        }
        m_mode = Mode::Own;
    }
    ~Transaction()
    {
        --m_store.m_transactionDepth;
        const QString error = m_store.m_error; // the reason we roll back, not the rollback's
        if (m_mode == Mode::Own) {
            rollback();
        } else if (m_mode == Mode::Savepoint) {
            if (m_store.run(QStringLiteral("ROLLBACK TO request")) && m_store.run(QStringLiteral("RELEASE request")))
                m_store.m_pending.resize(m_changesBefore);
            else
                m_store.breakBatch(); // SQLite rolled the whole batch back on its own
        }
        m_store.m_error = error;
    }
    bool isActive() const { return m_mode != Mode::Failed; }

    bool commit()
    {
        switch (m_mode) {
        case Mode::Joined:
            return true;
        case Mode::Savepoint:
            if (!m_store.run(QStringLiteral("RELEASE request")))
                return false;
            m_mode = Mode::Done; // its changes are emitted when the batch commits
            return true;
        case Mode::Own:
            if (!commitOwn())
                return false;
            m_mode = Mode::Done;
            if (const StoreChanges changes = std::exchange(m_store.m_pending, {}); !changes.isEmpty())
                emit m_store.changed(changes);
            return true;
        case Mode::Failed:
        case Mode::Done:
            break;
        }
        return false;
    }

private:
    enum class Mode { Failed, Joined, Own, Savepoint, Done };

    bool commitOwn()
    {
        if (!m_store.isShared())
            return bool(m_store.run(QStringLiteral("COMMIT")));
        // The other servers hear of each change once it is committed: NOTIFY is
        // delivered at COMMIT, and dropped with a rollback.
        for (const StoreChange &change : std::as_const(m_store.m_pending)) {
            if (!m_store.run(QStringLiteral("SELECT pg_notify(?, ?)"),
                             {QString::fromLatin1(ChangeMessage::Channel),
                              QString::fromUtf8(ChangeMessage::encode(change))}))
                return false;
        }
        // commit(), not exec("COMMIT"), which reports success for a transaction the
        // server rolled back after an error.
        if (!m_store.m_db.commit()) {
            m_store.fail(describe(m_store.m_db.lastError()));
            return false;
        }
        return true;
    }

    void rollback()
    {
        if (m_store.isShared())
            m_store.m_db.rollback();
        else
            m_store.run(QStringLiteral("ROLLBACK"));
        m_store.m_pending.clear();
    }

    Store &m_store;
    Mode m_mode = Mode::Failed;
    qsizetype m_changesBefore = 0;
};

Store::Store(QObject *parent) : QObject(parent), m_pollTimer(this)
{
    connect(&m_pollTimer, &QTimer::timeout, this, &Store::pollForChanges);
    static QAtomicInteger<quint64> counter;
    m_connectionName = QStringLiteral("discodesk-store-%1").arg(counter.fetchAndAddRelaxed(1));
    qRegisterMetaType<StoreChanges>();
}

Store::~Store()
{
    close();
}

QString Store::open(const QString &location)
{
    close();
    QString error;
    const auto parsed = DatabaseLocation::parse(location, &error);
    if (!parsed)
        return error;
    m_location = *parsed;
    error = m_location.isShared() ? openPostgreSql() : openSqliteFile(m_location.filePath);
    if (!error.isEmpty()) {
        close();
        return error;
    }
    m_path = m_location.displayName();
    return {};
}

QString Store::openPostgreSql()
{
    const QString name = m_location.displayName();
    m_db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_connectionName);
    if (!m_db.isValid())
        return QStringLiteral("cannot use %1: Qt's PostgreSQL driver is missing (Debian: libqt6sql6-psql)").arg(name);
    m_db.setHostName(m_location.host);
    m_db.setPort(m_location.port);
    m_db.setUserName(m_location.user);
    m_db.setPassword(m_location.password);
    m_db.setDatabaseName(m_location.database);
    m_db.setConnectOptions(m_location.options);
    if (!m_db.open())
        return QStringLiteral("cannot connect to %1: %2").arg(name, describe(m_db.lastError()));

    // Servers starting together on an empty database take turns to create the schema.
    QSqlQuery lock(m_db);
    if (!lock.exec(QStringLiteral("SELECT pg_advisory_lock(%1)").arg(SchemaLockKey)))
        return QStringLiteral("cannot lock the schema of %1: %2").arg(name, describe(lock.lastError()));
    const QString error = prepareSchema(Schema::Dialect::PostgreSql, name);
    lock.exec(QStringLiteral("SELECT pg_advisory_unlock(%1)").arg(SchemaLockKey));
    if (!error.isEmpty())
        return error;
    return configureConnection();
}

// Why a database of this schema version cannot be used; empty when it can.
QString Store::versionRefusal(int version, const QString &name)
{
    if (version < 0)
        return QStringLiteral("%1 is a database of another program, not DiscoDesk's; "
                              "choose another database").arg(name);
    if (version > Schema::latestVersion())
        return QStringLiteral("%1 has schema version %2, newer than this DiscoDesk knows (%3); "
                              "use a newer DiscoDesk").arg(name).arg(version).arg(Schema::latestVersion());
    return {};
}

QString Store::prepareSchema(Schema::Dialect dialect, const QString &name)
{
    int version = 0;
    if (const QString error = Schema::readVersion(m_db, dialect, &version); !error.isEmpty())
        return QStringLiteral("cannot read %1: %2").arg(name, error);
    if (const QString refusal = versionRefusal(version, name); !refusal.isEmpty())
        return refusal;
    if (const QString error = Schema::migrate(m_db, dialect, version); !error.isEmpty())
        return QStringLiteral("cannot upgrade the schema of %1: %2").arg(name, error);
    return {};
}

QString Store::openSqliteFile(const QString &path)
{
    const QFileInfo info(path);
    if (info.exists() && !info.isFile())
        return QStringLiteral("%1 is not a file").arg(path);
    if (!QDir().mkpath(info.absolutePath()))
        return QStringLiteral("cannot create the folder %1").arg(info.absolutePath());

    // Two servers writing one file would each think they own it; through two names
    // they would even keep two journals. Locked before SQLite opens it.
    if (const QString error = m_lock.lock(path); !error.isEmpty())
        return error;

    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    m_db.setDatabaseName(path);
    // Other connections (the window's reader, a second writer) wait instead of failing.
    m_db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!m_db.open())
        return QStringLiteral("cannot open %1: %2").arg(path, describe(m_db.lastError()));

    int version = 0;
    if (const QString error = Schema::readVersion(m_db, Schema::Dialect::Sqlite, &version); !error.isEmpty())
        return QStringLiteral("cannot read %1: %2").arg(path, error);
    if (const QString refusal = versionRefusal(version, path); !refusal.isEmpty())
        return refusal; // before anything below writes to the file
    {
        // Damaged pages would fail requests later and take writes now: refuse the
        // file before writing anything to it.
        QSqlQuery check(m_db);
        if (!check.exec(QStringLiteral("PRAGMA quick_check(1)")) || !check.next())
            return QStringLiteral("%1 is damaged (%2); restore it or choose another file")
                .arg(path, describe(check.lastError()));
        if (const QString result = check.value(0).toString(); result != u"ok")
            return QStringLiteral("%1 is damaged (SQLite: %2); restore it or choose another file")
                .arg(path, result.left(200));
    }
    // WAL mode before the first write, so that even the schema is written through it.
    if (const QString error = configureConnection(); !error.isEmpty())
        return QStringLiteral("cannot set up %1: %2").arg(path, error);
    return prepareSchema(Schema::Dialect::Sqlite, path);
}

QString Store::configureConnection()
{
    if (isShared()) {
        // A server waits its turn for an ID another server is changing, but never
        // for ever: a stuck lock or a forgotten transaction becomes an error (503).
        QSqlQuery settings(m_db);
        for (const auto &statement : {QStringLiteral("SET lock_timeout = '10s'"),
                                      QStringLiteral("SET idle_in_transaction_session_timeout = '60s'")}) {
            if (!settings.exec(statement))
                return describe(settings.lastError());
        }
        // Every DiscoDesk on the database tells the others what it committed.
        QSqlDriver *driver = m_db.driver();
        if (!m_pollTimer.isActive() && driver->hasFeature(QSqlDriver::EventNotifications)
            && driver->subscribeToNotification(QString::fromLatin1(ChangeMessage::Channel))) {
            connect(driver, &QSqlDriver::notification, this, &Store::onNotification, Qt::UniqueConnection);
        } else if (!m_pollTimer.isActive()) {
            startPolling(); // the schema may not be ready yet: the first tick learns the present
        }
        return {};
    }
    // WAL: readers never block the writer. synchronous=NORMAL: a commit survives a
    // killed process; only a power loss can take the last commits back.
    QSqlQuery pragma(m_db);
    for (const auto &statement : {QStringLiteral("PRAGMA journal_mode = WAL"),
                                  QStringLiteral("PRAGMA synchronous = NORMAL"),
                                  // Savepoints of group commit keep page copies in RAM, not a temp file.
                                  QStringLiteral("PRAGMA temp_store = MEMORY"),
                                  // 32 MiB of pages, not 2: a prune of many rows then stays in
                                  // memory until it commits instead of spilling (a third faster).
                                  QStringLiteral("PRAGMA cache_size = -32768"),
                                  QStringLiteral("PRAGMA foreign_keys = ON")}) {
        if (!pragma.exec(statement))
            return describe(pragma.lastError());
    }
    return {};
}

void Store::reconnectIfFailed()
{
    // SQLite opens a file it may not write read-only and keeps it so; a full disk
    // can leave the connection unable to write. A fresh connection sees the file as
    // it is now, so writes work again once the cause is gone.
    // A PostgreSQL connection may have been lost (a restarted server): it comes back
    // the same way, its prepared statements and LISTEN made anew.
    if (!m_failedSinceConnect || m_transactionDepth > 0 || m_batch != Batch::None || !m_db.isValid())
        return;
    m_failedSinceConnect = false;
    qDeleteAll(m_statements);
    m_statements.clear();
    m_db.close();
    if (isShared()) {
        if (m_db.open() && configureConnection().isEmpty()) {
            // What others did while we were away was never heard: read again. Emitted
            // later, not from inside the transaction that is starting.
            QMetaObject::invokeMethod(this, [this] {
                emit changed({StoreChange{StoreChange::Type::ChangedElsewhere, {}, Timestamp::now(), {}, {}}});
            }, Qt::QueuedConnection);
        }
        return;
    }
    // SQLite made its -wal and -shm files with the database's permissions of that
    // moment; a database made writable again needs them writable too.
    const QFile::Permissions permissions = QFile::permissions(m_path);
    for (const QString &suffix : {QStringLiteral("-wal"), QStringLiteral("-shm")}) {
        if (QFile::exists(m_path + suffix))
            QFile::setPermissions(m_path + suffix, permissions);
    }
    if (m_db.open())
        configureConnection();
}

void Store::close()
{
    qDeleteAll(m_statements);
    m_statements.clear();
    m_pending.clear();
    m_batch = Batch::None; // closing the connection rolls an open batch back
    if (m_db.isValid()) {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connectionName);
    }
    m_lock.unlock(); // after the connection: see DatabaseFileLock::unlock()
    m_path.clear();
    m_location = {};
    m_pollTimer.stop();
}

bool Store::isOpen() const
{
    return m_db.isOpen();
}

Store::Statement Store::run(const QString &sql, const QVariantList &values, Rows rows)
{
    if (!m_db.isOpen()) {
        fail(QStringLiteral("the database is not open")); // the next transaction tries to reconnect
        return Statement(nullptr);
    }
    QSqlQuery *query = m_statements.value(sql);
    if (!query) {
        query = new QSqlQuery(m_db);
        // Rows are read once, in order: without this Qt keeps a copy of every row. Not
        // on PostgreSQL, where a forward-only result is lost when the connection runs
        // another statement before it is read to the end.
        query->setForwardOnly(!isShared() || rows == Rows::Streamed);
        if (!query->prepare(sql)) {
            fail(describe(query->lastError()));
            delete query;
            return Statement(nullptr);
        }
        m_statements.insert(sql, query);
    }
    for (int i = 0; i < values.size(); ++i)
        query->bindValue(i, values.at(i));
    if (!query->exec()) {
        fail(describe(query->lastError()));
        query->finish();
        return Statement(nullptr);
    }
    return Statement(query);
}

void Store::setGroupCommit(bool enabled)
{
    m_groupCommit = enabled;
}

void Store::breakBatch()
{
    m_batch = Batch::Broken;
    m_batchError = m_error;
}

StoreResult<bool> Store::commitBatch()
{
    Q_ASSERT(m_transactionDepth == 0);
    if (m_batch == Batch::None)
        return true;
    const bool broken = m_batch == Batch::Broken;
    m_batch = Batch::None;
    if (!broken && run(QStringLiteral("COMMIT"))) {
        if (const StoreChanges changes = std::exchange(m_pending, {}); !changes.isEmpty())
            emit changed(changes);
        return true;
    }
    const QString error = broken ? std::exchange(m_batchError, {}) : takeError();
    run(QStringLiteral("ROLLBACK")); // fails when SQLite rolled back already: fine
    m_error.clear();
    m_pending.clear();
    return StoreResult<bool>::failure(error);
}

void Store::onNotification(const QString &name, QSqlDriver::NotificationSource source, const QVariant &payload)
{
    // Our own connection's notices repeat what changed() told already.
    if (source == QSqlDriver::SelfSource || name != QLatin1String(ChangeMessage::Channel))
        return;
    if (const auto change = ChangeMessage::decode(payload.toString().toUtf8()))
        emit changed({*change});
}

void Store::setPollForChanges(bool poll)
{
    if (!poll) {
        m_pollTimer.stop();
        return;
    }
    if (m_pollTimer.isActive())
        return;
    startPolling();
    // Learn what "unchanged" looks like now: a change made before the first tick is
    // then reported by it, not taken for the present.
    pollForChanges();
}

void Store::startPolling()
{
    if (m_db.isValid())
        m_db.driver()->unsubscribeFromNotification(QString::fromLatin1(ChangeMessage::Channel));
    m_lastFingerprint.clear(); // the first poll learns what "unchanged" looks like
    m_pollTimer.start(PollInterval);
}

void Store::pollForChanges()
{
    if (m_transactionDepth > 0 || m_batch != Batch::None)
        return; // next time
    // Cheap, and every kind of change moves one of these (labels aside).
    QVariantList fingerprint;
    {
        Transaction transaction(*this, Transaction::Access::Read);
        Statement q = transaction.isActive()
            ? run(QStringLiteral("SELECT (SELECT COUNT(*) FROM discovery_ids),"
                                 " (SELECT MAX(last_activity) FROM discovery_ids),"
                                 " (SELECT COUNT(*) FROM nodes), (SELECT MAX(last_seen) FROM nodes)"))
            : Statement(nullptr);
        if (!q || !q->next()) {
            takeError(); // the next poll tries again, through a new connection if need be
            return;
        }
        for (int i = 0; i < 4; ++i)
            fingerprint << q->value(i).toLongLong();
    }
    const bool first = m_lastFingerprint.isEmpty();
    if (std::exchange(m_lastFingerprint, fingerprint) != fingerprint && !first)
        emit changed({StoreChange{StoreChange::Type::ChangedElsewhere, {}, Timestamp::now(), {}, {}}});
}

bool Store::lockId(const QString &id)
{
    // SQLite's BEGIN IMMEDIATE already lets one writer in at a time. On PostgreSQL the
    // ID's row is locked until the transaction ends, so that servers changing the same
    // ID take turns: counts and etcd indexes stay right.
    if (!isShared())
        return true;
    return bool(run(QStringLiteral("SELECT 1 FROM discovery_ids WHERE id = ? FOR UPDATE"), {id}));
}

void Store::fail(const QString &error)
{
    m_error = error;
    m_failedSinceConnect = true;
}

QString Store::takeError()
{
    return std::exchange(m_error, {});
}

void Store::noteChange(StoreChange change)
{
    m_pending.append(std::move(change));
}

StoreResult<bool> Store::ping()
{
    Statement q = run(QStringLiteral("SELECT COUNT(*) FROM discodesk_schema"));
    if (!q || !q->next())
        return StoreResult<bool>::failure(takeError());
    return true;
}

StoreResult<DiscoveryId> Store::createId(const DiscoveryId &record)
{
    DiscoveryId created = record;
    created.lastActivity = record.createdAt;
    created.nodeCount = 0;
    created.etcdIndex = record.kind == DiscoveryKind::Etcd ? 1 : 0; // the token and its size key

    Transaction transaction(*this);
    if (!transaction.isActive())
        return StoreResult<DiscoveryId>::failure(takeError());
    if (!run(QStringLiteral("INSERT INTO discovery_ids"
                            " (id, kind, created_at, expected_size, label, last_activity, etcd_index)"
                            " VALUES (?, ?, ?, ?, ?, ?, ?)"),
             {created.id, kindName(created.kind), created.createdAt.microseconds(),
              optionalInt(created.expectedSize), text(created.label),
              created.lastActivity.microseconds(), created.etcdIndex}))
        return StoreResult<DiscoveryId>::failure(takeError());
    noteChange({StoreChange::Type::IdCreated, created.id, created.createdAt, created, {}});
    if (!transaction.commit())
        return StoreResult<DiscoveryId>::failure(takeError());
    return created;
}

StoreResult<std::optional<DiscoveryId>> Store::findId(const QString &id)
{
    using Result = StoreResult<std::optional<DiscoveryId>>;
    static const QString sql = QStringLiteral("SELECT %1 FROM discovery_ids d WHERE d.id = ?").arg(IdColumns);
    Statement q = run(sql, {id});
    if (!q)
        return Result::failure(takeError());
    if (!q->next())
        return std::optional<DiscoveryId>();
    return std::optional<DiscoveryId>(idFromRow(*q));
}

StoreResult<std::optional<DiscoveryIdWithNodes>> Store::findIdWithNodes(const QString &id)
{
    // One read transaction, so the ID and its nodes are the same moment's.
    Transaction transaction(*this, Transaction::Access::Read);
    if (!transaction.isActive())
        return StoreResult<std::optional<DiscoveryIdWithNodes>>::failure(takeError());
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
        return Result::failure(takeError());
    while (q->next())
        result.nodes.append(nodeFromRow(*q));
    return std::optional<DiscoveryIdWithNodes>(std::move(result));
}

StoreResult<std::optional<RqliteRecord>> Store::findRqliteRecord(const QString &id)
{
    Transaction transaction(*this, Transaction::Access::Read);
    if (!transaction.isActive())
        return StoreResult<std::optional<RqliteRecord>>::failure(takeError());
    return readRqliteRecord(id);
}

StoreResult<std::optional<RqliteRecord>> Store::readRqliteRecord(const QString &id)
{
    using Result = StoreResult<std::optional<RqliteRecord>>;
    RqliteRecord record;
    {
        Statement q = run(QStringLiteral("SELECT created_at FROM discovery_ids WHERE id = ? AND kind = ?"),
                          {id, kindName(DiscoveryKind::Rqlite)});
        if (!q)
            return Result::failure(takeError());
        if (!q->next())
            return std::optional<RqliteRecord>();
        record.id = id;
        record.createdAt = Timestamp::fromMicroseconds(q->value(0).toLongLong());
    }
    Statement q = run(QStringLiteral("SELECT address FROM nodes WHERE discovery_id = ? ORDER BY seq"), {id});
    if (!q)
        return Result::failure(takeError());
    while (q->next())
        record.addresses.append(q->value(0).toString());
    return std::optional<RqliteRecord>(std::move(record));
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

    Transaction transaction(*this, Transaction::Access::Read);
    if (!transaction.isActive())
        return StoreResult<IdPage>::failure(takeError());
    IdPage page;
    {
        Statement count = run(QStringLiteral("SELECT COUNT(*) FROM discovery_ids d") + where, filterValues);
        if (!count || !count->next())
            return StoreResult<IdPage>::failure(takeError());
        page.total = count->value(0).toLongLong();
    }
    values << query.limit << query.offset;
    Statement q = run(QStringLiteral("SELECT %1 FROM discovery_ids d%2 ORDER BY %3 LIMIT ? OFFSET ?")
                          .arg(IdColumns, pageWhere, order),
                      values);
    if (!q)
        return StoreResult<IdPage>::failure(takeError());
    while (q->next())
        page.ids.append(idFromRow(*q));
    return page;
}

StoreResult<StoreCounts> Store::countIdsAndNodes()
{
    // One statement: one snapshot.
    Transaction transaction(*this, Transaction::Access::Read);
    if (!transaction.isActive())
        return StoreResult<StoreCounts>::failure(takeError());
    Statement q = run(QStringLiteral("SELECT (SELECT COUNT(*) FROM discovery_ids), (SELECT COUNT(*) FROM nodes)"));
    if (!q || !q->next())
        return StoreResult<StoreCounts>::failure(takeError());
    return StoreCounts{q->value(0).toLongLong(), q->value(1).toLongLong()};
}

StoreResult<std::optional<DiscoveryId>> Store::setLabel(const QString &id, const QString &label)
{
    using Result = StoreResult<std::optional<DiscoveryId>>;
    Transaction transaction(*this);
    if (!transaction.isActive())
        return Result::failure(takeError());
    {
        Statement q = run(QStringLiteral("UPDATE discovery_ids SET label = ? WHERE id = ?"), {text(label), id});
        if (!q)
            return Result::failure(takeError());
        if (q->numRowsAffected() == 0)
            return std::optional<DiscoveryId>();
    }
    const auto updated = findId(id);
    if (!updated.ok() || !updated.value())
        return Result::failure(updated.ok() ? QStringLiteral("the ID vanished") : updated.error());
    noteChange({StoreChange::Type::IdUpdated, id, Timestamp::now(), *updated.value(), {}});
    if (!transaction.commit())
        return Result::failure(takeError());
    return updated.value();
}

StoreResult<bool> Store::deleteId(const QString &id)
{
    Transaction transaction(*this);
    if (!transaction.isActive() || !lockId(id))
        return StoreResult<bool>::failure(takeError());
    if (!run(QStringLiteral("DELETE FROM nodes WHERE discovery_id = ?"), {id}))
        return StoreResult<bool>::failure(takeError());
    Statement q = run(QStringLiteral("DELETE FROM discovery_ids WHERE id = ?"), {id});
    if (!q)
        return StoreResult<bool>::failure(takeError());
    const bool existed = q->numRowsAffected() > 0;
    if (existed)
        noteChange({StoreChange::Type::IdDeleted, id, Timestamp::now(), {}, {}});
    if (!transaction.commit())
        return StoreResult<bool>::failure(takeError());
    return existed;
}

std::optional<bool> Store::idExists(const QString &id)
{
    Statement q = run(QStringLiteral("SELECT 1 FROM discovery_ids WHERE id = ?"), {id});
    if (!q)
        return std::nullopt;
    return q->next();
}

StoreResult<Store::NodeChange> Store::registerNode(const QString &id, const QString &address,
                                                   const QString &registeredBy, Timestamp at,
                                                   RqliteRecord *record)
{
    using Result = StoreResult<NodeChange>;
    Transaction transaction(*this);
    if (!transaction.isActive() || !lockId(id))
        return Result::failure(takeError());
    {
        // Counted inside the write transaction, so concurrent writers cannot overshoot.
        Statement q = run(QStringLiteral(
            "SELECT (SELECT COUNT(*) FROM nodes n WHERE n.discovery_id = d.id),"
            " EXISTS (SELECT 1 FROM nodes n WHERE n.discovery_id = d.id AND n.address = ?)"
            " FROM discovery_ids d WHERE d.id = ? AND d.kind = ?"),
            {address, id, kindName(DiscoveryKind::Rqlite)});
        if (!q)
            return Result::failure(takeError());
        if (!q->next())
            return NodeChange::UnknownId;
        if (q->value(0).toInt() >= m_maxNodesPerId && !q->value(1).toBool())
            return NodeChange::Full;
    }
    Node node;
    {
        static const QString sql = QStringLiteral(
            "INSERT INTO nodes (discovery_id, address, first_registered, last_seen, registrations, registered_by)"
            " VALUES (?, ?, ?, ?, 1, ?)"
            " ON CONFLICT (discovery_id, address) DO UPDATE"
            " SET last_seen = excluded.last_seen, registrations = nodes.registrations + 1"
            " RETURNING %1").arg(NodeColumns);
        Statement q = run(sql, {id, address, at.microseconds(), at.microseconds(), text(registeredBy)});
        if (!q || !q->next())
            return Result::failure(takeError());
        node = nodeFromRow(*q);
    }
    if (!run(QStringLiteral("UPDATE discovery_ids SET last_activity = ? WHERE id = ?"), {at.microseconds(), id}))
        return Result::failure(takeError());
    if (record) {
        const auto now = readRqliteRecord(id);
        if (!now.ok() || !now.value())
            return Result::failure(now.ok() ? QStringLiteral("the ID vanished") : now.error());
        *record = *now.value();
    }

    const bool added = node.registrations == 1;
    noteChange({added ? StoreChange::Type::NodeAdded : StoreChange::Type::NodeUpdated, id, at, {}, node});
    if (!transaction.commit())
        return Result::failure(takeError());
    return added ? NodeChange::Added : NodeChange::Updated;
}

StoreResult<Store::NodeChange> Store::removeNode(const QString &id, const QString &address, Timestamp at)
{
    using Result = StoreResult<NodeChange>;
    Transaction transaction(*this);
    if (!transaction.isActive() || !lockId(id))
        return Result::failure(takeError());
    const std::optional<bool> exists = idExists(id);
    if (!exists)
        return Result::failure(takeError());
    if (!*exists)
        return NodeChange::UnknownId;
    Statement q = run(QStringLiteral("DELETE FROM nodes WHERE discovery_id = ? AND address = ?"), {id, address});
    if (!q)
        return Result::failure(takeError());
    if (q->numRowsAffected() == 0)
        return NodeChange::Absent;
    if (!run(QStringLiteral("UPDATE discovery_ids SET last_activity = ? WHERE id = ?"), {at.microseconds(), id}))
        return Result::failure(takeError());

    Node removed;
    removed.address = address;
    noteChange({StoreChange::Type::NodeRemoved, id, at, {}, removed});
    if (!transaction.commit())
        return Result::failure(takeError());
    return NodeChange::Removed;
}

StoreResult<Store::EtcdMemberCreation> Store::createEtcdMember(const QString &token, const QString &memberId,
                                                               const QString &value, const QString &registeredBy,
                                                               Timestamp at)
{
    using Result = StoreResult<EtcdMemberCreation>;
    Transaction transaction(*this);
    if (!transaction.isActive() || !lockId(token))
        return Result::failure(takeError());
    qint64 index = 0;
    {
        Statement q = run(QStringLiteral("SELECT etcd_index FROM discovery_ids WHERE id = ? AND kind = ?"),
                          {token, kindName(DiscoveryKind::Etcd)});
        if (!q)
            return Result::failure(takeError());
        if (!q->next())
            return EtcdMemberCreation{EtcdMemberCreation::Outcome::UnknownToken, {}, 0};
        index = q->value(0).toLongLong();
    }
    {
        Statement q = run(QStringLiteral("SELECT %1 FROM nodes WHERE discovery_id = ? AND address = ?").arg(NodeColumns),
                          {token, memberId});
        if (!q)
            return Result::failure(takeError());
        if (q->next())
            return EtcdMemberCreation{EtcdMemberCreation::Outcome::Exists, nodeFromRow(*q), index};
    }
    {
        Statement q = run(QStringLiteral("SELECT COUNT(*) FROM nodes WHERE discovery_id = ?"), {token});
        if (!q || !q->next())
            return Result::failure(takeError());
        if (q->value(0).toInt() >= m_maxNodesPerId)
            return EtcdMemberCreation{EtcdMemberCreation::Outcome::Full, {}, index};
    }
    // One counter per token: indexes strictly increase and are never reused.
    Node node{memberId, at, at, 1, registeredBy, value, index + 1};
    if (!run(QStringLiteral("UPDATE discovery_ids SET etcd_index = ?, last_activity = ? WHERE id = ?"),
             {node.etcdIndex, at.microseconds(), token})
        || !run(QStringLiteral("INSERT INTO nodes (discovery_id, address, first_registered, last_seen,"
                               " registrations, registered_by, etcd_value, etcd_index)"
                               " VALUES (?, ?, ?, ?, 1, ?, ?, ?)"),
                {token, memberId, at.microseconds(), at.microseconds(), text(registeredBy), text(value),
                 node.etcdIndex}))
        return Result::failure(takeError());
    noteChange({StoreChange::Type::NodeAdded, token, at, {}, node});
    if (!transaction.commit())
        return Result::failure(takeError());
    return EtcdMemberCreation{EtcdMemberCreation::Outcome::Created, node, node.etcdIndex};
}

StoreResult<PruneResult> Store::prune(const PruneRules &rules, bool dryRun, Timestamp at)
{
    using Result = StoreResult<PruneResult>;
    PruneResult result;
    if (rules.isEmpty())
        return result;

    // Dry runs take the same write lock as real ones, so that a dry run reports
    // exactly what a prune at that moment removes.
    Transaction transaction(*this, Transaction::Access::Exclusive);
    if (!transaction.isActive())
        return Result::failure(takeError());

    QStringList idConditions;
    QVariantList idValues;
    if (rules.createdBefore) {
        idConditions << QStringLiteral("d.created_at < ?");
        idValues << rules.createdBefore->microseconds();
    }
    if (rules.noNodes)
        idConditions << QStringLiteral("NOT EXISTS (SELECT 1 FROM nodes n WHERE n.discovery_id = d.id)");
    const QString idsToRemove = idConditions.join(QStringLiteral(" OR "));

    QSet<QString> removedIds;
    if (!idConditions.isEmpty()) {
        Statement q = run(QStringLiteral("SELECT %1 FROM discovery_ids d WHERE %2 ORDER BY d.created_at, d.id")
                              .arg(IdColumns, idsToRemove),
                          idValues);
        if (!q)
            return Result::failure(takeError());
        while (q->next()) {
            result.ids.append(idFromRow(*q));
            removedIds.insert(result.ids.constLast().id);
        }
    }
    if (rules.notSeenSince) {
        Statement q = run(QStringLiteral("SELECT discovery_id, address, last_seen FROM nodes"
                                         " WHERE last_seen < ? ORDER BY discovery_id, seq"),
                          {rules.notSeenSince->microseconds()});
        if (!q)
            return Result::failure(takeError());
        while (q->next()) {
            PrunedNode node{q->value(0).toString(), q->value(1).toString(),
                            Timestamp::fromMicroseconds(q->value(2).toLongLong())};
            if (!removedIds.contains(node.discoveryId))
                result.nodes.append(node);
        }
    }
    if (dryRun)
        return result;

    // A statement per rule, not per row: the rules pick the same rows again, as
    // nothing else writes until the transaction ends. The counts check that.
    if (!result.ids.isEmpty()) {
        // Nodes first: the IDs' rule "no nodes" then still picks the same IDs, as
        // only IDs it picked lost their nodes.
        if (!removeRows(QStringLiteral("DELETE FROM nodes WHERE discovery_id IN"
                                       " (SELECT d.id FROM discovery_ids d WHERE %1)").arg(idsToRemove),
                        idValues, result.removedNodeCount() - result.nodes.size())
            || !removeRows(QStringLiteral("DELETE FROM discovery_ids WHERE id IN"
                                          " (SELECT d.id FROM discovery_ids d WHERE %1)").arg(idsToRemove),
                           idValues, result.ids.size()))
            return Result::failure(takeError());
    }
    if (!result.nodes.isEmpty()) {
        const qint64 notSeenSince = rules.notSeenSince->microseconds();
        if (!run(QStringLiteral("UPDATE discovery_ids SET last_activity = ? WHERE id IN"
                                " (SELECT discovery_id FROM nodes WHERE last_seen < ?)"),
                 {at.microseconds(), notSeenSince})
            || !removeRows(QStringLiteral("DELETE FROM nodes WHERE last_seen < ?"), {notSeenSince},
                           result.nodes.size()))
            return Result::failure(takeError());
    }
    notePruned(result, at);
    if (!transaction.commit())
        return Result::failure(takeError());
    return result;
}

bool Store::removeRows(const QString &sql, const QVariantList &values, qint64 expected)
{
    Statement q = run(sql, values);
    if (!q)
        return false;
    if (q->numRowsAffected() != expected) {
        fail(QStringLiteral("the prune removed %1 rows where it meant to remove %2; nothing was removed")
                 .arg(q->numRowsAffected()).arg(expected));
        return false;
    }
    return true;
}

void Store::notePruned(const PruneResult &result, Timestamp at)
{
    // One notice per removed ID or node, unless there are many: then one that says
    // "read again", cheaper for everyone than tens of thousands of single changes.
    if (result.ids.size() + result.nodes.size() > MaxPruneNotices) {
        noteChange({StoreChange::Type::ChangedElsewhere, {}, at, {}, {}});
        return;
    }
    for (const DiscoveryId &id : result.ids)
        noteChange({StoreChange::Type::IdDeleted, id.id, at, {}, {}});
    for (const PrunedNode &node : result.nodes) {
        Node removed;
        removed.address = node.address;
        noteChange({StoreChange::Type::NodeRemoved, node.discoveryId, at, {}, removed});
    }
}

StoreResult<QList<DiscoveryIdWithNodes>> Store::exportIds(const QStringList &ids)
{
    QList<DiscoveryIdWithNodes> records;
    const auto visited = exportIds(ids, [&records](const DiscoveryIdWithNodes &record) {
        records.append(record);
        return true;
    });
    if (!visited.ok())
        return StoreResult<QList<DiscoveryIdWithNodes>>::failure(visited.error());
    return records;
}

StoreResult<qsizetype> Store::exportIds(const QStringList &ids, const IdVisitor &visit)
{
    using Result = StoreResult<qsizetype>;
    Transaction transaction(*this, Transaction::Access::Read);
    if (!transaction.isActive())
        return Result::failure(takeError());

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

    // One pass over every ID joined with its nodes, an ID's rows together: no ID is
    // read before the one before it is handed on. node_count is counted as read.
    Statement q = run(QStringLiteral("SELECT d.id, d.kind, d.created_at, d.expected_size, d.label,"
                                     " d.last_activity, 0, d.etcd_index, n.address, n.first_registered,"
                                     " n.last_seen, n.registrations, n.registered_by, n.etcd_value, n.etcd_index"
                                     " FROM discovery_ids d LEFT JOIN nodes n ON n.discovery_id = d.id"
                                     " ORDER BY d.created_at, d.id, n.seq"),
                      {}, Rows::Streamed);
    if (!q)
        return Result::failure(takeError());
    constexpr int FirstNodeColumn = 8;
    DiscoveryIdWithNodes record;
    bool stopped = false;
    auto handOn = [&] {
        record.id.nodeCount = int(record.nodes.size());
        ++visited;
        stopped = !visit(record);
    };
    while (!stopped && q->next()) {
        if (q->value(0).toString() != record.id.id) { // the first row of the next ID
            if (!record.id.id.isEmpty()) {
                handOn();
                if (stopped)
                    break;
            }
            record.id = idFromRow(*q);
            record.nodes.clear();
        }
        if (!q->isNull(FirstNodeColumn))
            record.nodes.append(nodeFromRow(*q, FirstNodeColumn));
    }
    if (q->lastError().isValid())
        return Result::failure(describe(q->lastError()));
    if (!stopped && !record.id.id.isEmpty())
        handOn();
    return visited;
}

StoreResult<ImportSummary> Store::importIds(const QList<DiscoveryIdWithNodes> &records, Timestamp at)
{
    using Result = StoreResult<ImportSummary>;
    ImportSummary summary;
    Transaction transaction(*this, Transaction::Access::Exclusive);
    if (!transaction.isActive())
        return Result::failure(takeError());

    for (const DiscoveryIdWithNodes &incoming : records) {
        const auto existing = findId(incoming.id.id);
        if (!existing.ok())
            return Result::failure(existing.error());

        Timestamp lastActivity = incoming.id.lastActivity;
        qint64 etcdIndex = incoming.id.kind == DiscoveryKind::Etcd ? 1 : 0;
        for (const Node &node : incoming.nodes) {
            lastActivity = std::max(lastActivity, node.lastSeen);
            etcdIndex = std::max(etcdIndex, node.etcdIndex);
        }

        bool idChanged = false;
        if (!existing.value()) {
            if (!run(QStringLiteral("INSERT INTO discovery_ids"
                                    " (id, kind, created_at, expected_size, label, last_activity, etcd_index)"
                                    " VALUES (?, ?, ?, ?, ?, ?, ?)"),
                     {incoming.id.id, kindName(incoming.id.kind), incoming.id.createdAt.microseconds(),
                      optionalInt(incoming.id.expectedSize), text(incoming.id.label),
                      std::max(lastActivity, incoming.id.createdAt).microseconds(), etcdIndex}))
                return Result::failure(takeError());
            ++summary.idsAdded;
        } else {
            // Merge: the earlier creation time, the local label unless it is empty,
            // the local expected size unless there is none, the later activity.
            const DiscoveryId &local = *existing.value();
            if (local.kind != incoming.id.kind)
                return Result::failure(QStringLiteral("%1 exists already as a %2 ID, the file has it as %3")
                                           .arg(local.id, kindName(local.kind), kindName(incoming.id.kind)));
            const Timestamp createdAt = std::min(local.createdAt, incoming.id.createdAt);
            const QString label = local.label.isEmpty() ? incoming.id.label : local.label;
            const std::optional<int> size = local.expectedSize ? local.expectedSize : incoming.id.expectedSize;
            lastActivity = std::max(local.lastActivity, lastActivity);
            etcdIndex = std::max(local.etcdIndex, etcdIndex);
            idChanged = createdAt != local.createdAt || label != local.label
                || size != local.expectedSize || lastActivity != local.lastActivity
                || etcdIndex != local.etcdIndex;
            if (idChanged
                && !run(QStringLiteral("UPDATE discovery_ids SET created_at = ?, label = ?,"
                                       " expected_size = ?, last_activity = ?, etcd_index = ? WHERE id = ?"),
                        {createdAt.microseconds(), text(label), optionalInt(size),
                         lastActivity.microseconds(), etcdIndex, local.id}))
                return Result::failure(takeError());
            ++summary.idsMerged;
        }

        StoreChanges nodeChanges;
        for (const Node &node : incoming.nodes) {
            std::optional<Node> local;
            {
                Statement q = run(QStringLiteral("SELECT %1 FROM nodes WHERE discovery_id = ? AND address = ?")
                                      .arg(NodeColumns), {incoming.id.id, node.address});
                if (!q)
                    return Result::failure(takeError());
                if (q->next())
                    local = nodeFromRow(*q);
            }
            if (!local) {
                if (!run(QStringLiteral("INSERT INTO nodes (discovery_id, address, first_registered, last_seen,"
                                        " registrations, registered_by, etcd_value, etcd_index)"
                                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                         {incoming.id.id, node.address, node.firstRegistered.microseconds(),
                          node.lastSeen.microseconds(), node.registrations, text(node.registeredBy),
                          text(node.etcdValue), node.etcdIndex}))
                    return Result::failure(takeError());
                ++summary.nodesAdded;
                nodeChanges.append({StoreChange::Type::NodeAdded, incoming.id.id, at, {}, node});
                continue;
            }
            // Merge: the earliest first registration, the latest sighting, the larger
            // count (so importing the same file twice changes nothing), the local
            // registered-by.
            ++summary.nodesMerged;
            Node merged = *local;
            merged.firstRegistered = std::min(local->firstRegistered, node.firstRegistered);
            merged.lastSeen = std::max(local->lastSeen, node.lastSeen);
            merged.registrations = std::max(local->registrations, node.registrations);
            if (merged.firstRegistered == local->firstRegistered && merged.lastSeen == local->lastSeen
                && merged.registrations == local->registrations)
                continue;
            if (!run(QStringLiteral("UPDATE nodes SET first_registered = ?, last_seen = ?, registrations = ?"
                                    " WHERE discovery_id = ? AND address = ?"),
                     {merged.firstRegistered.microseconds(), merged.lastSeen.microseconds(),
                      merged.registrations, incoming.id.id, node.address}))
                return Result::failure(takeError());
            nodeChanges.append({StoreChange::Type::NodeUpdated, incoming.id.id, at, {}, merged});
        }

        const auto now = findId(incoming.id.id);
        if (!now.ok() || !now.value())
            return Result::failure(now.ok() ? QStringLiteral("the imported ID vanished") : now.error());
        if (!existing.value())
            noteChange({StoreChange::Type::IdCreated, incoming.id.id, at, *now.value(), {}});
        else if (idChanged)
            noteChange({StoreChange::Type::IdUpdated, incoming.id.id, at, *now.value(), {}});
        for (StoreChange &change : nodeChanges)
            noteChange(std::move(change));
    }
    if (!transaction.commit())
        return Result::failure(takeError());
    return summary;
}
