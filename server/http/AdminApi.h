#pragma once

#include "http/HttpTypes.h"

class DiscoveryService;

// The admin JSON API under /api/v1, for the window and for scripts, plus GET /healthz.
//
//   GET    /api/v1/ids?filter=&sort=created|activity&offset=&limit=
//   POST   /api/v1/ids                  {"label", "kind", "expected_size"} -> 201, the new ID
//   GET    /api/v1/ids/{id}             the ID with its nodes
//   PATCH  /api/v1/ids/{id}             {"label"}
//   DELETE /api/v1/ids/{id}
//   DELETE /api/v1/ids/{id}/nodes?addr=ADDRESS
//   POST   /api/v1/prune                {"created_before", "no_nodes", "not_seen_since", "dry_run"}
//   GET    /api/v1/export[?ids=ID,ID]
//   POST   /api/v1/import               an export document
//
// README.md documents each request and reply.
class AdminApi : public RequestHandler
{
public:
    explicit AdminApi(DiscoveryService &service) : m_service(service) {}

    std::optional<HttpReply> handle(const HttpRequest &request) override;

    // When set, every /api/v1 request must carry "Authorization: Bearer <token>".
    void requireToken(const QString &token) { m_token = token; }

    static constexpr int DefaultPageSize = 100;
    static constexpr int MaxPageSize = 1000;

private:
    HttpReply health();
    HttpReply listIds(const HttpRequest &request);
    HttpReply createId(const HttpRequest &request);
    HttpReply getId(const QString &id);
    HttpReply patchId(const HttpRequest &request, const QString &id);
    HttpReply deleteId(const QString &id);
    HttpReply deleteNode(const HttpRequest &request, const QString &id);
    HttpReply prune(const HttpRequest &request);
    HttpReply exportIds(const HttpRequest &request);
    HttpReply importIds(const HttpRequest &request);

    DiscoveryService &m_service;
    QString m_token;
};
