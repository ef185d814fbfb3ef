#pragma once

#include "http/HttpTypes.h"

#include <QElapsedTimer>
#include <QHttpServerResponder>
#include <QObject>
#include <QPointer>

#include <memory>

class ExportStream;
class HttpConnection;

// A reply held open and sent later: a long-poll such as an etcd wait, or an export
// sent as it is read. It costs no CPU while it waits. When the client goes away first, it deletes itself without writing
// (on Qt 6.4 a responder keeps a raw socket pointer, so it must never write to a
// socket that is gone); when the server stops, it is deleted with it.
class PendingReply : public QObject
{
    Q_OBJECT

public:
    // connection: the request's, or null if it is gone already.
    PendingReply(QHttpServerResponder &&responder, HttpConnection *connection, RequestLogEntry entry, QObject *parent);
    ~PendingReply() override;

    // Sends the reply once (without its body for HEAD), then deletes itself later, so
    // callers may go on using it.
    void send(const HttpReply &reply, bool withBody = true);
    // Sends head's status and headers now, then body's pieces as they come, chunked,
    // no faster than the client reads them. If body fails half-way, the connection is
    // cut: the client sees a body that ends early, never a short one that looks whole.
    void stream(const HttpReply &head, std::unique_ptr<ExportStream> body);
    // Sent, or the client left: nothing more will be written.
    bool isFinished() const { return m_done; }

signals:
    // Sent or abandoned: for the request log. Status 499 means the client left first.
    void finished(const RequestLogEntry &entry);

private:
    void abandon();
    void writePieces();
    void finish(int status);

    QHttpServerResponder m_responder;
    QPointer<HttpConnection> m_connection;
    RequestLogEntry m_entry;
    QElapsedTimer m_timer;
    bool m_done = false;
    std::unique_ptr<ExportStream> m_body; // while streaming
};
