// GET /metrics: Prometheus's own parser (Debian's python3-prometheus-client) reads
// what the server says after a known sequence of requests, and the figures match it.

#include "DiscoveryServer.h"
#include "Version.h"
#include "support/OpenRequest.h"
#include "support/TestDatabase.h"
#include "support/TestServer.h"

#include <QHostAddress>
#include <QDateTime>
#include <QProcess>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <memory>

namespace {

// Every sample of a /metrics text, as "name{label="value",...}" (labels sorted) to its
// value, read by Prometheus's parser; empty with the parser's complaint in error.
QHash<QString, double> parsed(const QByteArray &text, QString *error)
{
    QProcess python;
    python.setProcessChannelMode(QProcess::MergedChannels);
    python.start(QStringLiteral("/usr/bin/python3"), {QStringLiteral(DISCODESK_METRICS_PARSE_PATH)});
    python.write(text);
    python.closeWriteChannel();
    if (!python.waitForFinished(30'000) || python.exitCode() != 0) {
        *error = QString::fromUtf8(python.readAll());
        return {};
    }
    QHash<QString, double> samples;
    for (const QByteArray &line : python.readAll().split('\n')) {
        const QList<QByteArray> fields = line.split(' ');
        if (fields.size() == 3)
            samples.insert(QString::fromUtf8(fields.at(0)), fields.at(1).toDouble());
    }
    return samples;
}

} // namespace

class TestMetrics : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_server;
    QTemporaryDir m_dir; // the admin token, beside no file on PostgreSQL
    HttpClient client() const { return m_server->client(); }

