// A write's 200 means its data is on stable storage: the real discodesk-server runs
// with support/syscall_trace.c preloaded, which records every write to a file or a
// socket and every fsync/fdatasync in the order they happen. For each write a client
// makes, with a text of its own in it, the record must show the text written to the
// database's WAL, then a sync of the WAL that began after that and succeeded, and only
// then a reply carrying the text: the write's own, or a lookup's that saw it. With --durability process-crash the replies go out
// without that sync, as README says.

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>

namespace {

const QString ServerPath = QStringLiteral(DISCODESK_SERVER_PATH);
const QString TracePath = QStringLiteral(DISCODESK_SYSCALL_TRACE_PATH);
constexpr int Rounds = 6;
constexpr int Clients = 12; // writes sent together, so that they share a commit

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

// One entry of the record (see syscall_trace.c).
struct Call
{
    char kind = 0; // 'W' file write, 'N' socket write, 's' sync starts, 'S' sync succeeded
    QByteArray path;
    QByteArray data;
};

QList<Call> readTrace(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray bytes = file.readAll();
    QList<Call> calls;
    qsizetype at = 0;
    const auto takeSized = [&](QByteArray *out) {
        quint32 length = 0;
        if (at + qsizetype(sizeof length) > bytes.size())
            return false;
        memcpy(&length, bytes.constData() + at, sizeof length);
        at += sizeof length;
        if (at + qsizetype(length) > bytes.size())
            return false;
        *out = bytes.mid(at, length);
        at += length;
        return true;
    };
    while (at < bytes.size()) {
        Call call;
        call.kind = bytes.at(at++);
        if (!takeSized(&call.path) || !takeSized(&call.data))
            break;
        calls.append(call);
    }
    return calls;
}

// Sends requests on connections of their own, all before reading any reply; returns
// the replies (status line to body) in the same order, empty where none came.
QList<QByteArray> sendTogether(quint16 port, const QList<QByteArray> &requests)
{
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    for (const QByteArray &request : requests) {
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(QStringLiteral("127.0.0.1"), port);
        if (socket->waitForConnected(5000))
            socket->write(request);
        sockets.push_back(std::move(socket));
    }
    QList<QByteArray> replies;
    for (const auto &socket : sockets) {
        QByteArray data;
        // Each reply is small and followed by the server closing (Connection: close).
        while (socket->state() == QAbstractSocket::ConnectedState && socket->waitForReadyRead(10000))
            data += socket->readAll();
        data += socket->readAll();
        replies.append(data);
    }
    return replies;
}

QByteArray request(const QByteArray &method, const QByteArray &target, const QByteArray &body)
{
    return method + ' ' + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: "
           + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

QByteArray bodyOf(const QByteArray &reply)
{
    return reply.mid(reply.indexOf("\r\n\r\n") + 4);
}

bool isWal(const Call &call)
{
    return call.path.endsWith("-wal");
}

// Where in the record a text was first written to the WAL, where the WAL's first sync
// that began after that succeeded, and where the first reply carrying the text was
// sent; -1 where there is none.
struct Order
{
    qsizetype written = -1;
    qsizetype synced = -1;
    qsizetype replied = -1;
    bool syncedBeforeReply() const { return written >= 0 && synced > written && replied > synced; }
    QString describe(const QByteArray &text) const
    {
        return QStringLiteral("%1: written to the WAL at call %2, WAL synced at %3, replied at %4")
            .arg(QString::fromUtf8(text)).arg(written).arg(synced).arg(replied);
    }
};

Order orderOf(const QList<Call> &calls, const QByteArray &text)
{
    const auto find = [&](qsizetype from, auto matches) {
        for (qsizetype i = std::max<qsizetype>(from, 0); i < calls.size(); ++i) {
            if (matches(calls.at(i)))
                return i;
        }
        return qsizetype(-1);
    };
    Order order;
    order.written = find(0, [&](const Call &c) { return c.kind == 'W' && isWal(c) && c.data.contains(text); });
    order.replied = find(0, [&](const Call &c) { return c.kind == 'N' && c.data.contains(text); });
    if (order.written < 0)
        return order;
    const qsizetype syncStarts = find(order.written + 1, [](const Call &c) { return c.kind == 's' && isWal(c); });
    if (syncStarts >= 0)
        order.synced = find(syncStarts + 1, [&](const Call &c) { return c.kind == 'S' && c.path == calls.at(syncStarts).path; });
    return order;
}

} // namespace

class TestDurability : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QProcess m_server;
    quint16 m_port = 0;
    QString m_trace;

