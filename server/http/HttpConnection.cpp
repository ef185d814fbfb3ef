#include "HttpConnection.h"

#include "http/HttpTypes.h"

#include <QSslSocket>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif
#ifdef Q_OS_LINUX
#include <linux/sockios.h>
#include <sys/ioctl.h>
#endif

namespace {

// Bytes the kernel has sent or holds for the client that it has not acknowledged.
qint64 unacknowledgedBytes(QTcpSocket *socket)
{
#ifdef Q_OS_LINUX
    int pending = 0;
    if (::ioctl(int(socket->socketDescriptor()), SIOCOUTQ, &pending) == 0)
        return pending;
#else
    Q_UNUSED(socket);
#endif
    return 0;
}

// Closes at once, and drops what the kernel still holds for the client (a reset):
// a polite close would wait behind replies the client does not read.
void resetConnection(QTcpSocket *socket)
{
#ifdef Q_OS_UNIX
    const linger now{1, 0};
    ::setsockopt(int(socket->socketDescriptor()), SOL_SOCKET, SO_LINGER, &now, sizeof now);
#endif
    socket->abort();
}

// A whole reply written by the connection itself; the connection closes after it.
QByteArray refusalReply(const RequestFramer::Refusal &refusal)
{
    const HttpReply reply = HttpReply::error(refusal.status, refusal.message);
    return reply.head(true) + reply.body;
}

} // namespace

HttpConnection::HttpConnection(QTcpSocket *client, const HttpLimits &limits, QObject *parent)
    : QTcpSocket(parent), m_client(client), m_peerAddressText(client->peerAddress().toString()), m_limits(limits),
      m_framer(limits)
{
    client->setParent(this);
    // A reply goes out as soon as it is written, as Go's clients and servers do (etcd,
    // rqlited): with Nagle, a pipelining client waits 40 ms for each delayed ACK.
    client->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    // What the client sends beyond this waits in the kernel: TCP slows the client down.
    client->setReadBufferSize(4 * ReadChunkBytes);
    setPeerAddress(client->peerAddress());
    setPeerPort(client->peerPort());
    setLocalAddress(client->localAddress());
    setLocalPort(client->localPort());
    setSocketState(QAbstractSocket::ConnectedState);
    // Buffered: QHttpServer reads a request's head one byte at a time, and QIODevice
    // serves such reads from its buffer (one readData() per request) far more cheaply
    // than it calls readData() for each byte of an unbuffered device.
    setOpenMode(QIODevice::ReadWrite);

    connect(client, &QTcpSocket::readyRead, this, &HttpConnection::advance);
    connect(client, &QTcpSocket::bytesWritten, this, [this](qint64 written) {
        m_lastWritten.start();
        emit bytesWritten(written); // a reply sent as it is made writes its next piece
        if (!m_inFlight && m_next && m_client->bytesToWrite() <= m_limits.maxUnsentBytes)
            advance(); // the client has read enough of its replies: the next request goes
    });
    connect(client, &QTcpSocket::disconnected, this, &HttpConnection::onClientGone);

    m_requestTimer.setSingleShot(true);
    connect(&m_requestTimer, &QTimer::timeout, this, [this] {
        if (!m_framer.isInsideRequest())
            return;
        m_framer.refuse({408, QStringLiteral("the request did not arrive whole within %1 ms")
                                  .arg(m_limits.requestTimeout.count())});
        advance();
    });
    m_idle.setSingleShot(true);
    connect(&m_idle, &QTimer::timeout, this, &HttpConnection::checkIdle);
    m_lastRead.start();
    m_lastWritten.start();
    m_idle.start(m_limits.idleTimeout);

    if (auto *tls = qobject_cast<QSslSocket *>(client); tls && !tls->isEncrypted()) {
        // A client that never finishes its handshake holds a connection like any other.
        QTimer::singleShot(m_limits.tlsHandshakeTimeout, tls, [tls] {
            if (!tls->isEncrypted())
                tls->abort();
        });
    }
}

qint64 HttpConnection::bytesAvailable() const
{
    return QIODevice::bytesAvailable() + (m_inFlight ? m_current.forServer.size() - m_currentRead : 0);
}

qint64 HttpConnection::bytesToWrite() const
{
    return m_client->bytesToWrite();
}

qint64 HttpConnection::readData(char *data, qint64 maxSize)
{
    if (!m_inFlight)
        return 0;
    const qint64 take = qMin<qint64>(maxSize, m_current.forServer.size() - m_currentRead);
    std::memcpy(data, m_current.forServer.constData() + m_currentRead, size_t(take));
    m_currentRead += take;
    return take;
}

qint64 HttpConnection::writeData(const char *data, qint64 size)
{
    if (m_client->state() != QAbstractSocket::ConnectedState)
        return -1;
    if (m_client->bytesToWrite() == 0)
        m_lastWritten.start(); // how long the client takes to read this counts from now
    return m_client->write(data, size);
}

