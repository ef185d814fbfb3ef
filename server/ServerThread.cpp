#include "ServerThread.h"

ServerThread::ServerThread(QObject *parent) : QObject(parent)
{
    m_thread.setObjectName(QStringLiteral("DiscoDesk server"));
}

ServerThread::~ServerThread()
{
    stop();
}

QString ServerThread::start(const ServerConfig &config)
{
    stop();
    m_thread.start();
    m_server = new DiscoveryServer;
    m_server->moveToThread(&m_thread);
    connect(m_server, &DiscoveryServer::requestFinished, this, &ServerThread::requestFinished);
    connect(m_server, &DiscoveryServer::storeChanged, this, &ServerThread::storeChanged);

    QString error;
    QMetaObject::invokeMethod(m_server, [&] {
        error = m_server->start(config);
        if (error.isEmpty()) {
            m_url = m_server->url();
            m_databasePath = m_server->databasePath();
        }
    }, Qt::BlockingQueuedConnection);
    if (!error.isEmpty())
        stop();
    return error;
}

void ServerThread::stop()
{
    if (m_server) {
        // Delete on its own thread: its sockets and database connection live there.
        QMetaObject::invokeMethod(m_server, [this] { delete m_server; }, Qt::BlockingQueuedConnection);
        m_server = nullptr;
    }
    m_thread.quit();
    m_thread.wait();
    m_url.clear();
    m_databasePath.clear();
}
