#pragma once

#include "core/Records.h"
#include "http/HttpTypes.h"

#include <QList>
#include <QPointer>

class DiscoveryService;
class PendingReply;

// The admin JSON API under /api/v1, for the window and for scripts, plus GET /healthz.
//
//   GET    /api/v1/ids?filter=&sort=created|activity&offset=&limit=
//   POST   /api/v1/ids                  {"label", "kind", "expected_size"} -> 201, the new ID
//   GET    /api/v1/ids/{id}             the ID with its nodes
//   PATCH  /api/v1/ids/{id}             {"label"}
//   DELETE /api/v1/ids/{id}
//   DELETE /api/v1/ids/{id}/nodes?addr=ADDRESS
//   POST   /api/v1/prune                {"created_before", "inactive_since", "no_nodes",
//                                        "no_nodes_inactive_since", "not_seen_since",
//                                        "kv_not_reported_since", "dry_run"}
//   GET    /api/v1/expiry               the expiry rules, the last sweep, when the next is due
//   PUT    /api/v1/expiry               {"ids_inactive_for", "empty_ids_after",
//                                        "nodes_not_seen_for", "kv_not_reported_for", "every"}
//   GET    /api/v1/expiry/preview       what a sweep would remove now (as a prune's dry run)
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
    // The database, as Store::open takes it: an export of everything over a client's
    // connection then streams from a connection of its own to it (ExportStream).
    // Unset, exports are built whole before they are sent.
    void setDatabaseLocation(const QString &location) { m_databaseLocation = location; }

    static constexpr int DefaultPageSize = 100;
    static constexpr int MaxPageSize = 1000;
    // Exports streaming at once; one more is refused (503), as each holds a thread and
    // a database connection.
    static constexpr int MaxStreamingExports = 4;

private:
    HttpReply health();
    HttpReply listIds(const HttpRequest &request);
    HttpReply createId(const HttpRequest &request);
    HttpReply getId(const QString &id);
    HttpReply patchId(const HttpRequest &request, const QString &id);
    HttpReply deleteId(const QString &id);
    HttpReply deleteNode(const HttpRequest &request, const QString &id);
    HttpReply prune(const HttpRequest &request);
    HttpReply expiry();
    HttpReply setExpiry(const HttpRequest &request);
    HttpReply previewExpiry();
    static HttpReply pruneReply(const PruneResult &result, bool dryRun);
    HttpReply exportIds(const HttpRequest &request);
    HttpReply importIds(const HttpRequest &request);

    HttpReply streamExport(const HttpRequest &request);

    DiscoveryService &m_service;
    QString m_token;
    QString m_databaseLocation;
    QList<QPointer<PendingReply>> m_streamingExports;
};
