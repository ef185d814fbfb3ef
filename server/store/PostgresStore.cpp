#include "PostgresStore.h"

#include "store/ChangeMessage.h"

#include <QSqlError>
#include <QSqlQuery>

namespace {

// Any number, the same in every DiscoDesk: the advisory lock held while the schema is
// read and upgraded.
constexpr qint64 SchemaLockKey = 0x44697363; // "Disc"

} // namespace

PostgresStore::PostgresStore(QObject *parent) : Store(parent), m_pollTimer(this)
{
    QObject::connect(&m_pollTimer, &QTimer::timeout, this, &PostgresStore::pollForChanges);
}

std::unique_ptr<Store> PostgresStore::open(const DatabaseLocation &location, Mode mode, QString *error,
                                           QObject *parent)
{
    std::unique_ptr<PostgresStore> store(new PostgresStore(parent));
    store->m_name = location.displayName();
    if (QString reason = store->connect(location, mode); !reason.isEmpty()) {
        *error = reason;
        return nullptr;
    }
    return store;
}

QString PostgresStore::connect(const DatabaseLocation &location, Mode mode)
{
    m_db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_connectionName);
    if (!m_db.isValid())
        return QStringLiteral("cannot use %1: Qt's PostgreSQL driver is missing (Debian: libqt6sql6-psql)").arg(m_name);
    m_db.setHostName(location.host);
    m_db.setPort(location.port);
    m_db.setUserName(location.user);
    m_db.setPassword(location.password);
    m_db.setDatabaseName(location.database);
    m_db.setConnectOptions(location.options);
    if (!m_db.open())
        return QStringLiteral("cannot connect to %1: %2").arg(m_name, describe(m_db.lastError()));
    if (mode == Mode::ReadOnly)
        return {};

    // Servers starting together on an empty database take turns to create the schema.
    QSqlQuery lock(m_db);
    if (!lock.exec(QStringLiteral("SELECT pg_advisory_lock(%1)").arg(SchemaLockKey)))
        return QStringLiteral("cannot lock the schema of %1: %2").arg(m_name, describe(lock.lastError()));
    const QString error = prepareSchema(true);
    lock.exec(QStringLiteral("SELECT pg_advisory_unlock(%1)").arg(SchemaLockKey));
    if (!error.isEmpty())
        return error;
    return configureConnection();
}

QString PostgresStore::configureConnection()
{
    // A server waits its turn for an ID another server is changing, but never for
    // ever: a stuck lock or a forgotten transaction becomes an error (503).
    QSqlQuery settings(m_db);
    for (const auto &statement : {QStringLiteral("SET lock_timeout = '10s'"),
                                  QStringLiteral("SET idle_in_transaction_session_timeout = '60s'")}) {
        if (!settings.exec(statement))
            return describe(settings.lastError());
    }
    if (const QString error = applyDurability(); !error.isEmpty())
        return error;
    // Every DiscoDesk on the database tells the others what it committed.
    QSqlDriver *driver = m_db.driver();
    if (!m_pollTimer.isActive() && driver->hasFeature(QSqlDriver::EventNotifications)
        && driver->subscribeToNotification(QString::fromLatin1(ChangeMessage::Channel))) {
        QObject::connect(driver, &QSqlDriver::notification, this, &PostgresStore::onNotification,
                         Qt::UniqueConnection);
    } else if (!m_pollTimer.isActive()) {
        startPolling(); // the schema may not be ready yet: the first tick learns the present
    }
    return {};
}

