// Consul's KV API under /v1/kv/ over real loopback HTTP, on SQLite or PostgreSQL: the
// exact bytes rqlite 7-10 send (shared/protocols/consul-kv.md), a CAS race of three
// voters, the leader's unchanging reports, blocking reads, the error shapes, the index
// across a restart, and Debian's python3-consul driving all of it.

#include "service/DiscoveryService.h"
#include "service/GroupCommit.h"
#include "service/KvService.h"
#include "support/OpenRequest.h"
#include "support/TestServer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>
#include <QTcpSocket>
#include <QThread>

#include <memory>

namespace {

const QByteArray LeaderValue = R"({"id":"node1","api_addr":"http://127.0.0.1:4001","addr":"127.0.0.1:4002"})";

// rqlite's GET, with the Content-Type its Go client version sends (or none).
QByteArray rqliteGet(quint16 port, const QByteArray &contentType)
{
    return "GET /v1/kv/rqlite/leader HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port)
        + "\r\nUser-Agent: Go-http-client/1.1\r\n"
        + (contentType.isNull() ? QByteArray() : "Content-Type: " + contentType + "\r\n")
        + "Accept-Encoding: gzip\r\n\r\n";
}

// rqlite's PUT: the CAS create (query "?cas=0") or the leader's report (no query).
QByteArray rqlitePut(quint16 port, const QByteArray &query, const QByteArray &value)
{
    return "PUT /v1/kv/rqlite/leader" + query + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port)
        + "\r\nUser-Agent: Go-http-client/1.1\r\nContent-Length: " + QByteArray::number(value.size())
        + "\r\nContent-Type: application/octet-stream\r\nAccept-Encoding: gzip\r\n\r\n" + value;
}

QByteArray voter(int n)
{
    const QByteArray digit = QByteArray::number(n);
    return "{\"id\":\"node" + digit + "\",\"api_addr\":\"http://127.0.0.1:400" + digit
        + "\",\"addr\":\"127.0.0.1:500" + digit + "\"}";
}

} // namespace

class TestConsulKv : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_server;
    HttpClient client() const { return m_server->client(); }

    HttpResponse put(const QByteArray &path, const QByteArray &value)
    {
        return client().send("PUT", "/v1/kv/" + path, value, "application/octet-stream");
    }
    qint64 modifyIndexOf(const QByteArray &key)
    {
        const HttpResponse got = client().get("/v1/kv/" + key);
        return QJsonDocument::fromJson(got.body).array().at(0).toObject().value(QStringLiteral("ModifyIndex")).toInteger();
    }
    int openWaits()
    {
        return m_server->onServerThread([](DiscoveryServer &server) { return server.openKvWaits(); });
    }

