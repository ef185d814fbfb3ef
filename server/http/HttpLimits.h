#pragma once

#include "http/HttpTypes.h"

#include <QHash>
#include <QHostAddress>
#include <QSslConfiguration>
#include <QTcpServer>

#include <chrono>

// What one client may ask of the HTTP server. QHttpServer 6.4 enforces none of these
// itself; LimitedTcpServer does, before QHttpServer reads a byte of the request.
struct HttpLimits
{
    qint64 maxHeaderBytes = 16 * 1024;   // request line and headers: 431 beyond
    qint64 maxBodyBytes = 64 * 1024;     // declared Content-Length: 413 beyond, before it is read
    std::chrono::milliseconds idleTimeout{15000};   // a kept-alive connection with nothing to do
    std::chrono::milliseconds headerTimeout{10000}; // from a request's first byte to its last header
    int maxConnections = 500;            // open at once; the next is answered 503 and closed
};

// Accepts connections for QHttpServer, with HttpLimits. Each connection gets a guard
// that reads along with the server: it answers 431, 413, 411 (chunked bodies) or 408
// (slow headers) itself and closes the connection, so the server never buffers an
// oversized request; it closes idle connections, but never one that holds a reply
// open (an etcd wait). It also answers "Expect: 100-continue".
class LimitedTcpServer : public QTcpServer
{
    Q_OBJECT

public:
    // With tls set, every connection is TLS (QSslSocket) and the guard sees the
    // decrypted requests.
    LimitedTcpServer(const HttpLimits &limits, const std::optional<QSslConfiguration> &tls, QObject *parent = nullptr);

    int openConnections() const { return m_open; }

    // Marks a connection whose reply is held open on purpose, so it is not idle.
    static void setHoldingReply(QTcpSocket *socket, bool holding);
    // The open connection from that peer, or null. Qt 6.5 took the socket out of
    // QHttpServerResponder; a held reply finds its connection this way instead.
    QTcpSocket *connectionFrom(const QHostAddress &address, quint16 port) const;

signals:
    // A request the limits refused before the server saw it: for the request log.
    void requestRefused(const RequestLogEntry &entry);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    static QString peerKey(const QHostAddress &address, quint16 port);

    HttpLimits m_limits;
    std::optional<QSslConfiguration> m_tls;
    int m_open = 0;
    QHash<QString, QTcpSocket *> m_connections; // by peerKey()
};
