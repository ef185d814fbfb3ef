// The headless program as a user runs it: options, the log, signals, and the
// errors it must explain in one line.

#include "store/Schema.h"
#include "support/ListeningSockets.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

namespace {

const QString ServerPath = QStringLiteral(DISCODESK_SERVER_PATH);

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

// Runs curl as a user would, returning what it printed.
QByteArray curl(const QStringList &arguments)
{
    QProcess process;
    process.start(QStringLiteral("curl"), QStringList{QStringLiteral("-s")} + arguments);
    if (!process.waitForFinished(10000))
        return "(curl timed out)";
    return process.readAllStandardOutput();
}

} // namespace

class TestServerProgram : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString dbPath() const { return m_dir.filePath(QStringLiteral("server.sqlite")); }

    // Starts discodesk-server and waits for its "listening" line, then for the line
    // that says its file was read through for damage: what it logs next is requests.
    bool startServer(QProcess &process, quint16 port, const QStringList &extra = {})
    {
        process.setProcessChannelMode(QProcess::SeparateChannels);
        process.start(ServerPath, QStringList{QStringLiteral("--port"), QString::number(port),
                                              QStringLiteral("--db"), dbPath()} + extra);
        if (!process.waitForStarted(5000))
            return false;
        const QByteArray listening = readLine(process);
        if (!listening.contains("listening on http://127.0.0.1:" + QByteArray::number(port)))
            return false;
        static const QRegularExpression checked(QStringLiteral(R"(^Read (.+) through in \d+ ms: nothing is damaged\n$)"));
        const QRegularExpressionMatch match = checked.match(QString::fromUtf8(readLine(process)));
        return match.hasMatch() && match.captured(1) == dbPath();
    }

    // The next line the process writes to standard output; empty if none comes in 10 s.
    static QByteArray readLine(QProcess &process)
    {
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 10000) {
            if (process.canReadLine())
                return process.readLine();
            process.waitForReadyRead(200);
            if (process.state() != QProcess::Running && !process.canReadLine())
                return {};
        }
        return {};
    }

    void stopServer(QProcess &process)
    {
        ::kill(pid_t(process.processId()), SIGTERM);
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 0);
    }

private slots:
    void checkCurlIsInstalled()
    {
        // The setup script installs curl; the curl session below needs it.
        QProcess process;
        process.start(QStringLiteral("curl"), {QStringLiteral("--version")});
        QVERIFY2(process.waitForFinished(5000) && process.exitCode() == 0, "curl is missing: run scripts/install-deps");
    }

    void versionAndHelp()
    {
        QProcess version;
        version.start(ServerPath, {QStringLiteral("--version")});
        QVERIFY(version.waitForFinished(5000));
        QCOMPARE(version.exitCode(), 0);
        QVERIFY2(QRegularExpression(QStringLiteral(R"(^DiscoDesk \d+\.\d+\.\d+\n$)"))
                     .match(QString::fromUtf8(version.readAllStandardOutput())).hasMatch(), "version line");

        QProcess help;
        help.start(ServerPath, {QStringLiteral("--help")});
        QVERIFY(help.waitForFinished(5000));
        QCOMPARE(help.exitCode(), 0);
        const QByteArray text = help.readAllStandardOutput();
        for (const char *option : {"--bind", "--port", "--db", "--version", "--help"})
            QVERIFY2(text.contains(option), option);
    }

