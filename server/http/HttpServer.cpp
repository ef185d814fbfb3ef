#include "HttpServer.h"

#include "http/HttpConnection.h"
#include "http/PendingReply.h"
#include "service/GroupCommit.h"

#include <QElapsedTimer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QTcpServer>
#include <QTcpSocket>

#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
#include <QHttpHeaders>
#elif QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
#error "Qt 6.5 to 6.7 are not supported: build with Qt 6.4 or 6.8 and later (see CMakeLists.txt)"
#endif

#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
namespace {

QHttpHeaders headersOf(const HttpReply &reply, bool closing)
{
    QHttpHeaders headers;
    if (!reply.contentType.isEmpty()) // Consul's 404 has none
        headers.append(QHttpHeaders::WellKnownHeader::ContentType, reply.contentType);
    for (const auto &[name, value] : reply.headers)
        headers.append(name, value);
    if (closing)
        headers.append(QHttpHeaders::WellKnownHeader::Connection, "close");
    return headers;
}

} // namespace
#endif

// A reply to HEAD says how long the body is but leaves it out.
void HttpServer::write(QHttpServerResponder &responder, const HttpReply &reply, bool withBody,
                       HttpConnection *connection)
{
    const bool closing = connection && connection->closesAfterReply();
#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
    const auto status = static_cast<QHttpServerResponder::StatusCode>(reply.status);
    QHttpHeaders headers = headersOf(reply, closing);
    if (withBody) {
        responder.write(reply.body, headers, status);
    } else {
        headers.append(QHttpHeaders::WellKnownHeader::ContentLength, QByteArray::number(reply.body.size()));
        responder.write(headers, status);
    }
#else
    // A small body goes in the same write; a big one (an export's is hundreds of
    // megabytes) is written as the QByteArray itself, which the client's socket then
    // keeps a reference to instead of a copy.
    QByteArray bytes = reply.head(closing);
    const bool bodyApart = withBody && reply.body.size() > InlineBodyBytes;
    if (withBody && !bodyApart)
        bytes += reply.body;
    const auto send = [&](const QByteArray &piece) {
        if (connection)
            connection->writeShared(piece);
        else
            responder.socket()->write(piece);
    };
    send(bytes);
    if (bodyApart)
        send(reply.body);
#endif
    if (connection)
        connection->replyWritten();
}

void HttpServer::beginChunked(QHttpServerResponder &responder, const HttpReply &head, HttpConnection *connection)
{
    const auto status = static_cast<QHttpServerResponder::StatusCode>(head.status);
    const bool closing = connection->closesAfterReply();
#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
    responder.writeBeginChunked(headersOf(head, closing), status);
#else
    responder.writeStatusLine(status);
    responder.writeHeader(QByteArrayLiteral("Content-Type"), head.contentType);
    responder.writeHeader(QByteArrayLiteral("Transfer-Encoding"), QByteArrayLiteral("chunked"));
    for (const auto &[name, value] : head.headers)
        responder.writeHeader(name, value);
    if (closing)
        responder.writeHeader(QByteArrayLiteral("Connection"), QByteArrayLiteral("close"));
    responder.writeBody(QByteArray()); // ends the headers
#endif
}

void HttpServer::writeChunk(QHttpServerResponder &responder, const QByteArray &piece, HttpConnection *connection)
{
    if (piece.isEmpty())
        return; // an empty chunk would end the body
#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
    Q_UNUSED(connection);
    responder.writeChunk(piece);
#else
    Q_UNUSED(responder);
    connection->writeShared(QByteArray::number(piece.size(), 16) + "\r\n");
    connection->writeShared(piece);
    connection->writeShared(QByteArrayLiteral("\r\n"));
#endif
}

void HttpServer::endChunked(QHttpServerResponder &responder, HttpConnection *connection)
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
    responder.writeEndChunked(QByteArray());
#else
    Q_UNUSED(responder);
    connection->writeShared(QByteArrayLiteral("0\r\n\r\n"));
#endif
    connection->replyWritten();
}

HttpServer::HttpServer(QObject *parent) : QAbstractHttpServer(parent)
{
    qRegisterMetaType<RequestLogEntry>();
}

HttpServer::~HttpServer()
{
    close();
}

QString HttpServer::listen(const QHostAddress &address, quint16 port, const HttpLimits &limits,
                           const std::optional<QSslConfiguration> &tls)
{
    // Our own QTcpServer: QAbstractHttpServer::listen() is gone in Qt 6.8, and bind()
    // works from 6.4 on. The new one listens before the old one closes: when it
    // cannot, the old one goes on serving.
    auto *tcpServer = new LimitedTcpServer(limits, tls, this);
    if (!tcpServer->start(address, port)) {
        const QString reason = QStringLiteral("cannot listen on %1:%2: %3")
                                   .arg(address.toString()).arg(port).arg(tcpServer->errorString());
        delete tcpServer;
        return reason;
    }
    close();
    m_tls = tls;
    connect(tcpServer, &LimitedTcpServer::requestRefused, this, &HttpServer::requestFinished);
    connect(tcpServer, &LimitedTcpServer::connectionRefused, this, [this] { ++m_refusedConnections; });
    bind(tcpServer);
    m_tcpServer = tcpServer;
    return {};
}

