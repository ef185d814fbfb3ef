// The HTTP limits that take time or many connections: idle and slow clients, the
// connection cap, running out of file descriptors, 100-continue, the cap on nodes
// per ID, and the request log of refusals. (Size limits are in tst_badinput.)

#include "http/HttpConnection.h"
#include "http/HttpLimits.h"
#include "http/ReplyCache.h"
#include "http/RequestFramer.h"
#include "support/NoFreeDescriptors.h"
#include "support/TestServer.h"

#include <QSignalSpy>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTest>

#include <ctime>
#include <memory>

namespace {

double processCpuSeconds()
{
    timespec now{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return double(now.tv_sec) + double(now.tv_nsec) / 1e9;
}

// Reads whatever arrives until the server closes the connection.
QByteArray readUntilClosed(QTcpSocket &socket, int ms = 10000)
{
    QByteArray data;
    QElapsedTimer timer;
    timer.start();
    while (socket.state() == QAbstractSocket::ConnectedState && timer.elapsed() < ms) {
        socket.waitForReadyRead(100);
        data += socket.readAll();
    }
    return data + socket.readAll();
}

// What a framer makes of a stream that arrives in two pieces, cut at cut: the
// requests it hands on, its refusal's status (0 for none), the 100 Continues owed.
struct Framed
{
    QList<QByteArray> requests; // what QHttpServer is handed
    QList<RequestFields> fields;
    int refusal = 0;
    int continues = 0;
};

Framed frame(const HttpLimits &limits, QByteArrayView stream, qsizetype cut = 0)
{
    RequestFramer framer(limits);
    Framed framed;
    for (QByteArrayView piece : {stream.first(cut), stream.sliced(cut)}) {
        while (!piece.isEmpty() && !framer.refusal()) {
            piece = piece.sliced(framer.feed(piece));
            framed.continues += framer.takeContinue();
            if (const auto request = framer.takeRequest()) {
                framed.requests << request->forServer;
                framed.fields << request->fields;
            }
        }
    }
    framed.refusal = framer.refusal() ? framer.refusal()->status : 0;
    return framed;
}

} // namespace

class TestHttpLimits : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_server;

    void startWith(const HttpLimits &limits, int maxNodes = DiscoveryService::DefaultMaxNodesPerId)
    {
        m_server = std::make_unique<TestServer>();
        m_server->config().limits = limits;
        m_server->config().maxNodesPerId = maxNodes;
        QVERIFY(m_server->start());
    }

    std::unique_ptr<QTcpSocket> connectToServer()
    {
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(QStringLiteral("127.0.0.1"), m_server->port());
        socket->waitForConnected(5000);
        return socket;
    }

private slots:
    void cleanup() { m_server.reset(); }

    void idleConnectionsAreClosed()
    {
        HttpLimits limits;
        limits.idleTimeout = std::chrono::milliseconds(300);
        startWith(limits);
        auto socket = connectToServer();
        socket->write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"); // keep-alive
        const QByteArray data = readUntilClosed(*socket);
        QVERIFY2(data.startsWith("HTTP/1.1 200"), data.constData());
        QCOMPARE(socket->state(), QAbstractSocket::UnconnectedState); // closed after the idle time
    }

    void slowHeadersGet408()
    {
        HttpLimits limits;
        limits.requestTimeout = std::chrono::milliseconds(300);
        startWith(limits);
        auto socket = connectToServer();
        socket->write("GET /healthz HTTP/1.1\r\nHost: x\r\n"); // and never the blank line
        const QByteArray data = readUntilClosed(*socket);
        QVERIFY2(data.startsWith("HTTP/1.1 408 Request Timeout"), data.constData());
        QVERIFY(data.contains("\"error\""));
    }

    void stalledBodyGets408()
    {
        HttpLimits limits;
        limits.requestTimeout = std::chrono::milliseconds(300);
        startWith(limits);
        auto socket = connectToServer();
        socket->write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nhalf");
        const QByteArray data = readUntilClosed(*socket);
        QVERIFY2(data.startsWith("HTTP/1.1 408"), data.constData());
    }

