#pragma once

#include "core/Durability.h"
#include "core/Records.h"
#include "core/StoreChange.h"
#include "core/StoreResult.h"
#include "store/PlainRow.h"
#include "store/RecordCache.h"

#include <QHash>
#include <QObject>
#include <QSqlDatabase>

#include <functional>
#include <memory>

class QSqlQuery;

// Where the data lives, and the only code that knows SQL. This class is the interface
// every caller uses and holds the queries both engines share; SqliteStore and
// PostgresStore hold what differs: opening, transactions, locking, hearing other
// servers. A store keeps what it is given and knows no rules: whether a write is
// allowed is DiscoveryService's to say.
//
// A store owns one database connection, which belongs to the thread that opened it.
// Every change is reported through changed() once its transaction has committed.
// Failures come back as values (StoreResult, Transaction::error()).
class Store : public QObject
{
    Q_OBJECT

public:
    enum class Mode {
        Serve,    // the one server of a SQLite file: locks it, may write
        ReadOnly, // a second connection that only reads (an export on another thread)
    };
    // Opens location (see DatabaseLocation: a SQLite file, created with its folder if
    // needed, or a postgresql:// URL) with the engine it names, and brings its schema
    // up to date (Serve). On failure returns null and a one-line reason; a database
    // this program cannot use is left untouched.
    static std::unique_ptr<Store> open(const QString &location, QString *error, Mode mode = Mode::Serve,
                                       QObject *parent = nullptr);
    ~Store() override;

    // The file path, or the URL without its password.
    QString name() const { return m_name; }
    // Whether other DiscoDesk servers may change the database too (PostgreSQL): then
    // changed() also reports their changes, as they commit.
    virtual bool othersMayWrite() const = 0;

    // What a commit survives (see Durability). On PostgreSQL this sets
    // synchronous_commit on or off; the server's own settings (fsync) decide the rest.
    Durability durability() const { return m_durability; }
    // Empty on success, else why the connection could not be set so.
    QString setDurability(Durability durability);
    // The file whose sync makes the commits before it durable when they did not wait
    // for the disk themselves: SQLite's WAL. Empty where there is none (PostgreSQL).
    virtual QString logFile() const { return {}; }

    // Reads every page of the database and says what is damaged; empty when nothing
    // is. When the file could not be read through for another reason (out of file
    // descriptors or memory, a read error), that goes to unreadable instead: it says
    // nothing about damage. Slow on a big file (SQLite reads about 0.3 GiB a second
    // here), so it runs on a connection of its own, off the server's thread
    // (DamageCheck). PostgreSQL guards its own pages: nothing to do.
    virtual QString findDamage(QString *unreadable)
    {
        Q_UNUSED(unreadable);
        return {};
    }

    // Whether the database answers a query: the health check.
    StoreResult<bool> ping();

    // A transaction: everything the store is asked between its start and commit() is
    // one moment's (reads) or all or nothing (writes). One that ends without commit()
    // rolls back. A transaction started while another is open joins it.
    enum class Access {
        Read,      // a consistent view
        Write,     // changes to one ID
        Exclusive, // changes to many IDs (prune, import)
    };
    class Transaction
    {
    public:
        Transaction(Store &store, Access access);
        Transaction(const Transaction &) = delete;
        Transaction &operator=(const Transaction &) = delete;
        ~Transaction();
        // Empty when the transaction began; else why it could not.
        const QString &error() const { return m_error; }
        // False with the reason when nothing of it was saved.
        StoreResult<bool> commit();

    private:
        enum class Mode { Failed, Joined, Own, Savepoint, FirstInBatch, Done };
        void rollback();

        Store &m_store;
        Mode m_mode = Mode::Failed;
        qsizetype m_changesBefore = 0;
        QString m_error;
    };

