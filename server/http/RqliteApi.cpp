#include "RqliteApi.h"

#include "service/DiscoveryService.h"
#include "core/JsonInput.h"
#include "core/JsonOutput.h"
#include "core/Validation.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace {

using NodeChange = DiscoveryService::NodeChange;

HttpReply unknownId(const QString &id)
{
    return HttpReply::error(404, QStringLiteral("%1 does not exist").arg(id.left(Validation::MaxIdLength * 2)));
}

} // namespace

// Written by hand, not through QJsonDocument: every registration sends one, and
// building a QJsonObject cost more than the rest of the reply.
QByteArray RqliteApi::recordJson(const RqliteRecord &record)
{
    QByteArray json;
    json.reserve(64 + record.id.size() + record.addresses.size() * 24);
    json += "{\"created_at\":";
    JsonOutput::appendString(json, record.createdAt.toRqliteFormat());
    json += ",\"disco_id\":";
    JsonOutput::appendString(json, record.id);
    json += ",\"nodes\":[";
    for (qsizetype i = 0; i < record.addresses.size(); ++i) {
        if (i > 0)
            json += ',';
        JsonOutput::appendString(json, record.addresses.at(i));
    }
    json += "]}";
    return json;
}

std::optional<HttpReply> RqliteApi::handle(const HttpRequest &request)
{
    if (request.segments.isEmpty()) {
        if (request.method != "POST")
            return HttpReply::methodNotAllowed("POST");
        return create();
    }
    if (request.segments.size() != 1)
        return std::nullopt;

    const QString &id = request.segments.constFirst();
    if (request.method != "GET" && request.method != "POST" && request.method != "DELETE")
        return HttpReply::methodNotAllowed("GET, POST, DELETE");
    if (!Validation::isWellFormedId(id))
        return unknownId(id); // cannot exist: no need to ask the store
    if (request.method == "GET")
        return record(id);
    if (request.method == "POST")
        return registerNode(request, id);
    return removeNode(request, id);
}

HttpReply RqliteApi::create()
{
    const auto created = m_service.createId(DiscoveryKind::Rqlite, QString());
    if (!created.ok())
        return HttpReply::unavailable(created.error());
    return HttpReply::json(200, recordJson({created->id, created->createdAt, {}}));
}

HttpReply RqliteApi::record(const QString &id)
{
    if (const QByteArray *cached = m_cache.find(id))
        return HttpReply::json(200, *cached);
    const auto found = m_service.findRqliteRecord(id);
    if (!found.ok())
        return HttpReply::unavailable(found.error());
    if (!found.value())
        return unknownId(id); // also an etcd token: it is not an rqlite ID
    const QByteArray body = recordJson(*found.value());
    m_cache.insert(id, body);
    return HttpReply::json(200, body);
}

// Reads {"addr": "host:port"} into address; says what is wrong with it otherwise.
std::optional<HttpReply> RqliteApi::badAddress(const QByteArray &body, QString *address)
{
    QString parseError;
    const QJsonDocument document = JsonInput::parse(body, &parseError);
    if (!document.isObject())
        return HttpReply::error(400, QStringLiteral("bad request body"));
    const QJsonValue addr = document.object().value(QStringLiteral("addr"));
    if (addr.isUndefined())
        return HttpReply::error(400, QStringLiteral("address not specified"));
    if (!addr.isString())
        return HttpReply::error(400, QStringLiteral("bad request body: addr must be a string"));
    *address = addr.toString();
    if (const QString problem = Validation::checkAddress(*address); !problem.isEmpty())
        return HttpReply::error(400, QStringLiteral("bad address: %1").arg(problem));
    return std::nullopt;
}

HttpReply RqliteApi::registerNode(const HttpRequest &request, const QString &id)
{
    QString address;
    if (const auto bad = badAddress(request.body, &address)) {
        // The original service checks the ID before the body: an unknown ID is 404
        // whatever the body. Only a bad request pays for this extra read.
        const auto exists = m_service.findId(id);
        if (!exists.ok())
            return HttpReply::unavailable(exists.error());
        if (!exists.value() || exists.value()->kind != DiscoveryKind::Rqlite)
            return unknownId(id);
        return *bad;
    }
    // One write transaction registers the address and reads the record for the reply.
    const auto registered = m_service.registerNode(id, address, request.remoteAddress);
    if (!registered.ok())
        return HttpReply::unavailable(registered.error());
    if (registered->change == NodeChange::UnknownId)
        return unknownId(id); // also an etcd token: it is not an rqlite ID
    if (registered->change == NodeChange::Full)
        return HttpReply::error(409, QStringLiteral("%1 has the most nodes an ID may have (%2): remove some first")
                                         .arg(id).arg(m_service.maxNodesPerId()));
    // Not cached: the cache forgets the ID when this write commits.
    return HttpReply::json(200, recordJson(registered->record));
}

HttpReply RqliteApi::removeNode(const HttpRequest &request, const QString &id)
{
    // The original service checks the ID first, then the body.
    const auto exists = m_service.findId(id);
    if (!exists.ok())
        return HttpReply::unavailable(exists.error());
    if (!exists.value() || exists.value()->kind != DiscoveryKind::Rqlite)
        return unknownId(id); // an etcd token is not an rqlite ID

    QString address;
    if (const auto bad = badAddress(request.body, &address))
        return *bad;
    // The record as this removal left it, read in its transaction: the cache still
    // holds the one before, until the removal commits.
    const auto removed = m_service.removeNode(id, address);
    if (!removed.ok())
        return HttpReply::unavailable(removed.error());
    if (removed->change == NodeChange::UnknownId)
        return unknownId(id); // deleted in the meantime
    return HttpReply::json(200, recordJson(removed->record));
}
