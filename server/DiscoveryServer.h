#pragma once

#include "core/Durability.h"
#include "core/StoreChange.h"
#include "http/HttpServer.h"
#include "http/ServerMetrics.h"
#include "service/DiscoveryService.h"
#include "service/ExpirySweeper.h"

#include <QHostAddress>
#include <QObject>
#include <QTimer>
#include <QUrl>

#include <memory>

class GroupCommit;
class KvService;

struct ServerConfig
{
    static constexpr quint16 DefaultPort = 4011;

    QHostAddress bindAddress = QHostAddress(QHostAddress::LocalHost);
    quint16 port = DefaultPort;  // 0: any free port
    QString databasePath;        // empty: defaultDatabasePath()
    // How long an etcd wait is held before an empty 200 tells etcd to ask again.
    std::chrono::milliseconds etcdWaitTimeout{30000};
    HttpLimits limits;
    int maxNodesPerId = DiscoveryService::DefaultMaxNodesPerId;
    // PostgreSQL: hear other servers' changes by looking once a second instead of
    // through LISTEN/NOTIFY (which a pooler such as PgBouncer in transaction mode drops).
    bool pollForChanges = false;
    // What a write's 200 survives: by default a power cut too.
    Durability durability = Durability::PowerLoss;
    QString adminTokenPath;      // empty: beside the database (AdminToken::defaultPathFor)
    QString tlsCertificatePath;  // PEM; with tlsKeyPath, the server speaks only HTTPS
    QString tlsKeyPath;
    // How long after a change the store's IDs, nodes and keys are counted again for
    // /metrics: a count reads whole tables, so it is never done per scrape.
    std::chrono::milliseconds metricsRecountDelay{15000};
    // Expiry rules to store in the database at start, replacing what it held (the
    // --expire-... options); none: keep the stored ones.
    std::optional<ExpiryRules> expiry;
    ExpirySweeper::Schedule expirySchedule;

    // discodesk.sqlite under QStandardPaths::AppDataLocation.
    static QString defaultDatabasePath();
};

// The whole discovery service: store, rules and HTTP APIs, wired together. Lives on
// one thread (the main thread headless, a worker thread in the window).
class DiscoveryServer : public QObject
{
    Q_OBJECT

public:
    explicit DiscoveryServer(QObject *parent = nullptr);
    ~DiscoveryServer() override;

    // Opens the database, then listens. Returns an empty string on success, else a
    // one-line reason. A SQLite file is then read for damage in the background:
    // failed() tells if it is. Running already, it serves as before until the new
    // database is open and the new address listens; when either fails, it goes on
    // as it was (isRunning() tells).
    QString start(const ServerConfig &config);
    void stop();

    bool isRunning() const { return m_http.isListening(); }
    // The URL to give clients, e.g. http://127.0.0.1:4011
    QUrl url() const;
    // The file path, or the URL without its password; empty when not running.
    QString databasePath() const;
    // The admin API's bearer token, needed when listening beyond loopback.
    QString adminToken() const { return m_adminToken; }
    QString adminTokenPath() const { return m_adminTokenPath; }
    // When the process's limit on open files allows fewer connections than the
    // configuration asks for, a sentence that says so; else empty.
    QString connectionLimitNote() const;

    // Answers a request without the network, as the HTTP server would (no reply
    // can be held), its writes committed before it returns: for the fuzzer.
    HttpReply handle(const HttpRequest &request);

    // While running: the door to the data (ServiceClient runs the window's calls
    // through it), and the order in which answers may go out.
    DiscoveryService &service();
    KvService &kv(); // Consul KV's keys
    GroupCommit &groupCommit();
    // Held etcd waits and blocking KV reads: for tests and the request log.
    int openEtcdWaits() const;
    int openKvWaits() const;
    // GET /metrics's text: what this server did since it was made, and how it is now.
    QByteArray metricsText() const;

    // Reads a PEM certificate (chain) and its unencrypted private key.
    static std::optional<QSslConfiguration> loadTls(const QString &certificatePath, const QString &keyPath,
                                                    QString *error);

signals:
    // The server stopped after it had started, and why: its SQLite file is damaged.
    void failed(const QString &reason);
    // The SQLite file was read through after start and nothing is damaged, or it could
    // not be read: a line for the log that says which.
    void checkedForDamage(const QString &outcome);
    void requestFinished(const RequestLogEntry &entry);
    void storeChanged(const StoreChanges &changes);
    // An expiry sweep ran here and its removals are saved; or it failed.
    void expirySwept(const ExpirySweep &sweep);
    void expiryFailed(const QString &reason);

private:
    struct Running; // the store, the service on it and the APIs on that, while running

    // Ends the run's held replies and closes its database; the listener stays.
    void retireRun();
    void countForMetrics();

    std::unique_ptr<Running> m_running;
    ServerConfig m_config;      // the running one's
    QString m_databaseLocation; // as opened: a path or a postgresql:// URL
    HttpServer m_http;
    QString m_adminToken;
    QString m_adminTokenPath;
    ServerMetrics m_metrics; // since this server was made, across runs
    std::optional<KindCounts> m_counts; // the store's, as last counted
    qint64 m_countedAtMs = 0;
    QTimer m_recount;
};
