#include "SqliteStore.h"

#include "HeapTuning.h"
#include "store/Schema.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>

#include <utility>

namespace {

QString cacheSize(int kib)
{
    return QStringLiteral("PRAGMA cache_size = -%1").arg(kib); // negative: KiB, not pages
}

} // namespace

std::unique_ptr<Store> SqliteStore::open(const QString &path, Mode mode, QString *error, QObject *parent)
{
    std::unique_ptr<SqliteStore> store(new SqliteStore(parent));
    store->m_name = path;
    if (QString reason = store->openFile(path, mode); !reason.isEmpty()) {
        *error = reason;
        return nullptr;
    }
    return store;
}

SqliteStore::~SqliteStore()
{
    m_checkpointer.reset();
    closeConnection();
    m_lock.unlock();
}

QString SqliteStore::openFile(const QString &path, Mode mode)
{
    const QFileInfo info(path);
    if (info.exists() && !info.isFile())
        return QStringLiteral("%1 is not a file").arg(path);
    if (mode == Mode::Serve) {
        if (!QDir().mkpath(info.absolutePath()))
            return QStringLiteral("cannot create the folder %1").arg(info.absolutePath());
        // Two servers writing one file would each think they own it; through two names
        // they would even keep two journals. Locked before SQLite opens it.
        if (const QString error = m_lock.lock(path); !error.isEmpty())
            return error;
    } else if (!info.exists()) {
        return QStringLiteral("%1 does not exist").arg(path);
    }

    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    m_db.setDatabaseName(path);
    // Other connections (an export's reader, a second writer) wait instead of failing.
    m_db.setConnectOptions(mode == Mode::ReadOnly ? QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000;QSQLITE_OPEN_READONLY")
                                                  : QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!m_db.open())
        return QStringLiteral("cannot open %1: %2").arg(path, describe(m_db.lastError()));
    if (mode == Mode::ReadOnly)
        return {}; // the server that serves the file has checked and migrated it

    {
        // Refuse a newer or foreign database before anything below writes to it: the
        // schema check runs again in prepareSchema, after WAL mode is set.
        int version = 0;
        if (const QString error = Schema::readVersion(m_db, Schema::Dialect::Sqlite, &version); !error.isEmpty())
            return QStringLiteral("cannot read %1: %2").arg(path, error);
        if (version < 0 || version > Schema::latestVersion())
            return prepareSchema(false);
        // An upgrade writes through the whole file: refuse damaged pages before it.
        // A current file is read for damage after the server listens (DamageCheck),
        // since reading a big one takes seconds.
        if (version < Schema::latestVersion()) {
            QString unreadable;
            if (const QString damage = findDamage(&unreadable); !damage.isEmpty())
                return damage;
            if (!unreadable.isEmpty())
                return QStringLiteral("cannot read %1 through before upgrading it: %2").arg(path, unreadable);
        }
    }
    // WAL mode before the first write, so that even the schema is written through it.
    if (const QString error = configureConnection(); !error.isEmpty())
        return QStringLiteral("cannot set up %1: %2").arg(path, error);
    {
        // SQLite names the WAL after the file it opened, with links followed.
        QSqlQuery list(m_db);
        if (!list.exec(QStringLiteral("PRAGMA database_list")))
            return QStringLiteral("cannot read %1: %2").arg(path, describe(list.lastError()));
        while (list.next()) {
            if (list.value(1).toString() == u"main")
                m_logFile = list.value(2).toString() + QStringLiteral("-wal");
        }
    }
    if (const QString error = prepareSchema(false); !error.isEmpty())
        return error;
    if (mode == Mode::Serve)
        checkpointInBackground();
    return {};
}

QString SqliteStore::findDamage(QString *unreadable)
{
    QSqlQuery check(m_db);
    if (!check.exec(QStringLiteral("PRAGMA quick_check(1)")) || !check.next()) {
        // Only these two say the file is bad; "unable to open database file" (its WAL,
        // with no descriptor left), I/O errors or no memory say nothing of its pages.
        const int code = check.lastError().nativeErrorCode().toInt() & 0xff; // primary code
        constexpr int SqliteCorrupt = 11, SqliteNotADatabase = 26; // SQLITE_CORRUPT, SQLITE_NOTADB
        if (code != SqliteCorrupt && code != SqliteNotADatabase) {
            *unreadable = describe(check.lastError());
            if (unreadable->isEmpty())
                *unreadable = QStringLiteral("SQLite's quick_check gave no answer");
            return {};
        }
        return QStringLiteral("%1 is damaged (%2); restore it or choose another file")
            .arg(m_name, describe(check.lastError()));
    }
    if (const QString result = check.value(0).toString(); result != u"ok")
        return QStringLiteral("%1 is damaged (SQLite: %2); restore it or choose another file")
            .arg(m_name, result.left(200));
    return {};
}

QString SqliteStore::configureConnection()
{
    // WAL: readers never block the writer.
    QSqlQuery pragma(m_db);
    for (const auto &statement : {QStringLiteral("PRAGMA journal_mode = WAL"),
                                  // Not temp_store = MEMORY: a savepoint's copies of the pages it
                                  // changes stay in RAM only up to 64 KiB (SQLite's statement
                                  // journal spill), then go to a temp file. A registration's few
                                  // pages never get there; a prune of half a million IDs copies
                                  // half the store, which in RAM took 800 MiB.
                                  QStringLiteral("PRAGMA temp_store = FILE"),
                                  // 32 MiB of pages, not 2: a prune of many rows then stays in
                                  // memory until it commits instead of spilling (a third faster).
                                  cacheSize(CacheKiB),
                                  QStringLiteral("PRAGMA foreign_keys = ON"),
                                  // A WAL that grew while a long read held it (an export, the
                                  // damage check) is cut back to 64 MiB when it starts over.
                                  QStringLiteral("PRAGMA journal_size_limit = 67108864")}) {
        if (!pragma.exec(statement))
            return describe(pragma.lastError());
    }
    if (const QString error = setAutomaticCheckpoints(!m_checkpointer); !error.isEmpty())
        return error;
    return applyDurability();
}

