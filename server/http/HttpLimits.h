#pragma once

#include "http/DescriptorBudget.h"
#include "http/HttpTypes.h"

#include <QHash>
#include <QHostAddress>
#include <QSslConfiguration>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTimer>

#include <chrono>

class HttpConnection;

// What one client may ask of the HTTP server. QHttpServer 6.4 enforces none of these
// itself; HttpConnection and LimitedTcpServer do, before QHttpServer sees a request.
struct HttpLimits
{
    qint64 maxHeaderBytes = 16 * 1024;   // request line and headers: 431 beyond
    qint64 maxBodyBytes = 64 * 1024;     // declared Content-Length: 413 beyond, before it is read
    std::chrono::milliseconds idleTimeout{15000};    // a kept-alive connection with nothing to do
    std::chrono::milliseconds requestTimeout{10000}; // from a request's first byte to its last: 408
    std::chrono::milliseconds tlsHandshakeTimeout{10000};
    int maxConnections = 500;            // open at once, TLS handshakes included
    // Reply bytes a client has not read yet: above this, its next request waits; a
    // client that reads nothing for idleTimeout is cut off.
    qint64 maxUnsentBytes = 1024 * 1024;

    bool operator==(const HttpLimits &) const = default;
};

// Accepts connections for QHttpServer, with HttpLimits: each becomes an HttpConnection,
// which is what QHttpServer reads from and writes to. Beyond maxConnections a client
// is answered 503 and closed (a TLS client just closed: it has not said hello yet).
// Sockets never take the descriptors the process keeps for itself (DescriptorBudget):
// where the limit on open files is low, fewer connections are allowed, and while as
// many refusals as it allows are still being written, clients wait in the kernel's
// backlog. When the process runs out of file descriptors all the same, accepting
// pauses and resumes after a growing back-off instead of spinning.
class LimitedTcpServer : public QTcpServer
{
    Q_OBJECT

public:
    // With tls set, every connection is TLS (QSslSocket) and HttpConnection reads the
    // decrypted requests.
    LimitedTcpServer(const HttpLimits &limits, const std::optional<QSslConfiguration> &tls, QObject *parent = nullptr);
    // Closes first: QTcpServer's close() deletes the connections not yet taken, and
    // they tell this object as they go, which must still be whole then.
    ~LimitedTcpServer() override;

    // Listens, and accepts connections itself where it can (POSIX): Qt 6.4 retries a
    // failed accept() at once, so running out of file descriptors (EMFILE) would spin
    // it at full CPU.
    bool start(const QHostAddress &address, quint16 port);

    // QTcpServer's turns Qt's own accepting back on; this one keeps it off.
    QTcpSocket *nextPendingConnection() override;

    int openConnections() const { return int(m_connections.size()); }
    // Connections allowed at once: maxConnections, or fewer where the descriptors
    // counted at start() leave less room.
    int maxConnections() const { return m_maxConnections; }
    const DescriptorBudget &descriptors() const { return m_descriptors; }
    // The open connection from that peer, or null. Qt 6.5 took the socket out of
    // QHttpServerResponder; a held reply finds its connection this way instead.
    HttpConnection *connectionFrom(const QHostAddress &address, quint16 port) const;

signals:
    // A request the limits refused before the server saw it: for the request log.
    void requestRefused(const RequestLogEntry &entry);
    // A connection refused because maxConnections were open.
    void connectionRefused();

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    static QString peerKey(const QHostAddress &address, quint16 port);
    void acceptWaiting();
    void backOff();
    // Accepts while there is room and no back-off is under way; pauses otherwise.
    void updateAccepting();
    bool hasRoom() const;
    void serve(QTcpSocket *socket);
    void refuseOverCap(QTcpSocket *socket);

    // Refusals being written at once, at most.
    static constexpr int MaxRefusing = 16;

    HttpLimits m_limits;
    std::optional<QSslConfiguration> m_tls;
    DescriptorBudget m_descriptors;
    int m_maxConnections = 0;
    int m_maxRefusing = 0;
    QHash<QString, HttpConnection *> m_connections; // by peerKey()
    int m_refusing = 0; // refused sockets not yet closed
    QSocketNotifier *m_acceptNotifier = nullptr;
    QTimer m_resumeAccepting;
    std::chrono::milliseconds m_acceptBackoff{0};
};
