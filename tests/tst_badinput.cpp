// Malformed requests of every kind, each answered with its exact status, and the
// store exactly as it was afterwards: nothing lost, nothing added, nothing crashed.

#include "support/TestServer.h"

#include <QJsonDocument>
#include <QTest>

class TestBadInput : public QObject
{
    Q_OBJECT

private:
    TestServer m_server;
    QByteArray m_id;    // an rqlite ID with one node
    QByteArray m_token; // an etcd token with one member

    // Everything the store holds, as the admin API exports it (minus the export time).
    QJsonValue storeContents()
    {
        return m_server.client().get("/api/v1/export").json().value(QStringLiteral("ids"));
    }

    QByteArray request(const QByteArray &method, const QByteArray &target, const QByteArray &body = {},
                       const QByteArray &extraHeaders = {})
    {
        return method + ' ' + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + extraHeaders
            + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    }

    // An import file of one new ID, with extra fields in the ID.
    static QByteArray importOf(const QByteArray &fields)
    {
        return "{\"format\":\"discodesk-export\",\"format_version\":1,\"ids\":[{\"id\":\"new-one\",\"kind\":\"rqlite\","
               "\"created_at\":\"2026-01-01T00:00:00Z\"," + fields + "}]}";
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_server.start());
        m_id = m_server.createId();
        QCOMPARE(m_server.client().post("/" + m_id, R"({"addr":"localhost:4001"})").status, 200);
        m_token = QUrl(QString::fromUtf8(m_server.client().get("/new?size=3").body)).path().mid(6).toUtf8();
        QCOMPARE(m_server.client().send("PUT", "/etcd/" + m_token + "/aaaa?prevExist=false", "value=m1%3Dhttp%3A%2F%2Fx%3A1").status, 201);
    }

    void refused_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<int>("status");
        const QByteArray id = "ID";
        const QByteArray bigAddr = "{\"addr\":\"" + QByteArray(2000, 'a') + ":1\"}";

        // rqlite bodies
        QTest::newRow("truncated json") << request("POST", "/" + id, "{\"addr\":\"localhost:4") << 400;
        QTest::newRow("invalid json") << request("POST", "/" + id, "{addr: localhost:4001}") << 400;
        QTest::newRow("empty body") << request("POST", "/" + id, "") << 400;
        QTest::newRow("json array") << request("POST", "/" + id, "[\"localhost:4001\"]") << 400;
        QTest::newRow("json string") << request("POST", "/" + id, "\"localhost:4001\"") << 400;
        QTest::newRow("json number") << request("POST", "/" + id, "4001") << 400;
        QTest::newRow("no addr key") << request("POST", "/" + id, "{\"address\":\"localhost:4001\"}") << 400;
        QTest::newRow("addr number") << request("POST", "/" + id, "{\"addr\":4001}") << 400;
        QTest::newRow("addr array") << request("POST", "/" + id, "{\"addr\":[\"a:1\"]}") << 400;
        QTest::newRow("addr object") << request("POST", "/" + id, "{\"addr\":{\"host\":\"a\"}}") << 400;
        QTest::newRow("addr bool") << request("POST", "/" + id, "{\"addr\":true}") << 400;
        QTest::newRow("addr null") << request("POST", "/" + id, "{\"addr\":null}") << 400;
        QTest::newRow("addr empty") << request("POST", "/" + id, "{\"addr\":\"\"}") << 400;
        QTest::newRow("addr blank") << request("POST", "/" + id, "{\"addr\":\"   \"}") << 400;
        QTest::newRow("addr huge") << request("POST", "/" + id, bigAddr) << 400;
        QTest::newRow("addr newline") << request("POST", "/" + id, "{\"addr\":\"a:1\\nb:2\"}") << 400;
        QTest::newRow("addr NUL escape") << request("POST", "/" + id, "{\"addr\":\"a\\u0000:1\"}") << 400;
        QTest::newRow("NUL byte in body") << request("POST", "/" + id, QByteArray("{\"addr\":\"a\0:1\"}", 15)) << 400;
        QTest::newRow("invalid utf-8") << request("POST", "/" + id, "{\"addr\":\"\xff\xfe:1\"}") << 400;
        QTest::newRow("duplicate keys") << request("POST", "/" + id, "{\"addr\":\"a:1\",\"addr\":\"b:2\"}") << 400;
        QTest::newRow("delete body array") << request("DELETE", "/" + id, "[]") << 400;
        QTest::newRow("addr words") << request("POST", "/" + id, "{\"addr\":\"my laptop\"}") << 400;
        QTest::newRow("addr no port") << request("POST", "/" + id, "{\"addr\":\"localhost\"}") << 400;
        QTest::newRow("addr port 0") << request("POST", "/" + id, "{\"addr\":\"localhost:0\"}") << 400;
        QTest::newRow("addr port too big") << request("POST", "/" + id, "{\"addr\":\"localhost:65536\"}") << 400;
        QTest::newRow("addr lone high surrogate") << request("POST", "/" + id, "{\"addr\":\"http://h:1/\\ud800x\"}") << 400;
        QTest::newRow("addr lone low surrogate") << request("POST", "/" + id, "{\"addr\":\"http://h:1/\\udc00\"}") << 400;
        QTest::newRow("addr url without host") << request("POST", "/" + id, "{\"addr\":\"http://:4001\"}") << 400;
        QTest::newRow("addr bad ipv6") << request("POST", "/" + id, "{\"addr\":\"[::1:4001\"}") << 400;
        QTest::newRow("unknown id") << request("POST", "/00000000-0000-4000-8000-000000000000", "{\"addr\":\"a:1\"}") << 404;

        // paths
        QTest::newRow("path traversal") << request("GET", "/../../etc/passwd") << 404;
        QTest::newRow("encoded traversal") << request("GET", "/..%2F..%2Fetc%2Fpasswd") << 404;
        QTest::newRow("admin traversal") << request("GET", "/api/v1/ids/..%2F..") << 404;
        QTest::newRow("sql in id") << request("POST", "/x';DROP%20TABLE%20nodes;--", "{\"addr\":\"a:1\"}") << 404;
        QTest::newRow("NUL in path") << request("GET", "/abc%00def") << 404;
        QTest::newRow("invalid utf-8 path") << request("GET", "/%ff%fe") << 404;
        QTest::newRow("id too long") << request("GET", "/" + QByteArray(65, 'a')) << 404;
        QTest::newRow("double slash") << request("POST", "//" + id, "{\"addr\":\"a:1\"}") << 400;

        // methods
        QTest::newRow("PUT id") << request("PUT", "/" + id, "{\"addr\":\"a:1\"}") << 405;
        QTest::newRow("PATCH root") << request("PATCH", "/", "{}") << 405;
        QTest::newRow("DELETE root") << request("DELETE", "/") << 405;
        QTest::newRow("OPTIONS admin") << request("OPTIONS", "/api/v1/ids") << 405;
        QTest::newRow("made-up method") << request("BREW", "/" + id) << 405;

        // the HTTP layer
        QTest::newRow("garbage request line") << QByteArray("GARBAGE\r\n\r\n") << 400;
        QTest::newRow("huge request line") << request("GET", "/" + QByteArray(20000, 'a')) << 431;
        QTest::newRow("huge header") << request("GET", "/healthz", {}, "X-Big: " + QByteArray(20000, 'b') + "\r\n") << 431;
        QTest::newRow("huge body") << QByteArray("POST /" + id + " HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n") << 413;
        QTest::newRow("bad content-length") << QByteArray("POST /" + id + " HTTP/1.1\r\nHost: x\r\nContent-Length: lots\r\n\r\n") << 400;
        QTest::newRow("chunked body") << QByteArray("POST /" + id + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n") << 411;

        // admin API
        QTest::newRow("admin label type") << request("POST", "/api/v1/ids", "{\"label\":[1]}") << 400;
        QTest::newRow("admin duplicate keys") << request("POST", "/api/v1/ids", "{\"label\":\"a\",\"label\":\"b\"}") << 400;
        QTest::newRow("admin sql in filter") << request("GET", "/api/v1/ids?filter=%25'%20OR%201=1%20--") << 200;
        QTest::newRow("prune invalid json") << request("POST", "/api/v1/prune", "{\"no_nodes\":tru") << 400;
        QTest::newRow("prune no rule") << request("POST", "/api/v1/prune", "{}") << 400;
        QTest::newRow("import not export") << request("POST", "/api/v1/import", "{\"ids\":[]}") << 400;
        QTest::newRow("import invalid node") << request("POST", "/api/v1/import",
            "{\"format\":\"discodesk-export\",\"format_version\":1,\"ids\":[{\"id\":\"new-one\",\"kind\":\"rqlite\","
            "\"created_at\":\"2026-01-01T00:00:00Z\",\"nodes\":[{\"addr\":\"\",\"first_registered\":\"2026-01-01T00:00:00Z\"}]}]}") << 400;
        QTest::newRow("patch unknown field") << request("PATCH", "/api/v1/ids/" + id, "{\"owner\":\"me\"}") << 400;
        // Keys compare as the parser reads them, and null is a wrong type: each of these
        // once ran a real prune of everything (or changed the store).
        QTest::newRow("prune escaped duplicate key") << request("POST", "/api/v1/prune",
            R"({"created_before":"2999-01-01T00:00:00Z","dry_run":true,"dry_r\u0075n":false})") << 400;
        QTest::newRow("prune dry_run null") << request("POST", "/api/v1/prune",
            R"({"created_before":"2999-01-01T00:00:00Z","dry_run":null})") << 400;
        QTest::newRow("prune no_nodes null") << request("POST", "/api/v1/prune",
            R"({"created_before":"2999-01-01T00:00:00Z","no_nodes":null,"dry_run":true})") << 400;
        QTest::newRow("prune created_before null") << request("POST", "/api/v1/prune",
            R"({"created_before":null,"no_nodes":true,"dry_run":true})") << 400;
        QTest::newRow("create label null") << request("POST", "/api/v1/ids", R"({"label":null})") << 400;
        QTest::newRow("create kind number") << request("POST", "/api/v1/ids", R"({"kind":1})") << 400;
        QTest::newRow("create size text") << request("POST", "/api/v1/ids", R"({"expected_size":"3"})") << 400;
        QTest::newRow("create escaped duplicate key") << request("POST", "/api/v1/ids", R"({"label":"a","l\u0061bel":"b"})") << 400;
        QTest::newRow("create label lone surrogate") << request("POST", "/api/v1/ids", R"({"label":"a\ud800"})") << 400;
        QTest::newRow("patch label null") << request("PATCH", "/api/v1/ids/" + id, R"({"label":null})") << 400;
        QTest::newRow("import label null") << request("POST", "/api/v1/import", importOf(R"("label":null)")) << 400;
        QTest::newRow("import last_activity null") << request("POST", "/api/v1/import", importOf(R"("last_activity":null)")) << 400;
        QTest::newRow("import node_count text") << request("POST", "/api/v1/import", importOf(R"("node_count":"1")")) << 400;
        QTest::newRow("import exported_at number") << request("POST", "/api/v1/import",
            QByteArray(importOf(R"("label":"x")")).replace("{\"format\"", "{\"exported_at\":5,\"format\"")) << 400;
        // C1 controls (U+0080 to U+009F) are control characters too.
        QTest::newRow("label C1 control") << request("POST", "/api/v1/ids", R"({"label":"a\u009b31mb"})") << 400;
        QTest::newRow("addr C1 control") << request("POST", "/" + id, "{\"addr\":\"http://a:1/\\u0085\"}") << 400;
        QTest::newRow("delete node no addr") << request("DELETE", "/api/v1/ids/" + id + "/nodes") << 400;

        // etcd
        QTest::newRow("etcd size text") << request("GET", "/new?size=three") << 400;
        QTest::newRow("etcd put no value") << request("PUT", "/etcd/TOKEN/bbbb?prevExist=false", "valu=x") << 400;
        QTest::newRow("etcd put huge value") << request("PUT", "/etcd/TOKEN/bbbb?prevExist=false", "value=" + QByteArray(2000, 'v')) << 400;
        QTest::newRow("etcd put existing") << request("PUT", "/etcd/TOKEN/aaaa?prevExist=false", "value=m9%3Dhttp%3A%2F%2Fy%3A1") << 412;
        QTest::newRow("etcd reserved member") << request("PUT", "/etcd/TOKEN/_config?prevExist=false", "value=x") << 404;
        QTest::newRow("etcd value C1 control") << request("PUT", "/etcd/TOKEN/bbbb?prevExist=false", "value=m2%C2%9B%3Dhttp%3A%2F%2Fy%3A1") << 400;
        QTest::newRow("etcd bad waitIndex") << request("GET", "/etcd/TOKEN?wait=true&waitIndex=-3") << 400;
    }

    void refused()
    {
        QFETCH(QByteArray, raw);
        QFETCH(int, status);
        raw.replace("/ID", "/" + m_id).replace("TOKEN", m_token);
        const QJsonValue before = storeContents();
        const HttpResponse response = m_server.client().raw(raw);
        QCOMPARE(response.status, status);
        QCOMPARE(response.headers.value("content-type"), QByteArray("application/json"));
        QVERIFY2(!response.json().isEmpty(), response.body.constData()); // a JSON message, always
        QCOMPARE(storeContents(), before);
        QCOMPARE(m_server.client().get("/healthz").status, 200);
    }
};

QTEST_GUILESS_MAIN(TestBadInput)
#include "tst_badinput.moc"
