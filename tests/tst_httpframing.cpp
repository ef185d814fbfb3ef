// How the server reads what a client sends, over real loopback sockets (and TLS):
// no request can be smuggled past the framing, pipelined requests are answered in
// order (a held etcd wait included), refusals come after the replies before them,
// and connections close when the client says so.

#include "http/HttpServer.h"
#include "support/TestServer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSslSocket>
#include <QTest>

#include <functional>
#include <memory>

namespace {

struct Reply
{
    int status = 0;
    QByteArray body;
    QByteArray head; // the status line and headers, without the blank line
};

// One raw connection, plain or TLS, that reads whole replies as a client would.
class RawConnection
{
public:
    RawConnection(quint16 port, bool tls)
    {
        if (tls) {
            auto *socket = new QSslSocket;
            socket->setPeerVerifyMode(QSslSocket::VerifyNone); // the test's own certificate
            socket->connectToHostEncrypted(QStringLiteral("127.0.0.1"), port);
            m_connected = socket->waitForEncrypted(10000);
            m_socket.reset(socket);
        } else {
            m_socket = std::make_unique<QTcpSocket>();
            m_socket->connectToHost(QStringLiteral("127.0.0.1"), port);
            m_connected = m_socket->waitForConnected(5000);
        }
    }

    bool isConnected() const { return m_connected; }
    void write(const QByteArray &bytes)
    {
        m_socket->write(bytes);
        m_socket->flush();
    }

    // The next whole reply (status 0: none came within ms, or the connection closed).
    Reply next(int ms = 10000)
    {
        QElapsedTimer timer;
        timer.start();
        for (;;) {
            const qsizetype headEnd = m_buffer.indexOf("\r\n\r\n");
            if (headEnd >= 0) {
                const QByteArray head = m_buffer.left(headEnd);
                qsizetype length = 0;
                for (const QByteArray &line : head.split('\n')) {
                    if (line.toLower().startsWith("content-length:"))
                        length = line.mid(15).trimmed().toLongLong();
                }
                if (m_buffer.size() >= headEnd + 4 + length) {
                    Reply reply{head.mid(9, 3).toInt(), m_buffer.mid(headEnd + 4, length), head};
                    m_buffer.remove(0, headEnd + 4 + length);
                    return reply;
                }
            }
            const qint64 left = ms - timer.elapsed();
            if (left <= 0 || !m_socket->waitForReadyRead(int(left)))
                return {};
            m_buffer += m_socket->readAll();
        }
    }

    // Nothing more arrives, and the server closes the connection within ms.
    bool closesWithin(int ms)
    {
        QElapsedTimer timer;
        timer.start();
        while (m_socket->state() == QAbstractSocket::ConnectedState && timer.elapsed() < ms) {
            m_socket->waitForReadyRead(50);
            m_buffer += m_socket->readAll();
        }
        return m_socket->state() != QAbstractSocket::ConnectedState && m_buffer.isEmpty();
    }
    // Bytes that came that are not (yet) a whole reply.
    QByteArray leftOver() const { return m_buffer; }
    // Everything received, once enough has come (or the time is up).
    QByteArray rawUntil(const std::function<bool(const QByteArray &)> &enough, int ms = 10000)
    {
        QElapsedTimer timer;
        timer.start();
        while (!enough(m_buffer) && timer.elapsed() < ms && m_socket->waitForReadyRead(int(ms - timer.elapsed())))
            m_buffer += m_socket->readAll();
        return m_buffer;
    }

private:
    std::unique_ptr<QTcpSocket> m_socket;
    QByteArray m_buffer;
    bool m_connected = false;
};

QByteArray registration(const QByteArray &id, const QByteArray &address)
{
    const QByteArray body = R"({"addr":")" + address + R"("})";
    return "POST /" + id + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n"
           + body;
}

} // namespace

