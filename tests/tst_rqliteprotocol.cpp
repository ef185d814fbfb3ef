// The rqlite discovery protocol over real loopback HTTP, row by row of
// shared/protocols/rqlite-disco.md, with the exact requests rqlited sends.

#include "support/TestServer.h"

#include "http/RqliteApi.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTest>

namespace {

QStringList nodesOf(const HttpResponse &response)
{
    QStringList list;
    for (const QJsonValue &value : response.jsonArray(QStringLiteral("nodes")))
        list << value.toString();
    return list;
}

// rqlited's single registration request, byte for byte as Go's net/http sends it.
QByteArray rqlitedRequest(quint16 port, const QByteArray &id, const QByteArray &contentTypeLine)
{
    const QByteArray body = R"({"addr":"localhost:4001"})";
    return "POST /" + id + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port)
        + "\r\nUser-Agent: Go-http-client/1.1\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n"
        + contentTypeLine + "Accept-Encoding: gzip\r\n\r\n" + body;
}

} // namespace

class TestRqliteProtocol : public QObject
{
    Q_OBJECT

private:
    TestServer *m_server = nullptr;
    HttpClient client() const { return m_server->client(); }

private slots:
    void init()
    {
        m_server = new TestServer;
        QVERIFY(m_server->start());
    }
    void cleanup()
    {
        delete m_server;
        m_server = nullptr;
    }

    void postRootCreatesRecord()
    {
        const HttpResponse response = client().post("/", "ignored body");
        QCOMPARE(response.status, 200);
        QCOMPARE(response.headers.value("content-type"), QByteArray("application/json"));
        const QJsonObject record = response.json();
        QCOMPARE(record.keys(), (QStringList{QStringLiteral("created_at"), QStringLiteral("disco_id"), QStringLiteral("nodes")}));
        QVERIFY(record.value(QStringLiteral("nodes")).isArray());
        QVERIFY(record.value(QStringLiteral("nodes")).toArray().isEmpty());
        const QString id = record.value(QStringLiteral("disco_id")).toString();
        QVERIFY2(QRegularExpression(QStringLiteral("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"))
                     .match(id).hasMatch(), qPrintable(id));
        const QString createdAt = record.value(QStringLiteral("created_at")).toString();
        QVERIFY2(QRegularExpression(QStringLiteral(R"(^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{6})?$)"))
                     .match(createdAt).hasMatch(), qPrintable(createdAt));
    }

    void getReturnsRecordAndCreatedAtNeverChanges()
    {
        const HttpResponse created = client().post("/");
        const QByteArray id = created.json().value(QStringLiteral("disco_id")).toString().toUtf8();
        client().post("/" + id, R"({"addr":"localhost:4001"})");
        const HttpResponse got = client().get("/" + id);
        QCOMPARE(got.status, 200);
        QCOMPARE(got.headers.value("content-type"), QByteArray("application/json"));
        QCOMPARE(got.json().value(QStringLiteral("disco_id")).toString().toUtf8(), id);
        QCOMPARE(got.json().value(QStringLiteral("created_at")), created.json().value(QStringLiteral("created_at")));
        QCOMPARE(nodesOf(got), QStringList{QStringLiteral("localhost:4001")});
    }

    void unknownIdIs404()
    {
        const QByteArray unknown = "809d9ba6-f70b-11e6-9a5a-92819c00729a";
        for (const QByteArray &method : {QByteArray("GET"), QByteArray("POST"), QByteArray("DELETE")}) {
            const HttpResponse response = client().send(method, "/" + unknown, R"({"addr":"localhost:4001"})");
            QCOMPARE(response.status, 404);
            QCOMPARE(response.json().value(QStringLiteral("error")).toString(),
                     QString::fromLatin1(unknown + " does not exist"));
        }
    }

    void idIsCheckedBeforeBody()
    {
        // The original checks the ID first: a bad body on an unknown ID is a 404.
        const HttpResponse response = client().post("/no-such-id", "not json");
        QCOMPARE(response.status, 404);
    }

    void badBodyIs400()
    {
        const QByteArray id = m_server->createId();
        for (const QByteArray &body : {QByteArray(), QByteArray("not json"), QByteArray("[\"localhost:4001\"]"),
                                       QByteArray("{\"addr\":"), QByteArray("\"localhost:4001\"")}) {
            for (const QByteArray &method : {QByteArray("POST"), QByteArray("DELETE")}) {
                const HttpResponse response = client().send(method, "/" + id, body);
                QCOMPARE(response.status, 400);
                QCOMPARE(response.json().value(QStringLiteral("error")).toString(), QStringLiteral("bad request body"));
            }
        }
    }

