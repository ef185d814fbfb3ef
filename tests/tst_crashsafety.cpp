// No registration that got its 200 is ever lost when the server is killed with
// SIGKILL at any moment: concurrent clients register while the server is killed
// again and again, restarted on the same file each time, and every acknowledged
// address must be there, in a database that passes PRAGMA integrity_check.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <thread>

namespace {

const QString ServerPath = QStringLiteral(DISCODESK_SERVER_PATH);
constexpr int Rounds = 5;
constexpr int Clients = 8;

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

// One request on a fresh connection; the status, or 0 when the server is gone.
int post(quint16 port, const QByteArray &path, const QByteArray &body, QByteArray *reply = nullptr)
{
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), port);
    if (!socket.waitForConnected(2000))
        return 0;
    socket.write("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + QByteArray::number(body.size())
                 + "\r\n\r\n" + body);
    QByteArray data;
    qsizetype headerEnd = -1;
    qsizetype length = 0;
    while (headerEnd < 0 || data.size() < headerEnd + 4 + length) {
        if (!socket.waitForReadyRead(2000))
            return 0;
        data += socket.readAll();
        headerEnd = data.indexOf("\r\n\r\n");
        if (headerEnd >= 0) {
            for (const QByteArray &line : data.left(headerEnd).split('\n')) {
                if (line.toLower().startsWith("content-length:"))
                    length = line.mid(15).trimmed().toLongLong();
            }
        }
    }
    if (reply)
        *reply = data.mid(headerEnd + 4, length);
    return data.mid(9, 3).toInt();
}

} // namespace

class TestCrashSafety : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString dbPath() const { return m_dir.filePath(QStringLiteral("crash.sqlite")); }

    bool start(QProcess &server, quint16 port)
    {
        server.start(ServerPath, {QStringLiteral("--port"), QString::number(port), QStringLiteral("--db"), dbPath(),
                                  QStringLiteral("--max-nodes"), QStringLiteral("1000000")});
        if (!server.waitForStarted(5000))
            return false;
        while (server.waitForReadyRead(5000)) {
            if (server.readAllStandardOutput().contains("listening on"))
                return true;
        }
        return false;
    }

private slots:
    void acknowledgedRegistrationsSurviveSigkill()
    {
        const quint16 port = freePort();
        QProcess server;
        QVERIFY(start(server, port));
        QByteArray created;
        QCOMPARE(post(port, "/", {}, &created), 200);
        const QByteArray id = QJsonDocument::fromJson(created).object().value(QStringLiteral("disco_id")).toString().toUtf8();

        QSet<QString> acknowledged;
        QMutex mutex;
        for (int round = 0; round < Rounds; ++round) {
            std::atomic<bool> stop = false;
            std::atomic<int> answered = 0;
            std::atomic<int> cutOff = 0; // clients whose request the kill interrupted
            std::vector<std::thread> clients;
            for (int c = 0; c < Clients; ++c) {
                clients.emplace_back([&, c] {
                    for (int n = 0; !stop; ++n) {
                        const QString addr = QStringLiteral("r%1-c%2-n%3:4001").arg(round).arg(c).arg(n);
                        const int status = post(port, "/" + id, "{\"addr\":\"" + addr.toUtf8() + "\"}");
                        if (status == 200) {
                            QMutexLocker lock(&mutex);
                            acknowledged.insert(addr);
                            ++answered;
                        } else if (status == 0) {
                            if (!stop)
                                ++cutOff;
                            return;
                        }
                    }
                });
            }
            // Kill at a random moment once the load is running.
            QTRY_VERIFY_WITH_TIMEOUT(answered > 20, 10000);
            QTest::qWait(int(QRandomGenerator::global()->bounded(50, 300)));
            server.kill();
            server.waitForFinished(5000);
            for (auto &client : clients)
                client.join(); // each runs until the kill cuts it off
            stop = true;
            QVERIFY2(cutOff > 0, "the kill must land while registrations are under way");
            qInfo("round %d: %d registrations acknowledged, %d clients cut off by SIGKILL",
                  round + 1, int(answered), int(cutOff));

            QVERIFY2(start(server, port), "the server must start again on the killed database");
            QByteArray record;
            QCOMPARE(post(port, "/" + id, "{\"addr\":\"check:1\"}", &record), 200);
            QSet<QString> stored;
            for (const QJsonValue &node : QJsonDocument::fromJson(record).object().value(QStringLiteral("nodes")).toArray())
                stored.insert(node.toString());
            QMutexLocker lock(&mutex);
            const QSet<QString> lost = acknowledged - stored;
            QVERIFY2(lost.isEmpty(), qPrintable(QStringLiteral("round %1 lost %2 of %3 acknowledged, e.g. %4")
                                                     .arg(round).arg(lost.size()).arg(acknowledged.size())
                                                     .arg(lost.isEmpty() ? QString() : *lost.begin())));
        }
        QVERIFY2(acknowledged.size() > Rounds * 20, "the load must really have run");
        server.terminate();
        QVERIFY(server.waitForFinished(10000));

        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
        db.setDatabaseName(dbPath());
        QVERIFY(db.open());
        {
            QSqlQuery query(db);
            QVERIFY(query.exec(QStringLiteral("PRAGMA integrity_check")) && query.next());
            QCOMPARE(query.value(0).toString(), QStringLiteral("ok"));
        }
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("check"));
    }
};

QTEST_GUILESS_MAIN(TestCrashSafety)
#include "tst_crashsafety.moc"
