#pragma once

#include "core/Records.h"
#include "store/DatabaseFileLock.h"
#include "store/DatabaseLocation.h"
#include "store/Schema.h"
#include "store/StoreChange.h"

#include <QHash>
#include <QObject>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QTimer>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

class QSqlQuery;

// A store call either gives a value or says why it failed (a database error,
// such as a full disk). "Not found" is a value, not a failure.
template <typename T>
class StoreResult
{
public:
    StoreResult(T value) : m_value(std::move(value)) {}
    static StoreResult failure(const QString &message)
    {
        StoreResult result;
        result.m_error = message.isEmpty() ? QStringLiteral("unknown database error") : message;
        return result;
    }

    bool ok() const { return m_value.has_value(); }
    const QString &error() const { return m_error; }
    const T &value() const { return *m_value; }
    const T *operator->() const { return &*m_value; }

private:
    StoreResult() = default;
    std::optional<T> m_value;
    QString m_error;
};

// The only place that knows SQL. Owns one database connection, which belongs to the
// thread that opened it: each thread that needs the store opens a Store of its own.
// Every change is reported through changed() after its transaction committed.
class Store : public QObject
{
    Q_OBJECT

public:
    enum class NodeChange {
        UnknownId, // the discovery ID does not exist
        Full,      // the ID has maxNodesPerId nodes already
        Added,
        Updated,   // it was there already: registered again
        Removed,
        Absent,    // removing an address that was not registered
    };

    explicit Store(QObject *parent = nullptr);
    ~Store() override;

    // Opens the database at location (see DatabaseLocation): a SQLite file, created
    // with its folder if needed, or a PostgreSQL database given as a postgresql:// URL.
    // Brings its schema up to date. Returns an empty string on success, otherwise a
    // one-line reason; a database this program cannot use is left untouched.
    QString open(const QString &location);
    void close();
    bool isOpen() const;
    // The file path, or the URL without its password.
    QString path() const { return m_path; }
    // Whether other DiscoDesk servers may change the database too (PostgreSQL): then
    // changed() also reports their changes, as they commit.
    bool isShared() const { return m_location.isShared(); }
    // How the changes of other servers on a shared database are found: through
    // PostgreSQL's LISTEN/NOTIFY, each one as it commits; where that is not
    // available (or with polling forced), by looking once per PollInterval and
    // reporting ChangedElsewhere when anything differs.
    static constexpr std::chrono::milliseconds PollInterval{1000};
    void setPollForChanges(bool poll);
    bool pollsForChanges() const { return m_pollTimer.isActive(); }

    static constexpr int DefaultMaxNodesPerId = 1000;
    // A new address beyond this many is refused (Full); registering again is not.
    void setMaxNodesPerId(int max) { m_maxNodesPerId = max; }
    int maxNodesPerId() const { return m_maxNodesPerId; }

    // Whether the database answers a query: the health check.
    StoreResult<bool> ping();

    StoreResult<DiscoveryId> createId(const DiscoveryId &record);
    StoreResult<std::optional<DiscoveryId>> findId(const QString &id);
    StoreResult<std::optional<DiscoveryIdWithNodes>> findIdWithNodes(const QString &id);
    StoreResult<IdPage> listIds(const IdListQuery &query);
    // Every ID and node: plain counts, quick on a big store.
    StoreResult<StoreCounts> countIdsAndNodes();
    StoreResult<std::optional<DiscoveryId>> setLabel(const QString &id, const QString &label);
    StoreResult<bool> deleteId(const QString &id); // false: there was no such ID

