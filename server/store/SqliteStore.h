#pragma once

#include "store/DatabaseFileLock.h"
#include "store/SqliteHandle.h"
#include "store/Store.h"
#include "store/WalCheckpointer.h"

#include <memory>

// A SQLite file: one DiscoDesk serves it (the file is locked), in WAL mode so that
// readers never wait for the writer. Group commit is SQLite's alone.
class SqliteStore : public Store
{
    Q_OBJECT

public:
    static std::unique_ptr<Store> open(const QString &path, Mode mode, QString *error, QObject *parent);
    // Closes the connection before the file's lock goes: see DatabaseFileLock::unlock().
    ~SqliteStore() override;

    bool othersMayWrite() const override { return false; }
    QString logFile() const override { return m_logFile; }
    QString findDamage(QString *unreadable) override;

protected:
    QString beginOwn(Access access) override;
    QString commitOwn(const StoreChanges &changes) override;
    void rollbackOwn() override;
    void reconnect() override;
    bool forwardOnlyIsSafe(Rows) const override { return true; }
    bool streamsSideBySide() const override { return true; }
    QString applyDurability() override;
    void expectManyChanges() override;
    StoreResult<qint64> runPlain(const QString &sql, const QVariantList &values, const RowReader &onRow) override;
    QString runControl(const QString &sql) override;
    void forgetStatements() override;

private:
    // SQLite's page cache for the writer's connection, and what a transaction with
    // many changes may use until it ends (with the rest of the server, well under 300 MiB).
    static constexpr int CacheKiB = 32 * 1024;
    static constexpr int ManyChangesCacheKiB = 128 * 1024;

    explicit SqliteStore(QObject *parent) : Store(parent) {}
    QString openFile(const QString &path, Mode mode);
    QString configureConnection();
    QString setAutomaticCheckpoints(bool on);
    void checkpointInBackground();
    void endManyChanges();
    // The connection's own handle, taken when first needed after it opens.
    SqliteHandle *handle();

    DatabaseFileLock m_lock; // one DiscoDesk per database file, whatever name it is given
    QString m_logFile;       // the WAL, where SQLite keeps it
    // A served file's checkpoints run on a thread of their own (null: SQLite's own,
    // in the commit that crosses 1000 pages).
    std::unique_ptr<WalCheckpointer> m_checkpointer;
    bool m_catchUp = false; // the writer's own small checkpoint is due after the next commit
    bool m_manyChanges = false; // the page cache is ManyChangesCacheKiB until the transaction ends
    std::unique_ptr<SqliteHandle> m_handle; // its statements, dropped before the connection closes
};
