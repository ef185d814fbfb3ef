#include "AdminApi.h"

#include "core/AdminToken.h"
#include "service/DiscoveryService.h"
#include "core/ExchangeFormat.h"
#include "core/JsonInput.h"
#include "core/Validation.h"
#include "http/EtcdApi.h"
#include "http/PendingReply.h"
#include "service/ExportStream.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

namespace {

QPair<QByteArray, QByteArray> exportFileName(Timestamp exportedAt)
{
    return {QByteArrayLiteral("Content-Disposition"),
            QByteArrayLiteral("attachment; filename=\"discodesk-export-")
                + exportedAt.toDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")).toLatin1()
                + QByteArrayLiteral(".json\"")};
}

HttpReply unknownId(const QString &id)
{
    return HttpReply::error(404, QStringLiteral("%1 does not exist").arg(id.left(Validation::MaxIdLength * 2)));
}

// A JSON object body with only the given fields. An empty body is an empty object
// when allowEmpty. Unknown fields are refused: a typo in a prune rule must not
// silently prune something else.
std::optional<QJsonObject> readObject(const HttpRequest &request, const QStringList &fields,
                                      bool allowEmpty, HttpReply *error)
{
    if (allowEmpty && request.body.trimmed().isEmpty())
        return QJsonObject();
    QString parseError;
    int offset = 0;
    const QJsonDocument document = JsonInput::parse(request.body, &parseError, &offset);
    if (document.isNull()) {
        *error = HttpReply::error(400, offset >= 0 ? QStringLiteral("the body is not valid JSON: %1 at byte %2")
                                                         .arg(parseError).arg(offset)
                                                   : QStringLiteral("the body is not valid JSON: %1").arg(parseError));
        return std::nullopt;
    }
    if (!document.isObject()) {
        *error = HttpReply::error(400, QStringLiteral("the body must be a JSON object"));
        return std::nullopt;
    }
    const QJsonObject object = document.object();
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!fields.contains(it.key())) {
            *error = HttpReply::error(400, QStringLiteral("unknown field \"%1\"; known fields: %2")
                                               .arg(it.key().left(40), fields.join(QStringLiteral(", "))));
            return std::nullopt;
        }
    }
    return object;
}

// Reads an optional string field that must be a valid label.
std::optional<QString> readLabel(const QJsonObject &object, HttpReply *error)
{
    const QJsonValue value = object.value(QStringLiteral("label"));
    if (value.isUndefined())
        return QString();
    if (!value.isString()) {
        *error = HttpReply::error(400, QStringLiteral("label must be a string"));
        return std::nullopt;
    }
    if (const QString problem = Validation::checkLabel(value.toString()); !problem.isEmpty()) {
        *error = HttpReply::error(400, problem);
        return std::nullopt;
    }
    return value.toString();
}

std::optional<int> readInt(const HttpRequest &request, const QString &key, int fallback, int min, int max,
                           HttpReply *error)
{
    if (!request.query.hasQueryItem(key))
        return fallback;
    bool ok = false;
    const int value = request.query.queryItemValue(key).toInt(&ok);
    if (!ok || value < min || value > max) {
        *error = HttpReply::error(400, QStringLiteral("%1 must be a whole number from %2 to %3").arg(key).arg(min).arg(max));
        return std::nullopt;
    }
    return value;
}

} // namespace

