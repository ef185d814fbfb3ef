#include "HttpTypes.h"

#include <QHttpServerRequest>
#include <QJsonDocument>
#include <QMetaEnum>
#include <QUrl>

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

} // namespace

HttpRequest HttpRequest::from(const QHttpServerRequest &request)
{
    return make(methodName(request.method()), request.url(), request.body(),
                request.value(QByteArrayLiteral("authorization")), request.remoteAddress().toString());
}

HttpRequest HttpRequest::make(const QByteArray &method, const QUrl &url, const QByteArray &body,
                              const QByteArray &authorization, const QString &remoteAddress)
{
    HttpRequest result;
    result.method = method;
    const QString encodedPath = url.path(QUrl::FullyEncoded);
    result.hasPath = !encodedPath.isEmpty();
    result.rawPath = encodedPath.isEmpty() ? QStringLiteral("/") : encodedPath;
    const QStringList parts = encodedPath.split(u'/', Qt::SkipEmptyParts);
    result.segments.reserve(parts.size());
    for (const QString &part : parts)
        result.segments.append(QUrl::fromPercentEncoding(part.toUtf8()));
    result.query = QUrlQuery(url);
    result.body = body;
    result.authorization = authorization;
    result.remoteAddress = remoteAddress;
    result.baseUrl = url.scheme() + QStringLiteral("://") + url.authority();
    return result;
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

QString RequestLogEntry::toLogLine() const
{
    return QStringLiteral("%1 %2 %3 %4 %5 ms %6")
        .arg(at.toIso8601(), method, path)
        .arg(status)
        .arg(durationMs, 0, 'f', 2)
        .arg(remoteAddress);
}
