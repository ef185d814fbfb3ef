// When the database cannot be written, registrations get a 503 with a JSON error,
// reads keep working, nothing acknowledged is lost, and the server recovers when
// the cause goes away: a full disk (a real one for the server: a file-size limit,
// prlimit, lifted while it runs) and a read-only file (made writable again).

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include "support/HttpClient.h"

#include <unistd.h>

namespace {

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

// Waits for the server's "listening" line.
bool started(QProcess &server)
{
    return server.waitForReadyRead(10000) && server.readAllStandardOutput().contains("listening on");
}

} // namespace

class TestUnwritableDatabase : public QObject
{
    Q_OBJECT

private slots:
    void fullDiskMeans503UntilThereIsRoom()
    {
        const QString prlimit = QStandardPaths::findExecutable(QStringLiteral("prlimit"));
        QVERIFY2(!prlimit.isEmpty(), "prlimit (util-linux) is missing");
        QTemporaryDir dir;
        const quint16 port = freePort();

        // Soft limit only, so that it can be raised again without privileges.
        QProcess server;
        server.start(prlimit, {QStringLiteral("--fsize=300000:unlimited"), QStringLiteral(DISCODESK_SERVER_PATH),
                               QStringLiteral("--port"), QString::number(port),
                               QStringLiteral("--db"), dir.filePath(QStringLiteral("full.sqlite"))});
        QVERIFY(started(server));

        HttpClient client(port);
        const QByteArray id = client.post("/").json().value(QStringLiteral("disco_id")).toString().toUtf8();
        QStringList acknowledged;
        HttpResponse refused;
        for (int i = 0; i < 2000 && refused.status == 0; ++i) {
            const QString addr = QStringLiteral("node-%1-%2:4001").arg(i).arg(QString(200, u'x'));
            const HttpResponse response = client.post("/" + id, "{\"addr\":\"" + addr.toUtf8() + "\"}");
            if (response.status == 200)
                acknowledged << addr;
            else
                refused = response;
        }
        QCOMPARE(refused.status, 503);
        QVERIFY2(refused.json().value(QStringLiteral("error")).toString().startsWith(QStringLiteral("the database is unavailable")),
                 refused.body.constData());
        QCOMPARE(server.state(), QProcess::Running); // SIGXFSZ did not kill it
        QVERIFY(!acknowledged.isEmpty());

        // Reads keep working, with everything that was acknowledged.
        const HttpResponse record = client.get("/" + id);
        QCOMPARE(record.status, 200);
        QCOMPARE(record.json().value(QStringLiteral("nodes")).toVariant().toStringList(), acknowledged);
        QCOMPARE(client.get("/healthz").status, 200);
        QCOMPARE(client.get("/api/v1/ids").status, 200);

        // Room again: the same server takes registrations.
        QProcess raise;
        raise.start(prlimit, {QStringLiteral("--pid"), QString::number(server.processId()),
                              QStringLiteral("--fsize=unlimited:unlimited")});
        QVERIFY(raise.waitForFinished(5000) && raise.exitCode() == 0);
        const HttpResponse after = client.post("/" + id, R"({"addr":"after:4001"})");
        QCOMPARE(after.status, 200);
        QCOMPARE(after.json().value(QStringLiteral("nodes")).toVariant().toStringList(),
                 acknowledged + QStringList{QStringLiteral("after:4001")});

        server.terminate();
        QVERIFY(server.waitForFinished(10000));
        QCOMPARE(server.exitCode(), 0);
    }

    void readOnlyFileMeans503UntilItIsWritable()
    {
        // Root writes read-only files anyway: then the server runs as nobody.
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("readonly.sqlite"));
        QStringList command{QStringLiteral(DISCODESK_SERVER_PATH)};
        if (::geteuid() == 0) {
            QVERIFY(::chown(qPrintable(dir.path()), 65534, 65534) == 0);
            command = QStringList{QStringLiteral("setpriv"), QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"),
                                  QStringLiteral("--clear-groups")} + command;
        }
        const quint16 port = freePort();
        command << QStringLiteral("--port") << QString::number(port) << QStringLiteral("--db") << db;
        HttpClient client(port);

        QProcess first;
        first.start(command.first(), command.mid(1));
        QVERIFY(started(first));
        const QByteArray id = client.post("/").json().value(QStringLiteral("disco_id")).toString().toUtf8();
        QCOMPARE(client.post("/" + id, R"({"addr":"before:4001"})").status, 200);
        first.terminate();
        QVERIFY(first.waitForFinished(10000));

        QVERIFY(QFile::setPermissions(db, QFileDevice::ReadOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther));
        QProcess server;
        server.start(command.first(), command.mid(1));
        QVERIFY(started(server));
        QCOMPARE(client.get("/" + id).json().value(QStringLiteral("nodes")).toVariant().toStringList(),
                 QStringList{QStringLiteral("before:4001")});
        const HttpResponse refused = client.post("/" + id, R"({"addr":"refused:4001"})");
        QCOMPARE(refused.status, 503);
        QVERIFY2(refused.json().value(QStringLiteral("error")).toString().contains(QStringLiteral("readonly")),
                 refused.body.constData());

        QVERIFY(QFile::setPermissions(db, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup
                                              | QFileDevice::ReadOther));
        const HttpResponse after = client.post("/" + id, R"({"addr":"after:4001"})");
        QCOMPARE(after.status, 200);
        QCOMPARE(after.json().value(QStringLiteral("nodes")).toVariant().toStringList(),
                 (QStringList{QStringLiteral("before:4001"), QStringLiteral("after:4001")}));
        server.terminate();
        QVERIFY(server.waitForFinished(10000));
    }
};

QTEST_GUILESS_MAIN(TestUnwritableDatabase)
#include "tst_unwritabledb.moc"