QString SqliteStore::setAutomaticCheckpoints(bool on)
{
    return runControl(on ? QStringLiteral("PRAGMA wal_autocheckpoint = 1000")
                         : QStringLiteral("PRAGMA wal_autocheckpoint = 0"));
}

void SqliteStore::checkpointInBackground()
{
    m_checkpointer = std::make_unique<WalCheckpointer>(m_logFile.chopped(4));
    connect(m_checkpointer.get(), &WalCheckpointer::caughtUp, this, [this] { m_catchUp = true; });
    connect(m_checkpointer.get(), &WalCheckpointer::failed, this, [this](const QString &error) {
        // Back to SQLite's own checkpoints, so that the WAL stays bounded.
        qWarning("DiscoDesk: checkpointing %s in the background failed (%s); the writer checkpoints it again",
                 qPrintable(m_name), qPrintable(error));
        m_catchUp = false;
        m_checkpointer.release()->deleteLater(); // it is emitting
        setAutomaticCheckpoints(true);
    });
    if (setAutomaticCheckpoints(false).isEmpty())
        return;
    m_checkpointer.reset();
}

QString SqliteStore::applyDurability()
{
    // In WAL mode, FULL syncs the WAL at every commit: one sync per group commit.
    // NORMAL syncs only at checkpoints, so a commit survives a killed process but not
    // a power cut.
    QSqlQuery pragma(m_db);
    if (!pragma.exec(durability() == Durability::PowerLoss ? QStringLiteral("PRAGMA synchronous = FULL")
                                                           : QStringLiteral("PRAGMA synchronous = NORMAL")))
        return describe(pragma.lastError());
    return {};
}

void SqliteStore::expectManyChanges()
{
    // A prune of half a million IDs changes pages all over the file, far more than
    // CacheKiB holds: SQLite then reads most of them again from the file (and the
    // WAL, which it searches) as it goes.
    if (!m_manyChanges && runControl(cacheSize(ManyChangesCacheKiB)).isEmpty())
        m_manyChanges = true;
}

void SqliteStore::endManyChanges()
{
    if (!std::exchange(m_manyChanges, false))
        return;
    // SQLite frees the pages beyond the smaller size at once; glibc then gives what
    // it kept of them back to the kernel, so the server's memory falls back too.
    runControl(cacheSize(CacheKiB));
    HeapTuning::giveBackFreedMemory();
}

SqliteHandle *SqliteStore::handle()
{
    if (!m_handle && m_db.isOpen())
        m_handle = std::make_unique<SqliteHandle>(m_db);
    return m_handle && m_handle->isAvailable() ? m_handle.get() : nullptr;
}

StoreResult<qint64> SqliteStore::runPlain(const QString &sql, const QVariantList &values, const RowReader &onRow)
{
    SqliteHandle *direct = handle();
    if (!direct)
        return Store::runPlain(sql, values, onRow);
    qint64 changed = 0;
    if (const QString error = direct->run(sql, values, onRow, &changed); !error.isEmpty())
        return StoreResult<qint64>::failure(failed(error).error());
    return changed;
}

QString SqliteStore::runControl(const QString &sql)
{
    SqliteHandle *direct = handle();
    if (!direct)
        return Store::runControl(sql);
    if (const QString error = direct->run(sql); !error.isEmpty())
        return failed(error).error();
    return {};
}

void SqliteStore::forgetStatements()
{
    m_handle.reset();
    Store::forgetStatements();
}

QString SqliteStore::beginOwn(Access access)
{
    // IMMEDIATE takes the write lock at once, so that a write never fails half-way
    // because another connection wrote first.
    return runControl(access == Access::Read ? QStringLiteral("BEGIN") : QStringLiteral("BEGIN IMMEDIATE"));
}

QString SqliteStore::commitOwn(const StoreChanges &)
{
    if (const QString error = runControl(QStringLiteral("COMMIT")); !error.isEmpty())
        return error;
    if (m_catchUp) {
        // The pages committed since the background checkpoint: a few, so this is
        // quick; the next write then starts the WAL over. A failure changes nothing.
        m_catchUp = false;
        runControl(QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)"));
    }
    if (m_checkpointer)
        m_checkpointer->committed();
    endManyChanges();
    return {};
}

void SqliteStore::rollbackOwn()
{
    runControl(QStringLiteral("ROLLBACK"));
    endManyChanges();
}

void SqliteStore::reconnect()
{
    // SQLite opens a file it may not write read-only and keeps it so; a full disk
    // can leave the connection unable to write. A fresh connection sees the file as
    // it is now, so writes work again once the cause is gone. SQLite made its -wal
    // and -shm files with the database's permissions of that moment; a database made
    // writable again needs them writable too.
    m_db.close();
    const QFile::Permissions permissions = QFile::permissions(m_name);
    for (const QString &suffix : {QStringLiteral("-wal"), QStringLiteral("-shm")}) {
        if (QFile::exists(m_name + suffix))
            QFile::setPermissions(m_name + suffix, permissions);
    }
    if (m_db.open())
        configureConnection();
}
