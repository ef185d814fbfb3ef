// The admin JSON API under /api/v1 and /healthz over real loopback HTTP.

#include "core/ExchangeFormat.h"
#include "http/AdminApi.h"
#include "service/DiscoveryService.h"
#include "service/GroupCommit.h"
#include "service/ExportStream.h"
#include "store/Store.h"
#include "support/ExtremeRecords.h"
#include "support/TestDatabase.h"
#include "support/TestServer.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>
#include <QUrl>

namespace {

QStringList idsOf(const QJsonArray &array, const QString &key = QStringLiteral("id"))
{
    QStringList list;
    for (const QJsonValue &value : array)
        list << value.toObject().value(key).toString();
    return list;
}

QString errorOf(const HttpResponse &response)
{
    return response.json().value(QStringLiteral("error")).toString();
}

const QString Jan1 = QStringLiteral("2026-01-01T00:00:00Z");

// An export file of the given IDs.
QByteArray exportFile(const QJsonArray &ids)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("format"), QStringLiteral("discodesk-export")},
                                     {QStringLiteral("format_version"), 1},
                                     {QStringLiteral("ids"), ids}})
        .toJson();
}

} // namespace

class TestAdminApi : public QObject
{
    Q_OBJECT

private:
    TestServer *m_server = nullptr;
    HttpClient client() const { return m_server->client(); }

    QByteArray createLabelled(const QString &label)
    {
        const HttpResponse response = client().post(
            "/api/v1/ids", QJsonDocument(QJsonObject{{QStringLiteral("label"), label}}).toJson());
        return response.json().value(QStringLiteral("id")).toString().toUtf8();
    }
    QByteArray exportAll() { return client().get("/api/v1/export").body; }

    // count rqlite IDs of three nodes each, straight through the service: about 1 KiB
    // of export each.
    bool fillStore(int count)
    {
        QList<DiscoveryIdWithNodes> records;
        const Timestamp now = Timestamp::now();
        for (int i = 0; i < count; ++i) {
            DiscoveryIdWithNodes record;
            record.id.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
            record.id.createdAt = record.id.lastActivity = now;
            record.id.label = QStringLiteral("cluster %1").arg(i);
            for (int n = 0; n < 3; ++n) {
                Node node;
                node.address = QStringLiteral("127.0.0.1:%1").arg(4001 + 2 * n);
                node.firstRegistered = node.lastSeen = now;
                node.registeredBy = QStringLiteral("127.0.0.1");
                record.nodes.append(node);
            }
            record.id.nodeCount = 3;
            records.append(record);
        }
        // Committed at once, as a request's pass would: an export reads through a
        // connection of its own.
        return m_server->onServerThread([&](DiscoveryServer &server) {
            return server.service().importIds(records).ok() && !server.groupCommit().commitNow();
        });
    }

    // Sends an export request on a connection of its own and reads only the reply's
    // first line: the client then reads nothing more.
    std::unique_ptr<QTcpSocket> startExportAndStopReading()
    {
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(QStringLiteral("127.0.0.1"), m_server->port());
        if (!socket->waitForConnected(5000))
            return nullptr;
        socket->write("GET /api/v1/export HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        while (!socket->canReadLine()) {
            if (!socket->waitForReadyRead(10000))
                return nullptr;
        }
        return socket->readLine().startsWith("HTTP/1.1 200 ") ? std::move(socket) : nullptr;
    }

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

