#pragma once

#include "core/ExpiryRules.h"
#include "core/PrometheusText.h"
#include "core/Records.h"
#include "core/StoreChange.h"
#include "http/HttpTypes.h"

#include <QHash>
#include <QObject>

#include <array>

// What /metrics reports, kept in memory as the server works: requests by API and
// status class and their durations, registrations and removals, group commits and
// log syncs, store errors. Gauges that exist elsewhere (open connections, held waits,
// the store's counts) are passed in when the text is made. Lives on the server's thread.
class ServerMetrics
{
public:
    ServerMetrics();

    // The API a request was for, from its path: rqlite, etcd, kv, admin, metrics, or
    // none (refused before its request line was read).
    static QString apiOf(const QString &path);

    void noteRequest(const RequestLogEntry &entry);
    // Committed and saved changes: those made through this server are counted.
    void noteSaved(const StoreChanges &changes);
    void noteCommit(int waiting, double seconds);
    void noteSync(double seconds);
    void noteStoreError() { ++m_storeErrors; }
    void noteReconnect() { ++m_reconnects; }
    void noteExpirySweep(const ExpirySweep &sweep);

    // What is not counted here, read when the text is made.
    struct Now
    {
        int openConnections = 0;
        int maxConnections = 0;
        quint64 refusedConnections = 0;
        int etcdWaits = 0;
        int kvWaits = 0;
        std::optional<KindCounts> counts; // as last counted; none before the first count
        qint64 countedAtMs = 0;           // when, since the epoch
    };
    QByteArray text(const Now &now) const;

private:
    struct RequestSeries
    {
        std::array<quint64, 5> byClass{}; // 1xx..5xx
        // Seconds: from a quick cached lookup to an etcd wait held its 30 s.
        Histogram duration{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
    };
    QHash<QString, RequestSeries> m_requests; // by API; a handful of keys
    quint64 m_registrations[3] = {}; // rqlite, etcd, kv
    quint64 m_removedIds = 0;
    quint64 m_removedNodes = 0;
    quint64 m_removedKvKeys = 0;
    Histogram m_batchSize;
    Histogram m_commitSeconds;
    Histogram m_syncSeconds;
    quint64 m_storeErrors = 0;
    quint64 m_reconnects = 0;
    quint64 m_sweeps = 0;
    ExpirySweep m_expired; // what every sweep here removed, added up
    double m_startedAt = 0; // seconds since the epoch
};