std::optional<HttpReply> AdminApi::handle(const HttpRequest &request)
{
    const QStringList &s = request.segments;
    if (s == QStringList{QStringLiteral("healthz")})
        return request.method == "GET" ? health() : HttpReply::methodNotAllowed("GET");
    if (s.isEmpty() || s.constFirst() != u"api")
        return std::nullopt;

    if (!m_token.isEmpty()) {
        if (!AdminToken::matchesAuthorization(request.authorization, m_token)) {
            HttpReply reply = HttpReply::error(401, QStringLiteral("the admin API needs \"Authorization: Bearer <token>\" "
                                                                   "when the server listens beyond loopback; the token "
                                                                   "is in the admin token file beside the database"));
            reply.headers.append({QByteArrayLiteral("WWW-Authenticate"), QByteArrayLiteral("Bearer")});
            return reply;
        }
    }
    const HttpReply noEndpoint = HttpReply::error(404, QStringLiteral("no such endpoint: %1").arg(request.rawPath.left(200)));
    if (s.size() < 3 || s.at(1) != u"v1")
        return noEndpoint;
    const QByteArray &method = request.method;
    const QString &resource = s.at(2);

    if (resource == u"ids" && s.size() == 3) {
        if (method == "GET")
            return listIds(request);
        if (method == "POST")
            return createId(request);
        return HttpReply::methodNotAllowed("GET, POST");
    }
    if (resource == u"ids" && (s.size() == 4 || (s.size() == 5 && s.at(4) == u"nodes"))) {
        const QString &id = s.at(3);
        const bool nodes = s.size() == 5;
        const QByteArray allowed = nodes ? "DELETE" : "GET, PATCH, DELETE";
        if (nodes ? method != "DELETE" : (method != "GET" && method != "PATCH" && method != "DELETE"))
            return HttpReply::methodNotAllowed(allowed);
        if (!Validation::isWellFormedId(id))
            return unknownId(id);
        if (nodes)
            return deleteNode(request, id);
        if (method == "GET")
            return getId(id);
        if (method == "PATCH")
            return patchId(request, id);
        return deleteId(id);
    }
    if (resource == u"prune" && s.size() == 3)
        return method == "POST" ? prune(request) : HttpReply::methodNotAllowed("POST");
    if (resource == u"expiry" && s.size() == 3) {
        if (method == "GET")
            return expiry();
        return method == "PUT" ? setExpiry(request) : HttpReply::methodNotAllowed("GET, PUT");
    }
    if (resource == u"expiry" && s.size() == 4 && s.at(3) == u"preview")
        return method == "GET" ? previewExpiry() : HttpReply::methodNotAllowed("GET");
    if (resource == u"export" && s.size() == 3)
        return method == "GET" ? exportIds(request) : HttpReply::methodNotAllowed("GET");
    if (resource == u"import" && s.size() == 3)
        return method == "POST" ? importIds(request) : HttpReply::methodNotAllowed("POST");
    return noEndpoint;
}

