#include "RqliteApi.h"

#include "core/DiscoveryService.h"
#include "core/JsonInput.h"
#include "core/Validation.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace {

HttpReply unknownId(const QString &id)
{
    return HttpReply::error(404, QStringLiteral("%1 does not exist").arg(id.left(Validation::MaxIdLength * 2)));
}

HttpReply unavailable(const QString &reason)
{
    return HttpReply::error(503, QStringLiteral("the database is unavailable: %1").arg(reason));
}

} // namespace

QByteArray RqliteApi::recordJson(const QString &id, Timestamp createdAt, const QStringList &addresses)
{
    const QJsonObject object{
        {QStringLiteral("created_at"), createdAt.toRqliteFormat()},
        {QStringLiteral("disco_id"), id},
        {QStringLiteral("nodes"), QJsonArray::fromStringList(addresses)},
    };
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

std::optional<HttpReply> RqliteApi::handle(const HttpRequest &request)
{
    if (!request.hasPath) {
        // rqlited with a trailing slash on -disco-url sends "POST //<id>", which
        // reaches us without its path. Creating a new ID would make every node a
        // lonely leader; refuse with the fix instead.
        return HttpReply::error(400, QStringLiteral("the request path starts with \"//\": remove the "
                                                    "trailing slash from the discovery URL (-disco-url)"));
    }
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
    return changeNode(request, id);
}

HttpReply RqliteApi::create()
{
    const auto created = m_service.createId(DiscoveryKind::Rqlite, QString());
    if (!created.ok())
        return unavailable(created.error());
    return HttpReply::json(200, recordJson(created->id, created->createdAt, {}));
}

HttpReply RqliteApi::record(const QString &id)
{
    const auto found = m_service.store().findIdWithNodes(id);
    if (!found.ok())
        return unavailable(found.error());
    if (!found.value() || found.value()->id.kind != DiscoveryKind::Rqlite)
        return unknownId(id);
    QStringList addresses;
    addresses.reserve(found.value()->nodes.size());
    for (const Node &node : found.value()->nodes)
        addresses.append(node.address);
    return HttpReply::json(200, recordJson(id, found.value()->id.createdAt, addresses));
}

HttpReply RqliteApi::changeNode(const HttpRequest &request, const QString &id)
{
    // The original service checks the ID first, then the body.
    const auto exists = m_service.store().findId(id);
    if (!exists.ok())
        return unavailable(exists.error());
    if (!exists.value() || exists.value()->kind != DiscoveryKind::Rqlite)
        return unknownId(id); // an etcd token is not an rqlite ID

    QString parseError;
    const QJsonDocument body = JsonInput::parse(request.body, &parseError);
    if (!body.isObject())
        return HttpReply::error(400, QStringLiteral("bad request body"));
    const QJsonValue addr = body.object().value(QStringLiteral("addr"));
    if (addr.isUndefined())
        return HttpReply::error(400, QStringLiteral("address not specified"));
    if (!addr.isString())
        return HttpReply::error(400, QStringLiteral("bad request body: addr must be a string"));
    const QString address = addr.toString();
    if (const QString problem = Validation::checkAddress(address); !problem.isEmpty())
        return HttpReply::error(400, QStringLiteral("bad address: %1").arg(problem));

    const auto changed = request.method == "POST"
        ? m_service.registerNode(id, address, request.remoteAddress)
        : m_service.removeNode(id, address);
    if (!changed.ok())
        return unavailable(changed.error());
    if (changed.value() == Store::NodeChange::UnknownId)
        return unknownId(id); // deleted in the meantime
    if (changed.value() == Store::NodeChange::Full)
        return HttpReply::error(409, QStringLiteral("%1 has the most nodes an ID may have (%2): remove some first")
                                         .arg(id).arg(m_service.store().maxNodesPerId()));
    return record(id);
}