    void heldEtcdWaitsAreNotIdle()
    {
        HttpLimits limits;
        limits.idleTimeout = std::chrono::milliseconds(200);
        m_server = std::make_unique<TestServer>();
        m_server->config().limits = limits;
        m_server->config().etcdWaitTimeout = std::chrono::milliseconds(3000);
        QVERIFY(m_server->start());
        const QByteArray token = QUrl(QString::fromUtf8(m_server->client().get("/new").body)).path().toUtf8();
        auto socket = connectToServer();
        socket->write("GET " + token + "?wait=true&recursive=true&waitIndex=2 HTTP/1.1\r\nHost: x\r\n\r\n");
        // Held well past the idle time, then answered by the wait's own timeout.
        QVERIFY(!socket->waitForReadyRead(1000));
        QVERIFY(socket->waitForReadyRead(10000));
        QVERIFY(socket->readAll().startsWith("HTTP/1.1 200"));
    }

    void eachConnectionIsFoundByItsPeer()
    {
        // How a held reply finds its connection on Qt 6.5 and later.
        LimitedTcpServer server(HttpLimits(), std::nullopt);
        QVERIFY(server.start(QHostAddress::LocalHost, 0));
        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, server.serverPort());
        QVERIFY(client.waitForConnected(2000));
        QTRY_VERIFY(server.hasPendingConnections());
        QTcpSocket *accepted = server.nextPendingConnection();
        QCOMPARE(static_cast<QTcpSocket *>(server.connectionFrom(client.localAddress(), client.localPort())), accepted);
        QVERIFY(!server.connectionFrom(QHostAddress(QStringLiteral("::1")), client.localPort()));
        accepted->deleteLater();
        QTRY_VERIFY(!server.connectionFrom(client.localAddress(), client.localPort()));
    }

    void runningOutOfFileDescriptorsDoesNotSpin()
    {
        // Something else took the last descriptor (the budget kept for the server's own
        // work ran out): accept() fails with EMFILE. Qt 6.4 would try again at once,
        // at full CPU; LimitedTcpServer waits longer each time and accepts once it can.
        LimitedTcpServer server(HttpLimits(), std::nullopt);
        QVERIFY(server.start(QHostAddress::LocalHost, 0));
        std::vector<std::unique_ptr<QTcpSocket>> clients;
        for (int i = 0; i < 5; ++i) {
            clients.push_back(std::make_unique<QTcpSocket>());
            clients.back()->connectToHost(QHostAddress::LocalHost, server.serverPort());
            QVERIFY(clients.back()->waitForConnected(2000)); // in the kernel's backlog
        }
        double cpuSeconds = 0;
        {
            const NoFreeDescriptors noneFree;
            QVERIFY(noneFree.count() > 0);
            const double before = processCpuSeconds();
            QTest::qWait(1000);
            cpuSeconds = processCpuSeconds() - before;
            QCOMPARE(server.openConnections(), 0);
        }
        QVERIFY2(cpuSeconds < 0.25, qPrintable(QStringLiteral("%1 s of CPU in 1 s").arg(cpuSeconds)));
        QTRY_COMPARE(server.openConnections(), 5);
    }

    void connectionsBeyondTheCapAreRefused()
    {
        HttpLimits limits;
        limits.maxConnections = 5;
        startWith(limits);
        std::vector<std::unique_ptr<QTcpSocket>> held;
        for (int i = 0; i < 5; ++i)
            held.push_back(connectToServer());
        QTest::qWait(100);
        auto extra = connectToServer();
        const QByteArray data = readUntilClosed(*extra);
        QVERIFY2(data.startsWith("HTTP/1.1 503"), data.constData());
        QVERIFY(data.contains("too many connections"));

        held.clear(); // once they are gone, clients are served again
        QTRY_COMPARE(m_server->client().get("/healthz").status, 200);
    }

    // Settings that change only the limits restart the server on the port it holds:
    // the new limits apply there, and clients are served as before.
    void newLimitsTakeOverTheSamePort()
    {
        startWith({});
        const QByteArray id = m_server->createId();
        ServerConfig config = m_server->config();
        config.port = m_server->port();
        config.databasePath = m_server->databasePath();
        config.limits.maxConnections = 2;
        QCOMPARE(TestServer::startAndWait(m_server->thread(), config), QString());
        QCOMPARE(m_server->port(), config.port);
        QCOMPARE(m_server->client().get("/" + id).status, 200);

        auto first = connectToServer();
        auto second = connectToServer();
        QTest::qWait(100);
        auto third = connectToServer();
        const QByteArray data = readUntilClosed(*third);
        QVERIFY2(data.startsWith("HTTP/1.1 503"), data.constData());
    }

    void expectContinueIsAnswered()
    {
        startWith({});
        const QByteArray id = m_server->createId();
        auto socket = connectToServer();
        const QByteArray body = R"({"addr":"localhost:4001"})";
        socket->write("POST /" + id + " HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: "
                      + QByteArray::number(body.size()) + "\r\n\r\n");
        QVERIFY(socket->waitForReadyRead(5000));
        QCOMPARE(socket->readAll(), QByteArray("HTTP/1.1 100 Continue\r\n\r\n"));
        socket->write(body);
        QVERIFY(socket->waitForReadyRead(5000));
        QVERIFY(socket->readAll().startsWith("HTTP/1.1 200"));
    }

    void pipelinedRequestsAreFollowed()
    {
        // Two requests in one write: the limits must frame both, not count one twice.
        HttpLimits limits;
        limits.maxBodyBytes = 1024;
        startWith(limits);
        const QByteArray id = m_server->createId();
        const QByteArray body = R"({"addr":"localhost:4001"})";
        const QByteArray one = "POST /" + id + " HTTP/1.1\r\nHost: x\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\n\r\n" + body;
        auto socket = connectToServer();
        socket->write(one + one + "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        const QByteArray data = readUntilClosed(*socket, 3000);
        QCOMPARE(data.count("HTTP/1.1 200 OK"), 3);
    }

    void nodesPerIdAreCapped()
    {
        startWith({}, 2);
        const QByteArray id = m_server->createId();
        HttpClient client = m_server->client();
        QCOMPARE(client.post("/" + id, R"({"addr":"a:1"})").status, 200);
        QCOMPARE(client.post("/" + id, R"({"addr":"b:1"})").status, 200);
        const HttpResponse full = client.post("/" + id, R"({"addr":"c:1"})");
        QCOMPARE(full.status, 409);
        QVERIFY(full.json().value(QStringLiteral("error")).toString().contains(QStringLiteral("most nodes")));
        QCOMPARE(client.post("/" + id, R"({"addr":"a:1"})").status, 200); // registering again is fine
        QCOMPARE(client.get("/" + id).jsonArray(QStringLiteral("nodes")).size(), 2);

        const QByteArray token = QUrl(QString::fromUtf8(client.get("/new?size=5").body)).path().toUtf8();
        for (const QByteArray member : {"aa", "bb"})
            QCOMPARE(client.send("PUT", token + "/" + member + "?prevExist=false", "value=x").status, 201);
        QCOMPARE(client.send("PUT", token + "/cc?prevExist=false", "value=x").status, 409);
    }

    void framingDoesNotDependOnHowBytesArrive()
    {
        // TCP may cut a request anywhere: every cut must frame as the whole does.
        HttpLimits limits;
        limits.maxHeaderBytes = 120;
        limits.maxBodyBytes = 10;
        const QList<QByteArray> streams{
            "GET /a HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nX-Consul-Token: c\r\n\r\n"
            "POST /b HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello\r\nGET /c HTTP/1.1\r\n\r\n",
            "POST /b HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc",
            "POST /b HTTP/1.1\r\ncontent-length: 11\r\n\r\n",
            "GET /" + QByteArray(200, 'x') + " HTTP/1.1\r\n\r\n",
            "GET /a HTTP/1.1\r\nX: " + QByteArray(200, 'y'),
            "POST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
            "NONSENSE\r\n\r\n",
        };
        for (const QByteArray &stream : streams) {
            const Framed whole = frame(limits, stream, stream.size());
            for (qsizetype cut = 0; cut < stream.size(); ++cut) {
                const Framed pieces = frame(limits, stream, cut);
                const QByteArray where = stream.left(40) + " cut at " + QByteArray::number(cut);
                QVERIFY2(pieces.requests == whole.requests, where.constData());
                QVERIFY2(pieces.fields == whole.fields, where.constData());
                QVERIFY2(pieces.refusal == whole.refusal, where.constData());
                QVERIFY2(pieces.continues <= 1, where.constData()); // none when the body came with the head
            }
        }
        QCOMPARE(frame(limits, "GET / HTTP/1.1\r\nX: " + QByteArray(200, 'y')).refusal, 431);
        QCOMPARE(frame(limits, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n").refusal, 411);
        QCOMPARE(frame(limits, "POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n").refusal, 413);
        // Found by fuzz_framing_vs_qt: strchr() takes NUL for a token character, and
        // Qt reads a target that is not a path differently.
        QCOMPARE(frame(limits, QByteArray("GET / HTTP/1.1\r\nX\0Y: z\r\n\r\n", 26)).refusal, 400);
        QCOMPARE(frame(limits, "GET b/ HTTP/1.1\r\n\r\n").refusal, 400);
        const Framed three = frame(limits, streams.first());
        QCOMPARE(three.requests.size(), 3);
        QCOMPARE(three.requests.at(1), QByteArray("POST /b HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"));
    }

    void theServerIsHandedOnlyWhatItReads()
    {
        // QHttpServer reads a head a byte at a time: it gets the request line and the
        // body's length, and the fields the APIs read come from the framer.
        const Framed framed = frame(HttpLimits{}, "POST /b?x=1 HTTP/1.1\r\nHost: h.example:4001\r\nUser-Agent: Go\r\n"
                                                  "authorization:  Bearer t \r\nX-Consul-Token: c\r\n"
                                                  "Content-Type: application/json\r\nContent-Length: 005\r\n"
                                                  "Connection: keep-alive\r\n\r\nhello"
                                                  "GET / HTTP/1.1\r\n\r\n");
        QCOMPARE(framed.refusal, 0);
        const QList<QByteArray> handed{"POST /b?x=1 HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", "GET / HTTP/1.1\r\n\r\n"};
        QCOMPARE(framed.requests, handed);
        QCOMPARE(framed.fields, QList<RequestFields>({{"h.example:4001", "Bearer t", "c"}, {}}));
    }

    void aTrickledRequestEndsAtTheRequestTimeLimit()
    {
        // A byte every 100 ms is never idle for 400 ms, but the whole request has 1 s.
        HttpLimits limits;
        limits.idleTimeout = std::chrono::milliseconds(400);
        limits.requestTimeout = std::chrono::milliseconds(1000);
        startWith(limits);
        auto socket = connectToServer();
        socket->write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 200\r\n\r\n");
        QByteArray reply;
        for (int sent = 0; sent < 200 && reply.isEmpty() && socket->state() == QAbstractSocket::ConnectedState; ++sent) {
            socket->write("x");
            socket->waitForReadyRead(100);
            reply += socket->readAll();
        }
        reply += readUntilClosed(*socket);
        QVERIFY2(reply.startsWith("HTTP/1.1 408 Request Timeout"), reply.constData());
    }

    void tlsConnectionsAreCappedAndTimedOut()
    {
        // 200 clients connect to a TLS port capped at 20 and never say hello: those
        // beyond the cap are closed at once, the others at the handshake time limit,
        // and a real client is served after them.
        HttpLimits limits;
        limits.maxConnections = 20;
        limits.tlsHandshakeTimeout = std::chrono::milliseconds(500);
        m_server = std::make_unique<TestServer>();
        const QString error = m_server->useTls();
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_server->config().limits = limits;
        QVERIFY(m_server->start());
        std::vector<std::unique_ptr<QTcpSocket>> silent;
        for (int i = 0; i < 200; ++i)
            silent.push_back(connectToServer());
        const auto stillOpen = [&silent] {
            return std::count_if(silent.cbegin(), silent.cend(), [](const auto &socket) {
                socket->waitForReadyRead(0); // notices a close
                return socket->state() == QAbstractSocket::ConnectedState;
            });
        };
        QTRY_COMPARE_WITH_TIMEOUT(stillOpen(), 0, 10000);

        QSslSocket client;
        client.setPeerVerifyMode(QSslSocket::VerifyNone);
        client.connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_server->port());
        QVERIFY2(client.waitForEncrypted(10000), qPrintable(client.errorString()));
        client.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        QVERIFY(client.waitForReadyRead(5000));
        QVERIFY(client.readAll().startsWith("HTTP/1.1 200"));
    }

    void replyCacheIsBoundedInBytes()
    {
        // An ID with many long addresses has a big reply: 200 of them must not all stay.
        ReplyCache cache;
        const QByteArray big(1024 * 1024, 'x');
        for (int i = 0; i < 200; ++i) {
            cache.insert(QString::number(i), big);
            QVERIFY(cache.bytes() <= ReplyCache::MaxBytes);
        }
        QVERIFY(cache.find(QStringLiteral("199"))); // the newest is still served
        // The same ID again replaces its body, not adds to it.
        const qsizetype before = cache.bytes();
        cache.insert(QStringLiteral("199"), big);
        QCOMPARE(cache.bytes(), before);
        cache.forget({StoreChange{StoreChange::Type::IdDeleted, QStringLiteral("199"), {}, {}, {}}});
        QCOMPARE(cache.bytes(), before - big.size());
    }

    void refusalsAreLogged()
    {
        startWith({});
        QSignalSpy log(&m_server->thread(), &ServerThread::requestFinished);
        const HttpResponse response = m_server->client().raw(
            "POST /some-id HTTP/1.1\r\nHost: x\r\nContent-Length: 999999\r\n\r\n");
        QCOMPARE(response.status, 413);
        QTRY_COMPARE(log.size(), 1);
        const auto entry = log.first().first().value<RequestLogEntry>();
        QCOMPARE(entry.status, 413);
        QCOMPARE(entry.method, QStringLiteral("POST"));
        QCOMPARE(entry.path, QStringLiteral("/some-id"));
        QCOMPARE(entry.remoteAddress, QStringLiteral("127.0.0.1"));
    }

    void aLogLineShowsTheDurationInHundredthsOfAMillisecond_data()
    {
        QTest::addColumn<double>("durationMs");
        QTest::addColumn<QString>("shown");
        QTest::newRow("under a hundredth") << 0.004 << QStringLiteral("0.00");
        QTest::newRow("rounded up") << 1.049 << QStringLiteral("1.05");
        QTest::newRow("tenths") << 12.3 << QStringLiteral("12.30");
        QTest::newRow("seconds") << 61234.5 << QStringLiteral("61234.50");
        QTest::newRow("a clock that stepped back") << -3.0 << QStringLiteral("0.00");
    }
    void aLogLineShowsTheDurationInHundredthsOfAMillisecond()
    {
        QFETCH(double, durationMs);
        QFETCH(QString, shown);
        RequestLogEntry entry;
        entry.at = Timestamp::fromMicroseconds(1764000000123456);
        entry.method = QStringLiteral("GET");
        entry.path = QStringLiteral("/a\nb");
        entry.status = 404;
        entry.durationMs = durationMs;
        entry.remoteAddress = QStringLiteral("::1");
        QCOMPARE(entry.toLogLine(),
                 entry.at.toIso8601() + QStringLiteral(" GET /a\\x0ab 404 ") + shown + QStringLiteral(" ms ::1"));
    }
};

QTEST_GUILESS_MAIN(TestHttpLimits)
#include "tst_httplimits.moc"