HttpReply AdminApi::health()
{
    const auto ping = m_service.checkHealth();
    if (!ping.ok())
        return HttpReply::json(503, QJsonObject{{QStringLiteral("status"), QStringLiteral("unavailable")},
                                                {QStringLiteral("error"), ping.error()}});
    return HttpReply::json(200, QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")}});
}

HttpReply AdminApi::listIds(const HttpRequest &request)
{
    HttpReply error;
    IdListQuery query;
    query.filter = request.query.queryItemValue(QStringLiteral("filter"), QUrl::FullyDecoded);
    const auto offset = readInt(request, QStringLiteral("offset"), 0, 0, std::numeric_limits<int>::max(), &error);
    const auto limit = readInt(request, QStringLiteral("limit"), DefaultPageSize, 1, MaxPageSize, &error);
    if (!offset || !limit)
        return error;
    query.offset = *offset;
    query.limit = *limit;
    const QString sort = request.query.queryItemValue(QStringLiteral("sort"));
    if (sort == u"activity")
        query.sort = IdListQuery::Sort::RecentActivityFirst;
    else if (!sort.isEmpty() && sort != u"created")
        return HttpReply::error(400, QStringLiteral("sort must be \"created\" or \"activity\""));

    const auto page = m_service.listIds(query);
    if (!page.ok())
        return HttpReply::unavailable(page.error());
    QJsonArray ids;
    for (const DiscoveryId &id : page->ids)
        ids.append(ExchangeFormat::toJson(id));
    return HttpReply::json(200, QJsonObject{{QStringLiteral("total"), page->total},
                                            {QStringLiteral("offset"), query.offset},
                                            {QStringLiteral("limit"), query.limit},
                                            {QStringLiteral("ids"), ids}});
}

HttpReply AdminApi::createId(const HttpRequest &request)
{
    HttpReply error;
    const auto body = readObject(request, {QStringLiteral("label"), QStringLiteral("kind"), QStringLiteral("expected_size")},
                                 true, &error);
    if (!body)
        return error;
    const auto label = readLabel(*body, &error);
    if (!label)
        return error;
    DiscoveryKind kind = DiscoveryKind::Rqlite;
    if (const QJsonValue value = body->value(QStringLiteral("kind")); !value.isUndefined()) {
        const auto parsed = kindFromName(value.toString());
        if (!value.isString() || !parsed)
            return HttpReply::error(400, QStringLiteral("kind must be \"rqlite\" or \"etcd\""));
        kind = *parsed;
    }
    // etcd reads the cluster size from the token; rqlite may note one for display.
    // null is "no size", as an ID shows it.
    std::optional<int> size;
    if (kind == DiscoveryKind::Etcd)
        size = EtcdApi::DefaultSize;
    if (const QJsonValue value = body->value(QStringLiteral("expected_size")); !value.isUndefined() && !value.isNull()) {
        const double number = value.toDouble(-1);
        if (!value.isDouble() || number != int(number) || number < 1 || number > Validation::MaxExpectedSize)
            return HttpReply::error(400, QStringLiteral("expected_size must be a whole number from 1 to %1")
                                             .arg(Validation::MaxExpectedSize));
        size = int(number);
    }
    const auto created = m_service.createId(kind, *label, size);
    if (!created.ok())
        return HttpReply::unavailable(created.error());
    return HttpReply::json(201, ExchangeFormat::toJson(DiscoveryIdWithNodes{created.value(), {}}));
}

HttpReply AdminApi::getId(const QString &id)
{
    const auto found = m_service.findIdWithNodes(id);
    if (!found.ok())
        return HttpReply::unavailable(found.error());
    if (!found.value())
        return unknownId(id);
    return HttpReply::json(200, ExchangeFormat::toJson(*found.value()));
}

HttpReply AdminApi::patchId(const HttpRequest &request, const QString &id)
{
    HttpReply error;
    const auto body = readObject(request, {QStringLiteral("label")}, false, &error);
    if (!body)
        return error;
    if (!body->contains(QStringLiteral("label")))
        return HttpReply::error(400, QStringLiteral("nothing to change: give a \"label\""));
    const auto label = readLabel(*body, &error);
    if (!label)
        return error;
    const auto updated = m_service.setLabel(id, *label);
    if (!updated.ok())
        return HttpReply::unavailable(updated.error());
    if (!updated.value())
        return unknownId(id);
    return getId(id);
}

HttpReply AdminApi::deleteId(const QString &id)
{
    const auto deleted = m_service.deleteId(id);
    if (!deleted.ok())
        return HttpReply::unavailable(deleted.error());
    if (!deleted.value())
        return unknownId(id);
    return HttpReply::json(200, QJsonObject{{QStringLiteral("deleted"), id}});
}

HttpReply AdminApi::deleteNode(const HttpRequest &request, const QString &id)
{
    const QString address = request.query.queryItemValue(QStringLiteral("addr"), QUrl::FullyDecoded);
    if (address.isEmpty())
        return HttpReply::error(400, QStringLiteral("give the node's address as ?addr=ADDRESS"));
    const auto removed = m_service.removeNode(id, address);
    if (!removed.ok())
        return HttpReply::unavailable(removed.error());
    if (removed->change == DiscoveryService::NodeChange::UnknownId)
        return unknownId(id);
    if (removed->change == DiscoveryService::NodeChange::Absent)
        return HttpReply::error(404, QStringLiteral("%1 is not registered under %2").arg(address.left(200), id));
    return getId(id);
}

HttpReply AdminApi::prune(const HttpRequest &request)
{
    HttpReply error;
    const auto body = readObject(request,
                                 {QStringLiteral("created_before"), QStringLiteral("inactive_since"), QStringLiteral("no_nodes"),
                                  QStringLiteral("no_nodes_inactive_since"), QStringLiteral("not_seen_since"),
                                  QStringLiteral("kv_not_reported_since"), QStringLiteral("dry_run")},
                                 false, &error);
    if (!body)
        return error;

    PruneRules rules;
    for (const auto &[key, target] : {std::pair{QStringLiteral("created_before"), &rules.createdBefore},
                                      std::pair{QStringLiteral("inactive_since"), &rules.inactiveSince},
                                      std::pair{QStringLiteral("no_nodes_inactive_since"), &rules.noNodesInactiveSince},
                                      std::pair{QStringLiteral("not_seen_since"), &rules.notSeenSince},
                                      std::pair{QStringLiteral("kv_not_reported_since"), &rules.kvNotReportedSince}}) {
        // null is refused like any other wrong type: it must not quietly drop a rule.
        const QJsonValue value = body->value(key);
        if (value.isUndefined())
            continue;
        const auto time = Timestamp::fromIso8601(value.toString());
        if (!value.isString() || !time)
            return HttpReply::error(400, QStringLiteral("%1 must be an ISO 8601 time with a zone, such as "
                                                        "2026-11-23T21:04:05Z").arg(key));
        *target = time;
    }
    bool dryRun = false;
    for (const auto &[key, target] : {std::pair{QStringLiteral("no_nodes"), &rules.noNodes},
                                      std::pair{QStringLiteral("dry_run"), &dryRun}}) {
        const QJsonValue value = body->value(key);
        if (value.isUndefined())
            continue;
        if (!value.isBool()) // null too: "dry_run": null must not prune for real
            return HttpReply::error(400, QStringLiteral("%1 must be true or false").arg(key));
        *target = value.toBool();
    }
    // Without it, no_nodes means any age, as it always has; alone it would be a
    // rule that quietly does nothing.
    if (rules.noNodesInactiveSince && !rules.noNodes)
        return HttpReply::error(400, QStringLiteral("no_nodes_inactive_since needs \"no_nodes\": true"));
    if (rules.isEmpty())
        return HttpReply::error(400, QStringLiteral("no prune rule given: set created_before, inactive_since, "
                                                    "no_nodes, not_seen_since or kv_not_reported_since"));

    const auto result = dryRun ? m_service.previewPrune(rules) : m_service.prune(rules);
    if (!result.ok())
        return HttpReply::unavailable(result.error());
    return pruneReply(result.value(), dryRun);
}

HttpReply AdminApi::expiry()
{
    const auto rules = m_service.expiryRules();
    if (!rules.ok())
        return HttpReply::unavailable(rules.error());
    const auto last = m_service.lastExpirySweep();
    if (!last.ok())
        return HttpReply::unavailable(last.error());
    // Sweeps are looked for once a minute: one follows within the minute.
    const auto due = rules->nextSweepDue(last.value(), Timestamp::now());
    return HttpReply::json(200, QJsonObject{
        {QStringLiteral("rules"), rules->toJson()},
        {QStringLiteral("enabled"), !rules->isOff()},
        {QStringLiteral("last_sweep"), last.value() ? QJsonValue(last.value()->toJson()) : QJsonValue()},
        {QStringLiteral("next_sweep_due"), due ? QJsonValue(due->toIso8601()) : QJsonValue()},
    });
}

HttpReply AdminApi::setExpiry(const HttpRequest &request)
{
    HttpReply error;
    const auto body = readObject(request, ExpiryRules::fieldNames(), false, &error);
    if (!body)
        return error;
    QString problem;
    const auto rules = ExpiryRules::fromJson(*body, &problem);
    if (!rules)
        return HttpReply::error(400, problem);
    if (const auto stored = m_service.setExpiryRules(*rules); !stored.ok())
        return HttpReply::unavailable(stored.error());
    return expiry();
}

HttpReply AdminApi::previewExpiry()
{
    const auto result = m_service.previewExpiry();
    if (!result.ok())
        return HttpReply::unavailable(result.error());
    return pruneReply(result.value(), true);
}

HttpReply AdminApi::pruneReply(const PruneResult &result, bool dryRun)
{
    QJsonArray ids;
    for (const DiscoveryId &id : result.ids)
        ids.append(ExchangeFormat::toJson(id));
    QJsonArray kvKeys;
    for (const KvEntry &entry : result.kvKeys)
        kvKeys.append(QJsonObject{{QStringLiteral("key"), entry.key},
                                  {QStringLiteral("reported_at"), entry.reportedAt.toIso8601()}});
    QJsonArray nodes;
    for (const PrunedNode &node : result.nodes)
        nodes.append(QJsonObject{{QStringLiteral("id"), node.discoveryId},
                                 {QStringLiteral("addr"), node.address},
                                 {QStringLiteral("last_seen"), node.lastSeen.toIso8601()}});
    return HttpReply::json(200, QJsonObject{
        {QStringLiteral("dry_run"), dryRun},
        {QStringLiteral("removed"), QJsonObject{{QStringLiteral("ids"), result.idCount},
                                                {QStringLiteral("nodes"), result.removedNodeCount()},
                                                {QStringLiteral("kv_keys"), result.kvKeyCount}}},
        {QStringLiteral("ids"), ids},
        {QStringLiteral("nodes"), nodes},
        {QStringLiteral("kv_keys"), kvKeys},
        {QStringLiteral("listed_all"), result.listsAll()},
    });
}

HttpReply AdminApi::exportIds(const HttpRequest &request)
{
    QStringList wanted;
    if (request.query.hasQueryItem(QStringLiteral("ids"))) {
        wanted = request.query.queryItemValue(QStringLiteral("ids"), QUrl::FullyDecoded)
                     .split(u',', Qt::SkipEmptyParts);
        wanted.removeDuplicates();
        if (wanted.isEmpty())
            return HttpReply::error(400, QStringLiteral("ids is empty: leave it out to export everything"));
    }
    if (wanted.isEmpty() && request.defer && !m_databaseLocation.isEmpty())
        return streamExport(request);
    // Built from the rows into the body: the body is the only copy of the data.
    const Timestamp now = Timestamp::now();
    ExchangeFormat::ExportWriter writer(now);
    QSet<QString> found; // of the wanted IDs only: an export of all needs no list
    const auto exported = m_service.exportIds(wanted, [&](const DiscoveryIdWithNodes &record) {
        writer.add(record);
        if (!wanted.isEmpty())
            found.insert(record.id.id);
        return true;
    });
    if (!exported.ok())
        return HttpReply::unavailable(exported.error());
    if (!wanted.isEmpty() && found.size() != wanted.size()) {
        QStringList missing;
        for (const QString &id : std::as_const(wanted)) {
            if (!found.contains(id))
                missing.append(id.left(Validation::MaxIdLength * 2));
        }
        return HttpReply::error(404, QStringLiteral("unknown discovery IDs: %1").arg(missing.join(QStringLiteral(", "))));
    }
    if (wanted.isEmpty()) { // everything: the Consul KV keys too
        const auto keys = m_service.exportKv([&](const KvEntry &entry) {
            writer.addKv(entry);
            return true;
        });
        if (!keys.ok())
            return HttpReply::unavailable(keys.error());
    }
    writer.finish();
    HttpReply reply = HttpReply::json(200, writer.takeDocument());
    reply.headers.append(exportFileName(now));
    return reply;
}

HttpReply AdminApi::streamExport(const HttpRequest &request)
{
    m_streamingExports.removeAll(nullptr); // finished ones delete themselves
    if (m_streamingExports.size() >= MaxStreamingExports) {
        return HttpReply::unavailable(QStringLiteral("%1 exports are being sent already; try again when one is done")
                                          .arg(MaxStreamingExports));
    }
    const Timestamp now = Timestamp::now();
    HttpReply head = HttpReply::json(200, QByteArray());
    head.headers.append(exportFileName(now));
    PendingReply *reply = request.defer();
    m_streamingExports.append(reply);
    reply->stream(head, std::make_unique<ExportStream>(m_databaseLocation, now));
    return HttpReply::later();
}

HttpReply AdminApi::importIds(const HttpRequest &request)
{
    const ExchangeFormat::ParsedImport parsed = ExchangeFormat::parseDocument(request.body);
    // A file that cannot be read, or records the rules refuse: 400, and where.
    auto refused = [](const ExchangeFormat::ImportError &error) {
        return HttpReply::json(400, QJsonObject{{QStringLiteral("error"), error.message},
                                                {QStringLiteral("where"), error.where}});
    };
    if (parsed.error)
        return refused(*parsed.error);
    const auto imported = m_service.importIds(parsed.records, parsed.kv);
    if (!imported.ok())
        return HttpReply::unavailable(imported.error());
    if (imported->refused)
        return refused(*imported->refused);
    const ImportSummary &summary = imported->summary;
    return HttpReply::json(200, QJsonObject{{QStringLiteral("ids_added"), summary.idsAdded},
                                            {QStringLiteral("ids_merged"), summary.idsMerged},
                                            {QStringLiteral("nodes_added"), summary.nodesAdded},
                                            {QStringLiteral("nodes_merged"), summary.nodesMerged},
                                            {QStringLiteral("kv_added"), summary.kvAdded},
                                            {QStringLiteral("kv_merged"), summary.kvMerged}});
}
