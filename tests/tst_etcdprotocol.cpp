// etcd's v2 discovery protocol over real loopback HTTP: the request sequence a real
// etcd 3.4 member sends (shared/protocols/etcd-v2-discovery.md), its error paths, and
// held waits: answered, timed out, abandoned by the client, cut by a shutdown.

#include "support/OpenRequest.h"
#include "support/TestServer.h"

#include <QJsonDocument>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTest>

#include <memory>

namespace {

const QByteArray Query = "?quorum=false&recursive=false&sorted=false";

// etcd's member PUT: a form body with the URL-encoded "name=peerURL".
QByteArray memberBody(const QByteArray &name, const QByteArray &peerUrl)
{
    return "value=" + QUrl::toPercentEncoding(QString::fromLatin1(name + '=' + peerUrl));
}


} // namespace

class TestEtcdProtocol : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_server;
    HttpClient client() const { return m_server->client(); }

    // The token's key path, as etcd uses it: "/etcd/<token>".
    QByteArray newToken(int size = 3)
    {
        const HttpResponse response = client().get("/new?size=" + QByteArray::number(size));
        return QUrl(QString::fromUtf8(response.body)).path().toUtf8();
    }
    int openWaits() { return m_server->onServerThread([](DiscoveryServer &s) { return s.openEtcdWaits(); }); }

