// Automatic expiry: the rules, where they are kept, when a sweep is due, that a sweep
// removes exactly what the preview of the same rules lists, and the admin API and the
// server's sweeper. On SQLite and PostgreSQL (CTest runs this suite on both).

#include "DiscoveryServer.h"
#include "core/ExpiryRules.h"
#include "service/DiscoveryService.h"
#include "store/Store.h"
#include "support/TestDatabase.h"
#include "support/TestServer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace {

constexpr qint64 Day = 86400;

Timestamp day(qint64 n)
{
    return Timestamp::fromMicroseconds(n * Day * 1'000'000);
}

// The service on a store, at a time the test sets.
struct Clocked
{
    explicit Clocked(Store &store) : service(store, [this] { return now; }) {}
    Timestamp now = day(1000);
    DiscoveryService service;
};

ExpiryRules rulesFrom(const char *json)
{
    QString error;
    const auto rules = ExpiryRules::fromJson(QJsonDocument::fromJson(json).object(), &error);
    if (!rules)
        qFatal("bad test rules: %s", qPrintable(error));
    return *rules;
}

} // namespace

class TestExpiry : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    std::unique_ptr<Store> openStore()
    {
        QString error;
        const QString location = TestDatabase::create(m_dir.path(), &error);
        if (location.isEmpty())
            qFatal("no test database: %s", qPrintable(error));
        std::unique_ptr<Store> store = Store::open(location, &error);
        if (!store)
            qFatal("cannot open the test database: %s", qPrintable(error));
        return store;
    }