    // --- reads: each one moment's, inside a transaction or on its own ---
    StoreResult<std::optional<DiscoveryId>> findId(const QString &id);
    StoreResult<std::optional<DiscoveryIdWithNodes>> findIdWithNodes(const QString &id);
    StoreResult<std::optional<Node>> findNode(const QString &id, const QString &address);
    // The addresses of an ID's nodes in registration order: what an rqlite reply lists.
    StoreResult<QStringList> addresses(const QString &id);
    // An rqlite ID as its clients see it (when it was made, its addresses in
    // registration order): as kept from an earlier read and the writes since
    // (RecordCache), else in one statement; none when no rqlite ID has this name.
    StoreResult<std::optional<RqliteRecord>> findRqliteRecord(const QString &id);
    StoreResult<IdPage> listIds(const IdListQuery &query);
    // Every ID and node: plain counts, quick on a big store.
    StoreResult<StoreCounts> countIdsAndNodes();
    StoreResult<KindCounts> countByKind(); // reads whole tables: see BackgroundCount
    // The ID `count` IDs on from `from` in the database's order of IDs, or none when
    // fewer remain: where a slice of IDs ends (PruneRules::IdSlice).
    StoreResult<std::optional<QString>> idAfter(const QString &from, int count);

    // A shared setting (JSON text) by name; empty when never set.
    StoreResult<QString> setting(const QString &name);
    StoreResult<bool> setSetting(const QString &name, const QString &value);
    // What the rules match now: the IDs to remove, with their node counts, and the
    // nodes to remove on their own from IDs that stay (see PruneRules), the first of
    // each listed and, with Counted, all of them counted.
    enum class Counting { Counted, ListedOnly };
    StoreResult<PruneResult> findPrunable(const PruneRules &rules, Counting counting = Counting::Counted);
    // The given IDs (all when ids is empty, oldest first) with their nodes, handed to
    // visit one at a time as they are read, so that an export of a big store never
    // holds every record at once. IDs that do not exist are left out. visit returns
    // false to stop, and must not use the store. Returns how many IDs visit was given.
    using IdVisitor = std::function<bool(const DiscoveryIdWithNodes &record)>;
    StoreResult<qsizetype> exportIds(const QStringList &ids, const IdVisitor &visit);

    // --- writes: inside a write transaction; each reports its own change ---
    StoreResult<bool> insertId(const DiscoveryId &id);   // IdCreated
    // Sets every column of an existing ID but its kind; false when there is none.
    StoreResult<bool> updateId(const DiscoveryId &id, Timestamp at); // IdUpdated
    StoreResult<bool> deleteId(const QString &id, Timestamp at);     // IdDeleted; false: there was none
    // Moves the ID's last activity to at and, for an etcd token, sets its index. No
    // change of its own: the node change that caused it carries the time.
    StoreResult<bool> markActivity(const QString &id, Timestamp at, std::optional<qint64> etcdIndex = {});
    // Adds the address as a node, or counts it registered again. Returns the node.
    StoreResult<Node> registerAddress(const QString &id, const QString &address, const QString &registeredBy,
                                      Timestamp at);                // NodeAdded or NodeUpdated
    StoreResult<bool> insertNode(const QString &id, const Node &node, Timestamp at); // NodeAdded
    StoreResult<bool> updateNode(const QString &id, const Node &node, Timestamp at); // NodeUpdated
    StoreResult<bool> deleteNode(const QString &id, const QString &address, Timestamp at); // NodeRemoved; false: absent
    // Removes what the rules match, in the transaction where findPrunable(rules) gave
    // found, and counts it into found. Reports one change per ID and node, or one
    // ChangedElsewhere beyond MaxPruneNotices.
    static constexpr qsizetype MaxPruneNotices = 1000;
    StoreResult<bool> removePrunable(const PruneRules &rules, PruneResult &found, Timestamp at);