#ifdef DISCODESK_WINDOW_PATH
    // The window program as shipped has no benchmark mode: that is
    // discodesk-window-bench, built only with the benchmarks.
    void windowProgramHasNoBenchmarkOptions()
    {
        const QString windowPath = QStringLiteral(DISCODESK_WINDOW_PATH);
        // Settings of its own, should it open a window after all (offscreen, from CTest).
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
        environment.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));

        QProcess help;
        help.setProcessEnvironment(environment);
        help.start(windowPath, {QStringLiteral("--help")});
        QVERIFY(help.waitForFinished(10000));
        QCOMPARE(help.exitCode(), 0);
        const QByteArray text = help.readAllStandardOutput();
        QVERIFY2(text.contains("--port"), text.constData());
        QVERIFY2(!text.contains("benchmark"), text.constData());

        QProcess refused;
        refused.setProcessEnvironment(environment);
        refused.start(windowPath, {QStringLiteral("--benchmark-scroll"), QStringLiteral("--port"),
                                   QString::number(freePort()), QStringLiteral("--db"),
                                   m_dir.filePath(QStringLiteral("window.sqlite"))});
        const bool finished = refused.waitForFinished(10000);
        if (!finished)
            refused.kill();
        QVERIFY(finished);
        QVERIFY(refused.exitCode() != 0);
        const QByteArray error = refused.readAllStandardError();
        QVERIFY2(error.contains("benchmark-scroll"), error.constData());
        QVERIFY(refused.readAllStandardOutput().isEmpty());
    }
