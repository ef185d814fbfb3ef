#include "HttpTypes.h"

#include "core/Validation.h"

#include <QHostAddress>
#include <QHttpServerRequest>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaEnum>
#include <QUrl>

#include <charconv>
#include <cstring>
#include <iterator>

namespace {

QByteArray methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get: return "GET";
    case QHttpServerRequest::Method::Put: return "PUT";
    case QHttpServerRequest::Method::Delete: return "DELETE";
    case QHttpServerRequest::Method::Post: return "POST";
    case QHttpServerRequest::Method::Head: return "HEAD";
    case QHttpServerRequest::Method::Options: return "OPTIONS";
    case QHttpServerRequest::Method::Patch: return "PATCH";
    case QHttpServerRequest::Method::Connect: return "CONNECT";
    case QHttpServerRequest::Method::Trace: return "TRACE";
    default: return "UNKNOWN";
    }
}

// RFC 9110's reason phrases, of the statuses a reply here may have and a few more.
QByteArrayView reasonPhrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 417: return "Expectation Failed";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "";
    }
}

} // namespace

HttpRequest HttpRequest::from(const QHttpServerRequest &request, const RequestFields &fields, bool tls,
                              QHostAddress localAddress, quint16 localPort, const QString &remoteAddress)
{
    HttpRequest result = withTarget(methodName(request.method()), request.url(), request.body(), fields.authorization,
                                    remoteAddress);
    result.consulToken = fields.consulToken;
    result.tls = tls; // QHttpServer reads from an HttpConnection, not from the TLS socket itself
    // A Host without a port names the scheme's default one; a client that sent no
    // Host reached us at the address and port it connected to.
    if (!fields.host.isEmpty()) {
        result.host = QString::fromUtf8(fields.host);
    } else {
        bool mapped = false; // an IPv4 client of a dual-stack socket
        if (const quint32 ipv4 = localAddress.toIPv4Address(&mapped); mapped)
            localAddress = QHostAddress(ipv4);
        QUrl local;
        local.setHost(localAddress.toString());
        local.setPort(localPort);
        result.host = local.authority();
    }
    return result;
}

HttpRequest HttpRequest::make(const QByteArray &method, const QUrl &url, const QByteArray &body,
                              const QByteArray &authorization, const QString &remoteAddress)
{
    HttpRequest result = withTarget(method, url, body, authorization, remoteAddress);
    result.host = url.authority();
    result.tls = url.scheme() == u"https";
    return result;
}

HttpRequest HttpRequest::withTarget(const QByteArray &method, const QUrl &target, const QByteArray &body,
                                    const QByteArray &authorization, const QString &remoteAddress)
{
    HttpRequest result;
    result.method = method;
    const QString encodedPath = target.path(QUrl::FullyEncoded);
    result.rawPath = encodedPath.isEmpty() ? QStringLiteral("/") : encodedPath;
    const QStringList parts = encodedPath.split(u'/', Qt::SkipEmptyParts);
    result.segments.reserve(parts.size());
    for (const QString &part : parts)
        result.segments.append(part.contains(u'%') ? QUrl::fromPercentEncoding(part.toUtf8()) : part);
    if (target.hasQuery())
        result.query = QUrlQuery(target);
    result.body = body;
    result.authorization = authorization;
    result.remoteAddress = remoteAddress;
    return result;
}

QString HttpRequest::baseUrl() const
{
    QUrl url;
    url.setScheme(tls ? QStringLiteral("https") : QStringLiteral("http"));
    url.setAuthority(host);
    url.setUserInfo({});
    return url.scheme() + QStringLiteral("://") + url.authority();
}

HttpReply HttpReply::json(int status, const QJsonObject &object)
{
    return json(status, QJsonDocument(object).toJson(QJsonDocument::Compact));
}

HttpReply HttpReply::json(int status, const QByteArray &compactJson)
{
    return HttpReply{status, QByteArrayLiteral("application/json"), compactJson, {}};
}

HttpReply HttpReply::error(int status, const QString &message)
{
    return json(status, QJsonObject{{QStringLiteral("error"), message}});
}

HttpReply HttpReply::unavailable(const QString &reason)
{
    return error(503, QStringLiteral("the database is unavailable: %1").arg(reason));
}