    void missingAddrIs400()
    {
        const QByteArray id = m_server->createId();
        for (const QByteArray &method : {QByteArray("POST"), QByteArray("DELETE")}) {
            const HttpResponse response = client().send(method, "/" + id, R"({"address":"localhost:4001"})");
            QCOMPARE(response.status, 400);
            QCOMPARE(response.json().value(QStringLiteral("error")).toString(), QStringLiteral("address not specified"));
        }
        QVERIFY(nodesOf(client().get("/" + id)).isEmpty());
    }

    void unusableAddrIs400AndStoresNothing()
    {
        const QByteArray id = m_server->createId();
        for (const QByteArray &body : {QByteArray(R"({"addr":4001})"), QByteArray(R"({"addr":""})"),
                                       QByteArray(R"({"addr":"   "})"), QByteArray(R"({"addr":"a\nb:1"})"),
                                       QByteArray(R"({"addr":null})")}) {
            const HttpResponse response = client().post("/" + id, body);
            QCOMPARE(response.status, 400);
            QVERIFY(!response.json().value(QStringLiteral("error")).toString().isEmpty());
        }
        QVERIFY(nodesOf(client().get("/" + id)).isEmpty());
    }

    void addressesInEveryUsualFormAreAccepted()
    {
        const QByteArray id = m_server->createId();
        const QStringList forms{QStringLiteral("localhost:4001"), QStringLiteral("10.0.0.1:4001"),
                                QStringLiteral("[::1]:4001"), QStringLiteral("node_1.local:65535"),
                                QStringLiteral("[FE80::a.b:1]:1"), QStringLiteral("x:04001"), QStringLiteral("_:4001"),
                                QStringLiteral("http://localhost:4001"), QStringLiteral("https://db-2.example:443/x"),
                                QStringLiteral("grpc+tls://db-3.example:9000"), QStringLiteral("Raft.v2-x://h:1")};
        for (const QString &addr : forms) {
            const HttpResponse response = client().post("/" + id, "{\"addr\":\"" + addr.toUtf8() + "\"}");
            QVERIFY2(response.status == 200, qPrintable(addr + u' ' + QString::fromUtf8(response.body)));
        }
        QCOMPARE(nodesOf(client().get("/" + id)), forms);
    }

    // What starts with a scheme must be a URL with a host; anything else host:port.
    void eachAddressIsRefusedWithWhatItLacks_data()
    {
        QTest::addColumn<QByteArray>("addr");
        QTest::addColumn<QString>("problem");
        const QString notUrl = QStringLiteral("is not a URL with a host");
        const QString notHostPort = QStringLiteral("is not host:port (such as localhost:4001) or a URL");
        QTest::newRow("URL without a host") << QByteArray("http://:4001") << notUrl;
        QTest::newRow("scheme with a plus, no host") << QByteArray("grpc+tls:///x") << notUrl;
        QTest::newRow("scheme starting with a digit") << QByteArray("1http://h:1") << notHostPort;
        QTest::newRow("one slash") << QByteArray("http:/h:1") << notHostPort;
        QTest::newRow("scheme alone") << QByteArray("://h:1") << notHostPort;
        QTest::newRow("no port") << QByteArray("localhost") << notHostPort;
        QTest::newRow("empty port") << QByteArray("localhost:") << notHostPort;
        QTest::newRow("port 0") << QByteArray("localhost:0") << notHostPort;
        QTest::newRow("port 65536") << QByteArray("localhost:65536") << notHostPort;
        QTest::newRow("six digits of port") << QByteArray("localhost:004001") << notHostPort;
        QTest::newRow("a port in Arabic-Indic digits") << QByteArray("localhost:\u0663") << notHostPort;
        QTest::newRow("no host") << QByteArray(":4001") << notHostPort;
        QTest::newRow("a name ending in a dot") << QByteArray("db.:4001") << notHostPort;
        QTest::newRow("a name starting with a hyphen") << QByteArray("-db:4001") << notHostPort;
        QTest::newRow("two colons") << QByteArray("db:1:4001") << notHostPort;
        QTest::newRow("a space in the name") << QByteArray("d b:4001") << notHostPort;
        QTest::newRow("IPv6 without brackets") << QByteArray("::1:4001") << notHostPort;
        QTest::newRow("an unclosed bracket") << QByteArray("[::1:4001") << notHostPort;
        QTest::newRow("empty brackets") << QByteArray("[]:4001") << notHostPort;
        QTest::newRow("a name in brackets") << QByteArray("[node]:4001") << notHostPort;
    }
    void eachAddressIsRefusedWithWhatItLacks()
    {
        QFETCH(QByteArray, addr);
        QFETCH(QString, problem);
        const QByteArray id = m_server->createId();
        const HttpResponse response = client().post("/" + id, "{\"addr\":\"" + addr + "\"}");
        QCOMPARE(response.status, 400);
        const QString error = response.json().value(QStringLiteral("error")).toString();
        QVERIFY2(error.contains(problem), qPrintable(error));
        QVERIFY(nodesOf(client().get("/" + id)).isEmpty());
    }

