#include "PendingReply.h"

#include "http/HttpConnection.h"
#include "http/HttpServer.h"

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
    m_entry.status = reply.status;
    m_entry.durationMs = double(m_timer.nsecsElapsed()) / 1e6;
    m_entry.at = Timestamp::now();
    emit finished(m_entry);
    deleteLater();
}

void PendingReply::abandon()
{
    if (m_done)
        return;
    m_done = true;
    m_entry.status = 499; // nginx's "client closed request"
    m_entry.durationMs = double(m_timer.nsecsElapsed()) / 1e6;
    m_entry.at = Timestamp::now();
    emit finished(m_entry);
    deleteLater();
}
