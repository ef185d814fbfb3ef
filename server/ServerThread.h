#pragma once

#include "DiscoveryServer.h"

#include <QObject>
#include <QThread>

// Runs a DiscoveryServer on a worker thread of its own, so that HTTP requests and
// database writes never wait for the thread that owns this object (the window's), and
// that thread never waits for them: start() returns at once and started() tells how it
// went. Signals arrive queued on the owner's thread. ServiceClient is how the owner
// reads and changes data.
class ServerThread : public QObject
{
    Q_OBJECT

public:
    explicit ServerThread(QObject *parent = nullptr);
    // Stops the server and waits for its thread to finish.
    ~ServerThread() override;

    // Starts the server with config, or restarts it: a running server goes on serving
    // until the new database is open and the new address listens, then stops, its
    // pending writes committed. started() follows; after a failed restart the server
    // is still running as it was.
    void start(const ServerConfig &config);
    // Stops the server and waits for it: for quitting, where waiting is expected.
    void stop();

    // As of the last started(): the server listens.
    bool isRunning() const { return m_running; }
    bool isStarting() const { return m_starting; }
    QUrl url() const { return m_url; }
    QString databasePath() const { return m_databasePath; }
    QString adminToken() const { return m_adminToken; }
    QString adminTokenPath() const { return m_adminTokenPath; }

    // The server object; it lives on the worker thread: only post work to it
    // (ServiceClient does). Null once stopped.
    DiscoveryServer *serverObject() const { return m_server; }

signals:
    // The server listens with the new configuration (error empty), or why it could
    // not start; isRunning() tells whether it still runs with the one before.
    void started(const QString &error);
    // The server stopped on its own after it had started, and why (its file is damaged).
    void failed(const QString &reason);
    void requestFinished(const RequestLogEntry &entry);
    void storeChanged(const StoreChanges &changes);
    void expirySwept(const ExpirySweep &sweep);

private:
    // Not running: what the last started() told is gone.
    void forgetRun();

    QThread m_thread;
    DiscoveryServer *m_server = nullptr; // lives on m_thread
    int m_startsAsked = 0; // a start overtaken by a newer one reports nothing
    bool m_running = false;
    bool m_starting = false;
    QUrl m_url;
    QString m_databasePath;
    QString m_adminToken;
    QString m_adminTokenPath;
};
