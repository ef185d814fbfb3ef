#include "HttpLimits.h"

#include "http/HttpConnection.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSslSocket>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

LimitedTcpServer::LimitedTcpServer(const HttpLimits &limits, const std::optional<QSslConfiguration> &tls,
                                   QObject *parent)
    : QTcpServer(parent), m_limits(limits), m_tls(tls)
{
    m_resumeAccepting.setSingleShot(true);
    connect(&m_resumeAccepting, &QTimer::timeout, this, &LimitedTcpServer::updateAccepting);
    // Where Qt accepts (not POSIX), it pauses after an error such as running out of
    // handles; try again later the same way.
    connect(this, &QTcpServer::acceptError, this, &LimitedTcpServer::backOff);
}

LimitedTcpServer::~LimitedTcpServer()
{
    close();
}

bool LimitedTcpServer::start(const QHostAddress &address, quint16 port)
{
    if (!listen(address, port))
        return false;
    // Counted once, now that the database and the listening socket are open.
    m_descriptors = DescriptorBudget::now();
    const int sockets = m_descriptors.forSockets();
    m_maxRefusing = std::clamp(sockets / 4, 1, MaxRefusing);
    m_maxConnections = std::min(m_limits.maxConnections, sockets - m_maxRefusing);
#ifdef Q_OS_UNIX
    pauseAccepting(); // for good: acceptWaiting() takes over
    m_acceptNotifier = new QSocketNotifier(socketDescriptor(), QSocketNotifier::Read, this);
    connect(m_acceptNotifier, &QSocketNotifier::activated, this, &LimitedTcpServer::acceptWaiting);
#endif
    return true;
}

void LimitedTcpServer::acceptWaiting()
{
#ifdef Q_OS_UNIX
    // A bounded number per turn, so that the event loop serves the others too.
    for (int i = 0; i < 64; ++i) {
        if (!hasRoom())
            return updateAccepting(); // until a socket closes
        const int descriptor = ::accept(int(socketDescriptor()), nullptr, nullptr);
        if (descriptor < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                backOff(); // EMFILE, ENFILE, ENOBUFS, ENOMEM: out of something for now
            return;
        }
        ::fcntl(descriptor, F_SETFD, FD_CLOEXEC);
        incomingConnection(descriptor);
        emit newConnection();
    }
#endif
}

void LimitedTcpServer::backOff()
{
    // Try again after a while, longer each time: connections wait in the kernel's
    // backlog meanwhile, and nothing spins.
    m_acceptBackoff = std::clamp(2 * m_acceptBackoff, std::chrono::milliseconds(50), std::chrono::milliseconds(1000));
    m_resumeAccepting.start(m_acceptBackoff);
    updateAccepting();
}

bool LimitedTcpServer::hasRoom() const
{
    return m_connections.size() < m_maxConnections || m_refusing < m_maxRefusing;
}

void LimitedTcpServer::updateAccepting()
{
    if (!isListening())
        return;
    const bool accepting = hasRoom() && !m_resumeAccepting.isActive();
    if (m_acceptNotifier)
        m_acceptNotifier->setEnabled(accepting);
    else if (accepting)
        resumeAccepting();
    else
        pauseAccepting();
}

QTcpSocket *LimitedTcpServer::nextPendingConnection()
{
    if (!m_acceptNotifier)
        return QTcpServer::nextPendingConnection();
    // QTcpServer turns its own notifier on here. Only one notifier per socket may be
    // on at a time (Qt's plain Unix event dispatcher, used without GLib, keeps one and
    // loses both when the other goes off), so ours steps aside meanwhile.
    const bool accepting = m_acceptNotifier->isEnabled();
    m_acceptNotifier->setEnabled(false);
    QTcpSocket *socket = QTcpServer::nextPendingConnection();
    pauseAccepting(); // before the event loop turns, so Qt never accepts
    m_acceptNotifier->setEnabled(accepting);
    return socket;
}

void LimitedTcpServer::incomingConnection(qintptr descriptor)
{
    m_acceptBackoff = std::chrono::milliseconds(0);
    QTcpSocket *socket = m_tls ? new QSslSocket(this) : new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket; // it never took the descriptor
#ifdef Q_OS_UNIX
        ::close(int(descriptor));
#endif
        return;
    }
    if (m_connections.size() >= m_maxConnections)
        refuseOverCap(socket);
    else
        serve(socket);
    if (!hasRoom())
        updateAccepting(); // where Qt accepts, it would go on
}

void LimitedTcpServer::serve(QTcpSocket *socket)
{
    if (m_tls) {
        auto *tls = static_cast<QSslSocket *>(socket);
        tls->setSslConfiguration(*m_tls);
        // A client that fails the handshake is simply dropped.
        connect(tls, &QSslSocket::sslErrors, tls, [tls] { tls->abort(); });
        tls->startServerEncryption();
    }
    auto *connection = new HttpConnection(socket, m_limits, this);
    const QString key = peerKey(connection->peerAddress(), connection->peerPort());
    m_connections.insert(key, connection);
    connect(connection, &QObject::destroyed, this, [this, key, connection] {
        if (m_connections.value(key) == connection)
            m_connections.remove(key);
        updateAccepting();
    });
    connect(connection, &HttpConnection::requestRefused, this, &LimitedTcpServer::requestRefused);
    addPendingConnection(connection);
}

void LimitedTcpServer::refuseOverCap(QTcpSocket *socket)
{
    RequestLogEntry entry{Timestamp::now(), QStringLiteral("-"), QStringLiteral("-"), 503, 0,
                          socket->peerAddress().toString(), QStringLiteral("too many connections")};
    emit requestRefused(entry);
    emit connectionRefused();
    ++m_refusing;
    connect(socket, &QObject::destroyed, this, [this] {
        --m_refusing;
        updateAccepting();
    });
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    if (m_tls) {
        // Before its handshake a TLS client cannot be told anything: a handshake for a
        // refusal would cost what the cap is there to save.
        socket->abort();
        socket->deleteLater();
        return;
    }
    const QByteArray body = QJsonDocument(QJsonObject{
        {QStringLiteral("error"), QStringLiteral("too many connections (%1): try again later").arg(m_maxConnections)}})
                                .toJson(QJsonDocument::Compact);
    socket->write("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: "
                  + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    socket->disconnectFromHost();
    QTimer::singleShot(1000, socket, [socket] { // one that reads nothing
        socket->abort();
        socket->deleteLater();
    });
}

HttpConnection *LimitedTcpServer::connectionFrom(const QHostAddress &address, quint16 port) const
{
    return m_connections.value(peerKey(address, port));
}

QString LimitedTcpServer::peerKey(const QHostAddress &address, quint16 port)
{
    return address.toString() + u' ' + QString::number(port);
}
