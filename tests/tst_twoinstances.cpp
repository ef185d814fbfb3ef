// Two DiscoDesk servers on one real PostgreSQL database, as behind a load balancer:
// what one stores the other serves at once, a pass's writes are saved together,
// concurrent writes through both stay right, Consul KV's CAS has one winner across both,
// a real etcd cluster bootstraps through a load balancer over both, and a
// third server (a window's) hears of every change within a second.

#include "store/PostgresStore.h"
#include "support/EtcdMembers.h"
#include "support/LoadBalancer.h"
#include "support/OpenRequest.h"
#include "support/TestDatabase.h"
#include "support/TestPostgres.h"
#include "support/TestServer.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTest>
#include <QThread>
#include <QUrl>

#include <functional>
#include <memory>

namespace {

// How long a test waits to hear of another server's change. A notification takes
// milliseconds and a poll a second, but a busy machine may be slower: how quick it
// is belongs in a benchmark, not in a test's outcome.
constexpr int HearingTimeoutMs = 10'000;

// Runs each job on a thread of its own, all at once, and waits for all of them.
void runTogether(const QList<std::function<void()>> &jobs)
{
    std::vector<std::unique_ptr<QThread>> threads;
    for (const auto &job : jobs)
        threads.emplace_back(QThread::create(job));
    for (auto &thread : threads)
        thread->start();
    for (auto &thread : threads)
        thread->wait();
}

QStringList addressesOf(const HttpResponse &record)
{
    QStringList list;
    for (const QJsonValue &value : record.jsonArray(QStringLiteral("nodes")))
        list << value.toString();
    return list;
}

QByteArray addrBody(const QString &address)
{
    return "{\"addr\":\"" + address.toUtf8() + "\"}";
}

int putMember(HttpClient client, const QByteArray &token, const QString &name, int peerPort)
{
    const QByteArray value = QUrl::toPercentEncoding(QStringLiteral("%1=http://127.0.0.1:%2").arg(name).arg(peerPort));
    return client.send("PUT", token + "/" + name.toUtf8() + "?prevExist=false", "value=" + value,
                       "application/x-www-form-urlencoded")
        .status;
}

// Where LISTEN is unavailable a store polls; this restarts the server so that it
// does. The store learns what "unchanged" is as it starts to poll.
void pollOnly(ServerThread &server, ServerConfig config)
{
    config.pollForChanges = true;
    QCOMPARE(TestServer::startAndWait(server, config), QString());
}

// A recursive etcd wait on a token, held on a thread of its own as etcd holds it.
class HeldWait
{
public:
    HeldWait(ServerThread &server, const QByteArray &token, int waitIndex)
        : m_server(server), m_thread(QThread::create([this, token, waitIndex] {
              m_response = HttpClient(quint16(m_server.url().port()))
                               .get(token + "?wait=true&recursive=true&waitIndex=" + QByteArray::number(waitIndex));
          }))
    {
        m_thread->start();
    }
    ~HeldWait() { m_thread->wait(); } // a held wait ends at its timeout at the latest