class TestHttpFraming : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_server;
    bool m_tls = false;

    void start(const HttpLimits &limits = {})
    {
        m_server = std::make_unique<TestServer>();
        m_server->config().limits = limits;
        if (m_tls) {
            const QString error = m_server->useTls();
            QVERIFY2(error.isEmpty(), qPrintable(error));
        }
        QVERIFY(m_server->start());
    }

    std::unique_ptr<RawConnection> connect()
    {
        auto connection = std::make_unique<RawConnection>(m_server->port(), m_tls);
        if (!connection->isConnected())
            qWarning("could not connect to the server");
        return connection;
    }

    // One request on a connection of its own.
    Reply ask(const QByteArray &request)
    {
        auto connection = connect();
        connection->write(request);
        return connection->next();
    }
    int idCount()
    {
        const Reply ids = ask("GET /api/v1/ids HTTP/1.1\r\nHost: x\r\n\r\n");
        return QJsonDocument::fromJson(ids.body).object().value(QStringLiteral("total")).toInt(-1);
    }
    QByteArray createId()
    {
        const Reply created = ask("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
        return QJsonDocument::fromJson(created.body).object().value(QStringLiteral("disco_id")).toString().toUtf8();
    }

    // Every test runs over plain HTTP and over TLS.
    void addTransports()
    {
        QTest::addColumn<bool>("tls");
        QTest::newRow("http") << false;
        QTest::newRow("https") << true;
    }

private slots:
    void init()
    {
        QFETCH(bool, tls);
        m_tls = tls;
    }
    void cleanup() { m_server.reset(); }

    void ambiguousFramingIsRefusedAndNothingIsSmuggled_data()
    {
        addTransports();
    }
    void ambiguousFramingIsRefusedAndNothingIsSmuggled()
    {
        // Each head declares a body that is itself a request creating an ID, with a huge
        // Content-Length of its own. A server that read the head two ways would run it.
        start();
        const QByteArray smuggled = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1073741824\r\n\r\n";
        const QByteArray length = QByteArray::number(smuggled.size());
        QByteArray manyHeaders;
        for (int i = 0; i < 101; ++i)
            manyHeaders += "X-Header-" + QByteArray::number(i) + ": y\r\n";
        const QList<QPair<QByteArray, int>> heads{
            {"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length : " + length + "\r\n\r\n", 400},
            {"POST /healthz HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n Content-Length: " + length + "\r\n\r\n", 400},
            {"POST /healthz HTTP/1.1\r\nHost: x\r\nBad@Name: y\r\nContent-Length: " + length + "\r\n\r\n", 400},
            {"POST /healthz HTTP/1.1\r\nHost: x\r\n" + manyHeaders + "Content-Length: " + length + "\r\n\r\n", 431},
            {"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + "\r\nContent-Length: 0\r\n\r\n", 400},
            {"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: " + length
                 + "\r\nTransfer-Encoding: chunked\r\n\r\n", 411},
            {"POST /healthz HTTP/1.1\r\nHost: x\r\nX-Nul: a" + QByteArray(1, '\0') + "b\r\nContent-Length: " + length
                 + "\r\n\r\n", 400},
            {"POST /healthz HTTP/1.1\r\nHost: x\r\nX-Cr: a\rContent-Length: " + length + "\r\n\r\n", 400},
        };
        for (const auto &[head, status] : heads) {
            auto connection = connect();
            connection->write(head + smuggled + QByteArray(64 * 1024, 'z'));
            const Reply reply = connection->next();
            QVERIFY2(reply.status == status, head.constData());
            QVERIFY2(reply.body.contains("\"error\""), reply.body.constData());
            QVERIFY2(connection->closesWithin(5000), connection->leftOver().constData());
        }
        QCOMPARE(idCount(), 0);
    }

    void aFieldTheApisReadComesOnceOrIsRefused_data()
    {
        addTransports();
    }
    void aFieldTheApisReadComesOnceOrIsRefused()
    {
        // Two of them could be read as either, or as both joined: refused, and the
        // request does not run.
        start();
        for (const QByteArray field : {"Host: x", "Authorization: Bearer a", "X-Consul-Token: a"}) {
            const QByteArray name = field.left(field.indexOf(':'));
            const Reply reply = ask("POST / HTTP/1.1\r\n" + field + "\r\n" + name + ": b\r\nContent-Length: 0\r\n\r\n");
            QVERIFY2(reply.status == 400, field.constData());
            QVERIFY2(reply.body.contains("more than one " + name), reply.body.constData());
        }
        QCOMPARE(idCount(), 0);
        QCOMPARE(ask("POST / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer a\r\nContent-Length: 0\r\n\r\n").status, 200);
    }

    void aTargetIsReadAsFramed_data()
    {
        addTransports();
    }
    void aTargetIsReadAsFramed()
    {
        // A proxy's form of the target works when its host is a host...
        start();
        QCOMPARE(ask("GET http://127.0.0.1:4001/healthz HTTP/1.1\r\nHost: x\r\n\r\n").status, 200);
        QCOMPARE(ask("POST http://[::1]/ HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").status, 200);
        QCOMPARE(ask("POST http://localhost HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").status, 200); // no path is "/"
        QCOMPARE(idCount(), 2);
        // ...and is refused when it is not, rather than run at a path read past it.
        for (const QByteArray target : {"http://%/", "http://---)---/", "http://user@host/", "http:///",
                                        "http://host:99999/", "http://%41/"}) {
            const Reply reply = ask("POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
            QVERIFY2(reply.status == 400, target.constData());
            QVERIFY2(reply.body.contains("host"), reply.body.constData());
        }
        QCOMPARE(idCount(), 2);
        // A path that starts with // reads as a host too.
        for (const QByteArray target : {"//ae*x/healthz", "//127.0.0.1/", "//"}) {
            const Reply reply = ask("POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
            QVERIFY2(reply.status == 400, target.constData());
            QVERIFY2(reply.body.contains("//"), reply.body.constData());
        }
        QCOMPARE(idCount(), 2);
    }

    void anUpgradeRequestRunsOnce_data()
    {
        addTransports();
    }
    void anUpgradeRequestRunsOnce()
    {
        start();
        auto connection = connect();
        connection->write("POST / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                          "Content-Length: 0\r\n\r\n");
        const Reply created = connection->next();
        QCOMPARE(created.status, 200);
        const QByteArray id = QJsonDocument::fromJson(created.body).object().value(QStringLiteral("disco_id")).toString().toUtf8();
        connection->write("GET /" + id + " HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
        QCOMPARE(connection->next().status, 200);
        connection->write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(connection->next().status, 200);
        // Exactly one reply each, and one ID.
        QVERIFY(connection->next(500).status == 0);
        QVERIFY(connection->leftOver().isEmpty());
        QCOMPARE(idCount(), 1);
    }

    void aRefusalComesAfterTheRepliesBeforeIt_data()
    {
        addTransports();
    }
    void aRefusalComesAfterTheRepliesBeforeIt()
    {
        start();
        const QByteArray id = createId();
        const QByteArray tooBig = "POST /" + id + " HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"
                                  + QByteArray(100000, 'x');
        // In one packet, and with the big one in a second segment.
        for (bool split : {false, true}) {
            const QByteArray address = split ? "localhost:4003" : "localhost:4001";
            auto connection = connect();
            if (split) {
                connection->write(registration(id, address));
                QTest::qWait(50); // a segment of its own, most likely; either way the result is the same
                connection->write(tooBig);
            } else {
                connection->write(registration(id, address) + tooBig);
            }
            const Reply registered = connection->next();
            QCOMPARE(registered.status, 200);
            QVERIFY(registered.body.contains(address));
            QCOMPARE(connection->next().status, 413);
            QVERIFY(connection->closesWithin(5000));
        }
        const QByteArray nodes = ask("GET /" + id + " HTTP/1.1\r\nHost: x\r\n\r\n").body;
        QVERIFY2(nodes.contains("localhost:4001") && nodes.contains("localhost:4003"), nodes.constData());
    }

    void repliesFollowTheOrderOfRequests_data()
    {
        addTransports();
    }
    void repliesFollowTheOrderOfRequests()
    {
        // A held etcd wait, then a lookup and a POST that expects 100-continue, pipelined.
        start();
        const QUrl url(QString::fromUtf8(ask("GET /new?size=3 HTTP/1.1\r\nHost: x\r\n\r\n").body));
        QCOMPARE(url.scheme(), m_tls ? QStringLiteral("https") : QStringLiteral("http")); // as etcd must call back
        const QByteArray token = url.path().toUtf8();
        auto connection = connect();
        connection->write("GET " + token + "?wait=true&recursive=true&waitIndex=2 HTTP/1.1\r\nHost: x\r\n\r\n"
                          "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                          "POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
        QTRY_COMPARE(m_server->onServerThread([](DiscoveryServer &s) { return s.openEtcdWaits(); }), 1);
        // Nothing may overtake the held reply: no healthz, no 100 Continue.
        QCOMPARE(connection->next(300).status, 0);
        QVERIFY(connection->leftOver().isEmpty());

        const QByteArray member = "value=m1%3Dhttp%3A%2F%2F127.0.0.1%3A2380";
        QCOMPARE(ask("PUT " + token + "/m1?prevExist=false HTTP/1.1\r\nHost: x\r\nContent-Type: "
                     "application/x-www-form-urlencoded\r\nContent-Length: " + QByteArray::number(member.size())
                     + "\r\n\r\n" + member).status, 201);
        const Reply wait = connection->next();
        QCOMPARE(wait.status, 200);
        QVERIFY2(wait.body.contains("m1=http://127.0.0.1:2380"), wait.body.constData());
        QCOMPARE(connection->next().status, 200); // healthz
        QCOMPARE(connection->next().status, 100); // now the POST's turn
        connection->write("{}");
        QCOMPARE(connection->next().status, 200);
    }

    void malformedVersionsAreAnswered_data()
    {
        addTransports();
    }
    void malformedVersionsAreAnswered()
    {
        start();
        for (const QByteArray version : {"HTTP/1.10", "HTTP/1.", "HTTP/1.1x", "HTTP/11", "http/1.1"}) {
            auto connection = connect();
            connection->write("GET /healthz " + version + "\r\nHost: x\r\n\r\n");
            const Reply reply = connection->next();
            QVERIFY2(reply.status == 400, version.constData());
            QVERIFY(reply.body.contains("malformed"));
            QVERIFY(connection->closesWithin(5000));
        }
        auto connection = connect();
        connection->write("GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n");
        QCOMPARE(connection->next().status, 505);
    }

    // What Go's net/http and the other clients parse: the status line with its reason,
    // one header a line, the body's length, and nothing after the body.
    void repliesHaveAWellFormedHead_data()
    {
        addTransports();
    }
    void repliesHaveAWellFormedHead()
    {
        start();
        const auto headerOf = [](const Reply &reply, const QByteArray &name) {
            for (const QByteArray &line : reply.head.split('\n').mid(1)) {
                if (line.toLower().startsWith(name.toLower() + ": "))
                    return line.mid(name.size() + 2).chopped(line.endsWith('\r') ? 1 : 0);
            }
            return QByteArray("(none)");
        };
        auto connection = connect();
        connection->write("GET /00000000-0000-4000-8000-000000000000 HTTP/1.1\r\nHost: x\r\n\r\n");
        const Reply missing = connection->next();
        QCOMPARE(missing.head.left(missing.head.indexOf('\r')), QByteArray("HTTP/1.1 404 Not Found"));
        QCOMPARE(headerOf(missing, "Content-Type"), QByteArray("application/json"));
        QCOMPARE(headerOf(missing, "Content-Length"), QByteArray::number(missing.body.size()));
        QVERIFY(QJsonDocument::fromJson(missing.body).isObject());

        // HEAD: the length of the body it leaves out, and the next reply right after.
        connection->write("HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        const QByteArray both = connection->rawUntil([](const QByteArray &received) {
            return received.count("HTTP/1.1 200 OK\r\n") == 2 && received.endsWith('}');
        });
        const qsizetype headEnd = both.indexOf("\r\n\r\n");
        QVERIFY2(headEnd > 0 && both.mid(headEnd + 4).startsWith("HTTP/1.1 200 OK\r\n"), both.constData());
        // Header names in any case: Qt 6.8 writes them in lower case.
        const QByteArray metricsHead = both.left(headEnd).toLower();
        const qsizetype lengthAt = metricsHead.indexOf("\r\ncontent-length: ");
        QVERIFY2(lengthAt > 0 && metricsHead.mid(lengthAt + 18).split('\r').constFirst().toInt() > 100,
                 both.constData());
        const qsizetype getHeadEnd = both.indexOf("\r\n\r\n", headEnd + 4);
        const QByteArray getBody = both.mid(getHeadEnd + 4);
        QVERIFY2(both.mid(headEnd, getHeadEnd - headEnd).toLower().contains("\r\ncontent-length: "
                                                                            + QByteArray::number(getBody.size())),
                 both.constData());

        // A body bigger than the head's write: all of it, after the head, and the
        // connection closed when asked.
        for (int i = 0; i < 300; ++i)
            QVERIFY(!createId().isEmpty());
        auto closing = connect();
        closing->write("GET /api/v1/ids?limit=300 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        const Reply ids = closing->next();
        QCOMPARE(ids.status, 200);
        QVERIFY2(ids.body.size() > HttpServer::InlineBodyBytes, QByteArray::number(ids.body.size()).constData());
        QCOMPARE(headerOf(ids, "Content-Length"), QByteArray::number(ids.body.size()));
        QCOMPARE(headerOf(ids, "Connection"), QByteArray("close"));
        QCOMPARE(QJsonDocument::fromJson(ids.body).object().value(QStringLiteral("ids")).toArray().size(), 300);
        QVERIFY(closing->closesWithin(5000));
    }

    void connectionsCloseWhenTheClientSaysSo_data()
    {
        addTransports();
    }
    void connectionsCloseWhenTheClientSaysSo()
    {
        HttpLimits limits;
        limits.idleTimeout = std::chrono::seconds(60); // so that closing is not the idle timeout
        start(limits);
        for (const QByteArray &request : {QByteArray("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
                                         QByteArray("GET /healthz HTTP/1.0\r\n\r\n")}) {
            auto connection = connect();
            connection->write(request + "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
            QCOMPARE(connection->next().status, 200);
            QVERIFY2(connection->closesWithin(5000), request.constData()); // and the second is not answered
        }
        // HTTP/1.0 with keep-alive stays open.
        auto connection = connect();
        connection->write("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        QCOMPARE(connection->next().status, 200);
        connection->write("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        QCOMPARE(connection->next().status, 200);
    }
};

QTEST_GUILESS_MAIN(TestHttpFraming)
#include "tst_httpframing.moc"
