// What only a SQLite file has: the file and its folder, WAL mode, refusing files
// that are not DiscoDesk's or are damaged (untouched; a current file is read after the
// server listens, an old one before its upgrade), upgrading an old file,
// group commit, which only a store that owns its database uses, and one DiscoDesk
// per file, whatever name (a symbolic or hard link) each is given.

#include "service/DiscoveryService.h"
#include "store/DatabaseFileLock.h"
#include "store/RecordCache.h"
#include "store/Schema.h"
#include "store/SqliteHandle.h"
#include "store/Store.h"
#include "support/NoFreeDescriptors.h"
#include "support/TestDatabase.h"

#include "support/HttpClient.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#ifdef Q_OS_UNIX
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace {

using NodeChange = DiscoveryService::NodeChange;
const QString ServerPath = QStringLiteral(DISCODESK_SERVER_PATH);

QByteArray fileHash(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

Timestamp at(qint64 seconds)
{
    return Timestamp::fromMicroseconds(seconds * 1'000'000);
}

// Runs raw SQL on a database file through a separate connection, for setting up
// databases the store must refuse.
void execOn(const QString &path, const QStringList &statements)
{
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("raw"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery query(db);
        for (const QString &statement : statements)
            QVERIFY2(query.exec(statement), qPrintable(statement));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("raw"));
}

// The tables as DiscoDesk 0.1's first schema made them.
QStringList version1Schema()
{
    return {
        QStringLiteral("CREATE TABLE discodesk_schema (version INTEGER NOT NULL)"),
        QStringLiteral("INSERT INTO discodesk_schema VALUES (1)"),
        QStringLiteral("CREATE TABLE discovery_ids (id TEXT PRIMARY KEY, kind TEXT NOT NULL, created_at BIGINT NOT NULL,"
                       " expected_size INTEGER, label TEXT NOT NULL DEFAULT '', last_activity BIGINT NOT NULL)"),
        QStringLiteral("CREATE TABLE nodes (seq INTEGER PRIMARY KEY AUTOINCREMENT, discovery_id TEXT NOT NULL"
                       " REFERENCES discovery_ids (id) ON DELETE CASCADE, address TEXT NOT NULL,"
                       " first_registered BIGINT NOT NULL, last_seen BIGINT NOT NULL, registrations BIGINT NOT NULL,"
                       " registered_by TEXT NOT NULL, UNIQUE (discovery_id, address))"),
    };
}

enum class Link { Symbolic, Hard };

// Gives the file a second name; false where this platform cannot (then skip).
bool makeLink(Link kind, const QString &target, const QString &link)
{
#ifdef Q_OS_UNIX
    const QByteArray from = QFile::encodeName(target);
    const QByteArray to = QFile::encodeName(link);
    return (kind == Link::Symbolic ? ::symlink(from.constData(), to.constData())
                                   : ::link(from.constData(), to.constData())) == 0;
#else
    Q_UNUSED(kind);
    Q_UNUSED(target);
    Q_UNUSED(link);
    return false;
#endif
}

// Starts discodesk-server on a free port and returns the port once it listens;
// 0 when it did not start (then its stderr says why).
quint16 startServer(QProcess &server, const QString &database)
{
    server.start(ServerPath, {QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--db"), database});
    if (!server.waitForStarted(5000))
        return 0;
    static const QRegularExpression listening(QStringLiteral(R"(listening on http://127\.0\.0\.1:(\d+))"));
    while (!server.canReadLine() && server.waitForReadyRead(10000)) {
    }
    return quint16(listening.match(QString::fromUtf8(server.readLine())).captured(1).toUInt());
}

} // namespace

class TestSqliteFile : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString path(const QString &name = QStringLiteral("store.sqlite")) const { return m_dir.filePath(name); }

    // What a second SQLite connection sees: committed data only.
    int nodeCountSeenByAnotherConnection(const QString &id)
    {
        int count = -1;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("observer"));
            db.setDatabaseName(path());
            db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
            if (db.open()) {
                QSqlQuery query(db);
                query.prepare(QStringLiteral("SELECT COUNT(*) FROM nodes WHERE discovery_id = ?"));
                query.addBindValue(id);
                if (query.exec() && query.next())
                    count = query.value(0).toInt();
            }
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("observer"));
        return count;
    }

private slots:
    void init()
    {
        QFile::remove(path());
        QFile::remove(path() + QStringLiteral("-wal"));
        QFile::remove(path() + QStringLiteral("-shm"));
        QFile::remove(path(QStringLiteral("link.sqlite")));
    }

    void links_data()
    {
        QTest::addColumn<bool>("hard");
        QTest::newRow("symbolic link") << false;
        QTest::newRow("hard link") << true;
    }

    void createsDatabaseAndFolder()
    {
        const QString nested = m_dir.filePath(QStringLiteral("a/b/discodesk.sqlite"));
        DISCODESK_OPEN_STORE(store, nested);
        QVERIFY(QFile::exists(nested));
        QVERIFY(store->ping().ok());
    }

    void usesWalMode()
    {
        DISCODESK_OPEN_STORE(store, path());
        store.reset();
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("wal"));
        db.setDatabaseName(path());
        QVERIFY(db.open());
        {
            QSqlQuery query(db);
            QVERIFY(query.exec(QStringLiteral("PRAGMA journal_mode")) && query.next());
            QCOMPARE(query.value(0).toString(), QStringLiteral("wal"));
        }
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("wal"));
    }

    void refusesNewerSchemaAndLeavesItUntouched()
    {
        execOn(path(), {QStringLiteral("CREATE TABLE discodesk_schema (version INTEGER NOT NULL)"),
                        QStringLiteral("INSERT INTO discodesk_schema VALUES (%1)").arg(Schema::latestVersion() + 1),
                        QStringLiteral("CREATE TABLE discovery_ids (whatever TEXT)")});
        const QByteArray before = fileHash(path());

        QString error;
        const std::unique_ptr<Store> store = Store::open(path(), &error);
        QVERIFY2(error.contains(QStringLiteral("newer than this DiscoDesk knows")), qPrintable(error));
        QVERIFY(!store);
        QCOMPARE(fileHash(path()), before);
        QVERIFY(!QFile::exists(path() + QStringLiteral("-wal")));
    }

    void refusesAnotherProgramsDatabase()
    {
        execOn(path(), {QStringLiteral("CREATE TABLE photos (id INTEGER)")});
        const QByteArray before = fileHash(path());
        QString error;
        const std::unique_ptr<Store> store = Store::open(path(), &error);
        QVERIFY2(error.contains(QStringLiteral("another program")), qPrintable(error));
        QCOMPARE(fileHash(path()), before);
    }

    void refusesFileThatIsNotSqlite()
    {
        QFile file(path());
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray("this is not a database, it is a shopping list\n").repeated(100));
        file.close();
        const QByteArray before = fileHash(path());
        QString error;
        const std::unique_ptr<Store> store = Store::open(path(), &error);
        QVERIFY2(!error.isEmpty(), "a text file must be refused");
        QVERIFY2(error.contains(path()), qPrintable(error));
        QCOMPARE(fileHash(path()), before);
    }

    void upgradesAVersion1DatabaseKeepingItsData()
    {
        // A file as DiscoDesk 0.1's first schema wrote it.
        execOn(path(), version1Schema() + QStringList{
            QStringLiteral("INSERT INTO discovery_ids VALUES ('old-id', 'rqlite', 1000000, NULL, 'from 0.1', 2000000)"),
            // Registered in an order that is not the addresses' order.
            QStringLiteral("INSERT INTO nodes (discovery_id, address, first_registered, last_seen, registrations, registered_by)"
                           " VALUES ('old-id', 'localhost:4005', 1500000, 2000000, 3, '127.0.0.1'),"
                           " ('old-id', 'localhost:4001', 1600000, 2000000, 1, '127.0.0.1'),"
                           " ('old-id', 'localhost:4003', 1700000, 2000000, 1, '127.0.0.1')"),
        });
        DISCODESK_OPEN_STORE(store, path());
        const auto record = store->findIdWithNodes(QStringLiteral("old-id")).value();
        QVERIFY(record);
        QCOMPARE(record->id.label, QStringLiteral("from 0.1"));
        QCOMPARE(record->nodes.size(), 3);
        QCOMPARE(record->nodes.first().registrations, 3);
        QCOMPARE(record->nodes.first().etcdIndex, 0);
        // rqlite's reply lists them in registration order still, a new one last.
        QVERIFY(store->registerAddress(QStringLiteral("old-id"), QStringLiteral("localhost:4000"), {},
                                       Timestamp::fromMicroseconds(3000000)).ok());
        QCOMPARE(store->addresses(QStringLiteral("old-id")).value(),
                 (QStringList{QStringLiteral("localhost:4005"), QStringLiteral("localhost:4001"),
                              QStringLiteral("localhost:4003"), QStringLiteral("localhost:4000")}));
        store.reset();

        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
        db.setDatabaseName(path());
        QVERIFY(db.open());
        {
            QSqlQuery query(db);
            QVERIFY(query.exec(QStringLiteral("SELECT version FROM discodesk_schema")) && query.next());
            QCOMPARE(query.value(0).toInt(), Schema::latestVersion());
            // The window's pages read through the index in their order.
            QVERIFY(query.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'index'"
                                              " AND name = 'discovery_ids_newest_first'")));
            QVERIFY(query.next());
            // Nodes live in one tree keyed by ID and address.
            QVERIFY(query.exec(QStringLiteral("SELECT sql FROM sqlite_master WHERE name = 'nodes'")) && query.next());
            QVERIFY(query.value(0).toString().contains(QStringLiteral("WITHOUT ROWID")));
        }
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("check"));
    }

    void aDamagedDatabaseStopsTheServerAndIsLeftUntouched()
    {
        {
            DISCODESK_OPEN_STORE(store, path());
            DiscoveryService service(*store);
            for (int i = 0; i < 50; ++i) {
                const QString id = service.createId(DiscoveryKind::Rqlite, QStringLiteral("cluster %1").arg(i))->id;
                for (int n = 0; n < 3; ++n)
                    service.registerNode(id, QStringLiteral("host-%1-%2-%3:4001").arg(i).arg(n).arg(QString(60, u'x')), {});
            }
        } // closed: everything is checkpointed into the file
        QVERIFY(TestDatabase::damageSqlitePages(path()));
        const QByteArray before = fileHash(path());

        // The server listens at once and reads the file for damage meanwhile; then it
        // stops with the reason, as a refusal at start would.
        QProcess server;
        // Not QVERIFY2: Qt 6.4 reads its message even when the check passes, which
        // would take the very error this test waits for.
        if (startServer(server, path()) == 0)
            QFAIL(server.readAllStandardError().constData());
        QVERIFY(server.waitForFinished(30000));
        QCOMPARE(server.exitStatus(), QProcess::NormalExit);
        QCOMPARE(server.exitCode(), 1);
        const QString error = QString::fromUtf8(server.readAllStandardError()).trimmed();
        QVERIFY2(error.startsWith(QStringLiteral("discodesk-server: %1 is damaged").arg(path())), qPrintable(error));
        QVERIFY2(error.endsWith(QStringLiteral("restore it or choose another file")), qPrintable(error));
        QCOMPARE(fileHash(path()), before);
    }

    void aDamagedDatabaseIsRefusedBeforeItsUpgrade()
    {
        // An upgrade writes through the whole file, so an old file is read first.
        QStringList rows;
        for (int i = 0; i < 200; ++i) {
            rows += QStringLiteral("INSERT INTO discovery_ids VALUES ('id-%1', 'rqlite', 1000000, NULL, '%2', 2000000)")
                        .arg(i).arg(QString(100, u'x'));
        }
        execOn(path(), version1Schema() + rows);
        QVERIFY(TestDatabase::damageSqlitePages(path()));
        const QByteArray before = fileHash(path());

        QString error;
        const std::unique_ptr<Store> store = Store::open(path(), &error);
        QVERIFY2(error.contains(QStringLiteral("is damaged")), qPrintable(error));
        QVERIFY(!store);
        QCOMPARE(fileHash(path()), before);
    }

    void aFileThatCannotBeReadThroughIsNotCalledDamaged()
    {
        // Out of file descriptors (a flood of clients), SQLite cannot open the WAL for
        // the check's own connection. That is no damage: calling it so stopped the
        // server and told the user to restore a good file.
        {
            DISCODESK_OPEN_STORE(store, path());
            DiscoveryService service(*store);
            QVERIFY(service.createId(DiscoveryKind::Rqlite, QStringLiteral("cluster")).ok());
        }
        // The file served, with a WAL, as a server holds it; by a plain connection, not
        // a Store, whose checkpointer thread could open and close descriptors of its
        // own while the check runs and leave it one.
        QSqlDatabase holder = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("holder"));
        const auto dropHolder = qScopeGuard([&holder] {
            holder.close();
            holder = QSqlDatabase();
            QSqlDatabase::removeDatabase(QStringLiteral("holder"));
        });
        holder.setDatabaseName(path());
        QVERIFY(holder.open());
        QSqlQuery write(holder);
        for (const QString &statement : {QStringLiteral("PRAGMA wal_autocheckpoint = 0"),
                                         QStringLiteral("UPDATE discovery_ids SET label = 'served'")})
            QVERIFY2(write.exec(statement), qPrintable(write.lastError().text()));
        QVERIFY(QFileInfo(path() + QStringLiteral("-wal")).size() > 0);
        QString error;
        const std::unique_ptr<Store> check = Store::open(path(), &error, Store::Mode::ReadOnly);
        QVERIFY2(check, qPrintable(error));

        QString damage;
        QString unreadable;
        {
            const NoFreeDescriptors noneFree;
            QVERIFY(noneFree.count() > 0);
            damage = check->findDamage(&unreadable);
        }
        QCOMPARE(damage, QString());
        QVERIFY2(unreadable.contains(QStringLiteral("unable to open")), qPrintable(unreadable));

        // With descriptors to spare, the same check reads it through.
        unreadable.clear();
        QCOMPARE(check->findDamage(&unreadable), QString());
        QCOMPARE(unreadable, QString());
    }

    void groupCommitSavesAndReportsOnlyAtCommit()
    {
        DISCODESK_OPEN_STORE(store, path());
        DiscoveryService service(*store);
        const QString id = service.createId(DiscoveryKind::Rqlite, {})->id;
        store->setGroupCommit(true);
        QSignalSpy opened(store.get(), &Store::batchOpened);
        QSignalSpy changed(store.get(), &Store::changed);

        QCOMPARE(service.registerNode(id, QStringLiteral("a:1"), {})->change, NodeChange::Added);
        QCOMPARE(service.registerNode(id, QStringLiteral("b:1"), {})->change, NodeChange::Added);
        QCOMPARE(opened.size(), 1);
        QVERIFY(store->isBatchOpen());
        // The store itself reads its own writes; nobody else sees or hears of them yet.
        QCOMPARE(store->findId(id).value()->nodeCount, 2);
        QCOMPARE(changed.size(), 0);
        QCOMPARE(nodeCountSeenByAnotherConnection(id), 0);

        QVERIFY(store->commitBatch().ok());
        QVERIFY(!store->isBatchOpen());
        QCOMPARE(nodeCountSeenByAnotherConnection(id), 2);
        QCOMPARE(changed.size(), 1); // one notice for the whole batch, in order
        const StoreChanges changes = changed.at(0).at(0).value<StoreChanges>();
        QCOMPARE(changes.size(), 2);
        QCOMPARE(changes.at(0).node.address, QStringLiteral("a:1"));
        QCOMPARE(changes.at(1).node.address, QStringLiteral("b:1"));
    }

    // A registration's statements run through SQLite's handle where the build may
    // use it (Debian's Qt: CMake finds that its driver links the system's SQLite).
    void sqlitesHandleRunsStatementsWithTheirValues()
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("handle"));
        db.setDatabaseName(m_dir.filePath(QStringLiteral("handle.sqlite")));
        QVERIFY(db.open());
        {
            SqliteHandle handle(db);
#ifdef DISCODESK_SQLITE_HANDLE
            QVERIFY(handle.isAvailable());
#else
            QVERIFY(!handle.isAvailable());
            QSKIP("this build runs every statement through QtSql (Qt's driver has a SQLite of its own)");
#endif
            QCOMPARE(handle.run(QStringLiteral("CREATE TABLE t (k TEXT PRIMARY KEY, n BIGINT, b BLOB, z TEXT)")),
                     QString());
            const QString text = QStringLiteral("héllo-☃-𝄞");
            qint64 changed = 0;
            QCOMPARE(handle.run(QStringLiteral("INSERT INTO t VALUES (?, ?, ?, ?)"),
                                {text, qint64(1) << 40, QByteArray("\0\1", 2), QVariant()}, {}, &changed),
                     QString());
            QCOMPARE(changed, 1);
            // What QtSql reads back is what was bound.
            QSqlQuery read(db);
            QVERIFY(read.exec(QStringLiteral("SELECT k, n, b, z FROM t")) && read.next());
            QCOMPARE(read.value(0).toString(), text);
            QCOMPARE(read.value(1).toLongLong(), qint64(1) << 40);
            QCOMPARE(read.value(2).toByteArray(), QByteArray("\0\1", 2));
            QVERIFY(read.isNull(3));
            read.finish();
            // And the handle reads rows as they are.
            QStringList rows;
            QCOMPARE(handle.run(QStringLiteral("SELECT k, n, z FROM t WHERE n > ?"), {0},
                                [&](const PlainRow &row) {
                                    rows << QStringLiteral("%1 %2 %3").arg(row.text(0)).arg(row.integer(1))
                                                .arg(row.isNull(2) ? "null" : "value");
                                }),
                     QString());
            QCOMPARE(rows, QStringList{text + QStringLiteral(" 1099511627776 null")});
            // A statement that fails says why, and the next one runs.
            QCOMPARE(handle.run(QStringLiteral("INSERT INTO t (k) VALUES (?)"), {text}),
                     QStringLiteral("UNIQUE constraint failed: t.k"));
            QCOMPARE(handle.run(QStringLiteral("INSERT INTO t (k) VALUES (?)"), {QStringLiteral("other")}), QString());
        }
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("handle"));
    }

    void groupCommitRollsBackOnlyTheWriteThatFailed()
    {
        DISCODESK_OPEN_STORE(store, path());
        DiscoveryService service(*store);
        const QString id = service.createId(DiscoveryKind::Rqlite, {})->id;
        service.setMaxNodesPerId(1);
        store->setGroupCommit(true);
        QSignalSpy changed(store.get(), &Store::changed);

        QCOMPARE(service.registerNode(id, QStringLiteral("a:1"), {})->change, NodeChange::Added);
        QCOMPARE(service.registerNode(id, QStringLiteral("b:1"), {})->change, NodeChange::Full);
        {
            // A write that fails in the database (an ID that exists already) fails alone.
            Store::Transaction write(*store, Store::Access::Write);
            DiscoveryId duplicate;
            duplicate.id = id;
            duplicate.createdAt = at(12);
            QVERIFY(!store->insertId(duplicate).ok());
        }
        QVERIFY(store->isBatchOpen());
        QCOMPARE(service.removeNode(id, QStringLiteral("zz:1"))->change, NodeChange::Absent);

        QVERIFY(store->commitBatch().ok());
        QCOMPARE(nodeCountSeenByAnotherConnection(id), 1);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.at(0).at(0).value<StoreChanges>().at(0).node.address, QStringLiteral("a:1"));
    }

    // A registration reads the ID's record from what the store kept of it (its
    // RecordCache): after every other kind of change, and after a write that rolled
    // back, its reply and its node cap still follow what is stored.
    void aRegistrationSeesTheRecordAsStoredAfterAnyChange_data()
    {
        QTest::addColumn<bool>("groupCommit");
        QTest::newRow("a transaction each") << false;
        QTest::newRow("group commit") << true;
    }
    void aRegistrationSeesTheRecordAsStoredAfterAnyChange()
    {
        QFETCH(bool, groupCommit);
        DISCODESK_OPEN_STORE(store, path());
        DiscoveryService service(*store);
        store->setGroupCommit(groupCommit);
        const QString id = service.createId(DiscoveryKind::Rqlite, {})->id;
        const auto reply = [&](const QString &address) {
            const auto written = service.registerNode(id, address, {});
            return written.ok() ? written->record.addresses : QStringList{QStringLiteral("failed: ") + written.error()};
        };
        QCOMPARE(reply(QStringLiteral("a:1")), QStringList({QStringLiteral("a:1")}));
        QCOMPARE(reply(QStringLiteral("b:1")), QStringList({QStringLiteral("a:1"), QStringLiteral("b:1")}));
        {
            // A write that does not commit leaves nothing behind.
            Store::Transaction write(*store, Store::Access::Write);
            QVERIFY(store->insertNode(id, Node{QStringLiteral("ghost:1"), at(1), at(1), 1, {}, {}, 0}, at(1)).ok());
        }
        QCOMPARE(reply(QStringLiteral("c:1")),
                 QStringList({QStringLiteral("a:1"), QStringLiteral("b:1"), QStringLiteral("c:1")}));
        // Removed through another path than a registration.
        QCOMPARE(service.removeNode(id, QStringLiteral("a:1"))->change, NodeChange::Removed);
        QCOMPARE(reply(QStringLiteral("d:1")),
                 QStringList({QStringLiteral("b:1"), QStringLiteral("c:1"), QStringLiteral("d:1")}));
        // The cap counts what is stored.
        service.setMaxNodesPerId(4);
        QCOMPARE(reply(QStringLiteral("e:1")).size(), 4);
        QCOMPARE(service.registerNode(id, QStringLiteral("f:1"), {})->change, NodeChange::Full);
        service.setMaxNodesPerId(100);
        // A prune of nodes not seen since: those of the ID go.
        PruneRules rules;
        rules.notSeenSince = Timestamp::fromMicroseconds(Timestamp::now().microseconds() + 60'000'000);
        QVERIFY(service.prune(rules).ok());
        QCOMPARE(reply(QStringLiteral("g:1")), QStringList({QStringLiteral("g:1")}));
        // A deleted ID takes no more registrations.
        QCOMPARE(service.deleteId(id).value(), true);
        QCOMPARE(service.registerNode(id, QStringLiteral("h:1"), {})->change, NodeChange::UnknownId);
        if (groupCommit)
            QVERIFY(store->commitBatch().ok());
        QCOMPARE(nodeCountSeenByAnotherConnection(id), 0);
    }

    // The records kept for registrations stay within their bounds however many IDs
    // and nodes come: an ID too big is read each time instead.
    void theRecordCacheStaysWithinItsBounds()
    {
        RecordCache cache;
        cache.setEnabled(true);
        const QString address = QStringLiteral("http://node-with-a-long-name.example:4001");
        RqliteRecord big{QStringLiteral("big"), at(1), {}};
        while (big.addresses.size() * address.size() <= RecordCache::MaxRecordCharacters)
            big.addresses.append(address + QString::number(big.addresses.size()));
        cache.remember(big);
        QVERIFY(!cache.find(QStringLiteral("big")));

        for (int i = 0; i <= RecordCache::MaxEntries; ++i)
            cache.remember(RqliteRecord{QString::number(i), at(1), {address}});
        QVERIFY(cache.size() <= RecordCache::MaxEntries);
        QVERIFY(cache.find(QString::number(RecordCache::MaxEntries))); // the newest is kept

        // Growing past the bound through its writes, an ID is dropped.
        RqliteRecord growing{QStringLiteral("growing"), at(1), {}};
        cache.remember(growing);
        QVERIFY(cache.find(QStringLiteral("growing")));
        for (qsizetype i = 0; i < big.addresses.size(); ++i) {
            Node node;
            node.address = big.addresses.at(i);
            cache.note({StoreChange::Type::NodeAdded, QStringLiteral("growing"), at(2), {}, node});
        }
        QVERIFY(!cache.find(QStringLiteral("growing")));
    }

    void secondStoreThroughALinkIsRefused_data() { links_data(); }
    void secondStoreThroughALinkIsRefused()
    {
        QFETCH(bool, hard);
        DISCODESK_OPEN_STORE(first, path());
        DiscoveryService service(*first);
        const QString before = service.createId(DiscoveryKind::Rqlite, {})->id;
        const QString link = path(QStringLiteral("link.sqlite"));
        if (!makeLink(hard ? Link::Hard : Link::Symbolic, path(), link))
            QSKIP("this platform makes no such link here");

        QString error;
        const std::unique_ptr<Store> second = Store::open(link, &error);
        QVERIFY2(error.startsWith(QStringLiteral("%1 is in use by another DiscoDesk").arg(link)), qPrintable(error));
        QVERIFY2(error.endsWith(QStringLiteral("; stop it or choose another database")), qPrintable(error));
        QVERIFY(!second);
        // Through its own name it would have had a journal of its own.
        QVERIFY(!QFile::exists(link + QStringLiteral("-wal")));

        // The first goes on as before, and what it commits is there for readers.
        QVERIFY(first->ping().ok());
        const QString after = service.createId(DiscoveryKind::Rqlite, {})->id;
        QCOMPARE(service.registerNode(after, QStringLiteral("a:4001"), {})->change, NodeChange::Added);
        QCOMPARE(nodeCountSeenByAnotherConnection(after), 1);
        QVERIFY(first->findId(before).value().has_value());
    }

    void linkOpensOnceTheFirstStoreHasClosed_data() { links_data(); }
    void linkOpensOnceTheFirstStoreHasClosed()
    {
        QFETCH(bool, hard);
        const QString link = path(QStringLiteral("link.sqlite"));
        DISCODESK_OPEN_STORE(first, path());
        const QString id = DiscoveryService(*first).createId(DiscoveryKind::Rqlite, {})->id;
        if (!makeLink(hard ? Link::Hard : Link::Symbolic, path(), link))
            QSKIP("this platform makes no such link here");
        QString error;
        QVERIFY2(!Store::open(link, &error), "the link must be refused while the first has the file");

        first.reset();
        DISCODESK_OPEN_STORE(second, link);
        QVERIFY(second->findId(id).value().has_value());
        // Now the second has it, under whichever name.
        QVERIFY(!Store::open(path(), &error));
        QVERIFY2(error.contains(QStringLiteral("in use by another DiscoDesk")), qPrintable(error));
    }

    void lockOfAKilledServerIsReleased()
    {
        const QString link = path(QStringLiteral("link.sqlite"));
        {
            DISCODESK_OPEN_STORE(create, path());
        }
        if (!makeLink(Link::Hard, path(), link))
            QSKIP("this platform makes no hard links here");
        QProcess server;
        if (startServer(server, link) == 0)
            QFAIL(server.readAllStandardError().constData());
        QString error;
        QVERIFY2(!Store::open(path(), &error), "the server holds the file under another name");
        QVERIFY2(error.contains(QStringLiteral("in use by another DiscoDesk")), qPrintable(error));

        server.kill(); // SIGKILL: it releases nothing itself
        QVERIFY(server.waitForFinished(10000));
        DISCODESK_OPEN_STORE(store, path());
        QVERIFY(store->ping().ok());
    }

    void secondServerOnAHardLinkExitsWithTheReason()
    {
        const QString link = path(QStringLiteral("link.sqlite"));
        QProcess first;
        const quint16 port = startServer(first, path());
        if (port == 0)
            QFAIL(first.readAllStandardError().constData());
        if (!makeLink(Link::Hard, path(), link))
            QSKIP("this platform makes no hard links here");

        QProcess second;
        second.start(ServerPath, {QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--db"), link});
        QVERIFY(second.waitForFinished(10000));
        QCOMPARE(second.exitCode(), 1);
        const QString error = QString::fromUtf8(second.readAllStandardError()).trimmed();
        QCOMPARE(error, QStringLiteral("discodesk-server: %1 is in use by another DiscoDesk (process %2); "
                                       "stop it or choose another database").arg(link).arg(first.processId()));

        QCOMPARE(HttpClient(port).get("/healthz").status, 200);
        first.terminate();
        QVERIFY(first.waitForFinished(10000));
        QCOMPARE(first.exitCode(), 0);
    }

    void lockRefusesWhatIsNotAFile()
    {
#ifdef Q_OS_UNIX
        // Checked on the opened descriptor too, not only by name beforehand.
        const QString fifo = path(QStringLiteral("fifo.sqlite"));
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        DatabaseFileLock lock;
        QCOMPARE(lock.lock(fifo), QStringLiteral("%1 is not a file").arg(fifo));
        QVERIFY(!lock.isLocked());
#else
        QSKIP("FIFOs are POSIX's");
#endif
    }

    void checkpointsWorkWhileTheStoreHoldsTheFile()
    {
        // The store's lock on the file must not get in SQLite's way: another
        // connection copies the journal into the file and empties it.
        DISCODESK_OPEN_STORE(store, path());
        DiscoveryService service(*store);
        const QString id = service.createId(DiscoveryKind::Rqlite, {})->id;
        for (int n = 0; n < 20; ++n)
            service.registerNode(id, QStringLiteral("host-%1:4001").arg(n), {});
        QVERIFY(QFileInfo(path() + QStringLiteral("-wal")).size() > 0);
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("checkpoint"));
            db.setDatabaseName(path());
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")) && query.next());
            QCOMPARE(query.value(0).toInt(), 0); // not busy
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("checkpoint"));
        QCOMPARE(QFileInfo(path() + QStringLiteral("-wal")).size(), 0);
        QCOMPARE(nodeCountSeenByAnotherConnection(id), 20);
        QCOMPARE(service.registerNode(id, QStringLiteral("later:4001"), {})->change, NodeChange::Added);
    }
};

QTEST_GUILESS_MAIN(TestSqliteFile)
#include "tst_sqlitefile.moc"