    // --- Consul KV (StoreKv.cpp): reads ---
    StoreResult<std::optional<KvEntry>> findKv(const QString &key);
    // The keys that start with prefix (every key for an empty one), in Consul's
    // order (byte by byte), at most limit of them. Skipped: their values stay unset,
    // for a listing of keys. Leading: the first LeadingValueBytes of each, for the
    // window, which reads rqlite's leader from them and must not hold every byte.
    enum class KvValues { Read, Leading, Skipped };
    static constexpr int LeadingValueBytes = 1024;
    StoreResult<QList<KvEntry>> listKv(const QString &prefix, qsizetype limit, KvValues values = KvValues::Read);
    StoreResult<qint64> countKv();
    // The last KV index handed out; 1 before the first write.
    StoreResult<qint64> lastKvIndex();
    // Who asked for the key, the latest first.
    StoreResult<QList<KvAsker>> kvAskers(const QString &key);
    // Every key, by key, handed to visit one at a time as read, of one moment; visit
    // returns false to stop. Returns how many visit was given.
    using KvVisitor = std::function<bool(const KvEntry &entry)>;
    StoreResult<qsizetype> exportKv(const KvVisitor &visit);

    // --- Consul KV: writes, inside a write transaction ---
    // The next KV index, saved as handed out.
    StoreResult<qint64> nextKvIndex();
    // Creates the key or replaces what it holds; its creation index and time stay.
    // changed: a new ModifyIndex (KvWritten); else only reportedAt moved (KvReported).
    StoreResult<bool> writeKv(const KvEntry &entry, bool changed);
    StoreResult<bool> deleteKv(const QString &key, Timestamp at); // KvDeleted; false: there was none
    // Counts a read or failed CAS by asker.address (KvAsked), keeping the key's
    // keepLatest latest askers. offered empty: what it offered before stays.
    StoreResult<KvAsker> recordKvAsker(const QString &key, const KvAsker &asker, qsizetype keepLatest);

    // --- group commit ---
    // With it on, write transactions do not commit one by one but join one open
    // transaction, the batch, which commitBatch() commits; a write that fails rolls
    // back only its own changes. changed() is emitted when the batch commits. Reads
    // join an open batch, so they see its writes. GroupCommit drives this. On
    // PostgreSQL a batch holds the servers' write lock until it commits.
    void setGroupCommit(bool enabled);
    bool isBatchOpen() const { return m_batch != Batch::None; }
    // How many transactions have joined the open batch: a caller that notes it before
    // a piece of work knows afterwards whether the work saw uncommitted data.
    quint64 batchUses() const { return m_batchUses; }
    // Commits the batch; on failure every write in it is lost, and the reason says why.
    StoreResult<bool> commitBatch();

signals:
    void changed(const StoreChanges &changes);
    // A statement failed (the database refused it or is gone), and the connection was
    // opened again after one had: for /metrics.
    void statementFailed();
    void reconnected();
    // A write opened a batch: whoever turned group commit on must commit it soon.
    void batchOpened();

protected:
    explicit Store(QObject *parent);

    // A prepared statement that has run, or why it did not; releases its result set
    // when it goes out of scope, so readers never hold the database open longer than
    // needed.
    class Statement
    {
    public:
        explicit Statement(QSqlQuery *query) : m_query(query) {}
        static Statement failed(const QString &error);
        Statement(Statement &&other) noexcept;
        ~Statement();
        explicit operator bool() const { return m_query != nullptr; }
        QSqlQuery *operator->() const { return m_query; }
        QSqlQuery &operator*() const { return *m_query; }
        const QString &error() const { return m_error; }

    private:
        QSqlQuery *m_query;
        QString m_error;
    };
    // How a statement's rows are read. Streamed: as they come, never all in memory;
    // nothing else may run on the connection until they are read (PostgreSQL).
    enum class Rows { Buffered, Streamed };
    Statement run(const QString &sql, const QVariantList &values = {}, Rows rows = Rows::Buffered);
    // A statement that begins or ends a transaction or savepoint; empty on success.
    // Prepared once, as it runs on every request, where the engine allows it
    // (PostgreSQL does not).
    virtual QString runControl(const QString &sql);
    // A statement of the paths every request takes (a registration, a lookup), its
    // rows read as plain values: SQLite runs it straight through its handle where
    // this build may (SqliteHandle), other engines through run(). The rows it
    // inserted, updated or deleted.
    using RowReader = std::function<void(const PlainRow &)>;
    virtual StoreResult<qint64> runPlain(const QString &sql, const QVariantList &values,
                                         const RowReader &onRow = {});
    // A statement failed: the connection may be broken (reconnectIfFailed()).
    Statement failed(const QString &error);
    static QString describe(const class QSqlError &error);

