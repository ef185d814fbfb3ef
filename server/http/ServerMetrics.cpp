#include "ServerMetrics.h"

#include "Version.h"

#include <QDateTime>

namespace {

enum Registration { Rqlite, Etcd, Kv };

} // namespace

ServerMetrics::ServerMetrics()
    : m_batchSize{1, 2, 4, 8, 16, 32, 64, 128, 256, 512},
      m_commitSeconds{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1},
      m_syncSeconds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1},
      m_startedAt(double(QDateTime::currentMSecsSinceEpoch()) / 1000)
{
}

QString ServerMetrics::apiOf(const QString &path)
{
    if (path == u"-")
        return QStringLiteral("none");
    if (path.startsWith(u"/etcd/") || path == u"/new" || path.startsWith(u"/new?"))
        return QStringLiteral("etcd");
    if (path.startsWith(u"/v1/"))
        return QStringLiteral("kv");
    if (path.startsWith(u"/api/") || path == u"/healthz" || path.startsWith(u"/healthz?"))
        return QStringLiteral("admin");
    if (path == u"/metrics" || path.startsWith(u"/metrics?"))
        return QStringLiteral("metrics");
    return QStringLiteral("rqlite");
}

void ServerMetrics::noteRequest(const RequestLogEntry &entry)
{
    RequestSeries &series = m_requests[apiOf(entry.path)];
    const int statusClass = entry.status / 100;
    if (statusClass >= 1 && statusClass <= 5)
        ++series.byClass[size_t(statusClass - 1)];
    series.duration.observe(entry.durationMs / 1000);
}

void ServerMetrics::noteSaved(const StoreChanges &changes)
{
    for (const StoreChange &change : changes) {
        if (change.origin != StoreChange::Origin::ThisServer)
            continue;
        switch (change.type) {
        case StoreChange::Type::NodeAdded:
        case StoreChange::Type::NodeUpdated:
            ++m_registrations[change.node.etcdIndex != 0 ? Etcd : Rqlite];
            break;
        case StoreChange::Type::KvWritten:
        case StoreChange::Type::KvReported:
            ++m_registrations[Kv];
            break;
        case StoreChange::Type::IdDeleted:
            ++m_removedIds;
            break;
        case StoreChange::Type::NodeRemoved:
            ++m_removedNodes;
            break;
        case StoreChange::Type::KvDeleted:
            ++m_removedKvKeys;
            break;
        case StoreChange::Type::ChangedElsewhere: // a big prune here
            m_removedIds += quint64(change.prunedIds);
            m_removedNodes += quint64(change.prunedNodes);
            m_removedKvKeys += quint64(change.prunedKvKeys);
            break;
        case StoreChange::Type::IdCreated:
        case StoreChange::Type::IdUpdated:
        case StoreChange::Type::KvAsked:
            break;
        }
    }
}

void ServerMetrics::noteCommit(int waiting, double seconds)
{
    m_batchSize.observe(waiting);
    m_commitSeconds.observe(seconds);
}

void ServerMetrics::noteExpirySweep(const ExpirySweep &sweep)
{
    ++m_sweeps;
    m_expired.ids += sweep.ids;
    m_expired.singleNodes += sweep.singleNodes;
    m_expired.kvKeys += sweep.kvKeys;
}

void ServerMetrics::noteSync(double seconds)
{
    m_syncSeconds.observe(seconds);
}

