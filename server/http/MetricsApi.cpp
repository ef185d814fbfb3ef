#include "MetricsApi.h"

#include "core/AdminToken.h"
#include "core/PrometheusText.h"

std::optional<HttpReply> MetricsApi::handle(const HttpRequest &request)
{
    if (request.segments != QStringList{QStringLiteral("metrics")})
        return std::nullopt;
    if (request.method != "GET" && request.method != "HEAD")
        return HttpReply::methodNotAllowed("GET, HEAD");
    if (!m_token.isEmpty() && !AdminToken::matchesAuthorization(request.authorization, m_token)) {
        HttpReply reply = HttpReply::error(401, QStringLiteral("/metrics needs \"Authorization: Bearer <token>\" when "
                                                               "the server listens beyond loopback, as the admin API "
                                                               "does (Prometheus: authorization.credentials_file)"));
        reply.headers.append({QByteArrayLiteral("WWW-Authenticate"), QByteArrayLiteral("Bearer")});
        return reply;
    }
    return HttpReply{200, QByteArray(PrometheusText::ContentType), m_text(), {}};
}
