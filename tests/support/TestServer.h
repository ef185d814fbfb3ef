#pragma once

#include "ServerThread.h"
#include "support/HttpClient.h"

#include <QTemporaryDir>

// A discovery server on its own worker thread, on a free loopback port and a fresh
// database (TestDatabase: a SQLite file in a temporary folder that is removed
// afterwards, or a PostgreSQL database).
class TestServer
{
public:
    TestServer();

    // Settings for the next start(); the port and database are the test's own.
    ServerConfig &config() { return m_config; }
    // Starts (or restarts) the server on the same database file. Fails the test on error.
    bool start();
    void stop() { m_thread.stop(); }

    quint16 port() const { return quint16(m_thread.url().port()); }
    QByteArray url() const { return m_thread.url().toString().toUtf8(); }
    // The server's database (TestDatabase): a file path, or a PostgreSQL URL.
    QString databasePath() const { return m_database; }
    HttpClient client() const { return HttpClient(port()); }
    ServerThread &thread() { return m_thread; }

    // Starts thread with config and waits for it: the failure, or an empty string.
    static QString startAndWait(ServerThread &thread, const ServerConfig &config);
    // Runs work(server) on the server's thread and waits for its result: tests may
    // wait for the server, the window never does.
    template <typename Work>
    static auto onServerThread(ServerThread &thread, Work work)
    {
        std::invoke_result_t<Work, DiscoveryServer &> result{};
        QMetaObject::invokeMethod(thread.serverObject(), [&] { result = work(*thread.serverObject()); },
                                  Qt::BlockingQueuedConnection);
        return result;
    }
    template <typename Work>
    auto onServerThread(Work work) { return onServerThread(m_thread, std::move(work)); }

    // Creates an rqlite ID over HTTP and returns it.
    QByteArray createId();

    // Makes a self-signed certificate for 127.0.0.1 (with Debian's openssl) and has
    // the next start() serve HTTPS only. Returns an error, or an empty string.
    QString useTls();
    // Writes such a certificate and its key (PEM): an error, or an empty string.
    static QString makeCertificate(const QString &certificatePath, const QString &keyPath);

private:
    QTemporaryDir m_dir;
    QString m_database;
    QString m_databaseError;
    ServerConfig m_config;
    ServerThread m_thread;
};
