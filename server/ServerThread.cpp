#include "ServerThread.h"

ServerThread::ServerThread(QObject *parent) : QObject(parent)
{
    m_thread.setObjectName(QStringLiteral("DiscoDesk server"));
}

ServerThread::~ServerThread()
{
    stop();
}

void ServerThread::start(const ServerConfig &config)
{
    if (!m_server) {
        m_thread.start();
        m_server = new DiscoveryServer;
        m_server->moveToThread(&m_thread);
        connect(m_server, &DiscoveryServer::requestFinished, this, &ServerThread::requestFinished);
        connect(m_server, &DiscoveryServer::storeChanged, this, &ServerThread::storeChanged);
        connect(m_server, &DiscoveryServer::expirySwept, this, &ServerThread::expirySwept);
        connect(m_server, &DiscoveryServer::failed, this, [this](const QString &reason) {
            // Queued, in order: a failure of a run that a newer start replaced arrives
            // while that start is still under way, and is old news.
            if (m_starting || !m_running)
                return;
            forgetRun();
            emit failed(reason);
        });
    }
    m_starting = true; // a running server goes on serving meanwhile
    const int asked = ++m_startsAsked;
    DiscoveryServer *server = m_server;
    QMetaObject::invokeMethod(server, [this, server, config, asked] {
        const QString error = server->start(config);
        struct Started
        {
            QString error;
            bool running; // a failed restart leaves the server as it was
            QUrl url;
            QString databasePath, adminToken, adminTokenPath;
        };
        const Started result{error, server->isRunning(), server->url(), server->databasePath(),
                             server->adminToken(), server->adminTokenPath()};
        // Back on the owner's thread, after every change and request the server
        // reported before: the state is read from the result, not from the server.
        QMetaObject::invokeMethod(this, [this, result, asked] {
            if (asked != m_startsAsked || !m_server)
                return; // a newer start or a stop overtook this one
            m_starting = false;
            m_running = result.running;
            m_url = m_running ? result.url : QUrl();
            m_databasePath = m_running ? result.databasePath : QString();
            m_adminToken = m_running ? result.adminToken : QString();
            m_adminTokenPath = m_running ? result.adminTokenPath : QString();
            emit started(result.error);
        }, Qt::QueuedConnection);
    }, Qt::QueuedConnection);
}

void ServerThread::stop()
{
    if (m_server) {
        // Delete on its own thread: its sockets and database connection live there.
        DiscoveryServer *server = std::exchange(m_server, nullptr);
        QMetaObject::invokeMethod(server, [server] { delete server; }, Qt::BlockingQueuedConnection);
    }
    m_thread.quit();
    m_thread.wait();
    ++m_startsAsked;
    m_starting = false;
    forgetRun();
}

void ServerThread::forgetRun()
{
    m_running = false;
    m_url.clear();
    m_databasePath.clear();
    m_adminToken.clear();
    m_adminTokenPath.clear();
}