    QHash<QString, double> scrape()
    {
        const HttpResponse reply = client().get("/metrics");
        if (reply.status != 200 || reply.headers.value("content-type") != "text/plain; version=0.0.4; charset=utf-8")
            return {};
        QString error;
        QHash<QString, double> samples = parsed(reply.body, &error);
        if (!error.isEmpty())
            qWarning("%s", qPrintable(error));
        return samples;
    }

private slots:
    void init()
    {
        m_server = std::make_unique<TestServer>();
        // Counted right after each change, instead of 15 s later.
        m_server->config().metricsRecountDelay = std::chrono::milliseconds(0);
        m_server->config().etcdWaitTimeout = std::chrono::milliseconds(30'000);
        m_server->config().adminTokenPath = m_dir.filePath(QStringLiteral("admin-token"));
    }
    void cleanup() { m_server.reset(); }

    void aKnownSequenceIsCountedAndParses()
    {
        QVERIFY(m_server->start());
        // rqlite: an ID, two nodes, a lookup, an unknown ID, one node removed.
        const QByteArray id = m_server->createId();
        QCOMPARE(client().post('/' + id, R"({"addr":"a:4001"})").status, 200);
        QCOMPARE(client().post('/' + id, R"({"addr":"b:4001"})").status, 200);
        QCOMPARE(client().get('/' + id).status, 200);
        QCOMPARE(client().get("/00000000-0000-0000-0000-000000000000").status, 404);
        QCOMPARE(client().del('/' + id, R"({"addr":"b:4001"})").status, 200);
        // etcd: two tokens, a member registered in one; the other deleted.
        const QByteArray token = QUrl(QString::fromUtf8(client().get("/new?size=3").body)).path().toUtf8();
        const QByteArray gone = QUrl(QString::fromUtf8(client().get("/new?size=3").body)).path().toUtf8();
        QCOMPARE(client().send("PUT", token + "/aaaa?prevExist=false",
                               "value=" + QUrl::toPercentEncoding(QStringLiteral("m1=http://127.0.0.1:2380")),
                               "application/x-www-form-urlencoded").status, 201);
        QCOMPARE(client().del("/api/v1/ids/" + gone.mid(gone.lastIndexOf('/') + 1)).status, 200);
        // Consul KV: the leader's report.
        QCOMPARE(client().send("PUT", "/v1/kv/rqlite/leader", "leader-1", "application/octet-stream").status, 200);
        // A held etcd wait, open while the metrics are read.
        OpenRequest wait(m_server->port(), token + "?wait=true&waitIndex=100");
        QTRY_COMPARE(m_server->onServerThread([](DiscoveryServer &s) { return s.openEtcdWaits(); }), 1);

        // The store's counts follow the changes once counted again.
        QHash<QString, double> m;
        QTRY_VERIFY_WITH_TIMEOUT((m = scrape()).value(QStringLiteral("discodesk_kv_keys{}"), -1) == 1, 10'000);

        const auto is = [&](const char *sample) { return m.value(QString::fromLatin1(sample), -1); };
        QCOMPARE(is(R"(discodesk_http_requests_total{api="rqlite",code="2xx"})"), 5.0); // create, 2 POST, GET, DELETE
        QCOMPARE(is(R"(discodesk_http_requests_total{api="rqlite",code="4xx"})"), 1.0);
        QCOMPARE(is(R"(discodesk_http_requests_total{api="etcd",code="2xx"})"), 3.0); // 2 /new, the PUT
        QCOMPARE(is(R"(discodesk_http_requests_total{api="admin",code="2xx"})"), 1.0);
        QCOMPARE(is(R"(discodesk_http_requests_total{api="kv",code="2xx"})"), 1.0);
        QCOMPARE(is(R"(discodesk_http_request_duration_seconds_count{api="rqlite"})"), 6.0);
        QCOMPARE(is(R"(discodesk_http_request_duration_seconds_bucket{api="rqlite",le="+Inf"})"), 6.0);
        QVERIFY(is(R"(discodesk_http_request_duration_seconds_sum{api="rqlite"})") > 0);

        QCOMPARE(is(R"(discodesk_registrations_total{kind="rqlite"})"), 2.0);
        QCOMPARE(is(R"(discodesk_registrations_total{kind="etcd"})"), 1.0);
        QCOMPARE(is(R"(discodesk_registrations_total{kind="kv"})"), 1.0);
        QCOMPARE(is(R"(discodesk_removals_total{what="node"})"), 1.0);
        QCOMPARE(is(R"(discodesk_removals_total{what="id"})"), 1.0);
        QCOMPARE(is(R"(discodesk_removals_total{what="kv_key"})"), 0.0);

        QCOMPARE(is(R"(discodesk_ids{kind="rqlite"})"), 1.0);
        QCOMPARE(is(R"(discodesk_ids{kind="etcd"})"), 1.0);
        QCOMPARE(is(R"(discodesk_nodes{kind="rqlite"})"), 1.0);
        QCOMPARE(is(R"(discodesk_nodes{kind="etcd"})"), 1.0);
        QCOMPARE(is(R"(discodesk_etcd_waits{})"), 1.0);
        QCOMPARE(is(R"(discodesk_kv_blocking_reads{})"), 0.0);
        QVERIFY(is(R"(discodesk_connections_open{})") >= 2); // the wait's and the scrape's
        QCOMPARE(is(R"(discodesk_connections_refused_total{})"), 0.0);

        // Every write above was a group commit; on SQLite each followed by a sync of
        // the WAL, which PostgreSQL does itself.
        QVERIFY(is(R"(discodesk_commit_batch_size_count{})") >= 8);
        if (TestDatabase::usesPostgreSql())
            QCOMPARE(is(R"(discodesk_log_sync_duration_seconds_count{})"), 0.0);
        else
            QVERIFY(is(R"(discodesk_log_sync_duration_seconds_count{})") >= 1);
        QCOMPARE(is(R"(discodesk_store_errors_total{})"), 0.0);

        const QString build = QStringLiteral(R"(discodesk_build_info{qt_version="%1",version="%2"})")
                                  .arg(QString::fromLatin1(qVersion()), QStringLiteral(DISCODESK_VERSION));
        QCOMPARE(m.value(build, -1), 1.0);
        QVERIFY(qAbs(is("process_start_time_seconds{}") - QDateTime::currentSecsSinceEpoch()) < 3600);
    }

    void onlyGetAndHead()
    {
        QVERIFY(m_server->start());
        const HttpResponse post = client().post("/metrics");
        QCOMPARE(post.status, 405);
        QCOMPARE(post.headers.value("allow"), QByteArray("GET, HEAD"));
        QCOMPARE(client().send("HEAD", "/metrics").status, 200);
    }

    void connectionsRefusedByTheLimitAreCounted()
    {
        m_server->config().limits.maxConnections = 2;
        QVERIFY(m_server->start());
        OpenRequest first(m_server->port(), "/metrics-not-yet"); // answered at once: 404
        QTcpSocket second, third;
        second.connectToHost(QStringLiteral("127.0.0.1"), m_server->port());
        QVERIFY(second.waitForConnected(5000));
        QTRY_VERIFY(m_server->onServerThread([](DiscoveryServer &s) {
            return s.metricsText().contains("discodesk_connections_open 2\n");
        }));
        third.connectToHost(QStringLiteral("127.0.0.1"), m_server->port());
        QVERIFY(third.waitForConnected(5000));
        QTRY_VERIFY(m_server->onServerThread([](DiscoveryServer &s) {
            return s.metricsText().contains("discodesk_connections_refused_total 1\n");
        }));
    }

    void beyondLoopbackTheTokenIsNeeded()
    {
        m_server->config().bindAddress = QHostAddress(QHostAddress::AnyIPv4);
        QVERIFY(m_server->start());
        const HttpResponse refused = client().get("/metrics");
        QCOMPARE(refused.status, 401);
        QCOMPARE(refused.headers.value("www-authenticate"), QByteArray("Bearer"));
        QVERIFY(refused.json().value(QStringLiteral("error")).toString().contains(QStringLiteral("Bearer")));
        const QByteArray token = m_server->thread().adminToken().toLatin1();
        const HttpResponse allowed = client().raw("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                                                  + token + "\r\nConnection: close\r\n\r\n");
        QCOMPARE(allowed.status, 200);
        QVERIFY(allowed.body.contains("discodesk_http_requests_total{api=\"metrics\",code=\"4xx\"} 1\n"));
    }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