#endif

    void readmeCurlExampleWorksAsPasted()
    {
        // README's "Try it with curl" block, run as a user pastes it into a shell; only
        // the port is the test's own.
        QFile readme(QStringLiteral(DISCODESK_README_PATH));
        QVERIFY(readme.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(readme.readAll());
        const qsizetype section = text.indexOf(u"## Try it with curl");
        const qsizetype open = text.indexOf(u"```sh\n", section);
        const qsizetype close = text.indexOf(u"```\n", open + 6);
        QVERIFY(section >= 0 && open > section && close > open);
        QString block = text.mid(open + 6, close - open - 6);
        const quint16 port = freePort();
        QVERIFY(block.contains(u"http://127.0.0.1:4011/"));
        block.replace(QStringLiteral("http://127.0.0.1:4011/"), QStringLiteral("http://127.0.0.1:%1/").arg(port));

        QProcess server;
        QVERIFY(startServer(server, port));
        QProcess shell;
        shell.start(QStringLiteral("bash"), {QStringLiteral("-c"), block});
        QVERIFY(shell.waitForFinished(20000));
        QCOMPARE(shell.exitCode(), 0);
        stopServer(server);

        // Each command printed what the comment under it shows: the new ID's record,
        // with the nodes it shows.
        QList<QByteArray> printed = shell.readAllStandardOutput().split('\n');
        printed.removeAll(QByteArray());
        QStringList shown;
        for (const QString &line : block.split(u'\n')) {
            if (line.startsWith(u"# {"))
                shown << line.mid(2);
        }
        QCOMPARE(printed.size(), shown.size());
        QVERIFY(shown.size() >= 3);
        QString id;
        for (qsizetype i = 0; i < shown.size(); ++i) {
            const QJsonObject got = QJsonDocument::fromJson(printed.at(i)).object();
            const QJsonObject want = QJsonDocument::fromJson(shown.at(i).toUtf8()).object();
            QVERIFY2(!want.isEmpty(), qPrintable(shown.at(i)));
            QCOMPARE(got.keys(), want.keys());
            QCOMPARE(got.value(QStringLiteral("nodes")), want.value(QStringLiteral("nodes")));
            if (id.isEmpty())
                id = got.value(QStringLiteral("disco_id")).toString();
            QVERIFY(!id.isEmpty());
            QCOMPARE(got.value(QStringLiteral("disco_id")).toString(), id); // the ID the first line made
        }
    }

    void referenceCurlSessionAndRequestLog()
    {
        // shared/protocols/rqlite-disco.md's reference session, verbatim.
        const quint16 port = freePort();
        QProcess server;
        QVERIFY(startServer(server, port));
        const QString base = QStringLiteral("http://127.0.0.1:%1").arg(port);

        const QByteArray created = curl({QStringLiteral("-XPOST"), QStringLiteral("-w"), QStringLiteral("\n"), base + u'/'});
        QVERIFY2(created.endsWith("}\n"), created.constData());
        const QString id = QJsonDocument::fromJson(created).object().value(QStringLiteral("disco_id")).toString();
        QVERIFY(!id.isEmpty());

        const QByteArray registered = curl({QStringLiteral("-XPOST"), base + u'/' + id,
                                            QStringLiteral("-d"), QStringLiteral(R"({"addr":"localhost:4001"})")});
        QCOMPARE(QJsonDocument::fromJson(registered).object().value(QStringLiteral("nodes")).toVariant().toStringList(),
                 QStringList{QStringLiteral("localhost:4001")});

        const QByteArray removed = curl({QStringLiteral("-XDELETE"), base + u'/' + id,
                                         QStringLiteral("-H"), QStringLiteral("Content-Type: application/json"),
                                         QStringLiteral("-d"), QStringLiteral(R"({"addr":"localhost:4001"})")});
        QCOMPARE(QJsonDocument::fromJson(removed).object().value(QStringLiteral("nodes")).toVariant().toStringList(),
                 QStringList());

        stopServer(server);
        // One line per request: time, method, path, status, duration, remote address.
        const QStringList lines = QString::fromUtf8(server.readAllStandardOutput()).split(u'\n', Qt::SkipEmptyParts);
        const QRegularExpression line(QStringLiteral(
            R"(^\d{4}-\d{2}-\d{2}T\S+Z (POST|DELETE) /(\S*) (200) \d+\.\d+ ms 127\.0\.0\.1$)"));
        QCOMPARE(lines.size(), 4); // three requests, then "DiscoDesk stopped"
        for (int i = 0; i < 3; ++i)
            QVERIFY2(line.match(lines.at(i)).hasMatch(), qPrintable(lines.at(i)));
        QVERIFY(lines.at(1).contains(QStringLiteral("POST /") + id));
        QVERIFY(lines.at(2).contains(QStringLiteral("DELETE /") + id));
        QCOMPARE(lines.at(3), QStringLiteral("DiscoDesk stopped"));
    }

    // What a client sent is logged with its control characters escaped (C0, DEL, C1):
    // one request stays one line, and the terminal showing the log obeys none of it.
    void controlCharactersAreEscapedInTheLog()
    {
        const quint16 port = freePort();
        QProcess server;
        QVERIFY(startServer(server, port));
        QTcpSocket socket;
        socket.connectToHost(QStringLiteral("127.0.0.1"), port);
        QVERIFY(socket.waitForConnected(5000));
        // Four words: a malformed request line, refused before QHttpServer sees it.
        socket.write("GET /\x1b[2J\x1b[31mred\rx\x7f\x85 HTTP/1.1 extra\r\nHost: x\r\n\r\n");
        QVERIFY(socket.waitForDisconnected(5000));
        QVERIFY(socket.readAll().startsWith("HTTP/1.1 400"));
        stopServer(server);

        const QByteArray log = server.readAllStandardOutput();
        for (const char c : log)
            QVERIFY2(c == '\n' || (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f), log.toHex().constData());
        const QStringList lines = QString::fromUtf8(log).split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 2); // the refusal, then "DiscoDesk stopped"
        QVERIFY2(lines.first().contains(QStringLiteral(" GET /\\x1b[2J\\x1b[31mred\\x0dx\\x7f\\x85 400 ")),
                 qPrintable(lines.first()));
    }

    void aTokenFileOthersMayWriteStopsTheServer()
    {
        const QString tokenPath = m_dir.filePath(QStringLiteral("group-writable.admin-token"));
        QFile file(tokenPath);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(64, 'a') + '\n');
        file.close();
        QVERIFY(file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::WriteGroup)); // 0620
        // Refused before it listens: nothing is ever open on 0.0.0.0.
        QProcess server;
        server.start(ServerPath, {QStringLiteral("--bind"), QStringLiteral("0.0.0.0"), QStringLiteral("--port"),
                                  QString::number(freePort()), QStringLiteral("--db"), dbPath(),
                                  QStringLiteral("--admin-token-file"), tokenPath});
        QVERIFY(server.waitForFinished(10000));
        QCOMPARE(server.exitCode(), 1);
        const QStringList lines = QString::fromUtf8(server.readAllStandardError()).split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 1);
        QVERIFY2(lines.first().startsWith(QStringLiteral("discodesk-server: refusing to listen on 0.0.0.0")),
                 qPrintable(lines.first()));
        QVERIFY2(lines.first().contains(QStringLiteral("chmod 600 ") + tokenPath), qPrintable(lines.first()));
        QVERIFY(server.readAllStandardOutput().isEmpty());
    }

    void dataSurvivesARestart()
    {
        const quint16 port = freePort();
        QProcess first;
        QVERIFY(startServer(first, port));
        const QString base = QStringLiteral("http://127.0.0.1:%1/").arg(port);
        const QString id = QJsonDocument::fromJson(curl({QStringLiteral("-XPOST"), base}))
                               .object().value(QStringLiteral("disco_id")).toString();
        curl({QStringLiteral("-XPOST"), base + id, QStringLiteral("-d"), QStringLiteral(R"({"addr":"localhost:4001"})")});
        stopServer(first);

        QProcess second;
        QVERIFY(startServer(second, port));
        const QByteArray record = curl({base + id});
        QCOMPARE(QJsonDocument::fromJson(record).object().value(QStringLiteral("nodes")).toVariant().toStringList(),
                 QStringList{QStringLiteral("localhost:4001")});
        ::kill(pid_t(second.processId()), SIGINT); // Ctrl+C stops it cleanly too
        QVERIFY(second.waitForFinished(10000));
        QCOMPARE(second.exitCode(), 0);
    }

    void secondInstanceOnTheSameDatabaseIsRefused()
    {
        const quint16 port = freePort();
        QProcess first;
        QVERIFY(startServer(first, port));
        QProcess second;
        second.start(ServerPath, {QStringLiteral("--port"), QString::number(freePort()), QStringLiteral("--db"), dbPath()});
        QVERIFY(second.waitForFinished(10000));
        QCOMPARE(second.exitCode(), 1);
        const QString error = QString::fromUtf8(second.readAllStandardError()).trimmed();
        QVERIFY2(error.contains(QStringLiteral("in use by another DiscoDesk (process %1").arg(first.processId())),
                 qPrintable(error));
        QVERIFY(!error.contains(u'\n'));
        // The first is untouched and still serving.
        QCOMPARE(curl({QStringLiteral("http://127.0.0.1:%1/healthz").arg(port)}), QByteArray(R"({"status":"ok"})"));
        stopServer(first);
    }

    void lockOfAKilledServerIsTakenOver()
    {
        const quint16 port = freePort();
        QProcess killed;
        QVERIFY(startServer(killed, port));
        killed.kill(); // SIGKILL: no chance to release anything itself
        QVERIFY(killed.waitForFinished(5000));
        QProcess next;
        QVERIFY(startServer(next, port));
        stopServer(next);
    }

    void portInUseIsOneClearLine()
    {
        QTcpServer squatter;
        QVERIFY(squatter.listen(QHostAddress::LocalHost, 0));
        QProcess server;
        server.start(ServerPath, {QStringLiteral("--port"), QString::number(squatter.serverPort()),
                                  QStringLiteral("--db"), dbPath()});
        QVERIFY(server.waitForFinished(10000));
        QCOMPARE(server.exitCode(), 1);
        const QStringList lines = QString::fromUtf8(server.readAllStandardError()).split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 1);
        QVERIFY2(lines.first().startsWith(QStringLiteral("discodesk-server: cannot listen on 127.0.0.1:%1")
                                              .arg(squatter.serverPort())), qPrintable(lines.first()));
        QVERIFY2(lines.first().contains(QStringLiteral("in use")), qPrintable(lines.first()));
    }

    void unusableDatabaseIsOneClearLine_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("folder") << "folder";
        QTest::newRow("newer schema") << "newer";
        QTest::newRow("not sqlite") << "text";
    }
    void unusableDatabaseIsOneClearLine()
    {
        QFETCH(QString, kind);
        const QString path = m_dir.filePath(QStringLiteral("bad-") + kind);
        if (kind == u"folder") {
            QVERIFY(QDir().mkpath(path));
        } else if (kind == u"text") {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(QByteArray(4096, 'x'));
        } else {
            {
                QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), kind);
                db.setDatabaseName(path);
                QVERIFY(db.open());
                QSqlQuery query(db);
                QVERIFY(query.exec(QStringLiteral("CREATE TABLE discodesk_schema (version INTEGER NOT NULL)")));
                QVERIFY(query.exec(QStringLiteral("INSERT INTO discodesk_schema VALUES (%1)").arg(Schema::latestVersion() + 5)));
            }
            QSqlDatabase::removeDatabase(kind);
        }
        QProcess server;
        server.start(ServerPath, {QStringLiteral("--port"), QString::number(freePort()), QStringLiteral("--db"), path});
        QVERIFY(server.waitForFinished(10000));
        QCOMPARE(server.exitCode(), 1);
        const QStringList lines = QString::fromUtf8(server.readAllStandardError()).split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 1);
        QVERIFY2(lines.first().startsWith(QStringLiteral("discodesk-server: ")), qPrintable(lines.first()));
        QVERIFY2(lines.first().contains(path), qPrintable(lines.first()));
    }

    void badOptionsExitWithUsageError_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::newRow("port text") << QStringList{QStringLiteral("--port"), QStringLiteral("http")} << "--port";
        QTest::newRow("port range") << QStringList{QStringLiteral("--port"), QStringLiteral("70000")} << "--port";
        QTest::newRow("bind") << QStringList{QStringLiteral("--bind"), QStringLiteral("my laptop")} << "--bind";
        QTest::newRow("db empty") << QStringList{QStringLiteral("--db"), QString()} << "--db";
        QTest::newRow("durability") << QStringList{QStringLiteral("--durability"), QStringLiteral("fsync")}
                                    << "--durability";
        QTest::newRow("expiry age") << QStringList{QStringLiteral("--expire-nodes"), QStringLiteral("7x")}
                                    << "--expire-nodes: \"7x\" is not an age such as 90s, 15m, 12h or 30d";
        QTest::newRow("expiry interval") << QStringList{QStringLiteral("--expire-kv"), QStringLiteral("1d"),
                                                        QStringLiteral("--expire-every"), QStringLiteral("10s")}
                                         << "--expire-every: sweeps run every 1m to 7d";
        QTest::newRow("expiry on and off") << QStringList{QStringLiteral("--no-expiry"), QStringLiteral("--expire-kv"),
                                                          QStringLiteral("1d")}
                                           << "--no-expiry and the --expire options exclude each other";
        QTest::newRow("interval alone") << QStringList{QStringLiteral("--expire-every"), QStringLiteral("1h")}
                                        << "--expire-every needs a rule";
    }
    void badOptionsExitWithUsageError()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        QProcess server;
        server.start(ServerPath, arguments);
        QVERIFY(server.waitForFinished(10000));
        QCOMPARE(server.exitCode(), 2);
        const QString error = QString::fromUtf8(server.readAllStandardError());
        QVERIFY2(error.startsWith(QStringLiteral("discodesk-server: ") + message), qPrintable(error));
    }

    void bindsLoopbackByDefault()
    {
        const quint16 port = freePort();
        QProcess server;
        QVERIFY(startServer(server, port));
        // The kernel's own list of listening sockets: only 127.0.0.1 may be there.
        QCOMPARE(listeningSockets(port), QStringList{loopbackSocket(port)});
        stopServer(server);
    }
};

QTEST_GUILESS_MAIN(TestServerProgram)
#include "tst_serverprogram.moc"
