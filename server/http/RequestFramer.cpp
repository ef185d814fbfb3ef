#include "RequestFramer.h"

#include <QList>

RequestFramer::Step RequestFramer::feed(QByteArrayView data)
{
    Step step;
    qsizetype i = 0;
    while (i < data.size() && !m_refused) {
        if (m_bodyLeft > 0) {
            const qsizetype take = qsizetype(qMin<qint64>(m_bodyLeft, data.size() - i));
            m_bodyLeft -= take;
            i += take;
            continue;
        }
        // Between requests, QHttpServer skips blank lines; so do we.
        if (m_header.isEmpty() && (data[i] == '\r' || data[i] == '\n')) {
            ++i;
            continue;
        }
        m_header.append(data[i++]);
        if (m_header.endsWith('\n') && m_header.count('\n') == 1) {
            m_requestLine = m_header.trimmed();
            // QHttpServer would drop such a connection without a word.
            const QList<QByteArray> parts = m_requestLine.split(' ');
            if (parts.size() != 3 || parts.at(1).isEmpty() || !parts.at(2).startsWith("HTTP/1."))
                step.refusal = Refusal{400, "Bad Request", QStringLiteral("malformed request line")};
        } else if (m_header.endsWith("\n\r\n") || m_header.endsWith("\n\n")) {
            step.refusal = headersComplete(&step.continues);
        } else if (m_header.size() > m_limits.maxHeaderBytes) {
            step.refusal = Refusal{431, "Request Header Fields Too Large",
                                   QStringLiteral("the request line and headers are larger than %1 bytes")
                                       .arg(m_limits.maxHeaderBytes)};
        }
        m_refused = step.refusal.has_value();
    }
    return step;
}

std::optional<RequestFramer::Refusal> RequestFramer::headersComplete(int *continues)
{
    qint64 length = -1;
    bool expectContinue = false;
    const QList<QByteArray> lines = m_header.split('\n');
    m_header.clear();
    for (qsizetype n = 1; n < lines.size(); ++n) {
        const QByteArray line = lines.at(n).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "content-length" && length < 0) { // the first one counts, as in QHttpServer
            bool ok = false;
            length = value.toLongLong(&ok);
            if (!ok || length < 0)
                return Refusal{400, "Bad Request", QStringLiteral("Content-Length is not a number")};
        } else if (name == "transfer-encoding" && value.toLower() != "identity") {
            return Refusal{411, "Length Required",
                           QStringLiteral("send the body with a Content-Length, not a Transfer-Encoding")};
        } else if (name == "expect" && value.toLower() == "100-continue") {
            expectContinue = true;
        }
    }
    length = qMax<qint64>(length, 0);
    if (length > m_limits.maxBodyBytes)
        return Refusal{413, "Payload Too Large",
                       QStringLiteral("the request body is larger than %1 bytes").arg(m_limits.maxBodyBytes)};
    if (expectContinue && length > 0)
        ++*continues; // QHttpServer 6.4 never says it
    m_bodyLeft = length;
    return std::nullopt;
}
