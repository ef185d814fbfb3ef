#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QMap>

struct HttpResponse
{
    int status = 0; // 0: no answer (connection failed or closed early)
    QMap<QByteArray, QByteArray> headers; // names in lower case
    QByteArray body;    // decoded, when it came chunked
    bool chunked = false; // Transfer-Encoding: chunked
    bool complete = true; // false: the body ended before its chunked end

    QJsonObject json() const;
    QJsonArray jsonArray(const QString &key) const { return json().value(key).toArray(); }
};

// A blocking HTTP/1.1 client over a raw socket, so tests send exactly the bytes a
// real client sends (rqlited's malformed Content-Type, no Content-Type, "//id").
// The server must run on another thread (TestServer does).
class HttpClient
{
public:
    explicit HttpClient(quint16 port) : m_port(port) {}

    HttpResponse get(const QByteArray &path) { return send("GET", path); }
    HttpResponse post(const QByteArray &path, const QByteArray &body = {}) { return send("POST", path, body); }
    HttpResponse del(const QByteArray &path, const QByteArray &body = {}) { return send("DELETE", path, body); }
    HttpResponse patch(const QByteArray &path, const QByteArray &body) { return send("PATCH", path, body); }

    // contentType: the header's value, or no header at all when null.
    HttpResponse send(const QByteArray &method, const QByteArray &path, const QByteArray &body = {},
                      const QByteArray &contentType = "application/json");
    // Sends exactly these bytes and reads one response.
    HttpResponse raw(const QByteArray &request);

private:
    quint16 m_port;
};
