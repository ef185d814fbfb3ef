#pragma once

#include "http/HttpLimits.h"

#include <QByteArray>
#include <QString>

#include <optional>

// Follows the HTTP/1.1 requests on one connection as their bytes arrive, and says
// when one breaks a limit, before the request is whole. It only reads: the
// connection guard acts on what it says (and the fuzzer feeds it anything).
class RequestFramer
{
public:
    struct Refusal
    {
        int status;
        QByteArray reason; // the status line's text, e.g. "Payload Too Large"
        QString message;   // for the JSON error body
    };

    struct Step
    {
        std::optional<Refusal> refusal; // once refused, the framer reads nothing more
        int continues = 0;              // "100 Continue" answers owed to the client
    };

    explicit RequestFramer(const HttpLimits &limits) : m_limits(limits) {}

    Step feed(QByteArrayView data);

    bool readingHeaders() const { return !m_header.isEmpty(); }
    bool readingBody() const { return m_bodyLeft > 0; }
    // The current (or last) request line, for the log: "POST /abc HTTP/1.1".
    QByteArray requestLine() const { return m_requestLine; }

private:
    std::optional<Refusal> headersComplete(int *continues);

    HttpLimits m_limits;
    QByteArray m_header;   // the current request's head, up to its blank line
    qsizetype m_partialLine = 0; // bytes at the end of m_header not yet ended by '\n'
    QByteArray m_requestLine;
    qint64 m_bodyLeft = 0; // body bytes of the current request still to come
    bool m_refused = false;
};
