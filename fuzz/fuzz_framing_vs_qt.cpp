// Differential: the same bytes go to RequestFramer and to QHttpServer's own parser.
// - Wherever both read a request, they read the same one (method, target, body):
//   else a request could end in one place for the framer and in another for Qt.
// - What the framer hands QHttpServer (each request's forServer) reads back, in Qt,
//   as exactly the requests the framer framed, and Qt never gives up on it.
// Qt's parser runs for real: a QAbstractHttpServer reading from a socket that
// replays the bytes.

#include "http/RequestFramer.h"

#include <QAbstractHttpServer>
#include <QCoreApplication>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QMetaEnum>
#include <QTcpServer>
#include <QTcpSocket>

#include <cstdint>
#include <cstring>

namespace {

struct Seen
{
    QByteArray method;
    QString target; // path and query, as QUrl reads them
    QByteArray body;
    bool operator==(const Seen &) const = default;
};

QString targetOf(const QUrl &url)
{
    return url.toString(QUrl::RemoveScheme | QUrl::RemoveAuthority | QUrl::FullyEncoded);
}

// A connection that offers fixed bytes, as a client that sent them would.
class ReplayedSocket : public QTcpSocket
{
public:
    explicit ReplayedSocket(QByteArray bytes) : m_bytes(std::move(bytes))
    {
        setPeerAddress(QHostAddress::LocalHost);
        setPeerPort(40000);
        setLocalAddress(QHostAddress::LocalHost);
        setLocalPort(4011);
        setSocketState(QAbstractSocket::ConnectedState);
        setOpenMode(QIODevice::ReadWrite | QIODevice::Unbuffered);
    }

    qint64 bytesAvailable() const override { return QIODevice::bytesAvailable() + m_bytes.size() - m_at; }
    void disconnectFromHost() override { m_closed = true; } // Qt gave up on the bytes
    bool isClosed() const { return m_closed; }

protected:
    qint64 readData(char *data, qint64 maxSize) override
    {
        const qint64 take = qMin<qint64>(maxSize, m_bytes.size() - m_at);
        std::memcpy(data, m_bytes.constData() + m_at, size_t(take));
        m_at += take;
        return take;
    }
    qint64 writeData(const char *, qint64 size) override { return size; } // replies do not matter here

private:
    QByteArray m_bytes;
    qsizetype m_at = 0;
    bool m_closed = false;
};

// Records every request QHttpServer reads.
class RecordingServer : public QAbstractHttpServer
{
public:
    QList<Seen> seen;

protected:
    void record(const QHttpServerRequest &request)
    {
        const QByteArray method = QByteArray(QMetaEnum::fromType<QHttpServerRequest::Method>().valueToKey(int(request.method())))
                                      .toUpper();
        seen.append({method, targetOf(request.url()), request.body()});
    }
#if QT_VERSION < QT_VERSION_CHECK(6, 8, 0)
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *) override
    {
        record(request);
        return true;
    }
    void missingHandler(const QHttpServerRequest &, QTcpSocket *) override {}
#else
    bool handleRequest(const QHttpServerRequest &request, QHttpServerResponder &) override
    {
        record(request);
        return true;
    }
    void missingHandler(const QHttpServerRequest &, QHttpServerResponder &) override {}
#endif
};

class Offering : public QTcpServer
{
public:
    void offer(QTcpSocket *socket) { addPendingConnection(socket); }
};

struct QtReading
{
    QList<Seen> requests;
    bool gaveUp = false;
};

// What QHttpServer reads from bytes.
QtReading readWithQt(const QByteArray &bytes)
{
    static int argc = 1;
    static char name[] = "fuzz_framing_vs_qt";
    static char *argv[] = {name, nullptr};
    // Made once and never destroyed, like everything Qt below: libFuzzer ends the
    // process with exit(), and an application object destroyed then goes after the
    // statics Qt made on first use during the run. On Qt 6.8 that crashed: its
    // destroyed() signal runs QtNetwork's cleanup of the TLS backends' plugin loader
    // (an application static, loaded because a 6.8 QHttpServerRequest carries a TLS
    // configuration), which needs statics already gone. On the heap, nothing of Qt is
    // torn down at exit at all.
    static auto *app = new QCoreApplication(argc, argv);
    Q_UNUSED(app);
    static Offering *offering = [] {
        auto *tcp = new Offering;
        tcp->listen(QHostAddress::LocalHost, 0); // QHttpServer wants a listening server; nothing connects
        return tcp;
    }();
    static RecordingServer *server = [] {
        auto *http = new RecordingServer;
        http->bind(offering);
        return http;
    }();

    server->seen.clear();
    auto *socket = new ReplayedSocket(bytes);
    offering->offer(socket);
    emit socket->readyRead();
    // Qt reads one request per readyRead and asks for the next through the event loop.
    for (qint64 left = -1; socket->bytesAvailable() != left && !socket->isClosed();) {
        left = socket->bytesAvailable();
        QCoreApplication::processEvents();
    }
    QtReading reading{server->seen, socket->isClosed()};
    delete socket;
    return reading;
}

Seen fromFramed(const RequestFramer::Request &request)
{
    const QList<QByteArray> line = request.requestLine.split(' ');
    const qsizetype headEnd = request.forServer.indexOf("\r\n\r\n");
    QByteArray method = line.value(0);
    static const QList<QByteArray> known{"GET", "PUT", "DELETE", "POST", "HEAD", "OPTIONS", "PATCH", "CONNECT"};
    if (!known.contains(method))
        method = "UNKNOWN";
    return {method, targetOf(QUrl::fromEncoded(line.value(1))), request.forServer.mid(headEnd + 4)};
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    HttpLimits limits;
    limits.maxHeaderBytes = 2048;
    limits.maxBodyBytes = 4096;
    RequestFramer framer(limits);
    QList<Seen> framed;
    QByteArray forServer;
    QByteArrayView rest(input);
    while (!rest.isEmpty() && !framer.refusal()) {
        rest = rest.sliced(framer.feed(rest));
        if (const auto request = framer.takeRequest()) {
            framed.append(fromFramed(*request));
            forServer += request->forServer;
        }
    }

    // The raw bytes: where both read a request, it is the same request.
    const QtReading raw = readWithQt(input);
    if (qEnvironmentVariableIsSet("FUZZ_DEBUG")) {
        qWarning("framed %lld, refusal %d", qlonglong(framed.size()), framer.refusal() ? framer.refusal()->status : 0);
        for (const Seen &seen : framed)
            qWarning("  framed %s %s [%s]", seen.method.constData(), qPrintable(seen.target), seen.body.toHex().constData());
        qWarning("qt read %lld, gave up %d", qlonglong(raw.requests.size()), raw.gaveUp);
        for (const Seen &seen : raw.requests)
            qWarning("  qt %s %s [%s]", seen.method.constData(), qPrintable(seen.target), seen.body.toHex().constData());
    }
    for (qsizetype i = 0; i < std::min(raw.requests.size(), framed.size()); ++i) {
        if (raw.requests.at(i) != framed.at(i))
            __builtin_trap();
    }
    // Qt read fewer requests from the raw bytes without giving up: it framed them
    // differently (one body taken for two requests, say).
    if (raw.requests.size() < framed.size() && !raw.gaveUp)
        __builtin_trap();

    // What the framer hands on reads back as exactly what it framed.
    const QtReading handedOn = readWithQt(forServer);
    if (handedOn.gaveUp || handedOn.requests != framed)
        __builtin_trap();
    return 0;
}