private slots:
    void init()
    {
        m_server = std::make_unique<TestServer>();
        m_server->config().etcdWaitTimeout = std::chrono::milliseconds(500);
        QVERIFY(m_server->start());
    }
    void cleanup() { m_server.reset(); }

    void newTokenIsAPlainTextUrl()
    {
        const HttpResponse response = client().get("/new");
        QCOMPARE(response.status, 200);
        QCOMPARE(response.headers.value("content-type"), QByteArray("text/plain"));
        const QRegularExpression url(QStringLiteral("^http://127\\.0\\.0\\.1:%1/etcd/[0-9a-f]{32}$").arg(m_server->port()));
        QVERIFY2(url.match(QString::fromUtf8(response.body)).hasMatch(), response.body.constData());

        // The default size is 3, and /new?size=N sets it.
        const QByteArray d = QUrl(QString::fromUtf8(response.body)).path().toUtf8();
        QCOMPARE(client().get(d + "/_config/size").json().value(QStringLiteral("node")).toObject()
                     .value(QStringLiteral("value")).toString(), QStringLiteral("3"));
        const QByteArray five = newToken(5);
        QCOMPARE(client().get(five + "/_config/size").json().value(QStringLiteral("node")).toObject()
                     .value(QStringLiteral("value")).toString(), QStringLiteral("5"));
    }

    // The URL names the host as the client did: a Host without a port means the
    // scheme's default port, so the URL has none; no Host at all, the server's address.
    void newTokenUrlFollowsTheHostHeader_data()
    {
        QTest::addColumn<QByteArray>("hostHeader");
        QTest::addColumn<QString>("base");
        QTest::newRow("name, no port") << QByteArray("Host: balancer.example\r\n") << "http://balancer.example";
        QTest::newRow("name and port") << QByteArray("Host: balancer.example:8080\r\n") << "http://balancer.example:8080";
        QTest::newRow("IPv6, no port") << QByteArray("Host: [::1]\r\n") << "http://[::1]";
        QTest::newRow("IPv6 and port") << QByteArray("Host: [::1]:2379\r\n") << "http://[::1]:2379";
        QTest::newRow("no Host") << QByteArray() << "http://127.0.0.1:PORT";
    }
    void newTokenUrlFollowsTheHostHeader()
    {
        QFETCH(QByteArray, hostHeader);
        QFETCH(QString, base);
        base.replace(QStringLiteral("PORT"), QString::number(m_server->port()));
        for (const char *version : {"1.1", "1.0"}) {
            const HttpResponse response = client().raw(QByteArray("GET /new HTTP/") + version + "\r\n" + hostHeader
                                                       + "Connection: close\r\n\r\n");
            QCOMPARE(response.status, 200);
            const QString url = QString::fromUtf8(response.body);
            const QRegularExpression expected(u'^' + QRegularExpression::escape(base) + QStringLiteral("/etcd/[0-9a-f]{32}$"));
            QVERIFY2(expected.match(url).hasMatch(), qPrintable(url));
        }
    }

    // 1024 characters, as a user counts them, not UTF-16 units.
    void memberValueLimitCountsCharacters()
    {
        const QByteArray d = newToken(3);
        const QString peer = QStringLiteral("m1=http://127.0.0.1:23801/");
        QString value = peer;
        while (value.size() < peer.size() + 2 * (1024 - peer.size()))
            value += QStringLiteral("\U0001F600");
        QCOMPARE(value.toUcs4().size(), 1024);
        const auto put = [&](const QByteArray &member, const QString &text) {
            return client().send("PUT", d + '/' + member + "?prevExist=false", "value=" + QUrl::toPercentEncoding(text),
                                 "application/x-www-form-urlencoded");
        };
        const HttpResponse accepted = put("7044d85b7e4db59d", value);
        QCOMPARE(accepted.status, 201);
        QCOMPARE(accepted.json().value(QStringLiteral("node")).toObject().value(QStringLiteral("value")).toString(), value);
        QCOMPARE(put("a1b2c3d4e5f60718", value + QStringLiteral("\U0001F600")).status, 400);
    }

    void newTokenRejectsBadSizes()
    {
        for (const QByteArray &size : {QByteArray("abc"), QByteArray("0"), QByteArray("-1"), QByteArray("2.5"), QByteArray("100000")}) {
            const HttpResponse response = client().get("/new?size=" + size);
            QCOMPARE(response.status, 400);
            QVERIFY(response.json().value(QStringLiteral("error")).toString().contains(QStringLiteral("size")));
        }
        QCOMPARE(client().post("/new").status, 405);
    }

    void threeMembersJoinAsEtcdDoes()
    {
        const QByteArray d = newToken(3);
        const QList<QByteArray> ids{"7044d85b7e4db59d", "a1b2c3d4e5f60718", "0badc0ffee123456"};
        for (int i = 0; i < 3; ++i) {
            const QByteArray name = "m" + QByteArray::number(i + 1);
            const QByteArray peer = "http://127.0.0.1:2380" + QByteArray::number(i + 1);

            // 1. the size, as a JSON string holding an integer
            const HttpResponse size = client().get(d + "/_config/size" + Query);
            QCOMPARE(size.status, 200);
            QCOMPARE(size.headers.value("content-type"), QByteArray("application/json"));
            QCOMPARE(size.json().value(QStringLiteral("action")).toString(), QStringLiteral("get"));
            QCOMPARE(size.json().value(QStringLiteral("node")).toObject().value(QStringLiteral("key")).toString(),
                     QString::fromUtf8(d + "/_config/size"));
            QVERIFY(size.json().value(QStringLiteral("node")).toObject().value(QStringLiteral("value")).isString());

            // 2. the members so far, in createdIndex order
            const HttpResponse dir = client().get(d + Query);
            QCOMPARE(dir.status, 200);
            const QJsonObject dirNode = dir.json().value(QStringLiteral("node")).toObject();
            QCOMPARE(dirNode.value(QStringLiteral("dir")).toBool(), true);
            QCOMPARE(dirNode.value(QStringLiteral("key")).toString(), QString::fromUtf8(d));
            QCOMPARE(dirNode.contains(QStringLiteral("nodes")), i > 0); // absent while empty
            QCOMPARE(dirNode.value(QStringLiteral("nodes")).toArray().size(), i);
            QCOMPARE(dir.headers.value("x-etcd-index").toLongLong(), i + 1);

            // 3. the member PUT
            const HttpResponse put = client().send("PUT", d + "/" + ids.at(i) + "?prevExist=false",
                                                   memberBody(name, peer), "application/x-www-form-urlencoded");
            QCOMPARE(put.status, 201);
            const QJsonObject node = put.json().value(QStringLiteral("node")).toObject();
            QCOMPARE(put.json().value(QStringLiteral("action")).toString(), QStringLiteral("create"));
            QCOMPARE(node.value(QStringLiteral("key")).toString(), QString::fromUtf8(d + "/" + ids.at(i)));
            QCOMPARE(node.value(QStringLiteral("value")).toString(), QString::fromLatin1(name + '=' + peer));
            const qint64 created = node.value(QStringLiteral("createdIndex")).toInteger();
            QCOMPARE(created, i + 2); // strictly increasing: 2, 3, 4
            QCOMPARE(node.value(QStringLiteral("modifiedIndex")).toInteger(), created);
            QCOMPARE(put.headers.value("x-etcd-index").toLongLong(), created);

            // 4. a wait at its own index is answered at once, from history
            const HttpResponse own = client().get(d + "/" + ids.at(i) + "?recursive=false&wait=true&waitIndex=" + QByteArray::number(created));
            QCOMPARE(own.status, 200);
            QCOMPARE(own.json().value(QStringLiteral("action")).toString(), QStringLiteral("create"));
            QCOMPARE(own.json().value(QStringLiteral("node")).toObject(), node);
        }
        // 5-6 again: three members sorted by createdIndex; X-Etcd-Index is the newest.
        const HttpResponse dir = client().get(d + Query);
        QCOMPARE(dir.headers.value("x-etcd-index"), QByteArray("4"));
        const QJsonArray members = dir.json().value(QStringLiteral("node")).toObject().value(QStringLiteral("nodes")).toArray();
        QCOMPARE(members.size(), 3);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(members.at(i).toObject().value(QStringLiteral("createdIndex")).toInteger(), i + 2);

        // 7. a recursive wait for an index in the past is answered at once with that event.
        const HttpResponse past = client().get(d + "?recursive=true&wait=true&waitIndex=3");
        QCOMPARE(past.status, 200);
        QCOMPARE(past.json().value(QStringLiteral("node")).toObject().value(QStringLiteral("key")).toString(),
                 QString::fromUtf8(d + "/" + ids.at(1)));

        // DiscoDesk shows them as the token's nodes, with name and peer URLs.
        const HttpResponse admin = client().get("/api/v1/ids/" + d.mid(6));
        QCOMPARE(admin.json().value(QStringLiteral("kind")).toString(), QStringLiteral("etcd"));
        QCOMPARE(admin.json().value(QStringLiteral("expected_size")).toInt(), 3);
        const QJsonObject first = admin.jsonArray(QStringLiteral("nodes")).at(0).toObject();
        QCOMPARE(first.value(QStringLiteral("addr")).toString(), QStringLiteral("7044d85b7e4db59d"));
        QCOMPARE(first.value(QStringLiteral("name")).toString(), QStringLiteral("m1"));
        QCOMPARE(first.value(QStringLiteral("peer_urls")).toArray().at(0).toString(), QStringLiteral("http://127.0.0.1:23801"));
    }

    void tokensSurviveExportImportAndPrune()
    {
        const QByteArray d = newToken(3);
        client().send("PUT", d + "/aaaa?prevExist=false", memberBody("m1", "http://127.0.0.1:23801"));
        client().send("PUT", d + "/bbbb?prevExist=false", memberBody("m2", "http://127.0.0.1:23802"));
        const HttpResponse exported = client().get("/api/v1/export?ids=" + d.mid(6));
        QCOMPARE(exported.status, 200);

        TestServer other;
        QVERIFY(other.start());
        QCOMPARE(other.client().post("/api/v1/import", exported.body).status, 200);
        // The imported token answers etcd exactly as the original does.
        QCOMPARE(other.client().get(d + Query).body, client().get(d + Query).body);
        QCOMPARE(other.client().get(d + Query).headers.value("x-etcd-index"), QByteArray("3"));
        QCOMPARE(other.client().get(d + "/_config/size").json(), client().get(d + "/_config/size").json());
        const HttpResponse next = other.client().send("PUT", d + "/cccc?prevExist=false", memberBody("m3", "http://127.0.0.1:23803"));
        QCOMPARE(next.json().value(QStringLiteral("node")).toObject().value(QStringLiteral("createdIndex")).toInt(), 4);

        // Prune sees tokens like any ID.
        const HttpResponse pruned = client().post("/api/v1/prune", R"({"created_before":"2999-01-01T00:00:00Z"})");
        QCOMPARE(pruned.json().value(QStringLiteral("removed")).toObject().value(QStringLiteral("nodes")).toInt(), 2);
        QCOMPARE(client().get(d + Query).status, 404);
    }

    void memberThatRegistersAgainGets412()
    {
        const QByteArray d = newToken(3);
        const QByteArray path = d + "/7044d85b7e4db59d?prevExist=false";
        QCOMPARE(client().send("PUT", path, memberBody("m1", "http://127.0.0.1:23801"), "application/x-www-form-urlencoded").status, 201);
        const HttpResponse again = client().send("PUT", path, memberBody("m1", "http://127.0.0.1:23801"), "application/x-www-form-urlencoded");
        QCOMPARE(again.status, 412);
        QCOMPARE(again.json().value(QStringLiteral("errorCode")).toInt(), 105);
        QCOMPARE(again.json().value(QStringLiteral("message")).toString(), QStringLiteral("Key already exists"));
        QCOMPARE(again.json().value(QStringLiteral("cause")).toString(), QString::fromUtf8(d + "/7044d85b7e4db59d"));
        QCOMPARE(again.json().value(QStringLiteral("index")).toInt(), 2);
        QCOMPARE(again.headers.value("x-etcd-index"), QByteArray("2"));
    }

    void errorsAreEtcdJson_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("errorCode");
        const QByteArray unknown = "/etcd/00000000000000000000000000000000";
        QTest::newRow("unknown size") << QByteArray("GET") << unknown + "/_config/size" + Query << QByteArray() << 404 << 100;
        QTest::newRow("unknown dir") << QByteArray("GET") << unknown + Query << QByteArray() << 404 << 100;
        QTest::newRow("unknown dir wait") << QByteArray("GET") << unknown + "?recursive=true&wait=true&waitIndex=2" << QByteArray() << 404 << 100;
        QTest::newRow("unknown token put") << QByteArray("PUT") << unknown + "/abc?prevExist=false" << memberBody("m1", "http://x:1") << 404 << 100;
        QTest::newRow("bad token") << QByteArray("GET") << QByteArray("/etcd/..%2F..") << QByteArray() << 404 << 100;
        QTest::newRow("unknown key") << QByteArray("GET") << QByteArray("/etcd/TOKEN/abc") << QByteArray() << 404 << 100;
        QTest::newRow("deep key") << QByteArray("GET") << QByteArray("/etcd/TOKEN/a/b") << QByteArray() << 404 << 100;
        QTest::newRow("put without prevExist") << QByteArray("PUT") << QByteArray("/etcd/TOKEN/abc") << memberBody("m1", "http://x:1") << 400 << 209;
        QTest::newRow("put without value") << QByteArray("PUT") << QByteArray("/etcd/TOKEN/abc?prevExist=false") << QByteArray("other=1") << 400 << 209;
        QTest::newRow("put control char") << QByteArray("PUT") << QByteArray("/etcd/TOKEN/abc?prevExist=false") << QByteArray("value=a%0Ab") << 400 << 209;
        QTest::newRow("bad waitIndex") << QByteArray("GET") << QByteArray("/etcd/TOKEN?wait=true&waitIndex=soon") << QByteArray() << 400 << 209;
    }
    void errorsAreEtcdJson()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(int, errorCode);
        const QByteArray token = newToken().mid(6);
        const HttpResponse response = client().send(method, QByteArray(path).replace("TOKEN", token), body,
                                                    "application/x-www-form-urlencoded");
        QCOMPARE(response.status, status);
        QCOMPARE(response.json().value(QStringLiteral("errorCode")).toInt(), errorCode);
        QVERIFY(!response.json().value(QStringLiteral("message")).toString().isEmpty());
        QVERIFY(response.json().contains(QStringLiteral("index")));
        QVERIFY(response.headers.contains("x-etcd-index"));
    }

    void protocolsDoNotMix()
    {
        const QByteArray d = newToken();
        // An etcd token is not an rqlite ID, and an rqlite ID is not an etcd token.
        QCOMPARE(client().get(d.mid(5)).status, 404);
        QCOMPARE(client().post(d.mid(5), R"({"addr":"localhost:4001"})").status, 404);
        const QByteArray rqliteId = m_server->createId();
        QCOMPARE(client().get("/etcd/" + rqliteId).json().value(QStringLiteral("errorCode")).toInt(), 100);
        QCOMPARE(client().send("PUT", "/etcd/" + rqliteId + "/abc?prevExist=false", memberBody("m1", "http://x:1")).status, 404);
    }

    void heldWaitIsAnsweredByTheNextMember()
    {
        m_server->stop();
        m_server->config().etcdWaitTimeout = std::chrono::milliseconds(20000);
        QVERIFY(m_server->start());
        const QByteArray d = newToken();
        OpenRequest wait(m_server->port(), d + "?recursive=true&wait=true&waitIndex=2");
        QVERIFY(wait.isStillOpen());
        QTRY_COMPARE(openWaits(), 1);
        // Other requests are served while it waits.
        QCOMPARE(client().get("/healthz").status, 200);

        client().send("PUT", d + "/7044d85b7e4db59d?prevExist=false", memberBody("m1", "http://127.0.0.1:23801"));
        const HttpResponse event = wait.read();
        QCOMPARE(event.status, 200);
        QCOMPARE(event.json().value(QStringLiteral("action")).toString(), QStringLiteral("create"));
        QCOMPARE(event.json().value(QStringLiteral("node")).toObject().value(QStringLiteral("key")).toString(),
                 QString::fromUtf8(d + "/7044d85b7e4db59d"));
        QCOMPARE(event.json().value(QStringLiteral("node")).toObject().value(QStringLiteral("createdIndex")).toInt(), 2);
        QVERIFY(event.headers.contains("x-etcd-index"));
        QTRY_COMPARE(openWaits(), 0);
    }

    void heldKeyWaitIgnoresOtherMembers()
    {
        m_server->stop();
        m_server->config().etcdWaitTimeout = std::chrono::milliseconds(20000);
        QVERIFY(m_server->start());
        const QByteArray d = newToken();
        OpenRequest wait(m_server->port(), d + "/bbbb?recursive=false&wait=true&waitIndex=2");
        QTRY_COMPARE(openWaits(), 1);
        client().send("PUT", d + "/aaaa?prevExist=false", memberBody("m1", "http://127.0.0.1:23801"));
        QVERIFY(wait.isStillOpen());
        client().send("PUT", d + "/bbbb?prevExist=false", memberBody("m2", "http://127.0.0.1:23802"));
        const HttpResponse event = wait.read();
        QCOMPARE(event.json().value(QStringLiteral("node")).toObject().value(QStringLiteral("key")).toString(),
                 QString::fromUtf8(d + "/bbbb"));
    }

    void heldWaitTimesOutWithEmpty200()
    {
        const QByteArray d = newToken(); // the wait timeout is 500 ms here
        OpenRequest wait(m_server->port(), d + "?recursive=true&wait=true&waitIndex=2");
        const HttpResponse empty = wait.read();
        QCOMPARE(empty.status, 200);
        QCOMPARE(empty.body, QByteArray());
        QCOMPARE(empty.headers.value("x-etcd-index"), QByteArray("1"));
        QTRY_COMPARE(openWaits(), 0);
    }

    void clientsThatLeaveWhileWaitingLeaveNothingBehind()
    {
        m_server->stop();
        m_server->config().etcdWaitTimeout = std::chrono::milliseconds(60000);
        QVERIFY(m_server->start());
        const QByteArray d = newToken();
        std::vector<std::unique_ptr<OpenRequest>> waits;
        for (int i = 0; i < 300; ++i)
            waits.push_back(std::make_unique<OpenRequest>(m_server->port(), d + "?recursive=true&wait=true&waitIndex=2"));
        QTRY_COMPARE_WITH_TIMEOUT(openWaits(), 300, 10000);
        QCOMPARE(client().get(d + Query).status, 200); // still serving

        for (auto &wait : waits)
            wait->close();
        QTRY_COMPARE_WITH_TIMEOUT(openWaits(), 0, 10000);
        // A member registering afterwards has no one to wake, and nothing crashes.
        QCOMPARE(client().send("PUT", d + "/7044d85b7e4db59d?prevExist=false", memberBody("m1", "http://x:1")).status, 201);
        QCOMPARE(client().get("/healthz").status, 200);
    }

    void shutdownWithWaitsOpenIsClean()
    {
        m_server->stop();
        m_server->config().etcdWaitTimeout = std::chrono::milliseconds(60000);
        QVERIFY(m_server->start());
        const QByteArray d = newToken();
        std::vector<std::unique_ptr<OpenRequest>> waits;
        for (int i = 0; i < 100; ++i)
            waits.push_back(std::make_unique<OpenRequest>(m_server->port(), d + "?recursive=true&wait=true&waitIndex=2"));
        QTRY_COMPARE_WITH_TIMEOUT(openWaits(), 100, 10000);
        m_server->stop();
        // The clients see their connections close without a reply.
        QCOMPARE(waits.front()->read().status, 0);
        QVERIFY(m_server->start());
        QCOMPARE(client().get(d + "/_config/size").status, 200);
    }
};

QTEST_GUILESS_MAIN(TestEtcdProtocol)
#include "tst_etcdprotocol.moc"
