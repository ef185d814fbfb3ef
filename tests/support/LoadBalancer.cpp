#include "LoadBalancer.h"

#include <QHostAddress>
#include <QTcpServer>
#include <QTcpSocket>

class LoadBalancer::Relay : public QObject
{
public:
    Relay(const QList<quint16> &backendPorts, std::vector<std::unique_ptr<std::atomic<int>>> *connections)
        : m_backendPorts(backendPorts), m_connections(connections)
    {
        connect(&m_server, &QTcpServer::newConnection, this, &Relay::acceptAll);
    }

    quint16 listen()
    {
        return m_server.listen(QHostAddress::LocalHost, 0) ? m_server.serverPort() : 0;
    }

private:
    void acceptAll()
    {
        while (QTcpSocket *client = m_server.nextPendingConnection()) {
            const int backend = m_next;
            m_next = (m_next + 1) % int(m_backendPorts.size());
            ++*m_connections->at(backend);

            auto *upstream = new QTcpSocket(this);
            client->setParent(this);
            // Bytes written while the upstream still connects are buffered by Qt.
            upstream->connectToHost(QHostAddress::LocalHost, m_backendPorts.at(backend));
            pipe(client, upstream);
            pipe(upstream, client);
        }
    }

    // Relays what from says to to, and closes to (after what it still has to
    // send) once from has closed.
    static void pipe(QTcpSocket *from, QTcpSocket *to)
    {
        connect(from, &QTcpSocket::readyRead, to, [from, to] { to->write(from->readAll()); });
        connect(from, &QTcpSocket::disconnected, to, [from, to] {
            to->write(from->readAll());
            to->disconnectFromHost();
            from->deleteLater();
        });
        connect(from, &QTcpSocket::errorOccurred, to, [from, to](QAbstractSocket::SocketError) {
            if (from->state() != QAbstractSocket::ConnectedState) { // never connected, or lost
                to->abort();
                to->deleteLater();
                from->deleteLater();
            }
        });
    }

    QTcpServer m_server;
    QList<quint16> m_backendPorts;
    std::vector<std::unique_ptr<std::atomic<int>>> *m_connections;
    int m_next = 0;
};

LoadBalancer::LoadBalancer(const QList<quint16> &backendPorts)
{
    for (int i = 0; i < backendPorts.size(); ++i)
        m_connections.push_back(std::make_unique<std::atomic<int>>(0));
    m_relay = new Relay(backendPorts, &m_connections);
    m_relay->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, m_relay, &QObject::deleteLater);
    m_thread.start();
    QMetaObject::invokeMethod(m_relay, [this] { m_port = m_relay->listen(); }, Qt::BlockingQueuedConnection);
}

LoadBalancer::~LoadBalancer()
{
    m_thread.quit();
    m_thread.wait();
}

QList<int> LoadBalancer::connectionsPerBackend() const
{
    QList<int> counts;
    for (const auto &count : m_connections)
        counts << count->load();
    return counts;
}
