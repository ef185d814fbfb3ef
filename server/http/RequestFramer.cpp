#include "RequestFramer.h"

#include <QList>

#include <cstring>

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
        // A line at a time (or what there is of it), not a byte at a time.
        const auto *newline = static_cast<const char *>(std::memchr(data.data() + i, '\n', size_t(data.size() - i)));
        const qsizetype end = newline ? newline - data.data() + 1 : data.size();
        const qsizetype lineStart = m_header.size() - m_partialLine;
        m_header.append(data.data() + i, end - i);
        i = end;
        if (!newline) {
            m_partialLine = m_header.size() - lineStart;
        } else {
            m_partialLine = 0;
            const QByteArrayView line = QByteArrayView(m_header).sliced(lineStart);
            if (lineStart == 0) {
                m_requestLine = line.trimmed().toByteArray();
                // QHttpServer would drop such a connection without a word.
                const QList<QByteArray> parts = m_requestLine.split(' ');
                if (parts.size() != 3 || parts.at(1).isEmpty() || !parts.at(2).startsWith("HTTP/1."))
                    step.refusal = Refusal{400, "Bad Request", QStringLiteral("malformed request line")};
            } else if (line == "\r\n" || line == "\n") {
                step.refusal = headersComplete(&step.continues);
                m_refused = step.refusal.has_value();
                continue;
            }
        }
        if (!step.refusal && m_header.size() > m_limits.maxHeaderBytes) {
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
    const QByteArray head = std::exchange(m_header, {});
    qsizetype start = head.indexOf('\n') + 1; // the request line is not a header
    while (start < head.size()) {
        qsizetype end = head.indexOf('\n', start);
        if (end < 0)
            end = head.size();
        const QByteArrayView line = QByteArrayView(head).sliced(start, end - start).trimmed();
        start = end + 1;
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArrayView name = line.first(colon).trimmed();
        const QByteArrayView value = line.sliced(colon + 1).trimmed();
        if (name.compare("content-length", Qt::CaseInsensitive) == 0 && length < 0) {
            // The first one counts, as in QHttpServer.
            bool ok = false;
            length = value.toLongLong(&ok);
            if (!ok || length < 0)
                return Refusal{400, "Bad Request", QStringLiteral("Content-Length is not a number")};
        } else if (name.compare("transfer-encoding", Qt::CaseInsensitive) == 0
                   && value.compare("identity", Qt::CaseInsensitive) != 0) {
            return Refusal{411, "Length Required",
                           QStringLiteral("send the body with a Content-Length, not a Transfer-Encoding")};
        } else if (name.compare("expect", Qt::CaseInsensitive) == 0
                   && value.compare("100-continue", Qt::CaseInsensitive) == 0) {
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