    void start(const QStringList &extra)
    {
        m_trace = m_dir.filePath(QStringLiteral("trace-%1").arg(QTest::currentTestFunction()));
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("LD_PRELOAD"), TracePath);
        environment.insert(QStringLiteral("DISCODESK_SYSCALL_TRACE"), m_trace);
        m_server.setProcessEnvironment(environment);
        m_port = freePort();
        const QString db = m_dir.filePath(QStringLiteral("%1.sqlite").arg(QTest::currentTestFunction()));
        m_server.start(ServerPath, QStringList{QStringLiteral("--port"), QString::number(m_port),
                                               QStringLiteral("--db"), db}
                                       + extra);
        QVERIFY(m_server.waitForStarted(5000));
        bool listening = false;
        while (!listening && m_server.waitForReadyRead(10000))
            listening = m_server.readAllStandardOutput().contains("listening on");
        if (!listening)
            QFAIL(m_server.readAllStandardError().constData());
    }

    void stop()
    {
        m_server.terminate();
        QVERIFY(m_server.waitForFinished(10000));
    }

    // Writes of every kind, each carrying a text of its own; returns the texts.
    QList<QByteArray> writeMarkedData()
    {
        const QList<QByteArray> created = sendTogether(m_port, {request("POST", "/", {})});
        const QByteArray id =
            QJsonDocument::fromJson(bodyOf(created.value(0))).object().value(QStringLiteral("disco_id")).toString().toUtf8();
        const QByteArray tokenUrl = bodyOf(sendTogether(m_port, {request("GET", "/new?size=3", {})}).value(0));
        const QByteArray token = tokenUrl.mid(tokenUrl.lastIndexOf('/') + 1);
        if (id.isEmpty() || token.isEmpty())
            return {};
        QList<QByteArray> texts;
        for (int round = 0; round < Rounds; ++round) {
            QList<QByteArray> requests;
            QList<QByteArray> roundTexts;
            for (int c = 0; c < Clients; ++c) {
                const QByteArray n = QByteArray::number(round) + "x" + QByteArray::number(c);
                QByteArray text;
                switch (c % 3) {
                case 0: // rqlite registration
                    text = "node-" + n + ".durable:4001";
                    requests.append(request("POST", "/" + id, R"({"addr":")" + text + R"("})"));
                    break;
                case 1: // etcd member
                    text = "member-" + n + ".durable";
                    requests.append(request("PUT", "/etcd/" + token + "/" + QByteArray::number(round * 100 + c, 16)
                                                       + "?prevExist=false",
                                            "value=" + text + "%3Dhttp%3A%2F%2F127.0.0.1%3A2380"));
                    break;
                default: // admin write
                    text = "label-" + n + ".durable";
                    requests.append(request("POST", "/api/v1/ids", R"({"label":")" + text + R"("})"));
                }
                roundTexts.append(text);
            }
            // Lookups beside them: a reply that shows a registration is held for its sync too.
            for (int c = 0; c < 4; ++c)
                requests.append(request("GET", "/" + id, {}));
            const QList<QByteArray> replies = sendTogether(m_port, requests);
            for (qsizetype i = 0; i < replies.size(); ++i) {
                const QByteArray status = replies.at(i).left(12);
                if (status != "HTTP/1.1 200" && status != "HTTP/1.1 201") {
                    qWarning("%s answered %s", requests.at(i).constData(), replies.at(i).constData());
                    return {};
                }
            }
            texts += roundTexts;
        }
        return texts;
    }

    // Runs the server with options, makes the marked writes, stops it and reads where
    // each text went.
    void traceWrites(const QStringList &options, QList<QPair<QByteArray, Order>> *orders)
    {
        start(options);
        const QList<QByteArray> texts = writeMarkedData();
        stop();
        QCOMPARE(texts.size(), Rounds * Clients);
        const QList<Call> calls = readTrace(m_trace);
        for (const QByteArray &text : texts)
            orders->append({text, orderOf(calls, text)});
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(QFile::exists(TracePath), qPrintable(TracePath));
    }

    void aWriteIsAnsweredOnlyOnceItIsOnStableStorage()
    {
        QList<QPair<QByteArray, Order>> orders;
        traceWrites({}, &orders);
        for (const auto &[text, order] : std::as_const(orders))
            QVERIFY2(order.syncedBeforeReply(), qPrintable(order.describe(text)));
    }

    void processCrashDurabilityAnswersBeforeTheSync()
    {
        // The relaxed setting really does skip the wait, or it would cost for nothing.
        QList<QPair<QByteArray, Order>> orders;
        traceWrites({QStringLiteral("--durability"), QStringLiteral("process-crash")}, &orders);
        for (const auto &[text, order] : std::as_const(orders)) {
            QVERIFY2(order.written >= 0 && order.replied > order.written, qPrintable(order.describe(text)));
            QVERIFY2(!order.syncedBeforeReply(), qPrintable(order.describe(text)));
        }
    }
};

QTEST_GUILESS_MAIN(TestDurability)
#include "tst_durability.moc"