    // The server holds the wait now: what the test does next happens while it waits.
    bool isHeld()
    {
        return QTest::qWaitFor([this] {
            return TestServer::onServerThread(m_server, [](DiscoveryServer &s) { return s.openEtcdWaits(); }) > 0;
        }, 10'000);
    }
    // Long before the wait's 30 s timeout, even on a busy machine.
    bool ends() { return m_thread->wait(15'000); }
    const HttpResponse &response() const { return m_response; }
    QJsonObject member() const { return m_response.json().value(QStringLiteral("node")).toObject(); }

private:
    ServerThread &m_server;
    HttpResponse m_response;
    std::unique_ptr<QThread> m_thread;
};

} // namespace

class TestTwoInstances : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ServerThread> m_a;
    std::unique_ptr<ServerThread> m_b;
    ServerConfig m_config; // both servers' settings: the same database

    HttpClient a() const { return HttpClient(quint16(m_a->url().port())); }
    HttpClient b() const { return HttpClient(quint16(m_b->url().port())); }

    // Both servers on one fresh database.
    void startBoth(int maxNodesPerId = DiscoveryService::DefaultMaxNodesPerId)
    {
        startBoth([maxNodesPerId](ServerConfig &config) { config.maxNodesPerId = maxNodesPerId; });
    }
    // Both servers on one fresh database, with settings of the test's.
    void startBoth(const std::function<void(ServerConfig &)> &adjust)
    {
        QString error;
        TestPostgres *postgres = TestDatabase::postgres(&error);
        QVERIFY2(postgres, qPrintable(error));
        m_config = ServerConfig();
        m_config.port = 0;
        m_config.databasePath = postgres->createDatabase();
        QVERIFY2(!m_config.databasePath.isEmpty(), qPrintable(postgres->lastError()));
        m_config.adminTokenPath = m_dir.filePath(QStringLiteral("admin-token"));
        adjust(m_config);
        m_a = std::make_unique<ServerThread>();
        m_b = std::make_unique<ServerThread>();
        error = TestServer::startAndWait(*m_a, m_config);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        error = TestServer::startAndWait(*m_b, m_config);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    // A path /etcd/<token> for a new etcd token of size 3, made through A.
    QByteArray newEtcdToken() const
    {
        return QUrl(QString::fromUtf8(a().get("/new?size=3").body)).path().toUtf8();
    }

private slots:
    void cleanup()
    {
        m_a.reset();
        m_b.reset();
    }

    void whatOneStoresTheOtherServesAtOnce()
    {
        startBoth();
        const QByteArray id = a().post("/").json().value(QStringLiteral("disco_id")).toString().toUtf8();
        QCOMPARE(b().get("/" + id).status, 200);
        QCOMPARE(a().post("/" + id, addrBody(QStringLiteral("localhost:4001"))).status, 200);
        QCOMPARE(addressesOf(b().get("/" + id)), QStringList{QStringLiteral("localhost:4001")});
        QCOMPARE(b().del("/" + id, addrBody(QStringLiteral("localhost:4001"))).status, 200);
        QVERIFY(addressesOf(a().get("/" + id)).isEmpty());
        QCOMPARE(b().del("/api/v1/ids/" + id).status, 200);
        QCOMPARE(a().get("/" + id).status, 404);
    }

    void eachServerCountsItsOwnRegistrationsAndBothTheWholeStore()
    {
        startBoth([](ServerConfig &config) { config.metricsRecountDelay = std::chrono::milliseconds(0); });
        const QByteArray id = a().post("/").json().value(QStringLiteral("disco_id")).toString().toUtf8();
        QCOMPARE(a().post("/" + id, addrBody(QStringLiteral("localhost:4001"))).status, 200);
        QCOMPARE(a().post("/" + id, addrBody(QStringLiteral("localhost:4002"))).status, 200);
        QCOMPARE(b().post("/" + id, addrBody(QStringLiteral("localhost:4003"))).status, 200);
        // Each counts what went through it, not what it heard from the other...
        QTRY_VERIFY(a().get("/metrics").body.contains("\ndiscodesk_registrations_total{kind=\"rqlite\"} 2\n"));
        QVERIFY(b().get("/metrics").body.contains("\ndiscodesk_registrations_total{kind=\"rqlite\"} 1\n"));
        // ...and both count the database's nodes, the other's included.
        QTRY_VERIFY(a().get("/metrics").body.contains("\ndiscodesk_nodes{kind=\"rqlite\"} 3\n"));
        QTRY_VERIFY(b().get("/metrics").body.contains("\ndiscodesk_nodes{kind=\"rqlite\"} 3\n"));
        QVERIFY(b().get("/metrics").body.contains("\ndiscodesk_registrations_total{kind=\"rqlite\"} 1\n"));
    }

    void expiryRulesAreSharedAndOneServerSweepsPerInterval()
    {
        // Both look for a due sweep every 20 ms.
        startBoth([](ServerConfig &config) {
            config.expirySchedule = {std::chrono::milliseconds(0), std::chrono::milliseconds(20)};
        });
        const QByteArray old = "{\"format\":\"discodesk-export\",\"format_version\":1,\"ids\":[{\"id\":"
                               "\"0e0e0e0e-0e0e-4e0e-8e0e-0e0e0e0e0e0e\",\"kind\":\"rqlite\",\"created_at\":"
                               "\"2020-01-01T00:00:00Z\",\"nodes\":[]}]}";
        QCOMPARE(a().post("/api/v1/import", old).status, 200);
        // Set through one server, the rules are the other's too.
        QCOMPARE(a().send("PUT", "/api/v1/expiry", R"({"ids_inactive_for": "30d", "every": "1h"})").status, 200);
        QCOMPARE(b().get("/api/v1/expiry").json().value(QStringLiteral("rules")).toObject()
                     .value(QStringLiteral("ids_inactive_for")).toString(), QStringLiteral("30d"));
        QTRY_COMPARE(b().get("/0e0e0e0e-0e0e-4e0e-8e0e-0e0e0e0e0e0e").status, 404);
        // One of the two swept, the other found it done; and neither again within the hour.
        QTest::qWait(200);
        const auto sweeps = [](HttpClient client) {
            return client.get("/metrics").body.contains("\ndiscodesk_expiry_sweeps_total 1\n") ? 1 : 0;
        };
        QCOMPARE(sweeps(a()) + sweeps(b()), 1);
        const QByteArray zero = "\ndiscodesk_expiry_sweeps_total 0\n";
        QVERIFY(a().get("/metrics").body.contains(zero) != b().get("/metrics").body.contains(zero));
    }

    void concurrentRegistrationsThroughBothAreEachStoredOnce()
    {
        startBoth();
        const QByteArray id = a().post("/").json().value(QStringLiteral("disco_id")).toString().toUtf8();
        // Each server gets 30 addresses of its own and the same 10 shared ones.
        auto registerThrough = [&](HttpClient client, const QString &prefix, int *failures) {
            return [=, this] {
                for (int i = 0; i < 40; ++i) {
                    const QString address = i < 30 ? QStringLiteral("%1-%2:4001").arg(prefix).arg(i)
                                                   : QStringLiteral("shared-%1:4001").arg(i);
                    if (HttpClient(client).post("/" + id, addrBody(address)).status != 200)
                        ++*failures;
                }
            };
        };
        int failuresA = 0, failuresB = 0;
        runTogether({registerThrough(a(), QStringLiteral("a"), &failuresA),
                     registerThrough(b(), QStringLiteral("b"), &failuresB)});
        QCOMPARE(failuresA, 0);
        QCOMPARE(failuresB, 0);

        const QStringList throughA = addressesOf(a().get("/" + id));
        QCOMPARE(throughA.size(), 70);
        QCOMPARE(QSet<QString>(throughA.begin(), throughA.end()).size(), 70); // no address twice
        QCOMPARE(addressesOf(b().get("/" + id)), throughA);
        const HttpResponse detail = b().get("/api/v1/ids/" + id);
        for (const QJsonValue &node : detail.jsonArray(QStringLiteral("nodes"))) {
            const QJsonObject object = node.toObject();
            const bool shared = object.value(QStringLiteral("addr")).toString().startsWith(u"shared-");
            QCOMPARE(object.value(QStringLiteral("registrations")).toInt(), shared ? 2 : 1);
        }
    }

    void theWritesOfOnePassAreSavedTogether()
    {
        // Group commit on PostgreSQL: what a server writes in one pass of its event
        // loop is one transaction, which the others see whole once it commits.
        startBoth();
        const QByteArray id = a().post("/").json().value(QStringLiteral("disco_id")).toString().toUtf8();
        const QString location = m_config.databasePath;
        QStringList heard; // the nodes B hears of, in order
        connect(m_b.get(), &ServerThread::storeChanged, this, [&heard](const StoreChanges &changes) {
            for (const StoreChange &change : changes) {
                if (change.type == StoreChange::Type::NodeAdded)
                    heard << change.node.address;
            }
        });
        const qint64 seenMeanwhile = TestServer::onServerThread(*m_a, [&](DiscoveryServer &server) -> qint64 {
            for (int n = 1; n <= 3; ++n)
                server.service().registerNode(QString::fromUtf8(id), QStringLiteral("localhost:400%1").arg(n), {});
            // What another server would read now, through a connection of its own.
            QString error;
            const std::unique_ptr<Store> other = Store::open(location, &error, Store::Mode::ReadOnly);
            const auto counts = other ? DiscoveryService(*other).countIdsAndNodes() : StoreResult<StoreCounts>::failure(error);
            return counts.ok() ? counts->nodes : -1;
        });
        QCOMPARE(seenMeanwhile, 0);
        QTRY_COMPARE(addressesOf(b().get("/" + id)).size(), 3);
        // The batch's notices, sent in one statement, each arrive, in order.
        QTRY_COMPARE(heard, (QStringList{QStringLiteral("localhost:4001"), QStringLiteral("localhost:4002"),
                                         QStringLiteral("localhost:4003")}));
    }

    void aBatchHoldsTheServersWriteLock()
    {
        // While one server's batch is open, no other server's write begins: batches
        // take turns, so none can wait for another's rows in a cycle (a deadlock).
        startBoth();
        const QByteArray id = a().post("/").json().value(QStringLiteral("disco_id")).toString().toUtf8();
        const QString location = m_config.databasePath;
        auto otherCanTakeTheLock = [location]() -> int { // 1 yes, 0 no, -1 failed
            PostgresConnection other(location);
            QSqlQuery query(other.db());
            if (!query.exec(QStringLiteral("SELECT pg_try_advisory_xact_lock(%1)").arg(PostgresStore::WriteLockKey))
                || !query.next())
                return -1;
            return query.value(0).toBool() ? 1 : 0;
        };
        const int whileOpen = TestServer::onServerThread(*m_a, [&](DiscoveryServer &server) {
            server.service().registerNode(QString::fromUtf8(id), QStringLiteral("localhost:4001"), {});
            return otherCanTakeTheLock();
        });
        QCOMPARE(whileOpen, 0);
        QTRY_COMPARE(addressesOf(b().get("/" + id)).size(), 1); // committed: the lock is free again
        QCOMPARE(otherCanTakeTheLock(), 1);
    }

    void theNodeLimitHoldsAcrossServers()
    {
        startBoth(10);
        const QByteArray id = a().post("/").json().value(QStringLiteral("disco_id")).toString().toUtf8();
        int acceptedA = 0, acceptedB = 0;
        auto registerThrough = [&](HttpClient client, const QString &prefix, int *accepted) {
            return [=] {
                for (int i = 0; i < 20; ++i) {
                    const int status = HttpClient(client).post("/" + id, addrBody(QStringLiteral("%1-%2:1").arg(prefix).arg(i))).status;
                    if (status == 200)
                        ++*accepted;
                }
            };
        };
        runTogether({registerThrough(a(), QStringLiteral("a"), &acceptedA),
                     registerThrough(b(), QStringLiteral("b"), &acceptedB)});
        QCOMPARE(acceptedA + acceptedB, 10);
        QCOMPARE(addressesOf(b().get("/" + id)).size(), 10);
    }

    void etcdIndexesStayStrictlyIncreasingAcrossServers()
    {
        startBoth();
        const QString discoveryUrl = QString::fromUtf8(a().get("/new?size=50").body);
        const QByteArray path = QUrl(discoveryUrl).path().toUtf8();
        QList<qint64> indexesA, indexesB;
        auto createThrough = [&](HttpClient client, const QString &prefix, QList<qint64> *indexes) {
            return [=] {
                for (int i = 0; i < 20; ++i) {
                    const HttpResponse created = HttpClient(client).send(
                        "PUT", path + "/" + prefix.toUtf8() + QByteArray::number(i) + "?prevExist=false",
                        "value=" + prefix.toUtf8() + QByteArray::number(i) + "%3Dhttp%3A%2F%2F127.0.0.1%3A1",
                        "application/x-www-form-urlencoded");
                    indexes->append(created.json().value(QStringLiteral("node")).toObject()
                                        .value(QStringLiteral("createdIndex")).toInteger());
                }
            };
        };
        runTogether({createThrough(a(), QStringLiteral("a"), &indexesA),
                     createThrough(b(), QStringLiteral("b"), &indexesB)});
        // Each server's answers grow, and together they are 2..41, none twice.
        QVERIFY(std::is_sorted(indexesA.begin(), indexesA.end()));
        QVERIFY(std::is_sorted(indexesB.begin(), indexesB.end()));
        QList<qint64> all = indexesA + indexesB;
        std::sort(all.begin(), all.end());
        QList<qint64> expected;
        for (qint64 index = 2; index <= 41; ++index)
            expected << index;
        QCOMPARE(all, expected);
    }

    void anEtcdWaitOnOneServerWakesForAMemberRegisteredOnTheOther()
    {
        startBoth();
        const QByteArray token = newEtcdToken();
        HeldWait wait(*m_b, token, 2);
        QVERIFY(wait.isHeld());
        QCOMPARE(putMember(a(), token, QStringLiteral("m1"), 2380), 201);
        QVERIFY(wait.ends());
        QCOMPARE(wait.response().status, 200);
        QCOMPARE(wait.member().value(QStringLiteral("value")).toString(), QStringLiteral("m1=http://127.0.0.1:2380"));
    }

    void anEtcdWaitIsAnsweredInIndexOrderWhicheverNewsComesFirst()
    {
        startBoth();
        // A hears of B's changes only by polling here, so news of a member created
        // through B reaches A after a later member created through A itself.
        pollOnly(*m_a, m_config);
        const QByteArray token = newEtcdToken();
        HeldWait wait(*m_a, token, 2);
        QVERIFY(wait.isHeld());
        QCOMPARE(putMember(b(), token, QStringLiteral("m1"), 2380), 201);
        QCOMPARE(putMember(a(), token, QStringLiteral("m2"), 2381), 201);
        QVERIFY(wait.ends());
        // etcd goes on from the index it is given, so answering m2 would lose m1 for good.
        QCOMPARE(wait.member().value(QStringLiteral("value")).toString(), QStringLiteral("m1=http://127.0.0.1:2380"));
        QCOMPARE(wait.member().value(QStringLiteral("createdIndex")).toInteger(), 2);
    }

    void anEtcdWaitWakesWhenItsServerOnlyPolls()
    {
        startBoth();
        pollOnly(*m_a, m_config);
        const QByteArray token = newEtcdToken();
        HeldWait wait(*m_a, token, 2);
        QVERIFY(wait.isHeld());
        QCOMPARE(putMember(b(), token, QStringLiteral("m1"), 2380), 201);
        QVERIFY(wait.ends()); // within a poll or two, not at the held wait's 30 s timeout
        QCOMPARE(wait.member().value(QStringLiteral("value")).toString(), QStringLiteral("m1=http://127.0.0.1:2380"));
    }

    // rqlite 7-10's voters race "PUT ?cas=0" through whichever server they reach.
    void consulCasHasExactlyOneWinnerAcrossServers()
    {
        startBoth();
        QList<QByteArray> answers(3);
        QList<std::function<void()>> voters;
        for (int n = 0; n < 3; ++n) {
            const quint16 port = quint16((n == 1 ? m_b : m_a)->url().port());
            voters.append([&answers, n, port] {
                answers[n] = HttpClient(port)
                                 .send("PUT", "/v1/kv/rqlite/leader?cas=0", "{\"id\":\"node" + QByteArray::number(n) + "\"}",
                                       "application/octet-stream")
                                 .body;
            });
        }
        runTogether(voters);
        QCOMPARE(answers.count("true"), 1);
        QCOMPARE(answers.count("false"), 2);
        const QByteArray winner = "{\"id\":\"node" + QByteArray::number(answers.indexOf("true")) + "\"}";
        QCOMPARE(a().get("/v1/kv/rqlite/leader?raw").body, winner);
        QCOMPARE(b().get("/v1/kv/rqlite/leader?raw").body, winner);
    }

    void aBlockingKvReadOnOneServerWakesForAWriteThroughTheOther_data()
    {
        QTest::addColumn<bool>("polls");
        QTest::newRow("notified") << false;
        QTest::newRow("only polls") << true;
    }
    void aBlockingKvReadOnOneServerWakesForAWriteThroughTheOther()
    {
        QFETCH(bool, polls);
        startBoth();
        if (polls)
            pollOnly(*m_a, m_config);
        const QByteArray index = a().get("/v1/kv/rqlite/leader").headers.value("x-consul-index");
        OpenRequest blocked(quint16(m_a->url().port()), "/v1/kv/rqlite/leader?index=" + index + "&wait=5m");
        QVERIFY(QTest::qWaitFor([this] {
            return TestServer::onServerThread(*m_a, [](DiscoveryServer &s) { return s.openKvWaits(); }) == 1;
        }, HearingTimeoutMs));
        QCOMPARE(b().send("PUT", "/v1/kv/rqlite/leader", "leader", "application/octet-stream").body, QByteArray("true"));
        const HttpResponse woken = blocked.read();
        QCOMPARE(woken.status, 200);
        QVERIFY(woken.headers.value("x-consul-index").toLongLong() > index.toLongLong());
        QVERIFY(woken.body.contains("\"Value\":\"" + QByteArray("leader").toBase64() + "\""));
    }

    void aRealEtcdClusterBootstrapsThroughALoadBalancerOverBoth()
    {
        const QString missing = EtcdMembers::missingTools();
        QVERIFY2(missing.isEmpty(), qPrintable(missing));
        startBoth();
        LoadBalancer balancer({quint16(m_a->url().port()), quint16(m_b->url().port())});
        QVERIFY(balancer.port() != 0);
        // etcd needs the byte-identical URL on every member (it is the cluster
        // token), so the URL names the balancer, and the balancer spreads them.
        const QString discoveryUrl = QString::fromUtf8(HttpClient(balancer.port()).get("/new?size=3").body);
        QVERIFY2(discoveryUrl.startsWith(QStringLiteral("http://127.0.0.1:%1/").arg(balancer.port())),
                 qPrintable(discoveryUrl));

        EtcdMembers members;
        const QList<quint16> ports = EtcdMembers::freePorts(6);
        for (int i = 0; i < 3; ++i)
            QVERIFY(members.start(QStringLiteral("m%1").arg(i + 1), discoveryUrl, ports.at(i), ports.at(3 + i))
                        ->waitForStarted(5000));
        QString report;
        QVERIFY2(members.waitUntilFormed(3, ports.mid(0, 3), std::chrono::seconds(60), &report), qPrintable(report));

        // Both servers answered etcd's requests (the /new above went to A).
        const QList<int> connections = balancer.connectionsPerBackend();
        QVERIFY2(connections.at(0) >= 2 && connections.at(1) >= 2,
                 qPrintable(QStringLiteral("connections to A and B: %1, %2").arg(connections.at(0)).arg(connections.at(1))));
        const QByteArray token = QUrl(discoveryUrl).path().mid(6).toUtf8();
        QCOMPARE(a().get("/api/v1/ids/" + token).json().value(QStringLiteral("node_count")).toInt(), 3);
        QCOMPARE(b().get("/api/v1/ids/" + token).json().value(QStringLiteral("node_count")).toInt(), 3);
    }

    void aWindowOnTheSameDatabaseHearsOfOtherServers()
    {
        startBoth();
        // The window runs a server of its own on the database; its live view is
        // driven by storeChanged().
        ServerThread window;
        const QString error = TestServer::startAndWait(window, m_config);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QSignalSpy heard(&window, &ServerThread::storeChanged);

        const QByteArray id = a().post("/").json().value(QStringLiteral("disco_id")).toString().toUtf8();
        QVERIFY(heard.wait(HearingTimeoutMs));
        QCOMPARE(heard.constLast().at(0).value<StoreChanges>().constFirst().type, StoreChange::Type::IdCreated);
        heard.clear();
        QCOMPARE(b().post("/" + id, addrBody(QStringLiteral("localhost:4001"))).status, 200);
        QVERIFY(heard.wait(HearingTimeoutMs));
        const StoreChange added = heard.constLast().at(0).value<StoreChanges>().constFirst();
        QCOMPARE(added.type, StoreChange::Type::NodeAdded);
        QCOMPARE(added.discoveryId, QString::fromUtf8(id));
        QCOMPARE(added.node.address, QStringLiteral("localhost:4001"));
    }

    void withoutNotificationsAWindowStillHearsByPolling()
    {
        startBoth();
        ServerThread window;
        const QString error = TestServer::startAndWait(window, m_config);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        // Where LISTEN is unavailable the store polls; force that here.
        pollOnly(window, m_config);
        QSignalSpy heard(&window, &ServerThread::storeChanged);

        const QByteArray id = a().post("/").json().value(QStringLiteral("disco_id")).toString().toUtf8();
        QVERIFY(heard.wait(HearingTimeoutMs));
        QCOMPARE(heard.constLast().at(0).value<StoreChanges>().constFirst().type, StoreChange::Type::ChangedElsewhere);
        // Only changes are reported: a quiet database stays quiet.
        heard.clear();
        QVERIFY(!heard.wait(int(PostgresStore::PollInterval.count()) * 2));
        QCOMPARE(b().del("/api/v1/ids/" + id).status, 200);
        QVERIFY(heard.wait(HearingTimeoutMs));
    }

    void aPruneThroughOneServerIsSeenByTheOther()
    {
        startBoth();
        QList<QByteArray> ids;
        for (int i = 0; i < 5; ++i)
            ids << a().post("/").json().value(QStringLiteral("disco_id")).toString().toUtf8();
        QCOMPARE(a().post("/" + ids.at(0), addrBody(QStringLiteral("kept:1"))).status, 200);
        const HttpResponse pruned = b().post("/api/v1/prune", R"({"no_nodes": true})");
        QCOMPARE(pruned.status, 200);
        QCOMPARE(a().get("/" + ids.at(0)).status, 200);
        for (int i = 1; i < 5; ++i)
            QCOMPARE(a().get("/" + ids.at(i)).status, 404);
    }

    // Last: it stops the PostgreSQL server that every test here uses.
    void bothComeBackAfterPostgreSqlRestarts()
    {
        startBoth();
        const QByteArray id = a().post("/").json().value(QStringLiteral("disco_id")).toString().toUtf8();
        QCOMPARE(a().post("/" + id, addrBody(QStringLiteral("localhost:4001"))).status, 200);

        QString error;
        TestPostgres *postgres = TestDatabase::postgres(&error);
        postgres->stop();
        const HttpResponse during = b().get("/" + id);
        QCOMPARE(during.status, 503);
        QVERIFY2(during.json().value(QStringLiteral("error")).toString().startsWith(u"the database is unavailable"),
                 during.body.constData());

        error = postgres->start();
        QVERIFY2(error.isEmpty(), qPrintable(error));
        // The first request after the outage may still meet the dead connection.
        QTRY_COMPARE_WITH_TIMEOUT(b().get("/" + id).status, 200, 5000);
        QCOMPARE(addressesOf(b().get("/" + id)), QStringList{QStringLiteral("localhost:4001")});
        QTRY_COMPARE_WITH_TIMEOUT(a().post("/" + id, addrBody(QStringLiteral("localhost:4002"))).status, 200, 5000);
        // Changes are heard across servers again: LISTEN was renewed.
        ServerThread window;
        QCOMPARE(TestServer::startAndWait(window, m_config), QString());
        QSignalSpy heard(&window, &ServerThread::storeChanged);
        QCOMPARE(b().post("/" + id, addrBody(QStringLiteral("localhost:4003"))).status, 200);
        QVERIFY(heard.wait(HearingTimeoutMs));
        QCOMPARE(addressesOf(a().get("/" + id)).size(), 3);
    }
};

QTEST_GUILESS_MAIN(TestTwoInstances)
#include "tst_twoinstances.moc"