    void healthz()
    {
        const HttpResponse response = client().get("/healthz");
        QCOMPARE(response.status, 200);
        QCOMPARE(response.json().value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
        QCOMPARE(client().post("/healthz").status, 405);
    }

    void createGetLabelDelete()
    {
        const HttpResponse created = client().post("/api/v1/ids", R"({"label":"demo"})");
        QCOMPARE(created.status, 201);
        const QJsonObject id = created.json();
        QCOMPARE(id.value(QStringLiteral("label")).toString(), QStringLiteral("demo"));
        QCOMPARE(id.value(QStringLiteral("kind")).toString(), QStringLiteral("rqlite"));
        QCOMPARE(id.value(QStringLiteral("node_count")).toInt(), 0);
        QVERIFY(id.value(QStringLiteral("nodes")).toArray().isEmpty());
        QVERIFY(id.value(QStringLiteral("created_at")).toString().endsWith(u'Z'));
        const QByteArray path = "/api/v1/ids/" + id.value(QStringLiteral("id")).toString().toUtf8();

        // The rqlite protocol sees the same ID.
        QCOMPARE(client().post("/" + id.value(QStringLiteral("id")).toString().toUtf8(),
                               R"({"addr":"localhost:4001"})").status, 200);
        const HttpResponse got = client().get(path);
        QCOMPARE(got.status, 200);
        const QJsonObject node = got.jsonArray(QStringLiteral("nodes")).at(0).toObject();
        QCOMPARE(node.value(QStringLiteral("addr")).toString(), QStringLiteral("localhost:4001"));
        QCOMPARE(node.value(QStringLiteral("registrations")).toInt(), 1);
        QCOMPARE(node.value(QStringLiteral("registered_by")).toString(), QStringLiteral("127.0.0.1"));
        QCOMPARE(got.json().value(QStringLiteral("node_count")).toInt(), 1);

        const HttpResponse patched = client().patch(path, R"({"label":"renamed"})");
        QCOMPARE(patched.status, 200);
        QCOMPARE(patched.json().value(QStringLiteral("label")).toString(), QStringLiteral("renamed"));
        QCOMPARE(client().get(path).json().value(QStringLiteral("label")).toString(), QStringLiteral("renamed"));

        QCOMPARE(client().del(path).status, 200);
        QCOMPARE(client().get(path).status, 404);
        QCOMPARE(client().del(path).status, 404);
    }

    void createWithoutBody()
    {
        const HttpResponse created = client().send("POST", "/api/v1/ids", {}, QByteArray());
        QCOMPARE(created.status, 201);
        QCOMPARE(created.json().value(QStringLiteral("label")).toString(), QString());
    }

    void deleteOneNode()
    {
        const QByteArray id = m_server->createId();
        client().post("/" + id, "{\"addr\":\"http://localhost:4001\"}");
        client().post("/" + id, R"({"addr":"localhost:4003"})");
        const QByteArray addr = QUrl::toPercentEncoding(QStringLiteral("http://localhost:4001"));
        const HttpResponse removed = client().del("/api/v1/ids/" + id + "/nodes?addr=" + addr);
        QCOMPARE(removed.status, 200);
        QCOMPARE(idsOf(removed.jsonArray(QStringLiteral("nodes")), QStringLiteral("addr")),
                 QStringList{QStringLiteral("localhost:4003")});
        const HttpResponse again = client().del("/api/v1/ids/" + id + "/nodes?addr=" + addr);
        QCOMPARE(again.status, 404);
        QVERIFY(errorOf(again).contains(QStringLiteral("is not registered")));
        QCOMPARE(client().del("/api/v1/ids/" + id + "/nodes").status, 400);
    }

    void listPagesFiltersAndSorts()
    {
        QList<QByteArray> ids;
        for (int i = 0; i < 7; ++i)
            ids << createLabelled(i < 3 ? QStringLiteral("alpha %1").arg(i) : QStringLiteral("beta %1").arg(i));
        client().post("/" + ids.at(1), R"({"addr":"localhost:4001"})");

        const HttpResponse all = client().get("/api/v1/ids");
        QCOMPARE(all.json().value(QStringLiteral("total")).toInt(), 7);
        QCOMPARE(idsOf(all.jsonArray(QStringLiteral("ids"))).first(), QString::fromUtf8(ids.last())); // newest first

        const HttpResponse page = client().get("/api/v1/ids?limit=3&offset=6");
        QCOMPARE(page.json().value(QStringLiteral("total")).toInt(), 7);
        QCOMPARE(idsOf(page.jsonArray(QStringLiteral("ids"))), QStringList{QString::fromUtf8(ids.first())});

        const HttpResponse alpha = client().get("/api/v1/ids?filter=ALPHA");
        QCOMPARE(alpha.json().value(QStringLiteral("total")).toInt(), 3);

        const HttpResponse active = client().get("/api/v1/ids?sort=activity&limit=1");
        const QJsonObject first = active.jsonArray(QStringLiteral("ids")).at(0).toObject();
        QCOMPARE(first.value(QStringLiteral("id")).toString(), QString::fromUtf8(ids.at(1)));
        QCOMPARE(first.value(QStringLiteral("node_count")).toInt(), 1);
    }

    void pruneDryRunThenPrune()
    {
        const QByteArray empty = createLabelled(QStringLiteral("empty"));
        const QByteArray used = m_server->createId();
        client().post("/" + used, R"({"addr":"localhost:4001"})");
        const QByteArray body = R"({"no_nodes":true,"not_seen_since":"2999-01-01T00:00:00Z","dry_run":true})";

        const HttpResponse preview = client().post("/api/v1/prune", body);
        QCOMPARE(preview.status, 200);
        QCOMPARE(preview.json().value(QStringLiteral("dry_run")).toBool(), true);
        QCOMPARE(idsOf(preview.jsonArray(QStringLiteral("ids"))), QStringList{QString::fromUtf8(empty)});
        QCOMPARE(idsOf(preview.jsonArray(QStringLiteral("nodes")), QStringLiteral("addr")),
                 QStringList{QStringLiteral("localhost:4001")});
        QCOMPARE(client().get("/api/v1/ids").json().value(QStringLiteral("total")).toInt(), 2);

        const HttpResponse pruned = client().post("/api/v1/prune", QByteArray(body).replace("true}", "false}"));
        QCOMPARE(pruned.status, 200);
        QCOMPARE(pruned.json().value(QStringLiteral("dry_run")).toBool(), false);
        QCOMPARE(pruned.json().value(QStringLiteral("removed")), preview.json().value(QStringLiteral("removed")));
        QCOMPARE(pruned.json().value(QStringLiteral("ids")), preview.json().value(QStringLiteral("ids")));
        QCOMPARE(pruned.json().value(QStringLiteral("nodes")), preview.json().value(QStringLiteral("nodes")));
        QCOMPARE(client().get("/" + empty).status, 404);
        QCOMPARE(client().get("/" + used).json().value(QStringLiteral("nodes")).toArray().size(), 0);
    }

    // A prune of more IDs than are reported one by one: the reply counts what went,
    // what stays is still served, and no lookup is answered from a stale cached reply.
    void aBigPruneRemovesWhatItSaysAndLookupsAgree()
    {
        QList<QByteArray> ids;
        for (int i = 0; i < 1010; ++i) {
            ids << m_server->createId();
            QCOMPARE(client().post("/" + ids.constLast(), R"({"addr":"localhost:4001"})").status, 200);
            QCOMPARE(client().get("/" + ids.constLast()).status, 200); // now cached
        }
        const QByteArray empty = createLabelled(QStringLiteral("no nodes"));
        const HttpResponse pruned = client().post("/api/v1/prune", R"({"not_seen_since":"2999-01-01T00:00:00Z"})");
        QCOMPARE(pruned.status, 200);
        const QJsonObject removed = pruned.json().value(QStringLiteral("removed")).toObject();
        QCOMPARE(removed.value(QStringLiteral("ids")).toInt(), 0);
        QCOMPARE(removed.value(QStringLiteral("nodes")).toInt(), 1010);
        // All counted, a page listed: a prune of half a million stays a small reply.
        QCOMPARE(pruned.jsonArray(QStringLiteral("nodes")).size(), PruneResult::MaxListed);
        QCOMPARE(pruned.json().value(QStringLiteral("listed_all")), QJsonValue(false));
        for (const QByteArray &id : {ids.constFirst(), ids.at(500), ids.constLast()})
            QCOMPARE(client().get("/" + id).json().value(QStringLiteral("nodes")).toArray().size(), 0);

        const HttpResponse emptied = client().post("/api/v1/prune", R"({"no_nodes":true})");
        QCOMPARE(emptied.json().value(QStringLiteral("removed")).toObject().value(QStringLiteral("ids")).toInt(), 1011);
        QCOMPARE(emptied.jsonArray(QStringLiteral("ids")).size(), PruneResult::MaxListed);
        for (const QByteArray &id : {ids.constFirst(), ids.at(500), ids.constLast(), empty})
            QCOMPARE(client().get("/" + id).status, 404);
        QCOMPARE(client().get("/api/v1/ids").json().value(QStringLiteral("total")).toInt(), 0);
    }

    void pruneByCreationTime()
    {
        const QByteArray old = m_server->createId();
        const HttpResponse preview = client().post("/api/v1/prune", R"({"created_before":"2999-01-01T00:00:00+01:00","dry_run":true})");
        QCOMPARE(idsOf(preview.jsonArray(QStringLiteral("ids"))), QStringList{QString::fromUtf8(old)});
        const HttpResponse none = client().post("/api/v1/prune", R"({"created_before":"2000-01-01T00:00:00Z"})");
        QCOMPARE(none.json().value(QStringLiteral("removed")).toObject().value(QStringLiteral("ids")).toInt(), 0);
        QCOMPARE(client().get("/" + old).status, 200);
    }

    // no_nodes alone keeps its meaning (any age); with no_nodes_inactive_since it
    // leaves an ID made or active since, as the window's Prune does.
    void pruneNoNodesWithAnAge()
    {
        const QByteArray fresh = m_server->createId();
        const QString hourAgo = Timestamp::fromMicroseconds(Timestamp::now().microseconds() - 3600'000'000LL).toIso8601();
        const HttpResponse aged = client().post("/api/v1/prune", QJsonDocument(QJsonObject{
            {QStringLiteral("no_nodes"), true}, {QStringLiteral("no_nodes_inactive_since"), hourAgo},
            {QStringLiteral("dry_run"), true}}).toJson());
        QCOMPARE(aged.status, 200);
        QCOMPARE(aged.json().value(QStringLiteral("removed")).toObject().value(QStringLiteral("ids")).toInt(), 0);
        const HttpResponse anyAge = client().post("/api/v1/prune", R"({"no_nodes":true,"dry_run":true})");
        QCOMPARE(idsOf(anyAge.jsonArray(QStringLiteral("ids"))), QStringList{QString::fromUtf8(fresh)});
        const HttpResponse later = client().post(
            "/api/v1/prune", R"({"no_nodes":true,"no_nodes_inactive_since":"2999-01-01T00:00:00Z"})");
        QCOMPARE(idsOf(later.jsonArray(QStringLiteral("ids"))), QStringList{QString::fromUtf8(fresh)});
        QCOMPARE(client().get("/" + fresh).status, 404);
    }

    void exportThenImportIntoEmptyServer()
    {
        // Consul KV keys go along (format version 2): values byte for byte, and flags.
        QCOMPARE(client().send("PUT", "/v1/kv/rqlite/leader?flags=7", R"({"id":"1","addr":"localhost:4002"})",
                               "application/octet-stream").body, QByteArray("true"));
        QCOMPARE(client().send("PUT", "/v1/kv/other/leader", QByteArray("\x00\xff", 2), "application/octet-stream").body,
                 QByteArray("true"));
        for (int i = 0; i < 3; ++i) {
            const QByteArray id = createLabelled(QStringLiteral("cluster %1").arg(i));
            for (int n = 0; n <= i; ++n)
                client().post("/" + id, QByteArray(R"({"addr":"localhost:)") + QByteArray::number(4001 + 2 * n) + "\"}");
        }
        const HttpResponse exported = client().get("/api/v1/export");
        QCOMPARE(exported.status, 200);
        QVERIFY(exported.headers.value("content-disposition").contains("discodesk-export-"));
        const QJsonObject document = exported.json();
        QCOMPARE(document.value(QStringLiteral("format")).toString(), QStringLiteral("discodesk-export"));
        QCOMPARE(document.value(QStringLiteral("format_version")).toInt(), 2);
        QCOMPARE(document.value(QStringLiteral("ids")).toArray().size(), 3);
        QCOMPARE(document.value(QStringLiteral("kv")).toArray().size(), 2);

        TestServer other;
        QVERIFY(other.start());
        const HttpResponse imported = other.client().post("/api/v1/import", exported.body);
        QCOMPARE(imported.status, 200);
        QCOMPARE(imported.json().value(QStringLiteral("ids_added")).toInt(), 3);
        QCOMPARE(imported.json().value(QStringLiteral("nodes_added")).toInt(), 6);
        QCOMPARE(imported.json().value(QStringLiteral("kv_added")).toInt(), 2);
        QCOMPARE(other.client().get("/v1/kv/rqlite/leader?raw").body, QByteArray(R"({"id":"1","addr":"localhost:4002"})"));
        QCOMPARE(other.client().get("/v1/kv/other/leader?raw").body, QByteArray("\x00\xff", 2));
        QVERIFY(other.client().get("/v1/kv/rqlite/leader").body.contains("\"Flags\":7,"));
        const QByteArray indexAfterImport = other.client().get("/v1/kv/rqlite/leader").headers.value("x-consul-index");
        QCOMPARE(other.client().get("/api/v1/export").json().value(QStringLiteral("ids")),
                 document.value(QStringLiteral("ids")));

        // Idempotent: the same file again merges and changes nothing.
        const HttpResponse again = other.client().post("/api/v1/import", exported.body);
        QCOMPARE(again.json().value(QStringLiteral("ids_added")).toInt(), 0);
        QCOMPARE(again.json().value(QStringLiteral("ids_merged")).toInt(), 3);
        QCOMPARE(again.json().value(QStringLiteral("kv_merged")).toInt(), 2);
        QCOMPARE(other.client().get("/v1/kv/rqlite/leader").headers.value("x-consul-index"), indexAfterImport);
        QCOMPARE(other.client().get("/api/v1/export").json().value(QStringLiteral("ids")),
                 document.value(QStringLiteral("ids")));
    }

    // An import keeps the node cap: merging two halves that together exceed it is
    // refused whole, with where, and nothing of it is written.
    void importKeepsTheNodeCap()
    {
        m_server->config().maxNodesPerId = 3;
        QVERIFY(m_server->start());
        auto file = [](const QStringList &addresses) {
            QJsonArray nodes;
            for (const QString &address : addresses)
                nodes.append(QJsonObject{{QStringLiteral("addr"), address}, {QStringLiteral("first_registered"), Jan1}});
            return exportFile({QJsonObject{{QStringLiteral("id"), QStringLiteral("capped")},
                                           {QStringLiteral("kind"), QStringLiteral("rqlite")},
                                           {QStringLiteral("created_at"), Jan1},
                                           {QStringLiteral("nodes"), nodes}}});
        };
        QCOMPARE(client().post("/api/v1/import", file({QStringLiteral("a:1"), QStringLiteral("b:1")})).status, 200);
        const QByteArray before = client().get("/capped").body;
        const HttpResponse refused = client().post("/api/v1/import", file({QStringLiteral("c:1"), QStringLiteral("d:1")}));
        QCOMPARE(refused.status, 400);
        QCOMPARE(refused.json().value(QStringLiteral("where")).toString(), QStringLiteral("ids[0].nodes"));
        QVERIFY2(errorOf(refused).contains(QStringLiteral("more than the 3")), qPrintable(errorOf(refused)));
        QCOMPARE(client().get("/capped").body, before);
        // Within the cap, a merge is fine.
        QCOMPARE(client().post("/api/v1/import", file({QStringLiteral("a:1"), QStringLiteral("c:1")})).status, 200);
        QCOMPARE(client().get("/capped").jsonArray(QStringLiteral("nodes")).size(), 3);
    }

    // An ID that exists as one kind cannot be imported as the other: a 400 that says
    // where, not a database failure.
    void importOfTheOtherKindIsRefusedWithWhere()
    {
        const QByteArray id = m_server->createId();
        const HttpResponse refused = client().post(
            "/api/v1/import", exportFile({QJsonObject{{QStringLiteral("id"), QString::fromUtf8(id)},
                                                      {QStringLiteral("kind"), QStringLiteral("etcd")},
                                                      {QStringLiteral("expected_size"), 3},
                                                      {QStringLiteral("created_at"), Jan1}}}));
        QCOMPARE(refused.status, 400);
        QCOMPARE(refused.json().value(QStringLiteral("where")).toString(), QStringLiteral("ids[0].kind"));
        QVERIFY2(errorOf(refused).contains(QStringLiteral("exists already as an rqlite ID")), qPrintable(errorOf(refused)));
        QCOMPARE(client().get("/" + id).status, 200);
    }

    // etcd learns members by index: members new to a token that exists get the
    // token's next indexes, never one a member has already.
    void importIntoAnEtcdTokenKeepsIndexesUnique()
    {
        const QByteArray token = QUrl(QString::fromUtf8(client().get("/new?size=3").body)).path().toUtf8();
        const QString tokenId = QString::fromUtf8(token.mid(token.lastIndexOf('/') + 1));
        auto put = [&](const QByteArray &member, const QByteArray &name) {
            return client().send("PUT", token + "/" + member + "?prevExist=false",
                                 "value=" + name + "%3Dhttp%3A%2F%2F127.0.0.1%3A2380", "application/x-www-form-urlencoded").status;
        };
        QCOMPARE(put("aaaa000000000001", "m1"), 201); // index 2
        // A file from elsewhere: other members at indexes 2 and 3 of the same token.
        auto member = [](const QString &id, const QString &value, int index) {
            return QJsonObject{{QStringLiteral("addr"), id}, {QStringLiteral("first_registered"), Jan1},
                               {QStringLiteral("value"), value}, {QStringLiteral("etcd_index"), index}};
        };
        const QJsonArray nodes{member(QStringLiteral("bbbb000000000002"), QStringLiteral("m2=http://127.0.0.1:2381"), 2),
                               member(QStringLiteral("cccc000000000003"), QStringLiteral("m3=http://127.0.0.1:2382"), 3)};
        const HttpResponse imported = client().post(
            "/api/v1/import", exportFile({QJsonObject{{QStringLiteral("id"), tokenId}, {QStringLiteral("kind"), QStringLiteral("etcd")},
                                                      {QStringLiteral("expected_size"), 3}, {QStringLiteral("created_at"), Jan1},
                                                      {QStringLiteral("nodes"), nodes}}}));
        QCOMPARE(imported.status, 200);
        QCOMPARE(imported.json().value(QStringLiteral("nodes_added")).toInt(), 2);

        const QJsonArray members = client().get(token).json()[QStringLiteral("node")][QStringLiteral("nodes")].toArray();
        QCOMPARE(members.size(), 3);
        QList<int> indexes;
        for (const QJsonValue &listed : members)
            indexes << listed[QStringLiteral("createdIndex")].toInt();
        QCOMPARE(indexes, (QList<int>{2, 3, 4})); // each member once, in the order etcd reads them
        // The token's index moved on with them: the next member gets 5.
        QCOMPARE(put("dddd000000000004", "m4"), 201);
        QCOMPARE(client().get(token + "/dddd000000000004").json()[QStringLiteral("node")][QStringLiteral("createdIndex")].toInt(), 5);
    }

    // What an older DiscoDesk may have stored, or a long-lived store reach (times at
    // the ends of the store's range and past year 9999, counts beyond 32 bits, the
    // largest etcd indexes, the longest texts), written straight into the database
    // without the rules of today's input: its export restores into an empty server.
    void exportOfStoredExtremesImportsIntoEmptyServer()
    {
        QList<DiscoveryIdWithNodes> records = ExtremeRecords::fixed();
        m_server->stop();
        {
            DISCODESK_OPEN_STORE(store, m_server->databasePath());
            Store::Transaction write(*store, Store::Access::Exclusive);
            for (const DiscoveryIdWithNodes &record : std::as_const(records)) {
                QVERIFY(store->insertId(record.id).ok());
                for (const Node &node : record.nodes)
                    QVERIFY(store->insertNode(record.id.id, node, Timestamp::now()).ok());
            }
            QVERIFY(write.commit().ok());
        }
        QVERIFY(m_server->start());
        const HttpResponse exported = client().get("/api/v1/export");
        QCOMPARE(exported.status, 200);
        // The store held them as written, oldest first.
        std::sort(records.begin(), records.end(), [](const DiscoveryIdWithNodes &a, const DiscoveryIdWithNodes &b) {
            return a.id.createdAt < b.id.createdAt;
        });
        const auto parsed = ExchangeFormat::parseDocument(exported.body);
        QVERIFY2(!parsed.error, parsed.error ? qPrintable(parsed.error->toString()) : "");
        const QString difference = ExtremeRecords::difference(parsed.records, records);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));

