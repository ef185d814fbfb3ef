#include "TestPostgres.h"

#include <QAtomicInteger>
#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTcpServer>
#include <QUrl>
#include <QUrlQuery>

#include <algorithm>

#if defined(Q_OS_UNIX)
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#endif

namespace {

const QString MissingPostgres = QStringLiteral(
    "PostgreSQL's server programs (initdb, postgres, pg_ctl) are missing: run scripts/install-deps --test "
    "(Debian package postgresql-15)");

QString executable(const QString &dir, const QString &name)
{
#if defined(Q_OS_WIN)
    return QDir(dir).filePath(name + QStringLiteral(".exe"));
#else
    return QDir(dir).filePath(name);
#endif
}

bool hasServerPrograms(const QString &dir)
{
    for (const QString &name : {QStringLiteral("initdb"), QStringLiteral("postgres"), QStringLiteral("pg_ctl")}) {
        if (!QFileInfo(executable(dir, name)).isExecutable())
            return false;
    }
    return true;
}

// Where initdb, postgres and pg_ctl are, or an empty string with *error set.
QString findBinDir(QString *error)
{
    const QString forced = qEnvironmentVariable("DISCODESK_POSTGRES_BINDIR");
    if (!forced.isEmpty()) {
        if (hasServerPrograms(forced))
            return forced;
        *error = MissingPostgres + QStringLiteral(" (looked in DISCODESK_POSTGRES_BINDIR=%1)").arg(forced);
        return {};
    }

    // Debian: /usr/lib/postgresql/<major>/bin, newest major first.
    QStringList looked;
    const QDir debian(QStringLiteral("/usr/lib/postgresql"));
    QStringList versions = debian.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    std::sort(versions.begin(), versions.end(), [](const QString &a, const QString &b) {
        return a.section(u'.', 0, 0).toInt() > b.section(u'.', 0, 0).toInt();
    });
    for (const QString &version : std::as_const(versions)) {
        const QString dir = debian.filePath(version + QStringLiteral("/bin"));
        if (hasServerPrograms(dir))
            return dir;
    }
    looked << debian.filePath(QStringLiteral("*/bin"));

    const QString pgConfig = QStandardPaths::findExecutable(QStringLiteral("pg_config"));
    if (!pgConfig.isEmpty()) {
        QProcess process;
        process.start(pgConfig, {QStringLiteral("--bindir")});
        if (process.waitForFinished(10000) && process.exitCode() == 0) {
            const QString dir = QString::fromLocal8Bit(process.readAllStandardOutput()).trimmed();
            if (hasServerPrograms(dir))
                return dir;
            looked << dir;
        }
    }

    const QString initdb = QStandardPaths::findExecutable(QStringLiteral("initdb"));
    if (!initdb.isEmpty() && hasServerPrograms(QFileInfo(initdb).absolutePath()))
        return QFileInfo(initdb).absolutePath();
    looked << QStringLiteral("PATH");

    *error = MissingPostgres + QStringLiteral(" (looked in %1)").arg(looked.join(QStringLiteral(", ")));
    return {};
}

// A free port on 127.0.0.1 at this moment.
quint16 freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

QString lastLines(const QString &text, int count = 30)
{
    QStringList lines = text.trimmed().split(u'\n');
    if (lines.size() > count)
        lines = lines.mid(lines.size() - count);
    return lines.join(u'\n');
}

QString nextConnectionName(const char *purpose)
{
    static QAtomicInteger<quint64> counter;
    return QStringLiteral("discodesk-testpostgres-%1-%2").arg(QLatin1String(purpose)).arg(counter.fetchAndAddRelaxed(1));
}

} // namespace

TestPostgres::TestPostgres() = default;

TestPostgres::~TestPostgres()
{
    stop();
}

bool TestPostgres::isRunning() const
{
    return m_server && m_server->state() == QProcess::Running;
}

qint64 TestPostgres::processId() const
{
    return isRunning() ? m_server->processId() : 0;
}

QString TestPostgres::serverLog() const
{
    if (!m_dir)
        return {};
    QFile log(m_dir->filePath(QStringLiteral("server.log")));
    if (!log.open(QIODevice::ReadOnly))
        return {};
    return QString::fromLocal8Bit(log.readAll());
}

