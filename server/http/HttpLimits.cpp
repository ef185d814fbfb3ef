#include "HttpLimits.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>

namespace {

const char *const HoldingReply = "discodesk.holdingReply";

// A whole reply written by the guard itself; the connection closes after it.
QByteArray refusal(int status, const QByteArray &reason, const QString &message)
{
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("error"), message}}).toJson(QJsonDocument::Compact);
    return "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason
        + "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size())
        + "\r\nConnection: close\r\n\r\n" + body;
}

// Follows the requests on one connection byte by byte, as they arrive, in step with
// QHttpServer's own reading: its slot runs after guard's, and readAfterServer()
// after QHttpServer's, so each byte is seen once.
class ConnectionGuard : public QObject
{
public:
    ConnectionGuard(QTcpSocket *socket, const HttpLimits &limits, LimitedTcpServer *server)
        : QObject(socket), m_socket(socket), m_limits(limits), m_server(server)
    {
        m_idle.setSingleShot(true);
        m_headers.setSingleShot(true);
        connect(&m_idle, &QTimer::timeout, this, &ConnectionGuard::onIdle);
        connect(&m_headers, &QTimer::timeout, this, [this] {
            refuse(408, "Request Timeout",
                   QStringLiteral("the request headers took longer than %1 ms").arg(m_limits.headerTimeout.count()));
        });
        connect(socket, &QTcpSocket::readyRead, this, &ConnectionGuard::readBeforeServer);
        connect(socket, &QTcpSocket::bytesWritten, this, [this] { m_idle.start(m_limits.idleTimeout); });
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
        m_idle.start(m_limits.idleTimeout);
        const qint64 available = m_socket->bytesAvailable();
        const QByteArray fresh = m_socket->peek(available).mid(m_unreadAfterServer);
        m_unreadAfterServer = available; // until the server has read
        follow(fresh);
    }

    void follow(QByteArrayView data)
    {
        qsizetype i = 0;
        while (i < data.size() && !m_refused) {
            if (m_bodyLeft > 0) {
                const qsizetype take = qsizetype(qMin<qint64>(m_bodyLeft, data.size() - i));
                m_bodyLeft -= take;
                i += take;
                continue;
            }
            // Between requests, QHttpServer skips blank lines; so do we.
            if (m_header.isEmpty() && (data[i] == '\r' || data[i] == '\n')) {
                ++i;
                continue;
            }
            if (m_header.isEmpty()) {
                m_headers.start(m_limits.headerTimeout);
                m_requestLine.clear();
            }
            m_header.append(data[i++]);
            if (m_header.endsWith('\n') && m_header.count('\n') == 1) {
                m_requestLine = m_header.trimmed();
                // QHttpServer would drop such a connection without a word.
                const QList<QByteArray> parts = m_requestLine.split(' ');
                if (parts.size() != 3 || parts.at(1).isEmpty() || !parts.at(2).startsWith("HTTP/1."))
                    return refuse(400, "Bad Request", QStringLiteral("malformed request line"));
            }
            if (m_header.endsWith("\n\r\n") || m_header.endsWith("\n\n")) {
                headersComplete();
            } else if (m_header.size() > m_limits.maxHeaderBytes) {
                refuse(431, "Request Header Fields Too Large",
                       QStringLiteral("the request line and headers are larger than %1 bytes").arg(m_limits.maxHeaderBytes));
            }
        }
    }

    void headersComplete()
    {
        m_headers.stop();
        qint64 length = -1;
        bool expectContinue = false;
        const QList<QByteArray> lines = m_header.split('\n');
        for (qsizetype n = 1; n < lines.size(); ++n) {
            const QByteArray line = lines.at(n).trimmed();
            const qsizetype colon = line.indexOf(':');
            if (colon <= 0)
                continue;
            const QByteArray name = line.left(colon).trimmed().toLower();
            const QByteArray value = line.mid(colon + 1).trimmed();
            if (name == "content-length" && length < 0) { // the first one counts, as in QHttpServer
                bool ok = false;
                length = value.toLongLong(&ok);
                if (!ok || length < 0)
                    return refuse(400, "Bad Request", QStringLiteral("Content-Length is not a number"));
            } else if (name == "transfer-encoding" && value.toLower() != "identity") {
                return refuse(411, "Length Required",
                              QStringLiteral("send the body with a Content-Length, not a Transfer-Encoding"));
            } else if (name == "expect" && value.toLower() == "100-continue") {
                expectContinue = true;
            }
        }
        m_header.clear();
        length = qMax<qint64>(length, 0);
        if (length > m_limits.maxBodyBytes)
            return refuse(413, "Payload Too Large",
                          QStringLiteral("the request body is larger than %1 bytes").arg(m_limits.maxBodyBytes));
        if (expectContinue && length > 0)
            m_socket->write("HTTP/1.1 100 Continue\r\n\r\n"); // QHttpServer 6.4 never says it
        m_bodyLeft = length;
    }

    void refuse(int status, const QByteArray &reason, const QString &message)
    {
        if (m_refused)
            return;
        m_refused = true;
        RequestLogEntry entry;
        entry.at = Timestamp::now();
        const QList<QByteArray> requestLine = m_requestLine.split(' ');
        entry.method = QString::fromLatin1(requestLine.value(0, "-").left(16));
        entry.path = QString::fromLatin1(requestLine.value(1, "-").left(200));
        entry.status = status;
        entry.remoteAddress = m_socket->peerAddress().toString();
        emit m_server->requestRefused(entry);
        m_idle.stop();
        m_headers.stop();
        // Nothing more reaches QHttpServer: it would buffer what we refuse.
        disconnect(m_socket, &QTcpSocket::readyRead, nullptr, nullptr);
        m_socket->write(refusal(status, reason, message));
        m_socket->disconnectFromHost();
    }

    void onIdle()
    {
        if (m_socket->property(HoldingReply).toBool()) {
            m_idle.start(m_limits.idleTimeout);
            return;
        }
        if (!m_header.isEmpty() || m_bodyLeft > 0)
            return refuse(408, "Request Timeout", QStringLiteral("the request stopped arriving"));
        m_socket->disconnectFromHost();
    }

    QTcpSocket *m_socket;
    HttpLimits m_limits;
    QTimer m_idle;
    QTimer m_headers;
    LimitedTcpServer *m_server;
    QByteArray m_header;     // the current request's head, up to its blank line
    QByteArray m_requestLine;
    qint64 m_bodyLeft = 0;   // body bytes of the current request still to come
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
        socket->write(refusal(503, "Service Unavailable",
                              QStringLiteral("too many connections (%1): try again later").arg(m_limits.maxConnections)));
        socket->disconnectFromHost();
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        return;
    }
    ++m_open;
    connect(socket, &QObject::destroyed, this, [this] { --m_open; });
    new ConnectionGuard(socket, m_limits, this);
    addPendingConnection(socket);
}