        TestServer other;
        QVERIFY(other.start());
        const HttpResponse imported = other.client().post("/api/v1/import", exported.body);
        QVERIFY2(imported.status == 200, imported.body.constData());
        qsizetype nodes = 0;
        for (const DiscoveryIdWithNodes &record : std::as_const(records))
            nodes += record.nodes.size();
        QCOMPARE(imported.json().value(QStringLiteral("ids_added")).toInt(), records.size());
        QCOMPARE(imported.json().value(QStringLiteral("nodes_added")).toInt(), nodes);

        // Byte for byte but the time of the export: a comparison of parsed JSON would
        // go through doubles and miss a count beyond 2^53.
        static const QRegularExpression exportedAt(QStringLiteral("\"exported_at\": \"[^\"]*\""));
        const QByteArray again = other.client().get("/api/v1/export").body;
        QCOMPARE(QString::fromUtf8(again).remove(exportedAt), QString::fromUtf8(exported.body).remove(exportedAt));
        QVERIFY(again.contains("\"registrations\": 9223372036854775807"));
    }

    // An export of everything goes out as it is read, chunked, and the connection goes
    // on with its next request after it.
    void anExportOfEverythingIsSentAsItIsRead()
    {
        QVERIFY(fillStore(2000));
        const HttpResponse exported = client().get("/api/v1/export");
        QCOMPARE(exported.status, 200);
        QVERIFY(exported.chunked);
        QVERIFY(exported.complete);
        QVERIFY(exported.headers.value("content-disposition").contains("discodesk-export-"));
        const auto parsed = ExchangeFormat::parseDocument(exported.body);
        QVERIFY2(!parsed.error, qPrintable(parsed.error ? parsed.error->message : QString()));
        QCOMPARE(parsed.records.size(), 2000);
        QCOMPARE(parsed.records.constLast().nodes.size(), 3);

        QTcpSocket socket;
        socket.connectToHost(QStringLiteral("127.0.0.1"), m_server->port());
        QVERIFY(socket.waitForConnected(5000));
        socket.write("GET /api/v1/export HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                     "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        QByteArray both;
        while (socket.state() == QAbstractSocket::ConnectedState && socket.waitForReadyRead(10000))
            both += socket.readAll();
        both += socket.readAll();
        QVERIFY(both.contains("\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n"));
        QVERIFY(both.endsWith(R"({"status":"ok"})"));
    }

    // While a client reads slowly, its export waits with a few pieces made, not the
    // whole document.
    void anExportWaitsForItsReader()
    {
        QVERIFY(fillStore(3000));
        ExportStream stream(m_server->databasePath(), Timestamp::now());
        QTRY_VERIFY(stream.isWaitingForTaker());
        QVERIFY(stream.queuedBytes() <= ExportStream::MaxQueuedBytes);
        QVERIFY(!stream.atEnd());

        QByteArray document;
        QElapsedTimer timer;
        timer.start();
        while (!stream.atEnd() && stream.error().isEmpty() && timer.elapsed() < 30000) {
            const QByteArray piece = stream.take();
            if (piece.isEmpty())
                QTest::qWait(1);
            document += piece;
        }
        QVERIFY2(stream.error().isEmpty(), qPrintable(stream.error()));
        QVERIFY(stream.atEnd());
        QVERIFY(document.size() > 2 * ExportStream::MaxQueuedBytes);
        const auto parsed = ExchangeFormat::parseDocument(document);
        QVERIFY(!parsed.error);
        QCOMPARE(parsed.records.size(), 3000);
    }

    // A store the export cannot read ends it with the reason, never with an end that
    // looks whole.
    void anExportThatCannotReadEndsWithItsReason()
    {
        QTemporaryDir dir;
        ExportStream stream(dir.filePath(QStringLiteral("no such folder/no.sqlite")), Timestamp::now());
        QTRY_VERIFY(!stream.error().isEmpty());
        QVERIFY2(stream.error().contains(QStringLiteral("no.sqlite")), qPrintable(stream.error()));
        QVERIFY(!stream.atEnd());
    }

    // Each export being sent holds a thread and a database connection: one more than
    // the cap gets a 503, the server goes on answering, and a client that leaves gives
    // its place back.
    void exportsAtOnceAreCapped()
    {
        // About 10 MiB each: more than the kernel holds for a client that reads nothing.
        QVERIFY(fillStore(10000));
        std::vector<std::unique_ptr<QTcpSocket>> stalled;
        for (int i = 0; i < AdminApi::MaxStreamingExports; ++i) {
            stalled.push_back(startExportAndStopReading());
            QVERIFY(stalled.back());
        }
        const HttpResponse refused = client().get("/api/v1/export");
        QCOMPARE(refused.status, 503);
        QVERIFY(errorOf(refused).contains(QStringLiteral("exports are being sent already")));
        QCOMPARE(client().get("/healthz").status, 200);

        stalled.front()->abort();
        QTRY_COMPARE(client().get("/api/v1/export").status, 200);
    }

    void exportChosenIds()
    {
        const QByteArray a = m_server->createId();
        m_server->createId();
        const HttpResponse one = client().get("/api/v1/export?ids=" + a);
        QCOMPARE(idsOf(one.json().value(QStringLiteral("ids")).toArray()), QStringList{QString::fromUtf8(a)});
        const HttpResponse missing = client().get("/api/v1/export?ids=" + a + ",nope");
        QCOMPARE(missing.status, 404);
        QVERIFY(errorOf(missing).contains(QStringLiteral("nope")));
    }

    void invalidImportChangesNothing()
    {
        const QByteArray id = createLabelled(QStringLiteral("keep me"));
        client().post("/" + id, R"({"addr":"localhost:4001"})");
        const QJsonValue idsBefore = client().get("/api/v1/export").json().value(QStringLiteral("ids"));

        // The first record is valid and would merge; the second is broken: nothing may be written.
        const QByteArray file = "{\"format\":\"discodesk-export\",\"format_version\":1,\"ids\":["
                                "{\"id\":\"" + id + "\",\"kind\":\"rqlite\",\"created_at\":\"2020-01-01T00:00:00Z\","
                                "\"nodes\":[{\"addr\":\"localhost:4009\",\"first_registered\":\"2020-01-01T00:00:00Z\"}]},"
                                "{\"id\":\"second\",\"kind\":\"rqlite\",\"created_at\":\"2020-01-01T00:00:00Z\","
                                "\"nodes\":[{\"addr\":\"localhost:4001\",\"first_registered\":\"not a time\"}]}]}";
        const HttpResponse response = client().post("/api/v1/import", file);
        QCOMPARE(response.status, 400);
        QCOMPARE(response.json().value(QStringLiteral("where")).toString(), QStringLiteral("ids[1].nodes[0].first_registered"));
        QVERIFY(errorOf(response).contains(QStringLiteral("ISO 8601")));
        QCOMPARE(client().get("/api/v1/export").json().value(QStringLiteral("ids")), idsBefore);

        const HttpResponse syntax = client().post("/api/v1/import", "{\"format\": \"discodesk-export\",\n \"ids\": [");
        QCOMPARE(syntax.status, 400);
        QVERIFY(syntax.json().value(QStringLiteral("where")).toString().startsWith(QStringLiteral("line 2")));
        QCOMPARE(client().get("/api/v1/export").json().value(QStringLiteral("ids")), idsBefore);
    }

    void errors_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown endpoint") << QByteArray("GET") << QByteArray("/api/v1/nothing") << QByteArray() << 404 << "no such endpoint";
        QTest::newRow("unknown version") << QByteArray("GET") << QByteArray("/api/v2/ids") << QByteArray() << 404 << "no such endpoint";
        QTest::newRow("unknown id") << QByteArray("GET") << QByteArray("/api/v1/ids/nope") << QByteArray() << 404 << "nope does not exist";
        QTest::newRow("malformed id") << QByteArray("GET") << QByteArray("/api/v1/ids/..") << QByteArray() << 404 << "does not exist";
        QTest::newRow("ids method") << QByteArray("PUT") << QByteArray("/api/v1/ids") << QByteArray() << 405 << "not allowed";
        QTest::newRow("id method") << QByteArray("POST") << QByteArray("/api/v1/ids/x") << QByteArray() << 405 << "not allowed";
        QTest::newRow("prune method") << QByteArray("GET") << QByteArray("/api/v1/prune") << QByteArray() << 405 << "not allowed";
        QTest::newRow("export method") << QByteArray("POST") << QByteArray("/api/v1/export") << QByteArray() << 405 << "not allowed";
        QTest::newRow("import method") << QByteArray("GET") << QByteArray("/api/v1/import") << QByteArray() << 405 << "not allowed";
        QTest::newRow("create bad json") << QByteArray("POST") << QByteArray("/api/v1/ids") << QByteArray("{label") << 400 << "not valid JSON";
        QTest::newRow("create array") << QByteArray("POST") << QByteArray("/api/v1/ids") << QByteArray("[]") << 400 << "JSON object";
        QTest::newRow("create unknown field") << QByteArray("POST") << QByteArray("/api/v1/ids") << QByteArray(R"({"lable":"x"})") << 400 << "unknown field \"lable\"";
        QTest::newRow("create label type") << QByteArray("POST") << QByteArray("/api/v1/ids") << QByteArray(R"({"label":5})") << 400 << "label must be a string";
        QTest::newRow("create label long") << QByteArray("POST") << QByteArray("/api/v1/ids") << QByteArray(R"({"label":")") + QByteArray(201, 'x') + "\"}" << 400 << "longer than 200";
        QTest::newRow("create kind") << QByteArray("POST") << QByteArray("/api/v1/ids") << QByteArray(R"({"kind":"consul"})") << 400 << "kind must be";
        QTest::newRow("prune no rule") << QByteArray("POST") << QByteArray("/api/v1/prune") << QByteArray(R"({"dry_run":true})") << 400 << "no prune rule";
        QTest::newRow("prune empty body") << QByteArray("POST") << QByteArray("/api/v1/prune") << QByteArray() << 400 << "not valid JSON";
        QTest::newRow("prune typo") << QByteArray("POST") << QByteArray("/api/v1/prune") << QByteArray(R"({"created_befor":"2020-01-01T00:00:00Z"})") << 400 << "unknown field";
        QTest::newRow("prune time") << QByteArray("POST") << QByteArray("/api/v1/prune") << QByteArray(R"({"created_before":"2020-01-01"})") << 400 << "ISO 8601";
        QTest::newRow("prune bool") << QByteArray("POST") << QByteArray("/api/v1/prune") << QByteArray(R"({"no_nodes":"yes"})") << 400 << "true or false";
        QTest::newRow("prune age alone") << QByteArray("POST") << QByteArray("/api/v1/prune") << QByteArray(R"({"no_nodes_inactive_since":"2999-01-01T00:00:00Z"})") << 400 << "needs \"no_nodes\": true";
        QTest::newRow("list limit") << QByteArray("GET") << QByteArray("/api/v1/ids?limit=0") << QByteArray() << 400 << "limit must be";
        QTest::newRow("list offset") << QByteArray("GET") << QByteArray("/api/v1/ids?offset=-1") << QByteArray() << 400 << "offset must be";
        QTest::newRow("list sort") << QByteArray("GET") << QByteArray("/api/v1/ids?sort=size") << QByteArray() << 400 << "sort must be";
        QTest::newRow("export empty ids") << QByteArray("GET") << QByteArray("/api/v1/export?ids=") << QByteArray() << 400 << "ids is empty";
        QTest::newRow("import empty") << QByteArray("POST") << QByteArray("/api/v1/import") << QByteArray() << 400 << "not valid JSON";
    }
    void errors()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, message);
        const HttpResponse response = client().send(method, path, body);
        QCOMPARE(response.status, status);
        QCOMPARE(response.headers.value("content-type"), QByteArray("application/json"));
        QVERIFY2(errorOf(response).contains(message), qPrintable(errorOf(response)));
    }

    // The issue's bodies: each ran a real prune that removed every ID. Now each is a
    // 400 with a JSON message, and nothing is removed.
    void pruneRefusesEscapedDuplicatesAndNulls_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("message");
        QTest::newRow("escaped duplicate") << QByteArray(R"({"no_nodes":true,"dry_run":true,"dry_r\u0075n":false})")
                                           << "the key \"dry_run\" appears twice";
        QTest::newRow("escaped first") << QByteArray(R"({"no_nodes":true,"\u0064ry_run":true,"dry_run":false})")
                                       << "the key \"dry_run\" appears twice";
        QTest::newRow("dry_run null") << QByteArray(R"({"no_nodes":true,"dry_run":null})") << "dry_run must be true or false";
        QTest::newRow("no_nodes null") << QByteArray(R"({"no_nodes":null,"created_before":"2999-01-01T00:00:00Z"})")
                                       << "no_nodes must be true or false";
        QTest::newRow("time null") << QByteArray(R"({"no_nodes":true,"not_seen_since":null})") << "not_seen_since must be";
    }
    void pruneRefusesEscapedDuplicatesAndNulls()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, message);
        const QByteArray a = createLabelled(QStringLiteral("a"));
        const QByteArray b = m_server->createId();
        const HttpResponse response = client().post("/api/v1/prune", body);
        QCOMPARE(response.status, 400);
        QCOMPARE(response.headers.value("content-type"), QByteArray("application/json"));
        QVERIFY2(errorOf(response).contains(message), qPrintable(errorOf(response)));
        QCOMPARE(client().get("/" + a).status, 200);
        QCOMPARE(client().get("/" + b).status, 200);
    }

    // Every field of every admin body has a type; null is not a value of most.
    void wrongTypesAreRefused_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("message");
        QTest::newRow("create label null") << QByteArray("POST") << QByteArray("/api/v1/ids") << QByteArray(R"({"label":null})") << "label must be a string";
        QTest::newRow("create kind null") << QByteArray("POST") << QByteArray("/api/v1/ids") << QByteArray(R"({"kind":null})") << "kind must be";
        QTest::newRow("create kind array") << QByteArray("POST") << QByteArray("/api/v1/ids") << QByteArray(R"({"kind":["etcd"]})") << "kind must be";
        QTest::newRow("create size text") << QByteArray("POST") << QByteArray("/api/v1/ids") << QByteArray(R"({"expected_size":"3"})") << "expected_size must be";
        QTest::newRow("create size bool") << QByteArray("POST") << QByteArray("/api/v1/ids") << QByteArray(R"({"expected_size":true})") << "expected_size must be";
        QTest::newRow("patch label null") << QByteArray("PATCH") << QByteArray("/api/v1/ids/ID") << QByteArray(R"({"label":null})") << "label must be a string";
        QTest::newRow("patch label number") << QByteArray("PATCH") << QByteArray("/api/v1/ids/ID") << QByteArray(R"({"label":7})") << "label must be a string";
        QTest::newRow("prune time number") << QByteArray("POST") << QByteArray("/api/v1/prune") << QByteArray(R"({"created_before":5,"dry_run":true})") << "created_before must be";
        QTest::newRow("prune bool text") << QByteArray("POST") << QByteArray("/api/v1/prune") << QByteArray(R"({"no_nodes":true,"dry_run":"false"})") << "dry_run must be true or false";
    }
    void wrongTypesAreRefused()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, body);
        QFETCH(QString, message);
        const QByteArray id = createLabelled(QStringLiteral("stays"));
        const QByteArray before = exportAll();
        const HttpResponse response = client().send(method, path.replace("ID", id), body);
        QCOMPARE(response.status, 400);
        QVERIFY2(errorOf(response).contains(message), qPrintable(errorOf(response)));
        QCOMPARE(client().get("/api/v1/export").json().value(QStringLiteral("ids")),
                 QJsonDocument::fromJson(before).object().value(QStringLiteral("ids")));

        // null stays "no size", as an ID shows it.
        QCOMPARE(client().post("/api/v1/ids", R"({"expected_size":null})").status, 201);
    }

    // An import's fields are checked like any body's, the ignored ones too.
    void importRefusesWrongTypes_data()
    {
        QTest::addColumn<QByteArray>("field");
        QTest::addColumn<QString>("where");
        QTest::newRow("label null") << QByteArray(R"("label":null)") << "ids[0].label";
        QTest::newRow("last_activity null") << QByteArray(R"("last_activity":null)") << "ids[0].last_activity";
        QTest::newRow("node_count text") << QByteArray(R"("node_count":"2")") << "ids[0].node_count";
        QTest::newRow("registrations null") << QByteArray(R"("nodes":[{"addr":"a:1","first_registered":"2026-01-01T00:00:00Z","registrations":null}])")
                                            << "ids[0].nodes[0].registrations";
        QTest::newRow("registered_by null") << QByteArray(R"("nodes":[{"addr":"a:1","first_registered":"2026-01-01T00:00:00Z","registered_by":null}])")
                                            << "ids[0].nodes[0].registered_by";
    }
    void importRefusesWrongTypes()
    {
        QFETCH(QByteArray, field);
        QFETCH(QString, where);
        const QByteArray file = R"({"format":"discodesk-export","format_version":1,"ids":[{"id":"imported","kind":"rqlite",)"
                                R"("created_at":"2026-01-01T00:00:00Z","expected_size":null,)" + field + "}]}";
        const HttpResponse response = client().post("/api/v1/import", file);
        QCOMPARE(response.status, 400);
        QCOMPARE(response.json().value(QStringLiteral("where")).toString(), where);
        QCOMPARE(client().get("/imported").status, 404);
    }

    // Limits count characters as a user does: an emoji is one.
    void labelLimitCountsCharacters()
    {
        const QString smile = QStringLiteral("\U0001F600"); // two UTF-16 units
        const QString emoji = smile.repeated(150);
        const HttpResponse created = client().post(
            "/api/v1/ids", QJsonDocument(QJsonObject{{QStringLiteral("label"), emoji}}).toJson());
        QCOMPARE(created.status, 201);
        QCOMPARE(created.json().value(QStringLiteral("label")).toString(), emoji);

        const HttpResponse refused = client().post(
            "/api/v1/ids", QJsonDocument(QJsonObject{{QStringLiteral("label"), smile.repeated(201)}}).toJson());
        QCOMPARE(refused.status, 400);
        QVERIFY2(errorOf(refused).contains(QStringLiteral("longer than 200 characters")), qPrintable(errorOf(refused)));
        QCOMPARE(client().patch("/api/v1/ids/" + created.json().value(QStringLiteral("id")).toString().toUtf8(),
                                QJsonDocument(QJsonObject{{QStringLiteral("label"), QString(200, u'\u00e9')}}).toJson()).status, 200);
    }

    void patchErrors()
    {
        const QByteArray id = createLabelled(QStringLiteral("stays"));
        const QByteArray path = "/api/v1/ids/" + id;
        QCOMPARE(client().patch(path, "{}").status, 400);
        QCOMPARE(client().patch(path, R"({"label":"a\u0007b"})").status, 400);
        QCOMPARE(client().patch("/api/v1/ids/nope", R"({"label":"x"})").status, 404);
        QCOMPARE(client().get(path).json().value(QStringLiteral("label")).toString(), QStringLiteral("stays"));
    }
};

QTEST_GUILESS_MAIN(TestAdminApi)
#include "tst_adminapi.moc"