    void otherMethodsAre405()
    {
        const QByteArray id = m_server->createId();
        for (const QByteArray &method : {QByteArray("PUT"), QByteArray("PATCH"), QByteArray("OPTIONS"), QByteArray("HEAD")}) {
            const HttpResponse response = client().send(method, "/" + id, {});
            QCOMPARE(response.status, 405);
            QCOMPARE(response.headers.value("allow"), QByteArray("GET, POST, DELETE"));
        }
        const HttpResponse root = client().get("/");
        QCOMPARE(root.status, 405);
        QCOMPARE(root.headers.value("allow"), QByteArray("POST"));
    }

    void rqlitedRequestWorksWithAnyContentType()
    {
        const QByteArray id = m_server->createId();
        const quint16 port = m_server->port();
        // rqlited before 6.10, rqlited 6.10, and a client that sends none.
        for (const QByteArray &line : {QByteArray("Content-Type: application-type/json\r\n"),
                                       QByteArray("Content-Type: application/json\r\n"), QByteArray()}) {
            const HttpResponse response = client().raw(rqlitedRequest(port, id, line));
            QCOMPARE(response.status, 200);
            QCOMPARE(nodesOf(response), QStringList{QStringLiteral("localhost:4001")});
        }
    }

    void registrationIsIdempotent()
    {
        const QByteArray id = m_server->createId();
        const HttpResponse first = client().post("/" + id, R"({"addr":"localhost:4001"})");
        const HttpResponse second = client().post("/" + id, R"({"addr":"localhost:4001"})");
        QCOMPARE(second.status, 200);
        QCOMPARE(second.body, first.body);
        // Exact string equality: a scheme makes another entry.
        const HttpResponse third = client().post("/" + id, "{\"addr\":\"http://localhost:4001\"}");
        QCOMPARE(nodesOf(third), (QStringList{QStringLiteral("localhost:4001"), QStringLiteral("http://localhost:4001")}));
    }

    void removalIsIdempotent()
    {
        const QByteArray id = m_server->createId();
        client().post("/" + id, R"({"addr":"localhost:4001"})");
        client().post("/" + id, R"({"addr":"localhost:4002"})");
        const HttpResponse removed = client().del("/" + id, R"({"addr":"localhost:4001"})");
        QCOMPARE(removed.status, 200);
        QCOMPARE(nodesOf(removed), QStringList{QStringLiteral("localhost:4002")});
        const HttpResponse again = client().del("/" + id, R"({"addr":"localhost:4001"})");
        QCOMPARE(again.status, 200);
        QCOMPARE(nodesOf(again), QStringList{QStringLiteral("localhost:4002")});
    }

    void threeNodesFormACluster()
    {
        // Each rqlited sees the nodes registered so far, itself included: the first
        // finds only itself and bootstraps, the others join.
        const QByteArray id = m_server->createId();
        const QStringList all{QStringLiteral("localhost:4001"), QStringLiteral("localhost:4003"), QStringLiteral("localhost:4005")};
        for (int i = 0; i < all.size(); ++i) {
            const HttpResponse response = client().raw(
                rqlitedRequest(m_server->port(), id, "Content-Type: application/json\r\n")
                    .replace("localhost:4001", all.at(i).toUtf8())
                    .replace("Content-Length: 25", "Content-Length: " + QByteArray::number(all.at(i).size() + 11)));
            QCOMPARE(response.status, 200);
            QCOMPARE(nodesOf(response), all.mid(0, i + 1));
        }
        QCOMPARE(nodesOf(client().get("/" + id)), all);
    }

    void trailingSlashOnDiscoUrlIsExplained()
    {
        // -disco-url http://host:port/ makes rqlited send "POST //<id>".
        const QByteArray id = m_server->createId();
        const HttpResponse response = client().post("//" + id, R"({"addr":"localhost:4001"})");
        QCOMPARE(response.status, 400);
        QVERIFY(response.json().value(QStringLiteral("error")).toString().contains(QStringLiteral("trailing slash")));
        QVERIFY(nodesOf(client().get("/" + id)).isEmpty());
    }

    void pathsThatCannotBeIdsAre404()
    {
        for (const QByteArray &path : {QByteArray("/..%2F..%2Fetc%2Fpasswd"), QByteArray("/%00"),
                                       QByteArray("/") + QByteArray(65, 'a'), QByteArray("/id'%20OR%201=1")}) {
            const HttpResponse response = client().get(path);
            QCOMPARE(response.status, 404);
            QVERIFY(response.json().contains(QStringLiteral("error")));
        }
        QCOMPARE(client().get("/a/b/c").status, 404);
    }

