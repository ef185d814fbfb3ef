#include "PendingReply.h"

#include "http/HttpLimits.h"
#include "http/HttpServer.h"

#include <QTcpSocket>

PendingReply::PendingReply(QHttpServerResponder &&responder, QTcpSocket *socket, RequestLogEntry entry,
                           QObject *parent)
    : QObject(parent), m_responder(std::move(responder)), m_socket(socket), m_entry(std::move(entry))
{
    m_timer.start();
    if (!m_socket) {
        abandon();
        return;
    }
    LimitedTcpServer::setHoldingReply(m_socket, true); // not idle: we answer later
    connect(m_socket, &QTcpSocket::disconnected, this, &PendingReply::abandon);
    connect(m_socket, &QObject::destroyed, this, &PendingReply::abandon);
}

void PendingReply::send(const HttpReply &reply, bool withBody)
{
    if (m_done)
        return;
    if (!m_socket || m_socket->state() != QAbstractSocket::ConnectedState) {
        abandon();
        return;
    }
    m_done = true;
    LimitedTcpServer::setHoldingReply(m_socket, false);
    HttpServer::write(m_responder, reply, withBody);
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
