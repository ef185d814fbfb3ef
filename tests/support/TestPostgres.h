#pragma once

#include <QProcess>
#include <QSqlDatabase>
#include <QString>
#include <QTemporaryDir>

#include <memory>

// A throwaway PostgreSQL server for one test executable: initdb into a temporary
// folder, the server on a free port of 127.0.0.1 only (its Unix socket in that
// folder too), trust authentication, no fsync (a commit still survives the server
// being killed). Starting takes about a second on the project's 2-core machine
// (initdb 0.6-1.1 s, then the server answers within 50 ms); a database from
// createDatabase() about 0.15 s more.
//
// The binaries come from DISCODESK_POSTGRES_BINDIR when it is set, else from the
// newest /usr/lib/postgresql/<version>/bin (Debian's postgresql-15), else from
// `pg_config --bindir`, else from PATH. PostgreSQL refuses to run as root: as root
// the helper runs initdb, the server and pg_ctl as the user `nobody`, and gives it
// the temporary folder.
//
// The server dies with the test process, even one killed by CTest's timeout (on
// Linux, through setpriv's parent-death signal); the destructor stops it as
// `pg_ctl stop -m immediate` does and removes its files.
//
//     std::unique_ptr<TestPostgres> postgres = std::make_unique<TestPostgres>();
//     const QString error = postgres->start();
//     QVERIFY2(error.isEmpty(), qPrintable(error)); // a missing PostgreSQL fails
//     const QString url = postgres->createDatabase(); // a fresh one per test function
//     QVERIFY2(!url.isEmpty(), qPrintable(postgres->lastError()));
//     PostgresConnection connection(url);
//     QVERIFY2(connection.isOpen(), qPrintable(connection.error()));
class TestPostgres
{
public:
    TestPostgres();
    ~TestPostgres();
    TestPostgres(const TestPostgres &) = delete;
    TestPostgres &operator=(const TestPostgres &) = delete;

    // Runs initdb, starts the server and waits until it accepts connections. Returns
    // an empty string, or what went wrong in a form fit for QVERIFY2/QFAIL: which
    // package is missing, or the output of initdb or the server.
    QString start();
    // Stops the server at once, like a crash (pg_ctl stop -m immediate), and waits
    // for it. start() may follow: the same data and, if it is still free, the same
    // port, so URLs given out before stay valid.
    void stop();
    bool isRunning() const;

    QString host() const { return QStringLiteral("127.0.0.1"); }
    quint16 port() const { return m_port; }
    // The superuser initdb made; every loopback connection is trusted.
    QString userName() const { return QStringLiteral("discodesk"); }
    // The folder of initdb, postgres and pg_ctl that start() used.
    QString binDir() const { return m_binDir; }
    // The folder of the server's Unix socket (host= in libpq terms).
    QString socketDir() const { return m_dir ? m_dir->path() : QString(); }
    // The server's process ID (0 when it is not running) and what it printed.
    qint64 processId() const;
    QString serverLog() const;
    // The output of `postgres --version`, e.g. "postgres (PostgreSQL) 15.18 (Debian ...)".
    QString version() const { return m_version; }

    // How long the last start() took: initdb, and the server until it answered.
    qint64 initdbMilliseconds() const { return m_initdbMs; }
    qint64 serverStartMilliseconds() const { return m_serverStartMs; }

    // Creates a new, empty database (discodesk_test_1, _2, ...) and returns its URL,
    // postgresql://discodesk@127.0.0.1:<port>/discodesk_test_<n>, the form
    // `--db` takes. Empty on failure, with lastError() saying why.
    QString createDatabase();
    // The URL of an existing database of this server.
    QString url(const QString &databaseName) const;
    QString lastError() const { return m_lastError; }

private:
    QString runTool(const QString &tool, const QStringList &arguments, int timeoutMs, QByteArray *output);
    QStringList asServerUser(const QString &program, const QStringList &arguments, bool dieWithParent) const;
    QString startServer();
    QString waitUntilReady();

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QProcess> m_server;
    QString m_binDir;
    QString m_version;
    QString m_adminConnection;
    QString m_lastError;
    quint16 m_port = 0;
    int m_databases = 0;
    qint64 m_initdbMs = 0;
    qint64 m_serverStartMs = 0;
    // When the tests run as root: the unprivileged user the server runs as.
    bool m_dropPrivileges = false;
    uint m_uid = 0;
    uint m_gid = 0;
};

// A QPSQL connection of its own to a postgresql:// URL (user, host, port, database;
// query items become libpq connection options, e.g. ?connect_timeout=2). The
// connection is closed and removed when this goes out of scope: destroy every
// QSqlQuery on it first.
class PostgresConnection
{
public:
    explicit PostgresConnection(const QString &url);
    ~PostgresConnection();
    PostgresConnection(const PostgresConnection &) = delete;
    PostgresConnection &operator=(const PostgresConnection &) = delete;

    bool isOpen() const { return m_db.isOpen(); }
    // Why it did not open.
    QString error() const { return m_error; }
    QSqlDatabase &db() { return m_db; }
    QString connectionName() const { return m_name; }

    // Sets the driver, host, port, user, database and options of db from a URL;
    // false with *error for anything but a postgresql:// (or postgres://) URL.
    static bool configure(QSqlDatabase &db, const QString &url, QString *error);

private:
    QString m_name;
    QString m_error;
    QSqlDatabase m_db;
};
