#pragma once

#include "core/DiscoveryService.h"
#include "http/AdminApi.h"
#include "http/EtcdApi.h"
#include "http/HttpServer.h"
#include "http/RqliteApi.h"
#include "store/Store.h"

#include <QHostAddress>
#include <QObject>
#include <QTimer>
#include <QUrl>

struct ServerConfig
{
    static constexpr quint16 DefaultPort = 4011;

    QHostAddress bindAddress = QHostAddress(QHostAddress::LocalHost);
    quint16 port = DefaultPort;  // 0: any free port
    QString databasePath;        // empty: defaultDatabasePath()
    // How long an etcd wait is held before an empty 200 tells etcd to ask again.
    std::chrono::milliseconds etcdWaitTimeout{30000};
    HttpLimits limits;
    int maxNodesPerId = Store::DefaultMaxNodesPerId;
    QString adminTokenPath;      // empty: beside the database (AdminToken::defaultPathFor)
    QString tlsCertificatePath;  // PEM; with tlsKeyPath, the server speaks only HTTPS
    QString tlsKeyPath;

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
    // one-line reason; nothing is left open after a failure.
    QString start(const ServerConfig &config);
    void stop();

    bool isRunning() const { return m_http.isListening(); }
    // The URL to give clients, e.g. http://127.0.0.1:4011
    QUrl url() const;
    QString databasePath() const { return m_store.path(); }
    // The admin API's bearer token, needed when listening beyond loopback.
    QString adminToken() const { return m_adminToken; }
    QString adminTokenPath() const { return m_adminTokenPath; }

    // Answers a request without the network, as the HTTP server would (no reply
    // can be held), its writes committed before it returns: for the fuzzer.
    HttpReply handle(const HttpRequest &request);

    Store &store() { return m_store; }
    DiscoveryService &service() { return m_service; }
    const EtcdApi &etcdApi() const { return m_etcdApi; }

    // Reads a PEM certificate (chain) and its unencrypted private key.
    static std::optional<QSslConfiguration> loadTls(const QString &certificatePath, const QString &keyPath,
                                                    QString *error);

signals:
    void requestFinished(const RequestLogEntry &entry);
    void storeChanged(const StoreChanges &changes);

private:
    void commitBatch();
    // Commits the open batch; on failure returns what every reply of the batch becomes.
    std::optional<HttpReply> commitOpenBatch();

    Store m_store;
    DiscoveryService m_service;
    AdminApi m_adminApi;
    EtcdApi m_etcdApi;
    RqliteApi m_rqliteApi;
    HttpServer m_http;
    QString m_adminToken;
    QString m_adminTokenPath;
    QTimer m_commitTimer; // commits the open batch once the event loop has read what came
};