private slots:
    void agesReadAndWriteInTheirUnits_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("seconds");
        QTest::addColumn<QString>("written");
        QTest::newRow("days") << "30d" << 30 * Day << "30d";
        QTest::newRow("hours as days") << "48h" << 2 * Day << "2d";
        QTest::newRow("minutes") << "90m" << qint64(5400) << "90m";
        QTest::newRow("seconds as a minute") << "60s" << qint64(60) << "1m";
    }
    void agesReadAndWriteInTheirUnits()
    {
        QFETCH(QString, text);
        QFETCH(qint64, seconds);
        QFETCH(QString, written);
        QString error;
        const auto age = ExpiryRules::parseAge(text, &error);
        QVERIFY2(age, qPrintable(error));
        QCOMPARE(qint64(age->count()), seconds);
        QCOMPARE(ExpiryRules::ageText(*age), written);
    }

    void badRulesAreRefusedWithTheReason_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("reason");
        QTest::newRow("unknown field") << QByteArray(R"({"nodes_not_seen": "7d"})") << "unknown field \"nodes_not_seen\"";
        QTest::newRow("no unit") << QByteArray(R"({"nodes_not_seen_for": "7"})") << "nodes_not_seen_for: \"7\" is not an age";
        QTest::newRow("zero") << QByteArray(R"({"ids_inactive_for": "0d"})") << "ids_inactive_for: \"0d\" is not a whole, positive";
        QTest::newRow("too short") << QByteArray(R"({"kv_not_reported_for": "30s"})") << "kv_not_reported_for: the shortest is 1m";
        QTest::newRow("too long") << QByteArray(R"({"empty_ids_after": "3651d"})") << "up to 3650 days";
        QTest::newRow("a number") << QByteArray(R"({"empty_ids_after": 86400})") << "empty_ids_after: it must be an age";
        QTest::newRow("sweeps too often") << QByteArray(R"({"every": "30s"})") << "every: sweeps run every 1m to 7d";
        QTest::newRow("every null") << QByteArray(R"({"every": null})") << "every: it must be an interval";
    }
    void badRulesAreRefusedWithTheReason()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, reason);
        QString error;
        QVERIFY(!ExpiryRules::fromJson(QJsonDocument::fromJson(json).object(), &error));
        QVERIFY2(error.contains(reason), qPrintable(error));
    }

    void offByDefaultAndKeptInTheDatabase()
    {
        std::unique_ptr<Store> store = openStore();
        const QString location = store->name();
        {
            Clocked clocked(*store);
            QVERIFY(clocked.service.expiryRules()->isOff());
            QVERIFY(!clocked.service.sweepIfDue().value()); // off: nothing runs
            QVERIFY(clocked.service.setExpiryRules(rulesFrom(R"({"nodes_not_seen_for": "7d", "every": "2h"})")).ok());
        }
        store.reset();
        QString error;
        store = Store::open(location, &error);
        QVERIFY2(store, qPrintable(error));
        Clocked clocked(*store);
        const ExpiryRules rules = clocked.service.expiryRules().value();
        QCOMPARE(rules.nodesNotSeenFor, std::optional<ExpiryRules::Age>(7 * Day));
        QCOMPARE(rules.interval, ExpiryRules::Age(7200));
        QVERIFY(!rules.idsInactiveFor && !rules.emptyIdsAfter && !rules.kvNotReportedFor);
    }

    void aSweepRemovesWhatThePreviewListedAndRunsOncePerInterval()
    {
        std::unique_ptr<Store> store = openStore();
        Clocked clocked(*store);
        DiscoveryService &service = clocked.service;
        // Day 0: an ID that never got a node, and one whose first node registers then.
        clocked.now = day(0);
        const QString empty = service.createId(DiscoveryKind::Rqlite, {})->id;
        const QString cluster = service.createId(DiscoveryKind::Rqlite, {})->id;
        QVERIFY(service.registerNode(cluster, QStringLiteral("old:4001"), QStringLiteral("10.0.0.1")).ok());
        // Day 95: a second node of the cluster registers; and a new, empty ID.
        clocked.now = day(95);
        QVERIFY(service.registerNode(cluster, QStringLiteral("new:4001"), QStringLiteral("10.0.0.2")).ok());
        const QString young = service.createId(DiscoveryKind::Rqlite, {})->id;

        // Day 100: IDs idle for 30 days go; nodes unseen for 7 days go.
        clocked.now = day(100);
        QVERIFY(service.setExpiryRules(rulesFrom(R"({"ids_inactive_for": "30d", "nodes_not_seen_for": "7d"})")).ok());
        const PruneResult preview = service.previewExpiry().value();
        QCOMPARE(preview.idCount, 1);
        QCOMPARE(preview.ids.constFirst().id, empty);
        QCOMPARE(preview.singleNodeCount, 1);
        QCOMPARE(preview.nodes.constFirst().address, QStringLiteral("old:4001"));

        const auto sweep = service.sweepIfDue();
        QVERIFY2(sweep.ok(), qPrintable(sweep.error()));
        QVERIFY(sweep.value());
        QCOMPARE(sweep.value()->at, day(100));
        QCOMPARE(sweep.value()->ids, preview.idCount);
        QCOMPARE(sweep.value()->singleNodes, preview.singleNodeCount);
        QVERIFY2(sweep.value()->summary().startsWith(QStringLiteral("removed 1 ID (0 nodes) and 1 single node, in 1 slice")),
                 qPrintable(sweep.value()->summary()));
        QVERIFY(!service.findId(empty).value());
        QCOMPARE(service.findIdWithNodes(cluster).value()->nodes.size(), 1);
        QVERIFY(service.findId(young).value());
        QCOMPARE(service.lastExpirySweep().value()->at, day(100));

        // Within the interval (1 h) no sweep is due, whoever asks; after it, one is.
        clocked.now = Timestamp::fromMicroseconds(day(100).microseconds() + 3599'000'000LL);
        QVERIFY(!service.sweepIfDue().value());
        clocked.now = Timestamp::fromMicroseconds(day(100).microseconds() + 3600'000'000LL);
        const auto next = service.sweepIfDue();
        QVERIFY(next.value());
        QVERIFY(next.value()->summary().startsWith(QStringLiteral("removed nothing, in 1 slice")));
    }

    void aSweepGoesSliceBySliceAndRemovesWhatThePreviewListed()
    {
        std::unique_ptr<Store> store = openStore();
        Clocked clocked(*store);
        DiscoveryService &service = clocked.service;
        clocked.now = day(0);
        for (int i = 0; i < 7; ++i)
            QVERIFY(service.createId(DiscoveryKind::Rqlite, {}).ok());
        clocked.now = day(99);
        QStringList young;
        for (int i = 0; i < 3; ++i)
            young << service.createId(DiscoveryKind::Rqlite, {})->id;
        clocked.now = day(100);
        QVERIFY(service.setExpiryRules(rulesFrom(R"({"ids_inactive_for": "30d"})")).ok());
        const qint64 previewed = service.previewExpiry().value().idCount;
        QCOMPARE(previewed, 7);

        auto begun = service.beginSweepIfDue();
        QVERIFY2(begun.ok() && begun.value(), qPrintable(begun.error()));
        DiscoveryService::ExpiryRun run = *begun.value();
        // Begun is claimed: no other sweep is due meanwhile, on any server.
        QVERIFY(!service.beginSweepIfDue().value());
        run.sliceIds = 2; // ten IDs: five slices of two, each its own transaction
        int slices = 0;
        while (!run.done) {
            QVERIFY(service.sweepSlice(run).ok());
            ++slices;
        }
        QCOMPARE(slices, 5);
        QVERIFY(service.finishSweep(run).ok());
        QCOMPARE(run.sweep.ids, previewed);
        QCOMPARE(service.lastExpirySweep().value()->ids, previewed);
        QCOMPARE(service.countIdsAndNodes().value().ids, 3);
        for (const QString &id : std::as_const(young))
            QVERIFY(service.findId(id).value());
    }

    void emptyIdsAndKvKeysExpireByTheirOwnRules()
    {
        std::unique_ptr<Store> store = openStore();
        Clocked clocked(*store);
        DiscoveryService &service = clocked.service;
        clocked.now = day(10);
        const QString oldEmpty = service.createId(DiscoveryKind::Etcd, {}, 3)->id;
        clocked.now = day(12);
        const QString newEmpty = service.createId(DiscoveryKind::Etcd, {}, 3)->id;
        QVERIFY(service.setExpiryRules(rulesFrom(R"({"empty_ids_after": "1d"})")).ok());
        clocked.now = Timestamp::fromMicroseconds(day(12).microseconds() + 3600'000'000LL);
        const auto sweep = service.sweepIfDue();
        QVERIFY(sweep.value());
        QCOMPARE(sweep.value()->ids, 1);
        QVERIFY(!service.findId(oldEmpty).value());
        QVERIFY(service.findId(newEmpty).value());
    }

    void theAdminApiSetsAndShowsTheRules()
    {
        TestServer server;
        QVERIFY(server.start());
        HttpClient client = server.client();
        const QJsonObject off = client.get("/api/v1/expiry").json();
        QCOMPARE(off.value(QStringLiteral("enabled")).toBool(true), false);
        QVERIFY(off.value(QStringLiteral("last_sweep")).isNull());
        QVERIFY(off.value(QStringLiteral("next_sweep_due")).isNull());
        QCOMPARE(off.value(QStringLiteral("rules")).toObject().value(QStringLiteral("every")).toString(), QStringLiteral("1h"));
        QVERIFY(off.value(QStringLiteral("rules")).toObject().value(QStringLiteral("nodes_not_seen_for")).isNull());

        const HttpResponse bad = client.send("PUT", "/api/v1/expiry", R"({"nodes_not_seen_for": "7 days"})");
        QCOMPARE(bad.status, 400);
        QVERIFY(bad.json().value(QStringLiteral("error")).toString().contains(QStringLiteral("nodes_not_seen_for")));
        QCOMPARE(client.send("PUT", "/api/v1/expiry", R"({"typo": "7d"})").status, 400);
        QCOMPARE(client.post("/api/v1/expiry", "{}").status, 405);

        const HttpResponse set = client.send("PUT", "/api/v1/expiry", R"({"kv_not_reported_for": "1d", "every": "15m"})");
        QCOMPARE(set.status, 200);
        QCOMPARE(set.json().value(QStringLiteral("enabled")).toBool(), true);
        QCOMPARE(set.json().value(QStringLiteral("rules")).toObject().value(QStringLiteral("kv_not_reported_for")).toString(),
                 QStringLiteral("1d"));
        QVERIFY(!set.json().value(QStringLiteral("next_sweep_due")).toString().isEmpty());

        // The preview answers as a prune's dry run of the same rules.
        const QJsonObject preview = client.get("/api/v1/expiry/preview").json();
        QCOMPARE(preview.value(QStringLiteral("dry_run")).toBool(), true);
        QCOMPARE(preview.value(QStringLiteral("removed")).toObject().value(QStringLiteral("kv_keys")).toInt(-1), 0);

        // Kept across a restart.
        server.stop();
        QVERIFY(server.start());
        QCOMPARE(server.client().get("/api/v1/expiry").json().value(QStringLiteral("rules")).toObject()
                     .value(QStringLiteral("every")).toString(), QStringLiteral("15m"));
    }

    void rulesGivenAtStartReplaceTheStoredOnes()
    {
        TestServer server;
        QVERIFY(server.start());
        QCOMPARE(server.client().send("PUT", "/api/v1/expiry", R"({"nodes_not_seen_for": "7d"})").status, 200);
        server.stop();
        server.config().expiry = rulesFrom(R"({"ids_inactive_for": "30d", "every": "2h"})");
        QVERIFY(server.start());
        const QJsonObject rules = server.client().get("/api/v1/expiry").json().value(QStringLiteral("rules")).toObject();
        QCOMPARE(rules.value(QStringLiteral("ids_inactive_for")).toString(), QStringLiteral("30d"));
        QVERIFY(rules.value(QStringLiteral("nodes_not_seen_for")).isNull());
        QCOMPARE(rules.value(QStringLiteral("every")).toString(), QStringLiteral("2h"));
    }

    void theServerSweepsOnItsOwnOncePerInterval()
    {
        TestServer server;
        server.config().expirySchedule = {std::chrono::milliseconds(0), std::chrono::milliseconds(50)};
        QVERIFY(server.start());
        // An ID idle since 2020, brought in by an import, and a new one.
        const QByteArray old = "{\"format\":\"discodesk-export\",\"format_version\":1,\"ids\":[{\"id\":"
                               "\"0e0e0e0e-0e0e-4e0e-8e0e-0e0e0e0e0e0e\",\"kind\":\"rqlite\",\"created_at\":"
                               "\"2020-01-01T00:00:00Z\",\"nodes\":[]}]}";
        QCOMPARE(server.client().post("/api/v1/import", old).status, 200);
        const QByteArray fresh = server.createId();
        QCOMPARE(server.client().get("/0e0e0e0e-0e0e-4e0e-8e0e-0e0e0e0e0e0e").status, 200); // off: nothing goes

        // Rules on: the sweeper's next look (every 50 ms here) finds a sweep due.
        QCOMPARE(server.client().send("PUT", "/api/v1/expiry", R"({"ids_inactive_for": "30d"})").status, 200);
        QTRY_COMPARE(server.client().get("/0e0e0e0e-0e0e-4e0e-8e0e-0e0e0e0e0e0e").status, 404);
        QCOMPARE(server.client().get('/' + fresh).status, 200);
        QTRY_VERIFY(server.client().get("/metrics").body.contains("\ndiscodesk_expiry_sweeps_total 1\n"));
        const QJsonObject shown = server.client().get("/api/v1/expiry").json();
        QCOMPARE(shown.value(QStringLiteral("last_sweep")).toObject().value(QStringLiteral("ids")).toInt(), 1);

        // Another idle ID: the next sweep is an hour away, however often the sweeper looks.
        QCOMPARE(server.client().post("/api/v1/import", QByteArray(old).replace("0e0e0e0e-", "1e0e0e0e-")).status, 200);
        QTest::qWait(300);
        QCOMPARE(server.client().get("/1e0e0e0e-0e0e-4e0e-8e0e-0e0e0e0e0e0e").status, 200);
        const QByteArray metrics = server.client().get("/metrics").body;
        QVERIFY(metrics.contains("\ndiscodesk_expiry_sweeps_total 1\n"));
        QVERIFY(metrics.contains("\ndiscodesk_expiry_removals_total{what=\"id\"} 1\n"));
    }
};

QTEST_GUILESS_MAIN(TestExpiry)
#include "tst_expiry.moc"
