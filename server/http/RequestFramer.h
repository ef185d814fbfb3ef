#pragma once

#include "http/HttpLimits.h"
#include "http/HttpTypes.h"

#include <QByteArray>
#include <QString>

#include <optional>

// Reads the HTTP/1.1 requests of one connection as their bytes arrive, by RFC 9112's
// rules, and says where each one ends. It is the only parser of what a client sends:
// QHttpServer is handed each whole request it accepts, cut down to what it needs
// (forServer), so the two can never see different requests. Anything RFC 9112 says a
// server must reject, or that could be read two ways, is refused: whitespace before a
// colon, a folded header line, a Transfer-Encoding, more or fewer than one valid
// Content-Length, two of a field the APIs read, a bare CR, control bytes, a malformed
// request line or version. It only reads; HttpConnection acts on what it says (and
// the fuzzers feed it anything).
class RequestFramer
{
public:
    struct Refusal
    {
        int status;      // the status line's text follows from it (HttpReply::head)
        QString message; // for the JSON error body
    };

    struct Request
    {
        // What QHttpServer reads: the request line, the body's Content-Length (when
        // there is a body), the blank line and the body. No other field: QHttpServer
        // reads a head a byte at a time, so each byte it is spared counts, and the
        // fields the APIs read are in fields. The hop-by-hop ones (Connection,
        // Expect, ...) are for the connection, which asks the framer.
        QByteArray forServer;
        RequestFields fields;
        QByteArray requestLine; // "POST /abc HTTP/1.1", for the log
        bool closeAfter = false; // Connection: close, or HTTP/1.0 without keep-alive
    };

    explicit RequestFramer(const HttpLimits &limits) : m_limits(limits) {}

    // Reads data until a request is whole or refused, or data runs out; returns the
    // bytes it used. Once a request is whole, it reads nothing more until takeRequest().
    qsizetype feed(QByteArrayView data);

    // The whole request, once: then the framer reads the next one.
    std::optional<Request> takeRequest();
    bool hasRequest() const { return m_state == State::Whole; }
    // Final: nothing more is read.
    const std::optional<Refusal> &refusal() const { return m_refusal; }

    // Part of a request has arrived, not all of it.
    bool isInsideRequest() const { return m_state == State::Head || m_state == State::Body; }
    // True once per request whose head asked "Expect: 100-continue" and whose body has
    // not all come: the client waits for "100 Continue" before it sends the body.
    bool takeContinue();
    // The current (or last) request line, for the log.
    QByteArray requestLine() const { return m_requestLine; }
    // Refuses the request being read, for a limit the framer cannot see (time).
    void refuse(Refusal refusal);

    // Qt's own header parser's limits, which the framer keeps.
    static constexpr int MaxHeaderFields = 100;
    static constexpr int MaxHeaderLineBytes = 8000;
    // What a usual request's forServer takes: its request line and a small body (a
    // registration's is under 100 bytes).
    static constexpr qsizetype ExpectedForServerBytes = 256;

private:
    enum class State { BetweenRequests, Head, Body, Whole, Refused };

    std::optional<Refusal> lineEnded(QByteArrayView line);
    std::optional<Refusal> readRequestLine(QByteArrayView line);
    std::optional<Refusal> readHeaderLine(QByteArrayView line);
    std::optional<Refusal> headComplete();

    HttpLimits m_limits;
    State m_state = State::BetweenRequests;
    std::optional<Refusal> m_refusal;
    QByteArray m_line;       // the line being read, without its end
    qint64 m_headBytes = 0;  // of the current request's head, for maxHeaderBytes
    QByteArray m_requestLine;
    Request m_request;
    qint64 m_bodyLeft = 0;
    // What the head said, as it is read.
    int m_fields = 0;
    std::optional<qint64> m_contentLength;
    bool m_http10 = false;
    bool m_hasHost = false;
    bool m_hasAuthorization = false;
    bool m_hasConsulToken = false;
    bool m_keepAlive = false;
    bool m_expectContinue = false;
};