    // Checks the schema version and migrates; empty on success.
    QString prepareSchema(bool postgres);
    void noteChange(StoreChange change)
    {
        m_records.note(change);
        m_pending.append(std::move(change));
    }
    // Drops the prepared statements: before the connection closes or reconnects.
    virtual void forgetStatements();
    // Closes the connection (an open batch rolls back); the destructor does it too.
    void closeConnection();
    bool isInTransaction() const { return m_transactionDepth > 0 || m_batch != Batch::None; }

    // What the engines do their own way. Each returns an empty string on success.
    // Starts a transaction of its own (no batch is open). A write keeps every other
    // writer out until it ends.
    virtual QString beginOwn(Access access) = 0;
    // Commits a transaction of its own, whose changes are given.
    virtual QString commitOwn(const StoreChanges &changes) = 0;
    virtual void rollbackOwn() = 0;
    // A fresh connection after a failed statement: SQLite sees the file as it is now
    // (writable again, space freed), PostgreSQL comes back after a restart.
    virtual void reconnect() = 0;
    // Whether rows read one way only stay valid while another statement runs.
    virtual bool forwardOnlyIsSafe(Rows rows) const = 0;
    // Sets the connection to durability(): when asked, and on every (re)connect.
    virtual QString applyDurability() = 0;
    // Whether two statements' rows may be read side by side, each as it comes (SQLite);
    // a PostgreSQL connection streams one statement at a time.
    virtual bool streamsSideBySide() const { return false; }
    // The open transaction is about to change rows all over the store (a prune of
    // thousands of IDs): an engine may lend it more memory until it ends.
    virtual void expectManyChanges() {}

    QSqlDatabase m_db;
    QString m_connectionName;
    QString m_name;

private:
    friend class Transaction;
    void reconnectIfFailed();
    void breakBatch(const QString &error); // the batch cannot commit: refuse writes until commitBatch()
    // Changes noted after the first kept were rolled back: forgets them, and what the
    // record cache made of them.
    void forgetChangesSince(qsizetype kept);
    StoreResult<std::optional<DiscoveryIdWithNodes>> readIdWithNodes(const QString &id);
    // Every ID with its nodes, for exportIds(): in two statements read side by side,
    // or in one that joins them.
    StoreResult<qsizetype> exportInStep(const IdVisitor &visit);
    StoreResult<qsizetype> exportJoined(const IdVisitor &visit);
    // Runs a DELETE or an UPDATE: how many rows it changed.
    StoreResult<qint64> changeRows(const QString &sql, const QVariantList &values);
    void notePruned(const PruneResult &result, Timestamp at);
    // The prune rule of Consul KV (StoreKv.cpp): the keys last written before
    // rules.kvNotReportedSince and not kept, counted, listed by key (at most limit),
    // and removed (one new index for them all): how many went.
    StoreResult<qint64> countPrunableKv(const PruneRules &rules);
    StoreResult<QList<KvEntry>> listPrunableKv(const PruneRules &rules, qsizetype limit);
    StoreResult<qint64> removePrunableKv(const PruneRules &rules);

    QHash<QString, QSqlQuery *> m_statements; // prepared once, reused
    StoreChanges m_pending;                   // changes of the open transaction
    RecordCache m_records;                    // kept as m_pending grows; off where others write
    int m_transactionDepth = 0;
    enum class Batch { None, Open, Broken };
    Batch m_batch = Batch::None;
    QString m_batchError; // why a broken batch broke
    quint64 m_batchUses = 0;
    bool m_groupCommit = false;
    bool m_failedSinceConnect = false; // a statement failed: reconnect before the next transaction
    Durability m_durability = Durability::PowerLoss;
};