    // rqlite's registration: adds the address to the rqlite ID, or counts it seen again
    // (an etcd token is UnknownId here). With record set, it also reads the record as
    // the registration leaves it, in the same transaction, so the reply needs no
    // second read.
    StoreResult<NodeChange> registerNode(const QString &id, const QString &address,
                                         const QString &registeredBy, Timestamp at,
                                         RqliteRecord *record = nullptr);
    // An rqlite ID's record; nullopt for an unknown ID or an etcd token.
    StoreResult<std::optional<RqliteRecord>> findRqliteRecord(const QString &id);
    StoreResult<NodeChange> removeNode(const QString &id, const QString &address, Timestamp at);

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
                                                     const QString &value, const QString &registeredBy,
                                                     Timestamp at);

    // A prune that removes more IDs and nodes than this reports one ChangedElsewhere
    // instead of a change for each.
    static constexpr qsizetype MaxPruneNotices = 1000;
    StoreResult<PruneResult> prune(const PruneRules &rules, bool dryRun, Timestamp at);

    // The given IDs (all when ids is empty, oldest first) with their nodes. IDs that
    // do not exist are left out: compare with what you asked for.
    StoreResult<QList<DiscoveryIdWithNodes>> exportIds(const QStringList &ids);
    // The same, handed to visit one ID at a time as they are read, so that an export
    // of a big store never holds every record at once. visit returns false to stop,
    // and must not use the store. Returns how many IDs visit was given.
    using IdVisitor = std::function<bool(const DiscoveryIdWithNodes &record)>;
    StoreResult<qsizetype> exportIds(const QStringList &ids, const IdVisitor &visit);
    // Merges validated records in one transaction: all or nothing.
    StoreResult<ImportSummary> importIds(const QList<DiscoveryIdWithNodes> &records, Timestamp at);

    // Group commit: with it on, write transactions do not commit one by one but join
    // one open transaction, the batch, which commitBatch() commits; a write that
    // fails rolls back only its own changes. changed() is emitted when the batch
    // commits. Whoever turns it on must call commitBatch() soon after
    // batchOpened(), and must not tell anyone a write is saved before that.
    void setGroupCommit(bool enabled);
    bool isBatchOpen() const { return m_batch != Batch::None; }
    // Commits the batch; on failure every write in it is lost, and the reason says why.
    StoreResult<bool> commitBatch();

signals:
    void changed(const StoreChanges &changes);
    void batchOpened();

private:
    class Statement;
    class Transaction;

    // How a statement's rows are read. Streamed: as they come, never all in memory;
    // nothing else may run on the connection until they are read (PostgreSQL).
    enum class Rows { Buffered, Streamed };
    Statement run(const QString &sql, const QVariantList &values = {}, Rows rows = Rows::Buffered);
    // Whether the ID exists; nullopt when the query failed (takeError() says why).
    std::optional<bool> idExists(const QString &id);
    // Call these inside a transaction, so that the ID and its nodes are the same moment's.
    StoreResult<std::optional<DiscoveryIdWithNodes>> readIdWithNodes(const QString &id);
    StoreResult<std::optional<RqliteRecord>> readRqliteRecord(const QString &id);
    QString openSqliteFile(const QString &path);
    QString openPostgreSql();
    static QString versionRefusal(int version, const QString &name);
    QString prepareSchema(Schema::Dialect dialect, const QString &name);
    QString configureConnection();
    void onNotification(const QString &name, QSqlDriver::NotificationSource source, const QVariant &payload);
    void startPolling();
    void pollForChanges();
    // Runs a DELETE that must remove exactly expected rows; fails otherwise.
    bool removeRows(const QString &sql, const QVariantList &values, qint64 expected);
    void notePruned(const PruneResult &result, Timestamp at);
    // Locks the ID's row until the transaction ends, where other servers could write.
    bool lockId(const QString &id);
    void reconnectIfFailed();
    void fail(const QString &error);
    void breakBatch(); // the batch cannot commit: refuse writes until commitBatch()
    QString takeError();
    void noteChange(StoreChange change);

    QString m_connectionName;
    DatabaseLocation m_location;
    QString m_path;
    DatabaseFileLock m_lock; // one DiscoDesk per database file
    QSqlDatabase m_db;
    QHash<QString, QSqlQuery *> m_statements; // prepared once, reused
    QString m_error;
    StoreChanges m_pending; // changes of the open transaction
    int m_transactionDepth = 0;
    enum class Batch { None, Open, Broken };
    Batch m_batch = Batch::None;
    QString m_batchError; // why a broken batch broke
    bool m_groupCommit = false;
    QTimer m_pollTimer;
    QVariantList m_lastFingerprint; // what the last poll saw
    bool m_failedSinceConnect = false; // a statement failed: reconnect before the next write
    int m_maxNodesPerId = DefaultMaxNodesPerId;
};