QString TestPostgres::url(const QString &databaseName) const
{
    return QStringLiteral("postgresql://%1@%2:%3/%4").arg(userName(), host()).arg(m_port).arg(databaseName);
}

QStringList TestPostgres::asServerUser(const QString &program, const QStringList &arguments, bool dieWithParent) const
{
#if defined(Q_OS_LINUX)
    // setpriv (util-linux) sets the parent-death signal after changing the user, so a
    // server started this way dies with the test process whatever kills it.
    QStringList command;
    if (dieWithParent)
        command << QStringLiteral("--pdeathsig") << QStringLiteral("KILL");
    if (m_dropPrivileges)
        command << QStringLiteral("--reuid=%1").arg(m_uid) << QStringLiteral("--regid=%1").arg(m_gid)
                << QStringLiteral("--clear-groups");
    if (!command.isEmpty()) {
        const QString setpriv = QStandardPaths::findExecutable(QStringLiteral("setpriv"));
        if (!setpriv.isEmpty())
            return QStringList{setpriv} + command + QStringList{program} + arguments;
    }
#else
    Q_UNUSED(dieWithParent);
#endif
    return QStringList{program} + arguments;
}

QString TestPostgres::runTool(const QString &tool, const QStringList &arguments, int timeoutMs, QByteArray *output)
{
    const QStringList command = asServerUser(executable(m_binDir, tool), arguments, false);
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.setWorkingDirectory(m_dir->path());
    process.start(command.first(), command.mid(1));
    if (!process.waitForStarted(10000))
        return QStringLiteral("%1 did not start: %2").arg(command.first(), process.errorString());
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(5000);
        return QStringLiteral("%1 did not finish within %2 s:\n%3")
            .arg(tool).arg(timeoutMs / 1000).arg(lastLines(QString::fromLocal8Bit(process.readAll())));
    }
    const QByteArray printed = process.readAll();
    if (output)
        *output = printed;
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        return QStringLiteral("%1 failed (exit code %2):\n%3")
            .arg(tool).arg(process.exitCode()).arg(lastLines(QString::fromLocal8Bit(printed)));
    return {};
}

QString TestPostgres::start()
{
    if (isRunning())
        return {};
    m_lastError.clear();

    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL")))
        return QStringLiteral("Qt's PostgreSQL driver QPSQL is missing (drivers here: %1): run "
                              "scripts/install-deps --test (Debian package libqt6sql6-psql)")
            .arg(QSqlDatabase::drivers().join(QStringLiteral(", ")));
    QString error;
    m_binDir = findBinDir(&error);
    if (m_binDir.isEmpty())
        return error;

#if defined(Q_OS_UNIX)
    // initdb and the server refuse to run as root.
    m_dropPrivileges = geteuid() == 0;
    if (m_dropPrivileges) {
#if defined(Q_OS_LINUX)
        if (QStandardPaths::findExecutable(QStringLiteral("setpriv")).isEmpty())
            return QStringLiteral("running as root, PostgreSQL must run as another user, and setpriv is missing "
                                  "(Debian package util-linux)");
#else
        return QStringLiteral("PostgreSQL refuses to run as root: run the tests as an ordinary user");
#endif
        const passwd *user = getpwnam("nobody");
        if (!user)
            return QStringLiteral("running as root, PostgreSQL must run as another user, and there is no user "
                                  "'nobody' to run it as");
        m_uid = user->pw_uid;
        m_gid = user->pw_gid;
    }
#endif

    const QString dataDir = m_dir ? m_dir->filePath(QStringLiteral("data")) : QString();
    const bool initialized = m_dir && QFile::exists(dataDir + QStringLiteral("/PG_VERSION"));
    if (!initialized) {
        m_dir = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/discodesk-postgres-XXXXXX"));
        if (!m_dir->isValid())
            return QStringLiteral("cannot create a temporary folder for PostgreSQL: %1").arg(m_dir->errorString());
#if defined(Q_OS_UNIX)
        if (m_dropPrivileges && ::chown(QFile::encodeName(m_dir->path()).constData(), m_uid, m_gid) != 0)
            return QStringLiteral("cannot give %1 to the user nobody: %2")
                .arg(m_dir->path(), QString::fromLocal8Bit(std::strerror(errno)));
#endif
        QByteArray printed;
        if (runTool(QStringLiteral("postgres"), {QStringLiteral("--version")}, 10000, &printed).isEmpty())
            m_version = QString::fromLocal8Bit(printed).trimmed();

        // No fsync while it writes the files; C collation (byte order, like SQLite's
        // BINARY) with UTF-8; trust for every local connection.
        QElapsedTimer timer;
        timer.start();
        error = runTool(QStringLiteral("initdb"),
                        {QStringLiteral("--pgdata=%1").arg(m_dir->filePath(QStringLiteral("data"))),
                         QStringLiteral("--username=%1").arg(userName()), QStringLiteral("--auth=trust"),
                         QStringLiteral("--encoding=UTF8"), QStringLiteral("--locale=C"), QStringLiteral("--no-sync")},
                        120000, nullptr);
        m_initdbMs = timer.elapsed();
        if (!error.isEmpty())
            return error;
    } else {
        m_initdbMs = 0;
    }

    // The port of the last run first, so URLs given out before a stop() stay valid; a
    // port taken between choosing and binding costs another try.
    QElapsedTimer timer;
    timer.start();
    for (int attempt = 0; attempt < 5; ++attempt) {
        m_port = attempt == 0 && m_port != 0 ? m_port : freePort();
        if (m_port == 0)
            return QStringLiteral("no free port on 127.0.0.1");
        const qsizetype logBefore = serverLog().size();
        error = startServer();
        if (error.isEmpty()) {
            m_serverStartMs = timer.elapsed();
            return {};
        }
        if (!serverLog().mid(logBefore).contains(QStringLiteral("could not bind")))
            break;
    }
    return error;
}