QByteArray ServerMetrics::text(const Now &now) const
{
    using Type = PrometheusText::Type;
    PrometheusText out;
    const auto label = [](const char *name, const QString &value) {
        return PrometheusText::Labels{{QByteArray(name), value}};
    };

    out.family("discodesk_build_info", Type::Gauge, "The DiscoDesk version and the Qt it runs on (always 1).");
    out.sample("discodesk_build_info",
               {{"version", QStringLiteral(DISCODESK_VERSION)}, {"qt_version", QString::fromLatin1(qVersion())}}, 1);
    out.family("process_start_time_seconds", Type::Gauge, "When the server started, in seconds since the epoch.");
    out.sample("process_start_time_seconds", {}, m_startedAt);

    QStringList apis = m_requests.keys();
    apis.sort();
    out.family("discodesk_http_requests_total", Type::Counter,
               "HTTP requests answered, by API (rqlite, etcd, kv, admin, metrics; none: refused before "
               "its request line) and status class.");
    for (const QString &api : std::as_const(apis)) {
        const RequestSeries &series = *m_requests.constFind(api);
        for (int i = 0; i < 5; ++i) {
            if (series.byClass[size_t(i)] > 0)
                out.sample("discodesk_http_requests_total",
                           {{"api", api}, {"code", QStringLiteral("%1xx").arg(i + 1)}},
                           double(series.byClass[size_t(i)]));
        }
    }
    out.family("discodesk_http_request_duration_seconds", Type::Histogram,
               "From a request's arrival to its reply, by API; a held etcd wait or blocking read included.");
    for (const QString &api : std::as_const(apis))
        m_requests.constFind(api)->duration.write(out, "discodesk_http_request_duration_seconds", label("api", api));

    out.family("discodesk_registrations_total", Type::Counter,
               "Registrations committed through this server: rqlite nodes, etcd members, Consul KV writes.");
    out.sample("discodesk_registrations_total", label("kind", QStringLiteral("rqlite")), double(m_registrations[Rqlite]));
    out.sample("discodesk_registrations_total", label("kind", QStringLiteral("etcd")), double(m_registrations[Etcd]));
    out.sample("discodesk_registrations_total", label("kind", QStringLiteral("kv")), double(m_registrations[Kv]));
    out.family("discodesk_removals_total", Type::Counter,
               "Removals committed through this server: IDs (with their nodes), single nodes, Consul KV keys.");
    out.sample("discodesk_removals_total", label("what", QStringLiteral("id")), double(m_removedIds));
    out.sample("discodesk_removals_total", label("what", QStringLiteral("node")), double(m_removedNodes));
    out.sample("discodesk_removals_total", label("what", QStringLiteral("kv_key")), double(m_removedKvKeys));

    if (now.counts) {
        out.family("discodesk_ids", Type::Gauge, "Discovery IDs in the store, by kind, as last counted.");
        out.sample("discodesk_ids", label("kind", QStringLiteral("rqlite")), double(now.counts->rqliteIds));
        out.sample("discodesk_ids", label("kind", QStringLiteral("etcd")), double(now.counts->etcdTokens));
        out.family("discodesk_nodes", Type::Gauge, "Nodes in the store, by kind (etcd: members), as last counted.");
        out.sample("discodesk_nodes", label("kind", QStringLiteral("rqlite")), double(now.counts->rqliteNodes));
        out.sample("discodesk_nodes", label("kind", QStringLiteral("etcd")), double(now.counts->etcdMembers));
        out.family("discodesk_kv_keys", Type::Gauge, "Consul KV keys in the store, as last counted.");
        out.sample("discodesk_kv_keys", {}, double(now.counts->kvKeys));
        out.family("discodesk_counted_timestamp_seconds", Type::Gauge,
                   "When the store's IDs, nodes and keys were last counted, in seconds since the epoch.");
        out.sample("discodesk_counted_timestamp_seconds", {}, double(now.countedAtMs) / 1000);
    }

    out.family("discodesk_etcd_waits", Type::Gauge, "etcd waits (?wait=true) held open now.");
    out.sample("discodesk_etcd_waits", {}, now.etcdWaits);
    out.family("discodesk_kv_blocking_reads", Type::Gauge, "Consul KV blocking reads (?index=) held open now.");
    out.sample("discodesk_kv_blocking_reads", {}, now.kvWaits);

    out.family("discodesk_commit_batch_size", Type::Histogram,
               "Requests and window calls answered by one group commit.");
    m_batchSize.write(out, "discodesk_commit_batch_size", {});
    out.family("discodesk_commit_duration_seconds", Type::Histogram, "How long a group commit took.");
    m_commitSeconds.write(out, "discodesk_commit_duration_seconds", {});
    out.family("discodesk_log_sync_duration_seconds", Type::Histogram,
               "How long a sync of SQLite's WAL took (fdatasync; each covers every commit since the last).");
    m_syncSeconds.write(out, "discodesk_log_sync_duration_seconds", {});

    out.family("discodesk_store_errors_total", Type::Counter, "Statements the database refused or could not run.");
    out.sample("discodesk_store_errors_total", {}, double(m_storeErrors));
    out.family("discodesk_store_reconnects_total", Type::Counter, "Times the database connection was opened again.");
    out.sample("discodesk_store_reconnects_total", {}, double(m_reconnects));

    out.family("discodesk_expiry_sweeps_total", Type::Counter, "Expiry sweeps this server ran.");
    out.sample("discodesk_expiry_sweeps_total", {}, double(m_sweeps));
    out.family("discodesk_expiry_removals_total", Type::Counter,
               "What this server's expiry sweeps removed: IDs (with their nodes), single nodes, Consul KV keys.");
    out.sample("discodesk_expiry_removals_total", label("what", QStringLiteral("id")), double(m_expired.ids));
    out.sample("discodesk_expiry_removals_total", label("what", QStringLiteral("node")), double(m_expired.singleNodes));
    out.sample("discodesk_expiry_removals_total", label("what", QStringLiteral("kv_key")), double(m_expired.kvKeys));

    out.family("discodesk_connections_open", Type::Gauge, "Client connections open now.");
    out.sample("discodesk_connections_open", {}, now.openConnections);
    out.family("discodesk_connections_max", Type::Gauge,
               "Client connections allowed at once: --max-connections, or fewer where the limit on open files is lower.");
    out.sample("discodesk_connections_max", {}, now.maxConnections);
    out.family("discodesk_connections_refused_total", Type::Counter,
               "Connections refused because the connection limit was reached.");
    out.sample("discodesk_connections_refused_total", {}, double(now.refusedConnections));
    return out.text();
}
