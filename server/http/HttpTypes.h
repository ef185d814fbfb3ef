#pragma once

#include "core/Timestamp.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QUrlQuery>

#include <functional>
#include <optional>

class PendingReply;
class QHostAddress;
class QHttpServerRequest;

// The header fields the APIs read, as the client sent them (empty where it sent none).
// RequestFramer takes them from the request's head; QHttpServer is never handed them.
struct RequestFields
{
    QByteArray host;
    QByteArray authorization;
    QByteArray consulToken; // Consul's X-Consul-Token

    bool operator==(const RequestFields &) const = default;
};

// A request as the discovery APIs see it: independent of QHttpServer's types, which
// change between Qt versions, and easy to build in tests.
struct HttpRequest
{
    QByteArray method; // "GET", "POST", ...; "UNKNOWN" for methods Qt does not parse
    // The path's segments, each percent-decoded: "/api/v1/ids" is {"api", "v1", "ids"};
    // "/" is empty. Empty segments ("//") are dropped.
    QStringList segments;
    QString rawPath;
    QUrlQuery query;
    QByteArray body;
    QByteArray authorization; // the Authorization header, as sent
    // Consul's X-Consul-Token header, as sent.
    QByteArray consulToken;
    QString remoteAddress;
    quint16 remotePort = 0; // 0 where unknown
    // How the client reached us: its Host header as sent ("127.0.0.1:4011",
    // "balancer.example"), else the address and port it connected to; and whether
    // over HTTPS. baseUrl() makes the URL of them.
    QString host;
    bool tls = false;

    // Holds the reply open: the handler keeps the PendingReply, sends through it
    // later, and returns HttpReply::later() now. Set by the server; may be empty
    // where no reply can be held, and then the handler answers at once.
    std::function<PendingReply *()> defer;

    // "http://127.0.0.1:4011", or "http://balancer.example" for "Host:
    // balancer.example": made when asked (only a new etcd token needs it), so that
    // no other request pays for parsing the Host.
    QString baseUrl() const;

    // request: the method, target and body as QHttpServer read them; fields: the
    // rest, as the framer read it. tls: the connection is HTTPS. local: where the
    // connection reached the server, for a request without a Host. remoteAddress: the
    // client's, as text.
    static HttpRequest from(const QHttpServerRequest &request, const RequestFields &fields, bool tls,
                            QHostAddress localAddress, quint16 localPort, const QString &remoteAddress);
    // url as QHttpServer makes it: the request target with the Host header's authority.
    static HttpRequest make(const QByteArray &method, const QUrl &url, const QByteArray &body,
                            const QByteArray &authorization, const QString &remoteAddress);

private:
    // The method, the target's path and query, and the rest as given.
    static HttpRequest withTarget(const QByteArray &method, const QUrl &target, const QByteArray &body,
                                  const QByteArray &authorization, const QString &remoteAddress);
};

struct HttpReply
{
    int status = 200;
    QByteArray contentType;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers; // beyond Content-Type and Content-Length
    bool deferred = false; // the handler took the request's defer(): nothing to send now

    static HttpReply json(int status, const QJsonObject &object);
    static HttpReply json(int status, const QByteArray &compactJson);
    // {"error": message}: every error of every API has this shape.
    static HttpReply error(int status, const QString &message);
    static HttpReply methodNotAllowed(const QByteArray &allowed);
    // 503: the database could not answer (or lost the request's writes). etcd and
    // rqlite retry on it.
    static HttpReply unavailable(const QString &reason);
    static HttpReply later();

    // The status line (with RFC 9110's reason) and the headers, Content-Length and,
    // when closing, "Connection: close" included, ended by the blank line: the bytes
    // before the body, in one buffer.
    QByteArray head(bool closing) const;

    // Why an error reply (4xx, 5xx) refused: the message of its JSON ({"error": …}
    // or etcd's {"message": …}) or its plain text, at most 200 characters; empty for
    // a success.
    QString problem() const;
};

// What the server logs and shows for every request it answered.
struct RequestLogEntry
{
    Timestamp at;
    QString method;
    QString path;
    int status = 0;
    double durationMs = 0;
    QString remoteAddress;
    QString problem; // why an error reply refused (HttpReply::problem): for the window

    QString toLogLine() const;
};

Q_DECLARE_METATYPE(RequestLogEntry)

// A part of the HTTP API. The server asks each handler in turn; the first that
// returns a reply answers the request.
class RequestHandler
{
public:
    virtual ~RequestHandler() = default;
    virtual std::optional<HttpReply> handle(const HttpRequest &request) = 0;
};