QString TestPostgres::startServer()
{
    const QString program = executable(m_binDir, QStringLiteral("postgres"));
    // Listens on 127.0.0.1 only, its socket in the temporary folder; times in UTC.
    // No fsync and no full-page writes: only a crash of the machine could lose data.
    // Commits stay synchronous, so a commit survives the server being killed, as in
    // production (and the immediate stop() is a crash that tests can restart from).
    const QStringList arguments = {
        QStringLiteral("-D"), m_dir->filePath(QStringLiteral("data")),
        QStringLiteral("-p"), QString::number(m_port),
        QStringLiteral("-c"), QStringLiteral("listen_addresses=127.0.0.1"),
        QStringLiteral("-c"), QStringLiteral("unix_socket_directories=%1").arg(m_dir->path()),
        QStringLiteral("-c"), QStringLiteral("fsync=off"),
        QStringLiteral("-c"), QStringLiteral("full_page_writes=off"),
        QStringLiteral("-c"), QStringLiteral("wal_level=minimal"),
        QStringLiteral("-c"), QStringLiteral("max_wal_senders=0"),
        QStringLiteral("-c"), QStringLiteral("shared_buffers=32MB"),
        QStringLiteral("-c"), QStringLiteral("timezone=UTC"),
        QStringLiteral("-c"), QStringLiteral("log_timezone=UTC"),
        QStringLiteral("-c"), QStringLiteral("logging_collector=off"),
    };
    const QStringList command = asServerUser(program, arguments, true);

    m_server = std::make_unique<QProcess>();
    m_server->setWorkingDirectory(m_dir->path());
    m_server->setProcessChannelMode(QProcess::MergedChannels);
    // A file, not a pipe: nobody drains a pipe while the tests run.
    m_server->setStandardOutputFile(m_dir->filePath(QStringLiteral("server.log")), QIODevice::Append);
    m_server->start(command.first(), command.mid(1));
    if (!m_server->waitForStarted(10000)) {
        const QString error = QStringLiteral("%1 did not start: %2").arg(program, m_server->errorString());
        m_server.reset();
        return error;
    }
    const QString error = waitUntilReady();
    if (!error.isEmpty())
        stop();
    return error;
}

