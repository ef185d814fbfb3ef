#pragma once

#include "http/HttpTypes.h"
#include "http/ReplyCache.h"

class DiscoveryService;

// rqlite's discovery protocol at the root of the port, exactly as
// shared/protocols/rqlite-disco.md says:
//   POST /         create an ID
//   GET /{id}      the record
//   POST /{id}     register {"addr": ...}
//   DELETE /{id}   remove {"addr": ...}
// The record is {"created_at", "disco_id", "nodes"}; errors are {"error": ...}.
class RqliteApi : public RequestHandler
{
public:
    explicit RqliteApi(DiscoveryService &service) : m_service(service) {}

    std::optional<HttpReply> handle(const HttpRequest &request) override;

    // The record as rqlite clients expect it, for an ID and its nodes' addresses.
    static QByteArray recordJson(const RqliteRecord &record);

    // Records already built: the store's changes must reach it (see ReplyCache).
    ReplyCache &cache() { return m_cache; }

private:
    HttpReply create();
    HttpReply removeNode(const HttpRequest &request, const QString &id);
    HttpReply registerNode(const HttpRequest &request, const QString &id);
    HttpReply record(const QString &id);
    std::optional<HttpReply> badAddress(const QByteArray &body, QString *address);

    DiscoveryService &m_service;
    ReplyCache m_cache;
};