private slots:
    void init()
    {
        m_server = std::make_unique<TestServer>();
        QVERIFY(m_server->start());
    }
    void cleanup() { m_server.reset(); }

    // What an rqlite node sends, byte for byte, and what it needs back.
    void rqlitesRequestsAreAnsweredAsConsulWould_data()
    {
        QTest::addColumn<QByteArray>("getContentType");
        QTest::newRow("rqlite 7.x, 8.0-8.36.1: none") << QByteArray();
        QTest::newRow("rqlite 8.36.2-9.3.5") << QByteArray("application/json");
        QTest::newRow("rqlite 9.3.6-10.x") << QByteArray("application/json; charset=utf-8");
    }
    void rqlitesRequestsAreAnsweredAsConsulWould()
    {
        QFETCH(QByteArray, getContentType);
        const quint16 port = m_server->port();
        HttpClient http = client();

        const HttpResponse absent = http.raw(rqliteGet(port, getContentType));
        QCOMPARE(absent.status, 404);
        QCOMPARE(absent.body, QByteArray());
        QCOMPARE(absent.headers.value("content-length"), QByteArray("0"));
        QVERIFY(!absent.headers.contains("content-type"));
        QCOMPARE(absent.headers.value("x-consul-index"), QByteArray("1")); // never 0
        QCOMPARE(absent.headers.value("x-consul-knownleader"), QByteArray("true"));
        QCOMPARE(absent.headers.value("x-consul-lastcontact"), QByteArray("0"));

        const HttpResponse won = http.raw(rqlitePut(port, "?cas=0", LeaderValue));
        QCOMPARE(won.status, 200);
        QCOMPARE(won.body, QByteArray("true"));
        QCOMPARE(won.headers.value("content-type"), QByteArray("application/json"));
        QVERIFY(!won.headers.contains("x-consul-index"));
        const HttpResponse lost = http.raw(rqlitePut(port, "?cas=0", voter(2)));
        QCOMPARE(lost.status, 200);
        QCOMPARE(lost.body, QByteArray("false"));

        const HttpResponse got = http.raw(rqliteGet(port, getContentType));
        QCOMPARE(got.status, 200);
        QCOMPARE(got.headers.value("content-type"), QByteArray("application/json"));
        const QByteArray index = got.headers.value("x-consul-index");
        QCOMPARE(got.body, "[{\"LockIndex\":0,\"Key\":\"rqlite/leader\",\"Flags\":0,\"Value\":\"" + LeaderValue.toBase64()
                               + "\",\"CreateIndex\":" + index + ",\"ModifyIndex\":" + index + "}]");
        QVERIFY(index.toLongLong() >= 1);

        // The leader's report every 10 s: accepted, and nothing changes.
        const HttpResponse reported = http.raw(rqlitePut(port, QByteArray(), LeaderValue));
        QCOMPARE(reported.body, QByteArray("true"));
        QCOMPARE(http.raw(rqliteGet(port, getContentType)).headers.value("x-consul-index"), index);
    }

    // Voters that all found no leader race their CAS: exactly one leads.
    void threeVotersRacingHaveExactlyOneWinner()
    {
        QList<QByteArray> answers(3);
        std::vector<std::unique_ptr<QThread>> voters;
        const quint16 port = m_server->port();
        for (int n = 0; n < 3; ++n) {
            voters.emplace_back(QThread::create([&answers, n, port] {
                answers[n] = HttpClient(port).raw(rqlitePut(port, "?cas=0", voter(n + 1))).body;
            }));
        }
        for (auto &thread : voters)
            thread->start();
        for (auto &thread : voters)
            thread->wait();
        QCOMPARE(answers.count("true"), 1);
        QCOMPARE(answers.count("false"), 2);
        const int winner = int(answers.indexOf("true"));
        const HttpResponse raw = client().get("/v1/kv/rqlite/leader?raw");
        QCOMPARE(raw.body, voter(winner + 1));
        QCOMPARE(raw.headers.value("content-type"), QByteArray("text/plain; charset=utf-8"));
    }

    // The leader reports the same bytes every 10 s: invisible to a blocked reader.
    void anUnchangedWriteKeepsItsIndexAndWakesNoReader()
    {
        QCOMPARE(put("rqlite/leader", LeaderValue).body, QByteArray("true"));
        const qint64 index = modifyIndexOf("rqlite/leader");
        OpenRequest blocked(m_server->port(), "/v1/kv/rqlite/leader?index=" + QByteArray::number(index) + "&wait=5m");
        QVERIFY(QTest::qWaitFor([this] { return openWaits() == 1; }, 10'000));

        QCOMPARE(put("rqlite/leader", LeaderValue).body, QByteArray("true"));
        // Readers are woken before the write's own reply goes out: none was.
        QCOMPARE(openWaits(), 1);
        QCOMPARE(modifyIndexOf("rqlite/leader"), index);

        QCOMPARE(put("rqlite/leader", voter(2)).body, QByteArray("true"));
        const HttpResponse woken = blocked.read();
        QCOMPARE(woken.status, 200);
        QVERIFY(woken.headers.value("x-consul-index").toLongLong() > index);
        QCOMPARE(QJsonDocument::fromJson(woken.body).array().at(0).toObject().value(QStringLiteral("Value")).toString(),
                 QString::fromLatin1(voter(2).toBase64()));
    }

    // A reader of a missing key waits for that key, not for any write.
    void aBlockedReadOfAMissingKeyWakesForThatKeyOnly()
    {
        const QByteArray index = client().get("/v1/kv/a/leader").headers.value("x-consul-index");
        OpenRequest blocked(m_server->port(), "/v1/kv/a/leader?index=" + index + "&wait=5m");
        QVERIFY(QTest::qWaitFor([this] { return openWaits() == 1; }, 10'000));
        QCOMPARE(put("b/leader", "other").body, QByteArray("true"));
        QCOMPARE(openWaits(), 1);
        QCOMPARE(put("a/leader", "mine").body, QByteArray("true"));
        const HttpResponse woken = blocked.read();
        QCOMPARE(woken.status, 200);
        QVERIFY(woken.body.contains("\"Key\":\"a/leader\""));
    }

    void aBlockedReadEndsWithItsWaitAndTheSameAnswer()
    {
        QCOMPARE(put("k", "v").body, QByteArray("true"));
        const QByteArray index = QByteArray::number(modifyIndexOf("k"));
        const HttpResponse answered = client().get("/v1/kv/k?index=" + index + "&wait=50ms");
        QCOMPARE(answered.status, 200);
        QCOMPARE(answered.headers.value("x-consul-index"), index);
        // An index already passed answers at once.
        QCOMPARE(client().get("/v1/kv/k?index=0&wait=10m").status, 200);
    }

    void listsKeysAndEntriesUnderAPrefix()
    {
        for (const QByteArray &key : {QByteArray("app/sub/b"), QByteArray("app/a"), QByteArray("apple"), QByteArray("app/sub/c")})
            QCOMPARE(put(key, key).body, QByteArray("true"));
        QCOMPARE(client().get("/v1/kv/app/?keys=&separator=%2F").body, QByteArray(R"(["app/a","app/sub/"])"));
        QCOMPARE(client().get("/v1/kv/app/?keys=True&seperator=/").body, QByteArray(R"(["app/a","app/sub/"])"));
        QCOMPARE(client().get("/v1/kv/app?keys").body, QByteArray(R"(["app/a","app/sub/b","app/sub/c","apple"])"));
        const QJsonArray entries = QJsonDocument::fromJson(client().get("/v1/kv/app/sub?recurse=").body).array();
        QCOMPARE(entries.size(), 2);
        QCOMPARE(entries.at(0).toObject().value(QStringLiteral("Key")).toString(), QStringLiteral("app/sub/b"));
        // None under a prefix: 404; no keys at all: an empty list.
        QCOMPARE(client().get("/v1/kv/none/?recurse").status, 404);
        QCOMPARE(client().get("/v1/kv/none/?keys").status, 404);
        QCOMPARE(client().del("/v1/kv/?recurse").body, QByteArray("true"));
        const HttpResponse empty = client().get("/v1/kv/?keys");
        QCOMPARE(empty.status, 200);
        QCOMPARE(empty.body, QByteArray("[]"));
    }

    // A path is percent-decoded and cleaned, as Consul serves it.
    void keysArePercentDecodedAndCleaned()
    {
        QCOMPARE(put("my%20cluster%3Fx/leader", "v").body, QByteArray("true"));
        QVERIFY(client().get("/v1/kv/my%20cluster%3Fx//./leader").body.contains("\"Key\":\"my cluster?x/leader\""));
        const HttpResponse traversal = client().get("/v1/kv/a/../b");
        QCOMPARE(traversal.status, 500);
        QCOMPARE(traversal.body, QByteArray("invalid key name, path traversal is not allowed"));
    }

    void deletesHonourCasAndRecurse()
    {
        QCOMPARE(put("d/one", "1").body, QByteArray("true"));
        const QByteArray index = QByteArray::number(modifyIndexOf("d/one"));
        QCOMPARE(client().del("/v1/kv/d/one?cas=0").body, QByteArray("false"));
        QCOMPARE(client().del("/v1/kv/d/one?cas=" + index).body, QByteArray("true"));
        QCOMPARE(client().get("/v1/kv/d/one").status, 404);
        QCOMPARE(client().del("/v1/kv/d/one").body, QByteArray("true")); // missing: still true
        // A delete takes an index: a reader of the prefix sees it go.
        QVERIFY(client().get("/v1/kv/d/one").headers.value("x-consul-index").toLongLong() > index.toLongLong());
    }

    void errorsHaveConsulsShapes_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("bad cas") << QByteArray("PUT") << QByteArray("/v1/kv/k?cas=abc") << 500
                                 << QByteArray(R"(strconv.ParseUint: parsing "abc": invalid syntax)");
        QTest::newRow("empty flags") << QByteArray("PUT") << QByteArray("/v1/kv/k?flags=") << 500
                                     << QByteArray(R"(strconv.ParseUint: parsing "": invalid syntax)");
        QTest::newRow("cas out of range") << QByteArray("PUT") << QByteArray("/v1/kv/k?cas=18446744073709551616") << 500
                                          << QByteArray(R"(strconv.ParseUint: parsing "18446744073709551616": value out of range)");
        QTest::newRow("conflicting flags") << QByteArray("PUT") << QByteArray("/v1/kv/k?release=s&cas=1") << 400
                                           << QByteArray("Conflicting flags: cas=1&release=s\n");
        QTest::newRow("delete recurse and cas") << QByteArray("DELETE") << QByteArray("/v1/kv/k?recurse&cas=1") << 400
                                                << QByteArray("Conflicting flags: cas=1&recurse\n");
        QTest::newRow("no key to put") << QByteArray("PUT") << QByteArray("/v1/kv/") << 400 << QByteArray("Missing key name");
        QTest::newRow("no key to get") << QByteArray("GET") << QByteArray("/v1/kv") << 400 << QByteArray("Missing key name");
        QTest::newRow("bad wait") << QByteArray("GET") << QByteArray("/v1/kv/k?index=1&wait=5") << 400
                                  << QByteArray("Invalid wait time");
        QTest::newRow("bad index") << QByteArray("GET") << QByteArray("/v1/kv/k?index=x") << 400 << QByteArray("Invalid index");
        QTest::newRow("stale and consistent") << QByteArray("GET") << QByteArray("/v1/kv/k?stale&consistent") << 400
                                              << QByteArray("Cannot specify ?stale with ?consistent, conflicting semantics.");
        QTest::newRow("NUL in a key") << QByteArray("PUT") << QByteArray("/v1/kv/k%00") << 400
                                      << QByteArray("key contains a NUL character");
        QTest::newRow("POST") << QByteArray("POST") << QByteArray("/v1/kv/k") << 405 << QByteArray("method POST not allowed");
    }
    void errorsHaveConsulsShapes()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        const HttpResponse answered = client().send(method, path, "v", "application/octet-stream");
        QCOMPARE(answered.status, status);
        QCOMPARE(answered.body, body);
        QCOMPARE(answered.headers.value("content-type"), QByteArray("text/plain; charset=utf-8"));
        QVERIFY(!answered.headers.contains("x-consul-index"));
        if (status == 405)
            QCOMPARE(answered.headers.value("allow"), QByteArray("OPTIONS,GET,PUT,DELETE"));
        QCOMPARE(client().get("/v1/kv/k").status, 404); // nothing was stored
    }

    void optionsNamesTheMethods()
    {
        const HttpResponse options = client().send("OPTIONS", "/v1/kv/k");
        QCOMPARE(options.status, 200);
        QCOMPARE(options.headers.value("allow"), QByteArray("OPTIONS,GET,PUT,DELETE"));
        QCOMPARE(options.body, QByteArray());
    }

    void aValueAboveConsulsLimitIsRefused()
    {
        // The HTTP layer's own body limit (64 KiB by default) would refuse it first.
        m_server->config().limits.maxBodyBytes = 1 << 20;
        QVERIFY(m_server->start());
        const HttpResponse refused = put("big", QByteArray(KvService::MaxValueBytes + 1, 'x'));
        QCOMPARE(refused.status, 413);
        QVERIFY(refused.body.startsWith("Request body(524289 bytes) too large, max size: 524288 bytes."));
        QCOMPARE(client().get("/v1/kv/big").status, 404);
        QCOMPARE(put("big", QByteArray(KvService::MaxValueBytes, 'x')).body, QByteArray("true"));
        QCOMPARE(client().get("/v1/kv/big?raw").body.size(), KvService::MaxValueBytes);
    }

    // Clients start again from 0 after a restart: an index must never go back.
    void indexesNeverGoBackAcrossARestart()
    {
        QCOMPARE(put("r/one", "1").body, QByteArray("true"));
        QCOMPARE(client().del("/v1/kv/r/one").body, QByteArray("true"));
        const qint64 before = client().get("/v1/kv/r/one").headers.value("x-consul-index").toLongLong();
        QVERIFY(before >= 2);
        m_server->stop();
        QVERIFY(m_server->start());
        QCOMPARE(client().get("/v1/kv/r/one").headers.value("x-consul-index").toLongLong(), before);
        QCOMPARE(put("r/two", "2").body, QByteArray("true"));
        QVERIFY(modifyIndexOf("r/two") > before);
    }

    // The window shows who waits to join: readers of the key and voters that lost.
    void readersAndLosingVotersAreNoted()
    {
        const quint16 port = m_server->port();
        QCOMPARE(client().raw(rqlitePut(port, "?cas=0", voter(1))).body, QByteArray("true"));
        QCOMPARE(client().raw(rqlitePut(port, "?cas=0", voter(2))).body, QByteArray("false"));
        QCOMPARE(client().raw(rqliteGet(port, QByteArray())).status, 200);
        QList<KvAsker> askers;
        QVERIFY(QTest::qWaitFor([&] {
            askers = m_server->onServerThread([](DiscoveryServer &server) {
                const auto found = server.kv().askers(QStringLiteral("rqlite/leader"));
                return found.ok() ? found.value() : QList<KvAsker>();
            });
            return askers.size() == 2;
        }, 10'000));
        QList<QByteArray> offered;
        for (const KvAsker &asker : askers) {
            QVERIFY(asker.address.startsWith(QStringLiteral("127.0.0.1:")));
            offered.append(asker.offered);
        }
        QVERIFY(offered.contains(voter(2))); // the voter that lost, and what it offered
        QVERIFY(offered.contains(QByteArray())); // a reader
    }

    // A voter keeps its connection and asks every few seconds: each ask counts.
    void everyAskOfAKeptConnectionCounts()
    {
        QCOMPARE(put("rqlite/leader", voter(1)).body, QByteArray("true"));
        QTcpSocket voter;
        voter.connectToHost(QStringLiteral("127.0.0.1"), m_server->port());
        QVERIFY(voter.waitForConnected(5000));
        const QByteArray get = rqliteGet(m_server->port(), QByteArray());
        voter.write(get + get + get);
        QByteArray replies;
        while (replies.count("HTTP/1.1 200") < 3 && voter.waitForReadyRead(10000))
            replies += voter.readAll();
        QCOMPARE(replies.count("HTTP/1.1 200"), 3);
        const QString address = QStringLiteral("127.0.0.1:%1").arg(voter.localPort());
        QVERIFY(QTest::qWaitFor([&] {
            const QList<KvAsker> askers = m_server->onServerThread([](DiscoveryServer &server) {
                const auto found = server.kv().askers(QStringLiteral("rqlite/leader"));
                return found.ok() ? found.value() : QList<KvAsker>();
            });
            return askers.size() == 1 && askers.constFirst().address == address && askers.constFirst().asks == 3;
        }, 10'000));
    }

    // "/v1" is reserved: no ID may be named so, and an ID's path can never be KV's.
    void v1IsReservedForConsul()
    {
        const HttpResponse refused = client().post(
            "/api/v1/import",
            R"({"format":"discodesk-export","format_version":1,"ids":[{"id":"v1","kind":"rqlite","created_at":"2024-01-01T00:00:00Z","nodes":[]}]})");
        QCOMPARE(refused.status, 400);
        QVERIFY2(refused.body.contains("reserved"), refused.body.constData());

        // An ID named "v1" from before (put in past the import's check) keeps its own
        // path; only /v1/kv and below are Consul's.
        DiscoveryIdWithNodes old;
        old.id.id = QStringLiteral("v1");
        old.id.createdAt = old.id.lastActivity = Timestamp::now();
        QVERIFY(m_server->onServerThread([&](DiscoveryServer &server) {
            return server.service().importIds({old}).ok() && !server.groupCommit().commitNow();
        }));
        QCOMPARE(client().post("/v1", R"({"addr":"localhost:4001"})").status, 200);
        QCOMPARE(client().get("/v1").json().value(QStringLiteral("disco_id")).toString(), QStringLiteral("v1"));
        const HttpResponse kv = client().get("/v1/kv/v1");
        QCOMPARE(kv.status, 404);
        QVERIFY(kv.headers.contains("x-consul-index"));
    }

    // A cluster whose leader stopped reporting is pruned by the time of its last write.
    void aPruneRemovesKeysNotWrittenSince()
    {
        // The clock moves on between the writes, so each lies clearly on one side.
        auto tickPast = [](Timestamp time) { QVERIFY(QTest::qWaitFor([time] { return Timestamp::now() > time; }, 1000)); };
        QCOMPARE(put("gone/leader", "old").body, QByteArray("true"));
        tickPast(Timestamp::now());
        const Timestamp cutoff = Timestamp::now();
        tickPast(cutoff);
        QCOMPARE(put("alive/leader", "new").body, QByteArray("true"));
        const qint64 before = modifyIndexOf("alive/leader");

        const QByteArray rule = "{\"kv_not_reported_since\":\"" + cutoff.toIso8601().toLatin1() + "\"";
        const HttpResponse preview = client().post("/api/v1/prune", rule + ",\"dry_run\":true}");
        QCOMPARE(preview.status, 200);
        QCOMPARE(preview.json().value(QStringLiteral("removed")).toObject().value(QStringLiteral("kv_keys")).toInt(), 1);
        const QJsonArray listed = preview.json().value(QStringLiteral("kv_keys")).toArray();
        QCOMPARE(listed.size(), 1);
        QCOMPARE(listed.at(0).toObject().value(QStringLiteral("key")).toString(), QStringLiteral("gone/leader"));
        QCOMPARE(client().get("/v1/kv/gone/leader").status, 200); // a preview removes nothing

        const HttpResponse pruned = client().post("/api/v1/prune", rule + "}");
        QCOMPARE(pruned.json().value(QStringLiteral("removed")).toObject().value(QStringLiteral("kv_keys")).toInt(), 1);
        const HttpResponse gone = client().get("/v1/kv/gone/leader");
        QCOMPARE(gone.status, 404);
        QVERIFY(gone.headers.value("x-consul-index").toLongLong() > before); // readers see it go
        QCOMPARE(client().get("/v1/kv/alive/leader?raw").body, QByteArray("new"));
    }

    void aRealConsulClientLibraryWorks()
    {
        QProcess python;
        python.setProcessChannelMode(QProcess::MergedChannels);
        python.start(QStringLiteral("/usr/bin/python3"),
                     {QStringLiteral(DISCODESK_CONSUL_CLIENT_PATH), QString::number(m_server->port())});
        QVERIFY2(python.waitForFinished(60'000), "python-consul did not finish");
        const QByteArray output = python.readAll();
        QVERIFY2(python.exitStatus() == QProcess::NormalExit && python.exitCode() == 0, output.constData());
        QCOMPARE(output.trimmed(), QByteArray("python-consul: every step as against Consul"));
    }
};

QTEST_GUILESS_MAIN(TestConsulKv)
#include "tst_consulkv.moc"
