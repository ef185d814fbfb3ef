#include "PendingReply.h"

#include "http/HttpConnection.h"
#include "http/HttpServer.h"
#include "service/ExportStream.h"

PendingReply::PendingReply(QHttpServerResponder &&responder, HttpConnection *connection, RequestLogEntry entry,
                           QObject *parent)
    : QObject(parent), m_responder(std::move(responder)), m_connection(connection), m_entry(std::move(entry))
{
    m_timer.start();
    if (!m_connection) {
        abandon();
        return;
    }
    // The connection waits for this reply before it reads on, so it is not idle.
    connect(m_connection, &QTcpSocket::disconnected, this, &PendingReply::abandon);
    connect(m_connection, &QObject::destroyed, this, &PendingReply::abandon);
}

PendingReply::~PendingReply() = default;

void PendingReply::send(const HttpReply &reply, bool withBody)
{
    if (m_done)
        return;
    if (!m_connection || m_connection->state() != QAbstractSocket::ConnectedState) {
        abandon();
        return;
    }
    m_done = true;
    HttpServer::write(m_responder, reply, withBody, m_connection);
    m_entry.problem = reply.problem();
    finish(reply.status);
}

void PendingReply::stream(const HttpReply &head, std::unique_ptr<ExportStream> body)
{
    if (m_done || m_body)
        return;
    if (!m_connection || m_connection->state() != QAbstractSocket::ConnectedState) {
        abandon();
        return;
    }
    m_body = std::move(body);
    HttpServer::beginChunked(m_responder, head, m_connection);
    m_entry.status = head.status;
    connect(m_body.get(), &ExportStream::readable, this, &PendingReply::writePieces);
    connect(m_connection, &QIODevice::bytesWritten, this, &PendingReply::writePieces);
    writePieces();
}

void PendingReply::writePieces()
{
    if (m_done)
        return;
    // A piece's worth of what is written may wait for the client; the rest waits
    // in the stream, which then waits for us.
    while (m_connection->bytesToWrite() < ExportStream::PieceBytes) {
        const QByteArray piece = m_body->take();
        if (piece.isEmpty())
            break;
        HttpServer::writeChunk(m_responder, piece, m_connection);
    }
    if (m_body->atEnd()) {
        HttpServer::endChunked(m_responder, m_connection);
        finish(m_entry.status);
    } else if (!m_body->error().isEmpty()) {
        qWarning("export stopped half-way: %s", qUtf8Printable(m_body->error()));
        m_connection->cutOff();
        finish(503);
    }
}

void PendingReply::finish(int status)
{
    m_done = true;
    m_entry.status = status;
    m_entry.durationMs = double(m_timer.nsecsElapsed()) / 1e6;
    m_entry.at = Timestamp::now();
    emit finished(m_entry);
    deleteLater();
}

void PendingReply::abandon()
{
    if (m_done)
        return;
    finish(499); // nginx's "client closed request"
}