void HttpConnection::writeShared(const QByteArray &body)
{
    if (m_client->state() != QAbstractSocket::ConnectedState)
        return;
    if (m_client->bytesToWrite() == 0)
        m_lastWritten.start();
    m_client->write(body);
}

void HttpConnection::advance()
{
    while (!m_closing) {
        readFromClient();
        if (m_inFlight)
            return; // replyWritten() comes back here
        if (m_next) {
            if (m_client->bytesToWrite() > m_limits.maxUnsentBytes)
                return; // the client reads its replies first: bytesWritten comes back here
            handToServer();
            continue; // most replies are written right away: on with the next request
        }
        if (const auto &refusal = m_framer.refusal())
            return writeRefusal(*refusal);
        // Only now is it this request's turn to be answered.
        if (m_framer.takeContinue())
            writeData("HTTP/1.1 100 Continue\r\n\r\n", 25);
        return;
    }
}

void HttpConnection::readFromClient()
{
    // One whole request ahead at most: the rest waits in the socket, then the kernel.
    while (!m_next && !m_framer.refusal()) {
        if (m_unframedAt == m_unframed.size()) {
            if (m_client->bytesAvailable() == 0)
                break;
            m_unframed = m_client->read(ReadChunkBytes);
            m_unframedAt = 0;
            m_lastRead.start();
        }
        m_unframedAt += m_framer.feed(QByteArrayView(m_unframed).sliced(m_unframedAt));
        m_next = m_framer.takeRequest();
        if (!m_framer.isInsideRequest())
            m_requestTimer.stop();
        else if (!m_requestTimer.isActive())
            m_requestTimer.start(m_limits.requestTimeout);
    }
}

void HttpConnection::handToServer()
{
    m_current = std::move(*m_next);
    m_next.reset();
    m_currentRead = 0;
    m_inFlight = true;
    // QHttpServer reads the request now and, for most requests, answers right here.
    m_handing = true;
    emit readyRead();
    m_handing = false;
}

void HttpConnection::replyWritten()
{
    if (!m_inFlight)
        return;
    m_inFlight = false;
    if (m_current.closeAfter)
        return closeClient();
    if (!m_handing) // a reply sent later (an etcd wait): go on from the event loop
        QMetaObject::invokeMethod(this, &HttpConnection::advance, Qt::QueuedConnection);
}

void HttpConnection::writeRefusal(const RequestFramer::Refusal &refusal)
{
    RequestLogEntry entry;
    entry.at = Timestamp::now();
    const QList<QByteArray> requestLine = m_framer.requestLine().split(' ');
    entry.method = QString::fromLatin1(requestLine.value(0, "-").left(16));
    entry.path = QString::fromLatin1(requestLine.value(1, "-").left(200));
    entry.status = refusal.status;
    entry.problem = refusal.message;
    entry.remoteAddress = m_peerAddressText;
    emit requestRefused(entry);
    const QByteArray reply = refusalReply(refusal);
    writeData(reply.constData(), reply.size());
    closeClient();
}

void HttpConnection::closeClient()
{
    if (m_closing)
        return;
    m_closing = true;
    m_requestTimer.stop();
    m_client->disconnectFromHost(); // once what is written has gone; checkIdle() cuts it short
}

void HttpConnection::cutOff()
{
    m_closing = true;
    resetConnection(m_client);
}

void HttpConnection::disconnectFromHost()
{
    closeClient();
}

void HttpConnection::onClientGone()
{
    m_closing = true;
    m_requestTimer.stop();
    m_idle.stop();
    m_inFlight = false;
    // Now this connection is gone for QHttpServer too: it deletes it (and the client).
    QTcpSocket::disconnectFromHost();
}

void HttpConnection::checkIdle()
{
    // Activity only notes the time (restarting a timer per request costs more); the
    // timer catches up here.
    const qint64 limit = m_limits.idleTimeout.count();
    if (m_client->bytesToWrite() > 0 || m_closing) {
        // The client reads nothing of what is written to it (or of the last words before
        // closing): cut it off.
        if (m_lastWritten.elapsed() >= limit)
            return resetConnection(m_client);
        return m_idle.start(limit - m_lastWritten.elapsed());
    }
    const qint64 quiet = std::min(m_lastRead.elapsed(), m_lastWritten.elapsed());
    if (m_inFlight || m_next || m_framer.isInsideRequest() || quiet < limit) {
        // A reply held open (an etcd wait) is not idle; a request arriving has its own limit.
        return m_idle.start(quiet < limit ? limit - quiet : limit);
    }
    // Replies still in the kernel that the client has not taken for all that time.
    if (unacknowledgedBytes(m_client) > 0)
        return resetConnection(m_client);
    closeClient();
    m_idle.start(limit); // it has that long to take the close
}