QString PostgresStore::beginOwn(Access access)
{
    if (!m_db.transaction())
        return failed(describe(m_db.lastError())).error();
    // PostgreSQL's READ COMMITTED gives each statement a snapshot of its own: an ID
    // read before another server's commit and its nodes read after would disagree
    // (an etcd token's index older than a member it lists, and etcd then learns that
    // member twice). A read sees one moment, as on SQLite. A write first waits for
    // the servers' write lock (WriteLockKey), as SQLite's BEGIN IMMEDIATE lets one
    // writer in. SET cannot be a prepared statement.
    const QString setUp = access == Access::Read
        ? QStringLiteral("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        : QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(WriteLockKey);
    if (QSqlQuery first(m_db); !first.exec(setUp)) {
        const QString error = failed(describe(first.lastError())).error();
        m_db.rollback();
        return error;
    }
    return {};
}

QString PostgresStore::runControl(const QString &sql)
{
    // SAVEPOINT and RELEASE cannot be prepared statements here.
    if (QSqlQuery control(m_db); !control.exec(sql))
        return failed(describe(control.lastError())).error();
    return {};
}

QString PostgresStore::commitOwn(const StoreChanges &changes)
{
    // The other servers hear of each change once it is committed: NOTIFY is
    // delivered at COMMIT, and dropped with a rollback. A batch's notices go in one
    // statement: joined by a character that compact JSON never holds unescaped,
    // split again by PostgreSQL, and sent in that order.
    if (!changes.isEmpty()) {
        QStringList payloads;
        payloads.reserve(changes.size());
        for (const StoreChange &change : changes)
            payloads << QString::fromUtf8(ChangeMessage::encode(change));
        const Statement notified = run(QStringLiteral("SELECT pg_notify(?, payload)"
                                                      " FROM unnest(string_to_array(?, chr(30))) AS payload"),
                                       {QString::fromLatin1(ChangeMessage::Channel), payloads.join(QChar(0x1e))});
        if (!notified)
            return notified.error();
    }
    // commit(), not exec("COMMIT"), which reports success for a transaction the
    // server rolled back after an error.
    if (!m_db.commit())
        return failed(describe(m_db.lastError())).error();
    return {};
}

QString PostgresStore::applyDurability()
{
    // on: COMMIT returns once PostgreSQL has flushed its WAL (if the server runs with
    // fsync on). off: it returns at once, and a crash of PostgreSQL's machine may take
    // back the last commits, never leaving a partial one.
    QSqlQuery setting(m_db);
    if (!setting.exec(durability() == Durability::PowerLoss ? QStringLiteral("SET synchronous_commit = on")
                                                            : QStringLiteral("SET synchronous_commit = off")))
        return describe(setting.lastError());
    return {};
}

void PostgresStore::rollbackOwn()
{
    m_db.rollback();
}

StoreChange PostgresStore::changedElsewhere()
{
    StoreChange change{StoreChange::Type::ChangedElsewhere, {}, Timestamp::now(), {}, {}};
    change.origin = StoreChange::Origin::OtherServer;
    return change;
}

void PostgresStore::reconnect()
{
    // A lost connection (a restarted server) comes back with its LISTEN made anew.
    m_db.close();
    if (m_db.open() && configureConnection().isEmpty()) {
        // What others did while we were away was never heard: read again. Emitted
        // later, not from inside the transaction that is starting.
        QMetaObject::invokeMethod(this, [this] { emit changed({changedElsewhere()}); }, Qt::QueuedConnection);
    }
}

void PostgresStore::onNotification(const QString &name, QSqlDriver::NotificationSource source,
                                   const QVariant &payload)
{
    // Our own connection's notices repeat what changed() told already.
    if (source == QSqlDriver::SelfSource || name != QLatin1String(ChangeMessage::Channel))
        return;
    if (auto change = ChangeMessage::decode(payload.toString().toUtf8())) {
        change->origin = StoreChange::Origin::OtherServer;
        emit changed({*change});
    }
}

void PostgresStore::setPollForChanges(bool poll)
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

void PostgresStore::startPolling()
{
    if (m_db.isValid())
        m_db.driver()->unsubscribeFromNotification(QString::fromLatin1(ChangeMessage::Channel));
    m_lastFingerprint.clear(); // the first poll learns what "unchanged" looks like
    m_pollTimer.start(PollInterval);
}

void PostgresStore::pollForChanges()
{
    if (isInTransaction())
        return; // next time
    // Cheap, and every kind of change moves one of these (labels aside).
    QVariantList fingerprint;
    {
        Transaction transaction(*this, Access::Read);
        if (!transaction.error().isEmpty())
            return; // the next poll tries again, through a new connection if need be
        // Every KV change takes an index but a report or a question, which move times.
        Statement q = run(QStringLiteral("SELECT (SELECT COUNT(*) FROM discovery_ids),"
                                         " (SELECT MAX(last_activity) FROM discovery_ids),"
                                         " (SELECT COUNT(*) FROM nodes), (SELECT MAX(last_seen) FROM nodes),"
                                         " (SELECT last_index FROM kv_index), (SELECT MAX(reported_at) FROM kv_entries),"
                                         " (SELECT MAX(last_asked) FROM kv_askers)"));
        if (!q || !q->next())
            return;
        for (int i = 0; i < 7; ++i)
            fingerprint << q->value(i).toLongLong();
    }
    const bool first = m_lastFingerprint.isEmpty();
    if (std::exchange(m_lastFingerprint, fingerprint) != fingerprint && !first)
        emit changed({changedElsewhere()});
}
