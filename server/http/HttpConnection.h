#pragma once

#include "http/HttpLimits.h"
#include "http/RequestFramer.h"

#include <QElapsedTimer>
#include <QTcpSocket>
#include <QTimer>

// One client connection, as QHttpServer sees it. QHttpServer reads requests from it
// and writes replies to it as from a QTcpSocket, but the client's own socket (plain
// or TLS) is a child of it: this class reads that socket, frames what arrives with
// RequestFramer, and hands QHttpServer one whole request at a time, the next only
// once the reply to the last is written. So:
// - QHttpServer parses only requests the framer accepted, byte for byte as framed:
//   the two cannot see different requests;
// - replies go out in the order of the requests, a held etcd wait included, and a
//   refusal (413, 408, ...) only after the replies to the requests before it;
// - memory is bounded per client: at most one whole request read ahead, and no
//   request is handed on while more than maxUnsentBytes of replies are unread;
// - Connection: close and HTTP/1.0 close after their reply; idle and stuck clients
//   are cut off (HttpLimits).
class HttpConnection : public QTcpSocket
{
    Q_OBJECT

public:
    // Takes client (connected, or doing its TLS handshake) as a child.
    HttpConnection(QTcpSocket *client, const HttpLimits &limits, QObject *parent);

    // The server has written the whole reply to the request it was handed: the next
    // one may go. Called by whoever writes a reply (HttpServer, PendingReply).
    void replyWritten();
    // The reply being written is the last on this connection: it says so.
    bool closesAfterReply() const { return m_current.closeAfter; }
    // Writes a (big) reply body without copying it: the client's socket keeps a
    // reference to it.
    void writeShared(const QByteArray &body);

    // Cuts the client off at once (a reset), replies unsent or not: for a reply that
    // cannot be finished after its head went out.
    void cutOff();

    // The header fields the APIs read, of the request handed to the server: the
    // framer took them, QHttpServer never saw them.
    const RequestFields &requestFields() const { return m_current.fields; }
    // The client's address as text, made once for all its requests.
    const QString &peerAddressText() const { return m_peerAddressText; }

    qint64 bytesAvailable() const override;
    qint64 bytesToWrite() const override;
    // From QHttpServer: the client's socket closes once what is written has gone.
    void disconnectFromHost() override;

    static constexpr qint64 ReadChunkBytes = 16 * 1024;

signals:
    // A request refused before the server saw it: for the request log.
    void requestRefused(const RequestLogEntry &entry);

protected:
    qint64 readData(char *data, qint64 maxSize) override;
    qint64 writeData(const char *data, qint64 size) override;

private:
    void advance();
    void readFromClient();
    void handToServer();
    void writeRefusal(const RequestFramer::Refusal &refusal);
    void closeClient();
    void onClientGone();
    void checkIdle();

    QTcpSocket *m_client;
    const QString m_peerAddressText;
    HttpLimits m_limits;
    RequestFramer m_framer;
    QByteArray m_unframed; // read from the client; framed from m_unframedAt on
    qsizetype m_unframedAt = 0;
    std::optional<RequestFramer::Request> m_next; // whole, waiting for its turn
    RequestFramer::Request m_current;             // handed to the server
    qsizetype m_currentRead = 0;                  // of m_current.forServer, by the server
    bool m_inFlight = false; // m_current's reply is not all written yet
    bool m_handing = false;  // in handToServer(): the server may answer right there
    bool m_closing = false;
    QTimer m_idle;
    QTimer m_requestTimer; // a request's first byte to its last
    QElapsedTimer m_lastRead;
    QElapsedTimer m_lastWritten;
};