QString TestPostgres::waitUntilReady()
{
    // Ready means a real client gets in: the admin connection, which createDatabase()
    // then keeps using.
    m_adminConnection = nextConnectionName("admin");
    QString lastAttempt;
    const QDeadlineTimer deadline(30000);
    while (true) {
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_adminConnection);
            QString error;
            PostgresConnection::configure(db, url(QStringLiteral("postgres")), &error);
            db.setConnectOptions(QStringLiteral("connect_timeout=2"));
            if (db.open())
                return {};
            lastAttempt = db.lastError().text();
        }
        QSqlDatabase::removeDatabase(m_adminConnection);
        // Doubles as the pause between attempts.
        if (m_server->waitForFinished(25))
            return QStringLiteral("the PostgreSQL server exited (exit code %1):\n%2")
                .arg(m_server->exitCode()).arg(lastLines(serverLog()));
        if (deadline.hasExpired())
            return QStringLiteral("the PostgreSQL server did not accept connections within 30 s (%1):\n%2")
                .arg(lastAttempt, lastLines(serverLog()));
    }
}

void TestPostgres::stop()
{
    if (!m_adminConnection.isEmpty()) {
        {
            QSqlDatabase db = QSqlDatabase::database(m_adminConnection, false);
            if (db.isValid())
                db.close();
        }
        QSqlDatabase::removeDatabase(m_adminConnection);
        m_adminConnection.clear();
    }
    if (!m_server)
        return;
    if (m_server->state() != QProcess::NotRunning) {
        // Immediate shutdown: every backend quits at once, no checkpoint.
        runTool(QStringLiteral("pg_ctl"),
                {QStringLiteral("stop"), QStringLiteral("--pgdata=%1").arg(m_dir->filePath(QStringLiteral("data"))),
                 QStringLiteral("--mode=immediate"), QStringLiteral("--wait"), QStringLiteral("--timeout=10")},
                20000, nullptr);
        if (!m_server->waitForFinished(10000)) {
            m_server->kill();
            m_server->waitForFinished(10000);
        }
    }
    m_server.reset();
}

QString TestPostgres::createDatabase()
{
    m_lastError.clear();
    if (!isRunning() || m_adminConnection.isEmpty()) {
        m_lastError = QStringLiteral("the PostgreSQL server is not running");
        return {};
    }
    const QString name = QStringLiteral("discodesk_test_%1").arg(++m_databases);
    QSqlQuery query(QSqlDatabase::database(m_adminConnection, false));
    if (!query.exec(QStringLiteral("CREATE DATABASE %1").arg(name))) {
        m_lastError = QStringLiteral("CREATE DATABASE %1 failed: %2").arg(name, query.lastError().text());
        return {};
    }
    return url(name);
}

PostgresConnection::PostgresConnection(const QString &url) : m_name(nextConnectionName("connection"))
{
    m_db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_name);
    if (!m_db.isValid())
        m_error = QStringLiteral("Qt's PostgreSQL driver QPSQL is missing (Debian package libqt6sql6-psql)");
    else if (configure(m_db, url, &m_error) && !m_db.open())
        m_error = m_db.lastError().text();
}

PostgresConnection::~PostgresConnection()
{
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_name);
}

bool PostgresConnection::configure(QSqlDatabase &db, const QString &url, QString *error)
{
    const QUrl parsed(url, QUrl::StrictMode);
    if (!parsed.isValid() || (parsed.scheme() != u"postgresql" && parsed.scheme() != u"postgres")) {
        *error = QStringLiteral("not a postgresql:// URL: %1").arg(url);
        return false;
    }
    const QString database = parsed.path().mid(1);
    if (database.isEmpty() || database.contains(u'/')) {
        *error = QStringLiteral("the URL names no database: %1").arg(url);
        return false;
    }
    db.setHostName(parsed.host());
    db.setPort(parsed.port(5432));
    db.setUserName(parsed.userName());
    db.setPassword(parsed.password());
    db.setDatabaseName(database);
    QStringList options;
    for (const auto &[key, value] : QUrlQuery(parsed).queryItems(QUrl::FullyDecoded))
        options << key + u'=' + value;
    db.setConnectOptions(options.join(u';'));
    return true;
}
