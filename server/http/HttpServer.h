#pragma once

#include "http/HttpLimits.h"
#include "http/HttpTypes.h"

#include <QAbstractHttpServer>
#include <QHostAddress>
#include <QPointer>

class GroupCommit;
class HttpConnection;
class PendingReply;
class QTcpServer;
class QHttpServerResponder;

// The HTTP front: accepts connections on one address and port, asks its handlers
// in order, answers 404 when none claims the request, and reports every request it
// answered. Lives and works on the thread that owns it.
class HttpServer : public QAbstractHttpServer
{
    Q_OBJECT

public:
    explicit HttpServer(QObject *parent = nullptr);
    ~HttpServer() override;

    // Handlers are asked in this order; the server does not own them.
    void setHandlers(const QList<RequestHandler *> &handlers) { m_handlers = handlers; }
    // Listens with these limits, and with tls set speaks only HTTPS. Returns an empty
    // string once listening, else a one-line reason such as "127.0.0.1:4011: The
    // bound address is already in use". Listening elsewhere already, it stops there
    // only once it listens on the new address; on failure it goes on as it was.
    QString listen(const QHostAddress &address, quint16 port, const HttpLimits &limits = {},
                   const std::optional<QSslConfiguration> &tls = std::nullopt);
    bool usesTls() const { return m_tls.has_value(); }
    void close();
    // Ends the replies held open (etcd waits, blocking KV reads): their handlers are
    // about to go.
    void dropHeldReplies();
    bool isListening() const;
    // Connections open now, and refused by the connection limit since this server
    // was made (for /metrics).
    int openConnections() const;
    // Connections allowed at once (0 when not listening): the limit asked for, or
    // fewer where the process's limit on open files (openFileLimit, -1: none) leaves
    // less room.
    int maxConnections() const;
    qint64 openFileLimit() const;
    quint64 refusedConnections() const { return m_refusedConnections; }
    QHostAddress address() const;
    quint16 port() const;

    // With group commit, the reply to a request that used the open transaction waits
    // for its commit (or becomes a 503 when the commit fails).
    void setGroupCommit(GroupCommit *commits) { m_commits = commits; }

    // Asks the handlers, in order; 404 when none answers.
    HttpReply dispatch(const HttpRequest &request);

    // Writes a whole reply (without the body for HEAD), and tells its connection (if
    // it is still there) that the next request may go.
    static void write(QHttpServerResponder &responder, const HttpReply &reply, bool withBody,
                      HttpConnection *connection);
    // Bodies up to this size go out in one write with the status line and headers.
    static constexpr qsizetype InlineBodyBytes = 16 * 1024;
    // A reply whose body is sent as it is made (Transfer-Encoding: chunked): the status
    // and headers of head (its body is ignored), then pieces, then the end, which also
    // tells the connection that the next request may go.
    static void beginChunked(QHttpServerResponder &responder, const HttpReply &head, HttpConnection *connection);
    static void writeChunk(QHttpServerResponder &responder, const QByteArray &piece, HttpConnection *connection);
    static void endChunked(QHttpServerResponder &responder, HttpConnection *connection);

signals:
    void requestFinished(const RequestLogEntry &entry);

protected:
    // Qt 6.4 hands the socket; 6.8 a responder (CMakeLists.txt refuses 6.5 to 6.7,
    // whose API is a third one that nothing here builds).
#if QT_VERSION < QT_VERSION_CHECK(6, 8, 0)
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;
#else
    bool handleRequest(const QHttpServerRequest &request, QHttpServerResponder &responder) override;
    void missingHandler(const QHttpServerRequest &request, QHttpServerResponder &responder) override;
#endif

private:
    void answer(const QHttpServerRequest &request, QHttpServerResponder &responder);
    // The request's connection: the one QHttpServer read it from.
    HttpConnection *connectionOf(const QHttpServerRequest &request, QHttpServerResponder &responder) const;

    QList<RequestHandler *> m_handlers;
    GroupCommit *m_commits = nullptr; // DiscoveryServer's, while it runs
    std::optional<QSslConfiguration> m_tls;
    QPointer<LimitedTcpServer> m_tcpServer;
    quint64 m_refusedConnections = 0;
};
