// A REAL PostgreSQL (Debian's postgresql-15) through Qt's QPSQL driver, started by
// tests/support/TestPostgres: the helper itself (loopback only, unprivileged when the
// tests run as root, a fresh database per call, stopped in its destructor, a clear
// failure when PostgreSQL is missing) and what a PostgreSQL store will rely on:
// placeholders and 64-bit integers, two connections seeing each other's commits, and
// LISTEN/NOTIFY reaching another connection.

#include "support/TestPostgres.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <pwd.h>
#include <unistd.h>

#include <limits>
#include <memory>

namespace {

// The real user ID of a process, from /proc (Linux), or -1.
qint64 processUid(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("Uid:"))
            return line.mid(4).simplified().split(' ').value(0).toLongLong();
    }
    return -1;
}

QVariant scalar(QSqlDatabase &db, const QString &sql)
{
    QSqlQuery query(db);
    if (!query.exec(sql) || !query.next()) {
        qWarning("%s: %s", qPrintable(sql), qPrintable(query.lastError().text()));
        return {};
    }
    return query.value(0);
}

} // namespace

class TestPostgresSuite : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestPostgres> m_postgres;

private slots:
    void initTestCase()
    {
        m_postgres = std::make_unique<TestPostgres>();
        const QString error = m_postgres->start();
        QVERIFY2(error.isEmpty(), qPrintable(error));
        qInfo("%s from %s: initdb %lld ms, server ready %lld ms later", qPrintable(m_postgres->version()),
              qPrintable(m_postgres->binDir()), m_postgres->initdbMilliseconds(),
              m_postgres->serverStartMilliseconds());
    }

    void cleanupTestCase()
    {
        m_postgres.reset();
    }

    void serverIsLocalFastAndNotRoot()
    {
        // PostgreSQL refuses root: as root the helper runs it as nobody.
        const qint64 uid = processUid(m_postgres->processId());
        if (geteuid() == 0) {
            const passwd *nobody = getpwnam("nobody");
            QVERIFY(nobody);
            QCOMPARE(uid, qint64(nobody->pw_uid));
        } else {
            QCOMPARE(uid, qint64(geteuid()));
        }

        PostgresConnection connection(m_postgres->url(QStringLiteral("postgres")));
        QVERIFY2(connection.isOpen(), qPrintable(connection.error()));
        QSqlDatabase &db = connection.db();
        QVERIFY(scalar(db, QStringLiteral("SHOW server_version_num")).toInt() >= 150000);
        QCOMPARE(scalar(db, QStringLiteral("SHOW listen_addresses")).toString(), QStringLiteral("127.0.0.1"));
        QCOMPARE(scalar(db, QStringLiteral("SELECT host(inet_server_addr())")).toString(), QStringLiteral("127.0.0.1"));
        QCOMPARE(scalar(db, QStringLiteral("SHOW port")).toInt(), int(m_postgres->port()));
        QCOMPARE(scalar(db, QStringLiteral("SHOW fsync")).toString(), QStringLiteral("off"));
        QCOMPARE(scalar(db, QStringLiteral("SHOW synchronous_commit")).toString(), QStringLiteral("on"));
        QCOMPARE(scalar(db, QStringLiteral("SHOW server_encoding")).toString(), QStringLiteral("UTF8"));
        QCOMPARE(scalar(db, QStringLiteral("SHOW TimeZone")).toString(), QStringLiteral("UTC"));
        QVERIFY(QFile::exists(m_postgres->socketDir() + QStringLiteral("/.s.PGSQL.%1").arg(m_postgres->port())));
    }

    void eachDatabaseIsNewAndEmpty()
    {
        const QString first = m_postgres->createDatabase();
        QVERIFY2(!first.isEmpty(), qPrintable(m_postgres->lastError()));
        const QString second = m_postgres->createDatabase();
        QVERIFY2(!second.isEmpty(), qPrintable(m_postgres->lastError()));
        QVERIFY(first != second);
        QVERIFY2(first.startsWith(QStringLiteral("postgresql://discodesk@127.0.0.1:%1/discodesk_test_")
                                      .arg(m_postgres->port())),
                 qPrintable(first));

        PostgresConnection a(first);
        QVERIFY2(a.isOpen(), qPrintable(a.error()));
        PostgresConnection b(second);
        QVERIFY2(b.isOpen(), qPrintable(b.error()));
        QVERIFY(a.db().tables().isEmpty());
        QVERIFY(QSqlQuery(a.db()).exec(QStringLiteral("CREATE TABLE only_here (x INTEGER)")));
        QCOMPARE(a.db().tables(), QStringList{QStringLiteral("only_here")});
        QVERIFY(b.db().tables().isEmpty());
    }

    void writesAndReadsBack()
    {
        const QString url = m_postgres->createDatabase();
        QVERIFY2(!url.isEmpty(), qPrintable(m_postgres->lastError()));
        PostgresConnection connection(url);
        QVERIFY2(connection.isOpen(), qPrintable(connection.error()));

        QSqlQuery query(connection.db());
        QVERIFY2(query.exec(QStringLiteral("CREATE TABLE things (id TEXT PRIMARY KEY, big BIGINT NOT NULL,"
                                           " size INTEGER, label TEXT NOT NULL)")),
                 qPrintable(query.lastError().text()));
        // Positional placeholders, as the store writes them.
        QVERIFY2(query.prepare(QStringLiteral("INSERT INTO things (id, big, size, label) VALUES (?, ?, ?, ?)")),
                 qPrintable(query.lastError().text()));
        const qint64 big = (qint64(1) << 53) + 1; // not exact as a double
        const QString label = QStringLiteral("it's a \\ label, \"quoted\", ünïcödé ✓");
        query.bindValue(0, QStringLiteral("a"));
        query.bindValue(1, big);
        query.bindValue(2, QVariant(QMetaType::fromType<int>())); // NULL
        query.bindValue(3, label);
        QVERIFY2(query.exec(), qPrintable(query.lastError().text()));
        // A null QString binds as NULL, as with SQLite: here a not-null violation,
        // whose SQLSTATE is the error's native code.
        query.bindValue(0, QStringLiteral("b"));
        query.bindValue(1, std::numeric_limits<qint64>::min());
        query.bindValue(2, 3);
        query.bindValue(3, QString());
        QVERIFY(!query.exec());
        QCOMPARE(query.lastError().nativeErrorCode(), QStringLiteral("23502"));
        query.bindValue(3, QStringLiteral(""));
        QVERIFY2(query.exec(), qPrintable(query.lastError().text()));

        QVERIFY(query.prepare(QStringLiteral("SELECT big, size, label FROM things WHERE id = ?")));
        query.bindValue(0, QStringLiteral("a"));
        QVERIFY2(query.exec() && query.next(), qPrintable(query.lastError().text()));
        // QPSQL hands a BIGINT that is not negative over as qulonglong: read it with toLongLong().
        QCOMPARE(query.value(0).toLongLong(), big);
        QVERIFY(query.isNull(1));
        QCOMPARE(query.value(2).toString(), label);
        QVERIFY(!query.next());

        query.bindValue(0, QStringLiteral("b"));
        QVERIFY2(query.exec() && query.next(), qPrintable(query.lastError().text()));
        QCOMPARE(query.value(0).toLongLong(), std::numeric_limits<qint64>::min());
        QCOMPARE(query.value(1).toInt(), 3);
        QCOMPARE(query.value(2).toString(), QStringLiteral(""));
    }

    void connectionsSeeEachOthersCommits()
    {
        const QString url = m_postgres->createDatabase();
        QVERIFY2(!url.isEmpty(), qPrintable(m_postgres->lastError()));
        PostgresConnection a(url);
        QVERIFY2(a.isOpen(), qPrintable(a.error()));
        PostgresConnection b(url);
        QVERIFY2(b.isOpen(), qPrintable(b.error()));
        QVERIFY(QSqlQuery(a.db()).exec(QStringLiteral("CREATE TABLE nodes (address TEXT PRIMARY KEY)")));

        QVERIFY(a.db().transaction());
        QVERIFY(QSqlQuery(a.db()).exec(QStringLiteral("INSERT INTO nodes VALUES ('from-a')")));
        QCOMPARE(scalar(b.db(), QStringLiteral("SELECT COUNT(*) FROM nodes")).toLongLong(), 0); // not yet committed
        QVERIFY(a.db().commit());
        QCOMPARE(scalar(b.db(), QStringLiteral("SELECT COUNT(*) FROM nodes")).toLongLong(), 1);

        QVERIFY(QSqlQuery(b.db()).exec(QStringLiteral("INSERT INTO nodes VALUES ('from-b')")));
        QCOMPARE(scalar(a.db(), QStringLiteral("SELECT string_agg(address, ',' ORDER BY address) FROM nodes")).toString(),
                 QStringLiteral("from-a,from-b"));
    }

    void notificationsReachAnotherConnection()
    {
        const QString url = m_postgres->createDatabase();
        QVERIFY2(!url.isEmpty(), qPrintable(m_postgres->lastError()));
        PostgresConnection listener(url);
        QVERIFY2(listener.isOpen(), qPrintable(listener.error()));
        PostgresConnection writer(url);
        QVERIFY2(writer.isOpen(), qPrintable(writer.error()));

        QSqlDriver *driver = listener.db().driver();
        QVERIFY(driver->hasFeature(QSqlDriver::EventNotifications));
        QVERIFY2(driver->subscribeToNotification(QStringLiteral("discodesk_changes")),
                 qPrintable(driver->lastError().text()));
        QCOMPARE(driver->subscribedToNotifications(), QStringList{QStringLiteral("discodesk_changes")});
        QSignalSpy spy(driver, &QSqlDriver::notification);
        QVERIFY(spy.isValid());

        // Delivered through the listener thread's event loop (a socket notifier).
        QElapsedTimer timer;
        timer.start();
        QVERIFY(QSqlQuery(writer.db()).exec(QStringLiteral("NOTIFY discodesk_changes, 'id-1'")));
        QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 1, 10000);
        qInfo("a notification arrived %lld ms after NOTIFY", timer.elapsed());
        QList<QVariant> arguments = spy.takeFirst();
        QCOMPARE(arguments.at(0).toString(), QStringLiteral("discodesk_changes"));
        QCOMPARE(arguments.at(1).value<QSqlDriver::NotificationSource>(), QSqlDriver::OtherSource);
        QCOMPARE(arguments.at(2).metaType(), QMetaType::fromType<QString>());
        QCOMPARE(arguments.at(2).toString(), QStringLiteral("id-1"));

        // pg_notify() takes bound values. Inside a transaction, the notification
        // waits for the commit, and a rollback drops it.
        QVERIFY(writer.db().transaction());
        QSqlQuery notify(writer.db());
        QVERIFY2(notify.prepare(QStringLiteral("SELECT pg_notify(?, ?)")), qPrintable(notify.lastError().text()));
        notify.bindValue(0, QStringLiteral("discodesk_changes"));
        notify.bindValue(1, QStringLiteral("id-2"));
        QVERIFY2(notify.exec(), qPrintable(notify.lastError().text()));
        QTest::qWait(200);
        QCOMPARE(spy.size(), 0);
        QVERIFY(writer.db().commit());
        QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 1, 10000);
        QCOMPARE(spy.takeFirst().at(2).toString(), QStringLiteral("id-2"));

        QVERIFY(writer.db().transaction());
        notify.bindValue(1, QStringLiteral("id-3"));
        QVERIFY(notify.exec());
        QVERIFY(writer.db().rollback());
        QTest::qWait(200);
        QCOMPARE(spy.size(), 0);

        // Its own notifications come back marked as such.
        QVERIFY(QSqlQuery(listener.db()).exec(QStringLiteral("NOTIFY discodesk_changes, 'self'")));
        QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 1, 10000);
        arguments = spy.takeFirst();
        QCOMPARE(arguments.at(1).value<QSqlDriver::NotificationSource>(), QSqlDriver::SelfSource);
        QCOMPARE(arguments.at(2).toString(), QStringLiteral("self"));
    }

    void restartKeepsTheDataAndThePort()
    {
        const QString url = m_postgres->createDatabase();
        QVERIFY2(!url.isEmpty(), qPrintable(m_postgres->lastError()));
        {
            PostgresConnection connection(url);
            QVERIFY2(connection.isOpen(), qPrintable(connection.error()));
            QVERIFY(QSqlQuery(connection.db()).exec(QStringLiteral("CREATE TABLE kept (x BIGINT)")));
            QVERIFY(QSqlQuery(connection.db()).exec(QStringLiteral("INSERT INTO kept VALUES (42)")));

            m_postgres->stop();
            QVERIFY(!m_postgres->isRunning());
            // The open connection is lost: a statement fails, and the driver says so.
            QSqlQuery query(connection.db());
            QVERIFY(!query.exec(QStringLiteral("SELECT x FROM kept")));
            QVERIFY(!connection.db().isOpen());
            QVERIFY(!query.lastError().text().isEmpty());

            const QString error = m_postgres->start();
            QVERIFY2(error.isEmpty(), qPrintable(error));
            QCOMPARE(m_postgres->initdbMilliseconds(), 0); // the same data, no new initdb
        }
        PostgresConnection again(url);
        QVERIFY2(again.isOpen(), qPrintable(again.error()));
        QCOMPARE(scalar(again.db(), QStringLiteral("SELECT x FROM kept")).toLongLong(), 42);
    }

    void aSecondServerRunsBesideAndStopsInItsDestructor()
    {
        auto second = std::make_unique<TestPostgres>();
        const QString error = second->start();
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(second->port() != m_postgres->port());
        const QString url = second->createDatabase();
        QVERIFY2(!url.isEmpty(), qPrintable(second->lastError()));
        {
            PostgresConnection connection(url);
            QVERIFY2(connection.isOpen(), qPrintable(connection.error()));
        }

        const qint64 pid = second->processId();
        const quint16 port = second->port();
        const QString dir = second->socketDir();
        QVERIFY(pid > 0);
        second.reset();
        QVERIFY(!QFile::exists(QStringLiteral("/proc/%1").arg(pid)));
        QVERIFY(!QFile::exists(dir));
        QTcpSocket socket;
        socket.connectToHost(QStringLiteral("127.0.0.1"), port);
        QVERIFY(!socket.waitForConnected(2000));

        // The first server is untouched.
        PostgresConnection first(m_postgres->url(QStringLiteral("postgres")));
        QVERIFY2(first.isOpen(), qPrintable(first.error()));
    }

    void missingPostgresFailsWithWhatToInstall()
    {
        QTemporaryDir empty;
        qputenv("DISCODESK_POSTGRES_BINDIR", QFile::encodeName(empty.path()));
        TestPostgres postgres;
        const QString error = postgres.start();
        qunsetenv("DISCODESK_POSTGRES_BINDIR");
        QVERIFY(!postgres.isRunning());
        QVERIFY2(error.contains(QStringLiteral("scripts/install-deps --test")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("postgresql-15")), qPrintable(error));
        QVERIFY2(error.contains(empty.path()), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestPostgresSuite)
#include "tst_postgres.moc"