void HttpServer::dropHeldReplies()
{
    // Their sockets close; etcd and rqlite ask again.
    qDeleteAll(findChildren<PendingReply *>(Qt::FindDirectChildrenOnly));
}

void HttpServer::close()
{
    dropHeldReplies(); // first: their sockets are about to close
    if (m_tcpServer) {
        m_tcpServer->close();
        delete m_tcpServer;
    }
}

bool HttpServer::isListening() const
{
    return m_tcpServer && m_tcpServer->isListening();
}

QHostAddress HttpServer::address() const
{
    return m_tcpServer ? m_tcpServer->serverAddress() : QHostAddress();
}

int HttpServer::openConnections() const
{
    return m_tcpServer ? m_tcpServer->openConnections() : 0;
}

int HttpServer::maxConnections() const
{
    return m_tcpServer ? m_tcpServer->maxConnections() : 0;
}

qint64 HttpServer::openFileLimit() const
{
    return m_tcpServer ? m_tcpServer->descriptors().openFileLimit : -1;
}

quint16 HttpServer::port() const
{
    return m_tcpServer ? m_tcpServer->serverPort() : 0;
}

HttpConnection *HttpServer::connectionOf(const QHttpServerRequest &request, QHttpServerResponder &responder) const
{
#if QT_VERSION < QT_VERSION_CHECK(6, 8, 0)
    Q_UNUSED(request);
    return qobject_cast<HttpConnection *>(responder.socket());
#else
    Q_UNUSED(responder);
    return m_tcpServer ? m_tcpServer->connectionFrom(request.remoteAddress(), request.remotePort()) : nullptr;
#endif
}

HttpReply HttpServer::dispatch(const HttpRequest &request)
{
    for (RequestHandler *handler : std::as_const(m_handlers)) {
        if (auto reply = handler->handle(request))
            return *reply;
    }
    return HttpReply::error(404, QStringLiteral("no such endpoint: %1").arg(request.rawPath.left(200)));
}

void HttpServer::answer(const QHttpServerRequest &request, QHttpServerResponder &responder)
{
    QElapsedTimer timer;
    timer.start();
    HttpConnection *connection = connectionOf(request, responder);
    const QString remoteAddress = connection ? connection->peerAddressText() : request.remoteAddress().toString();
    static const RequestFields noFields;
    const RequestFields &fields = connection ? connection->requestFields() : noFields;
#if QT_VERSION < QT_VERSION_CHECK(6, 8, 0)
    const QTcpSocket *socket = responder.socket();
    HttpRequest parsed =
        HttpRequest::from(request, fields, usesTls(), socket->localAddress(), socket->localPort(), remoteAddress);
#else
    HttpRequest parsed =
        HttpRequest::from(request, fields, usesTls(), request.localAddress(), request.localPort(), remoteAddress);
#endif
    if (connection)
        parsed.remotePort = connection->peerPort();

    RequestLogEntry entry;
    entry.method = QString::fromLatin1(parsed.method);
    entry.path = parsed.rawPath;
    if (!parsed.query.isEmpty())
        entry.path += u'?' + parsed.query.toString(QUrl::FullyEncoded);
    entry.remoteAddress = parsed.remoteAddress;
    PendingReply *pending = nullptr;
    parsed.defer = [&] {
        Q_ASSERT(!pending);
        pending = new PendingReply(std::move(responder), connection, entry, this);
        connect(pending, &PendingReply::finished, this, &HttpServer::requestFinished);
        return pending;
    };
    const GroupCommit::Ticket ticket = m_commits ? m_commits->ticket() : 0;
    const HttpReply reply = dispatch(parsed);
    if (reply.deferred) {
        Q_ASSERT(pending);
        return; // the pending reply logs itself when it is sent or abandoned
    }
    const bool withBody = parsed.method != "HEAD";
    if (m_commits && m_commits->mustWait(ticket)) {
        QPointer<PendingReply> held = parsed.defer();
        m_commits->afterCommit([held, reply, withBody](const std::optional<QString> &failure) {
            if (held) // else the client left
                held->send(failure ? HttpReply::unavailable(*failure) : reply, withBody);
        });
        return;
    }
    write(responder, reply, withBody, connection);

    entry.at = Timestamp::now();
    entry.status = reply.status;
    entry.problem = reply.problem();
    entry.durationMs = double(timer.nsecsElapsed()) / 1e6;
    emit requestFinished(entry);
}

#if QT_VERSION < QT_VERSION_CHECK(6, 8, 0)
bool HttpServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    QHttpServerResponder responder = makeResponder(request, socket);
    answer(request, responder);
    return true;
}

void HttpServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    handleRequest(request, socket); // not reached: handleRequest answers everything
}
#else
bool HttpServer::handleRequest(const QHttpServerRequest &request, QHttpServerResponder &responder)
{
    answer(request, responder);
    return true;
}

void HttpServer::missingHandler(const QHttpServerRequest &request, QHttpServerResponder &responder)
{
    answer(request, responder); // not reached: handleRequest answers everything
}
#endif
