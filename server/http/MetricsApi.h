#pragma once

#include "http/HttpTypes.h"

#include <functional>

// GET /metrics: the server's metrics in Prometheus's text format. Open on loopback;
// beyond loopback it needs the admin token, as the admin API does.
class MetricsApi : public RequestHandler
{
public:
    using Text = std::function<QByteArray()>;
    explicit MetricsApi(Text text) : m_text(std::move(text)) {}

    void requireToken(const QString &token) { m_token = token; }
    std::optional<HttpReply> handle(const HttpRequest &request) override;

private:
    Text m_text;
    QString m_token; // empty: none needed
};