HttpReply HttpReply::methodNotAllowed(const QByteArray &allowed)
{
    HttpReply reply = error(405, QStringLiteral("method not allowed; allowed: %1").arg(QLatin1String(allowed)));
    reply.headers.append({QByteArrayLiteral("Allow"), allowed});
    return reply;
}

HttpReply HttpReply::later()
{
    HttpReply reply;
    reply.deferred = true;
    return reply;
}

QByteArray HttpReply::head(bool closing) const
{
    // Measured first, then written in place: appending piece by piece cost more
    // than all the rest of the reply's writing.
    const QByteArrayView reason = reasonPhrase(status);
    char statusText[12];
    const QByteArrayView statusDigits(statusText, std::to_chars(statusText, std::end(statusText), status).ptr);
    char lengthText[24];
    const QByteArrayView lengthDigits(lengthText, std::to_chars(lengthText, std::end(lengthText), body.size()).ptr);
    static constexpr QByteArrayView Version("HTTP/1.1 ");
    static constexpr QByteArrayView TypeField("\r\nContent-Type: ");
    static constexpr QByteArrayView LengthField("\r\nContent-Length: ");
    static constexpr QByteArrayView Close("\r\nConnection: close");
    static constexpr QByteArrayView End("\r\n\r\n");

    qsizetype size = Version.size() + statusDigits.size() + 1 + reason.size() + LengthField.size()
                     + lengthDigits.size() + End.size();
    if (!contentType.isEmpty()) // Consul's 404 has none
        size += TypeField.size() + contentType.size();
    for (const auto &[name, value] : headers)
        size += 4 + name.size() + value.size();
    if (closing)
        size += Close.size();

    QByteArray head(size, Qt::Uninitialized);
    char *out = head.data();
    const auto put = [&out](QByteArrayView text) {
        std::memcpy(out, text.data(), size_t(text.size()));
        out += text.size();
    };
    put(Version);
    put(statusDigits);
    put(" ");
    put(reason);
    if (!contentType.isEmpty()) {
        put(TypeField);
        put(contentType);
    }
    put(LengthField);
    put(lengthDigits);
    for (const auto &[name, value] : headers) {
        put("\r\n");
        put(name);
        put(": ");
        put(value);
    }
    if (closing)
        put(Close);
    put(End);
    Q_ASSERT(out == head.constData() + head.size());
    return head;
}

QString HttpReply::problem() const
{
    if (status < 400)
        return {};
    constexpr qsizetype MaxLength = 200;
    const QJsonDocument document = QJsonDocument::fromJson(body.left(4096));
    QString text;
    if (document.isObject()) {
        const QJsonObject object = document.object();
        text = object.value(QStringLiteral("error")).toString(object.value(QStringLiteral("message")).toString());
    } else {
        text = QString::fromUtf8(body.left(MaxLength * 4)).trimmed();
    }
    return text.left(MaxLength);
}

QString RequestLogEntry::toLogLine() const
{
    // Appended piece by piece: QString::arg() parsed its pattern for every request.
    // The duration in whole hundredths, written by hand: "%.2f" would follow the
    // user's locale, and snprintf() cost more than the rest of the line.
    const long long hundredths = qRound64(qMax(durationMs, 0.0) * 100);
    char statusText[12];
    const char *statusEnd = std::to_chars(statusText, std::end(statusText), status).ptr;
    char wholeText[24];
    const char *wholeEnd = std::to_chars(wholeText, std::end(wholeText), hundredths / 100).ptr;
    const char fraction[2] = {char('0' + hundredths % 100 / 10), char('0' + hundredths % 10)};
    // Method and path may be a refused request's raw bytes: escaped, so that one
    // request is one line and a terminal shows it without obeying it.
    const QString shownMethod = Validation::escapeControlCharacters(method);
    const QString shownPath = Validation::escapeControlCharacters(path);
    QString line = at.toIso8601();
    line.reserve(line.size() + shownMethod.size() + shownPath.size() + remoteAddress.size() + 48);
    line += u' ';
    line += shownMethod;
    line += u' ';
    line += shownPath;
    line += u' ';
    line += QLatin1String(statusText, statusEnd);
    line += u' ';
    line += QLatin1String(wholeText, wholeEnd);
    line += u'.';
    line += QLatin1String(fraction, 2);
    line += u" ms ";
    line += remoteAddress;
    return line;
}
