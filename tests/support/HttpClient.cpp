#include "HttpClient.h"

#include <QJsonDocument>
#include <QTcpSocket>

#include <optional>

QJsonObject HttpResponse::json() const
{
    return QJsonDocument::fromJson(body).object();
}

namespace {

// A chunked body (RFC 9112, 7.1) without extensions or trailers, decoded; nothing
// while its last chunk has not arrived or it is not well formed.
std::optional<QByteArray> dechunk(QByteArrayView data)
{
    QByteArray body;
    while (true) {
        const qsizetype lineEnd = data.indexOf("\r\n");
        if (lineEnd <= 0)
            return std::nullopt;
        bool ok = false;
        const qsizetype size = data.first(lineEnd).toByteArray().toLongLong(&ok, 16);
        if (!ok || size < 0 || data.size() < lineEnd + 2 + size + 2)
            return std::nullopt;
        if (size == 0)
            return data.size() == lineEnd + 4 ? std::optional(body) : std::nullopt;
        body += data.sliced(lineEnd + 2, size);
        data = data.sliced(lineEnd + 2 + size + 2);
    }
}

} // namespace

HttpResponse HttpClient::send(const QByteArray &method, const QByteArray &path, const QByteArray &body,
                              const QByteArray &contentType)
{
    QByteArray request = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(m_port)
        + "\r\nUser-Agent: discodesk-tests\r\nConnection: close\r\n";
    if (!contentType.isNull())
        request += "Content-Type: " + contentType + "\r\n";
    if (!body.isEmpty() || method == "POST" || method == "DELETE" || method == "PATCH")
        request += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    request += "\r\n" + body;
    return raw(request);
}

HttpResponse HttpClient::raw(const QByteArray &request)
{
    HttpResponse response;
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), m_port);
    if (!socket.waitForConnected(5000))
        return response;
    socket.write(request);
    socket.waitForBytesWritten(5000);

    // A reply to HEAD has a Content-Length but no body.
    const bool head = request.startsWith("HEAD ");
    QByteArray data;
    qsizetype headerEnd = -1;
    qsizetype contentLength = -1;
    while (true) {
        if (headerEnd < 0) {
            headerEnd = data.indexOf("\r\n\r\n");
            if (headerEnd >= 0) {
                const QList<QByteArray> lines = data.left(headerEnd).split('\n');
                const QList<QByteArray> statusLine = lines.value(0).trimmed().split(' ');
                response.status = statusLine.value(1).toInt();
                for (qsizetype i = 1; i < lines.size(); ++i) {
                    const QByteArray line = lines.at(i).trimmed();
                    const qsizetype colon = line.indexOf(':');
                    if (colon > 0)
                        response.headers.insert(line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed());
                }
                contentLength = head ? 0 : response.headers.value("content-length", "-1").toLongLong();
            }
        }
        if (headerEnd >= 0 && contentLength >= 0 && data.size() >= headerEnd + 4 + contentLength)
            break;
        if (headerEnd >= 0 && response.headers.value("transfer-encoding") == "chunked" && !head) {
            response.chunked = true;
            // Decoded only once it looks ended: a big body comes in many reads.
            if (const auto body = data.endsWith("0\r\n\r\n") ? dechunk(QByteArrayView(data).sliced(headerEnd + 4))
                                                                 : std::nullopt) {
                response.body = *body;
                return response;
            }
        }
        if (!socket.waitForReadyRead(10000))
            break;
        data += socket.readAll();
    }
    if (response.chunked) {
        response.complete = false; // closed, or silent, before the last chunk
        response.body = data.mid(headerEnd + 4);
    } else if (headerEnd >= 0)
        response.body = data.mid(headerEnd + 4, contentLength >= 0 ? contentLength : -1);
    else
        response.status = 0;
    return response;
}