    void lookupsShowChangesMadeOutsideTheRqliteApi()
    {
        // Lookups of an unchanged ID come from memory; every other way of changing
        // the ID (the window, the admin API) must show at once.
        const QByteArray id = m_server->createId();
        client().post("/" + id, R"({"addr":"localhost:4001"})");
        client().post("/" + id, R"({"addr":"localhost:4002"})");
        QCOMPARE(nodesOf(client().get("/" + id)).size(), 2);
        const auto removed = m_server->onServerThread([&](DiscoveryServer &server) {
            return server.service().removeNode(QString::fromLatin1(id), QStringLiteral("localhost:4001"))->change;
        });
        QCOMPARE(removed, DiscoveryService::NodeChange::Removed);
        QCOMPARE(nodesOf(client().get("/" + id)), QStringList{QStringLiteral("localhost:4002")});
        QCOMPARE(client().del("/api/v1/ids/" + id).status, 200);
        QCOMPARE(client().get("/" + id).status, 404);
    }

    // rqlite's DELETE answers with the record as the removal left it, though a lookup
    // just before made the reply cache hold the one before.
    void removalAnswersWithTheRecordItLeaves()
    {
        const QByteArray id = m_server->createId();
        client().post("/" + id, R"({"addr":"localhost:4001"})");
        client().post("/" + id, R"({"addr":"localhost:4002"})");
        QCOMPARE(nodesOf(client().get("/" + id)).size(), 2);
        const HttpResponse removed = client().del("/" + id, R"({"addr":"localhost:4001"})");
        QCOMPARE(removed.status, 200);
        QCOMPARE(nodesOf(removed), QStringList{QStringLiteral("localhost:4002")});
        QCOMPARE(nodesOf(client().get("/" + id)), QStringList{QStringLiteral("localhost:4002")});
    }

    void pipelinedRegistrationsAreAnsweredInOrder()
    {
        // Replies wait for their group commit; they must still leave in request order.
        const QByteArray id = m_server->createId();
        QByteArray requests;
        for (int n = 1; n <= 3; ++n) {
            const QByteArray body = "{\"addr\":\"localhost:400" + QByteArray::number(n) + "\"}";
            requests += "POST /" + id + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
                + QByteArray::number(body.size()) + "\r\n\r\n" + body;
        }
        QTcpSocket socket;
        socket.connectToHost(QStringLiteral("127.0.0.1"), m_server->port());
        QVERIFY(socket.waitForConnected(5000));
        socket.write(requests);
        QByteArray received;
        while (received.count("]}") < 3 && socket.waitForReadyRead(5000))
            received += socket.readAll();
        QCOMPARE(received.count("HTTP/1.1 200"), 3);
        const qsizetype first = received.indexOf(R"(["localhost:4001"])");
        const qsizetype second = received.indexOf(R"(["localhost:4001","localhost:4002"])");
        const qsizetype third = received.indexOf(R"(["localhost:4001","localhost:4002","localhost:4003"])");
        QVERIFY2(first >= 0 && first < second && second < third, received.constData());
    }

    void recordJsonIsWhatQJsonDocumentWouldWrite()
    {
        // The record is written by hand for speed; it must stay byte for byte the JSON
        // Qt writes, escapes included.
        const QStringList addresses{QStringLiteral("localhost:4001"), QStringLiteral("quote\"back\\slash"),
                                    QStringLiteral("tab\tnew\nline\u0001\u001f"), QStringLiteral("caf\u00e9:1")};
        const RqliteRecord record{QStringLiteral("an-id"), Timestamp::fromMicroseconds(1487553945589277), addresses};
        const QJsonObject expected{{QStringLiteral("created_at"), QStringLiteral("2017-02-20 01:25:45.589277")},
                                   {QStringLiteral("disco_id"), QStringLiteral("an-id")},
                                   {QStringLiteral("nodes"), QJsonArray::fromStringList(addresses)}};
        QCOMPARE(RqliteApi::recordJson(record), QJsonDocument(expected).toJson(QJsonDocument::Compact));
    }

    void everythingSurvivesARestart()
    {
        const QByteArray id = m_server->createId();
        client().post("/" + id, R"({"addr":"localhost:4001"})");
        client().post("/" + id, R"({"addr":"localhost:4003"})");
        const QByteArray before = client().get("/" + id).body;

        m_server->stop();
        QVERIFY(m_server->start());
        const HttpResponse after = client().get("/" + id);
        QCOMPARE(after.status, 200);
        QCOMPARE(after.body, before);
    }
};

QTEST_GUILESS_MAIN(TestRqliteProtocol)
#include "tst_rqliteprotocol.moc"
