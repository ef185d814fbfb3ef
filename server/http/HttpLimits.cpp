#include "HttpLimits.h"

#include "http/RequestFramer.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>

namespace {

const char *const HoldingReply = "discodesk.holdingReply";

// A whole reply written by the guard itself; the connection closes after it.
QByteArray refusalReply(int status, const QByteArray &reason, const QString &message)
{
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("error"), message}}).toJson(QJsonDocument::Compact);
    return "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason
        + "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size())
        + "\r\nConnection: close\r\n\r\n" + body;
}

// Watches one connection for QHttpServer: frames its requests as they arrive (its
// slot runs before QHttpServer's, and a second one after, so each byte is seen
// once), refuses what breaks a limit, and times out idle and slow clients.
class ConnectionGuard : public QObject
{
public:
    ConnectionGuard(QTcpSocket *socket, const HttpLimits &limits, LimitedTcpServer *server)
        : QObject(socket), m_socket(socket), m_limits(limits), m_framer(limits), m_server(server)
    {
        m_idle.setSingleShot(true);
        m_headers.setSingleShot(true);
        connect(&m_idle, &QTimer::timeout, this, &ConnectionGuard::onIdle);
        connect(&m_headers, &QTimer::timeout, this, [this] {
            refuse({408, "Request Timeout",
                    QStringLiteral("the request headers took longer than %1 ms").arg(m_limits.headerTimeout.count())});
        });
        connect(socket, &QTcpSocket::readyRead, this, &ConnectionGuard::readBeforeServer);
        connect(socket, &QTcpSocket::bytesWritten, this, [this] { m_lastActivity.start(); });
        m_lastActivity.start();
        m_idle.start(m_limits.idleTimeout);
    }

private:
    void readBeforeServer()
    {
        if (m_refused)
            return;
        if (!m_followingServer) {
            // QHttpServer connected its slot when the connection was accepted; one
            // connected now runs after it from the next readyRead on. This time, a
            // queued call looks once QHttpServer has read.
            m_followingServer = true;
            connect(m_socket, &QTcpSocket::readyRead, this, [this] { m_unreadAfterServer = m_socket->bytesAvailable(); });
            QMetaObject::invokeMethod(this, [this] { m_unreadAfterServer = m_socket->bytesAvailable(); },
                                      Qt::QueuedConnection);
        }
        m_lastActivity.start();
        const qint64 available = m_socket->bytesAvailable();
        const QByteArray fresh = m_socket->peek(available).mid(m_unreadAfterServer);
        m_unreadAfterServer = available; // until the server has read

        const RequestFramer::Step step = m_framer.feed(fresh);
        for (int i = 0; i < step.continues; ++i)
            m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
        if (step.refusal)
            return refuse(*step.refusal);
        if (!m_framer.readingHeaders())
            m_headers.stop();
        else if (!m_headers.isActive())
            m_headers.start(m_limits.headerTimeout);
    }

    void refuse(const RequestFramer::Refusal &refusal)
    {
        if (m_refused)
            return;
        m_refused = true;
        m_idle.stop();
        m_headers.stop();
        RequestLogEntry entry;
        entry.at = Timestamp::now();
        const QList<QByteArray> requestLine = m_framer.requestLine().split(' ');
        entry.method = QString::fromLatin1(requestLine.value(0, "-").left(16));
        entry.path = QString::fromLatin1(requestLine.value(1, "-").left(200));
        entry.status = refusal.status;
        entry.remoteAddress = m_socket->peerAddress().toString();
        emit m_server->requestRefused(entry);
        // Nothing more reaches QHttpServer: it would buffer what we refuse.
        disconnect(m_socket, &QTcpSocket::readyRead, nullptr, nullptr);
        m_socket->write(refusalReply(refusal.status, refusal.reason, refusal.message));
        m_socket->disconnectFromHost();
    }

    void onIdle()
    {
        // Activity only notes the time (restarting a timer per request costs more);
        // the timer catches up here.
        if (const qint64 quiet = m_lastActivity.elapsed(); quiet < m_limits.idleTimeout.count()) {
            m_idle.start(m_limits.idleTimeout.count() - quiet);
            return;
        }
        if (m_socket->property(HoldingReply).toBool()) {
            m_idle.start(m_limits.idleTimeout);
            return;
        }
        if (m_framer.readingHeaders() || m_framer.readingBody())
            return refuse({408, "Request Timeout", QStringLiteral("the request stopped arriving")});
        m_socket->disconnectFromHost();
    }

    QTcpSocket *m_socket;
    HttpLimits m_limits;
    RequestFramer m_framer;
    LimitedTcpServer *m_server;
    QTimer m_idle;
    QElapsedTimer m_lastActivity; // the last byte read or written
    QTimer m_headers;
    qint64 m_unreadAfterServer = 0;
    bool m_followingServer = false;
    bool m_refused = false;
};

} // namespace

LimitedTcpServer::LimitedTcpServer(const HttpLimits &limits, const std::optional<QSslConfiguration> &tls,
                                   QObject *parent)
    : QTcpServer(parent), m_limits(limits), m_tls(tls)
{
}

void LimitedTcpServer::setHoldingReply(QTcpSocket *socket, bool holding)
{
    if (socket)
        socket->setProperty(HoldingReply, holding);
}

void LimitedTcpServer::incomingConnection(qintptr descriptor)
{
    QTcpSocket *socket = m_tls ? new QSslSocket(this) : new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    if (m_tls) {
        auto *ssl = static_cast<QSslSocket *>(socket);
        ssl->setSslConfiguration(*m_tls);
        // A client that fails the handshake is simply dropped.
        connect(ssl, &QSslSocket::sslErrors, ssl, [ssl] { ssl->abort(); });
        ssl->startServerEncryption();
    }
    if (m_open >= m_limits.maxConnections) {
        RequestLogEntry entry{Timestamp::now(), QStringLiteral("-"), QStringLiteral("-"), 503, 0,
                              socket->peerAddress().toString()};
        emit requestRefused(entry);
        socket->write(refusalReply(503, "Service Unavailable",
                              QStringLiteral("too many connections (%1): try again later").arg(m_limits.maxConnections)));
        socket->disconnectFromHost();
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        return;
    }
    ++m_open;
    const QString key = peerKey(socket->peerAddress(), socket->peerPort());
    m_connections.insert(key, socket);
    connect(socket, &QObject::destroyed, this, [this, key, socket] {
        --m_open;
        if (m_connections.value(key) == socket)
            m_connections.remove(key);
    });
    new ConnectionGuard(socket, m_limits, this);
    addPendingConnection(socket);
}

QTcpSocket *LimitedTcpServer::connectionFrom(const QHostAddress &address, quint16 port) const
{
    return m_connections.value(peerKey(address, port));
}

QString LimitedTcpServer::peerKey(const QHostAddress &address, quint16 port)
{
    return address.toString() + u' ' + QString::number(port);
}
