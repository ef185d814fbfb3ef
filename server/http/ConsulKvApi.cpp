#include "ConsulKvApi.h"

#include "core/AdminToken.h"
#include "core/JsonOutput.h"
#include "http/PendingReply.h"
#include "service/KvService.h"

#include <QRandomGenerator>
#include <QSet>
#include <QUrl>

#include <cmath>

namespace {

const QString PathPrefix = QStringLiteral("/v1/kv");
// Consul's anonymous token, named in its "Permission denied" answers.
const QString AnonymousAccessor = QStringLiteral("00000000-0000-0000-0000-000000000002");

// What every Consul reply carries.
void addCommonHeaders(HttpReply &reply)
{
    reply.headers.append({QByteArrayLiteral("Vary"), QByteArrayLiteral("Accept-Encoding")});
    reply.headers.append({QByteArrayLiteral("X-Consul-Default-Acl-Policy"), QByteArrayLiteral("allow")});
}

// Consul's errors: plain text, no trailing newline, no index headers.
HttpReply consulError(int status, const QString &message)
{
    HttpReply reply{status, QByteArrayLiteral("text/plain; charset=utf-8"), message.toUtf8(), {}};
    addCommonHeaders(reply);
    return reply;
}

HttpReply jsonReply(QByteArray body)
{
    HttpReply reply{200, QByteArrayLiteral("application/json"), std::move(body), {}};
    addCommonHeaders(reply);
    return reply;
}

// What a GET reports beside its body, on 200 and 404 alike.
void addIndexHeaders(HttpReply &reply, qint64 index)
{
    reply.headers.append({QByteArrayLiteral("X-Consul-Index"), QByteArray::number(qMax<qint64>(1, index))});
    reply.headers.append({QByteArrayLiteral("X-Consul-Knownleader"), QByteArrayLiteral("true")});
    reply.headers.append({QByteArrayLiteral("X-Consul-Lastcontact"), QByteArrayLiteral("0")});
    reply.headers.append({QByteArrayLiteral("X-Consul-Query-Backend"), QByteArrayLiteral("blocking-query")});
}

HttpReply notFound(qint64 index)
{
    HttpReply reply{404, {}, {}, {}};
    addCommonHeaders(reply);
    addIndexHeaders(reply, index);
    return reply;
}

// The key Consul serves for a path: percent-decoded, cleaned as Go's path.Clean
// does (no empty or "." segments), its trailing slash kept. Consul 1.22 and later
// refuse ".." segments and leading or trailing spaces; so does DiscoDesk.
std::optional<QString> keyFromPath(const QString &encodedRest, QString *error)
{
    const QString decoded = QUrl::fromPercentEncoding(encodedRest.toUtf8());
    QStringList kept;
    for (const QString &segment : decoded.split(u'/')) {
        if (segment == u"..") {
            *error = QStringLiteral("invalid key name, path traversal is not allowed");
            return std::nullopt;
        }
        if (!segment.isEmpty() && segment != u".")
            kept.append(segment);
    }
    QString key = kept.join(u'/');
    if (!key.isEmpty() && decoded.endsWith(u'/'))
        key += u'/';
    if (key != key.trimmed()) {
        *error = QStringLiteral("invalid key name, path traversal is not allowed");
        return std::nullopt;
    }
    return key;
}

// Go's strconv.ParseUint(text, 10, 64), with its error texts.
std::optional<quint64> parseUint(const QString &text, QString *error)
{
    bool ok = !text.isEmpty();
    for (const QChar c : text)
        ok = ok && c >= u'0' && c <= u'9';
    if (!ok) {
        *error = QStringLiteral("strconv.ParseUint: parsing \"%1\": invalid syntax").arg(text.left(100));
        return std::nullopt;
    }
    const quint64 value = text.toULongLong(&ok);
    if (!ok) {
        *error = QStringLiteral("strconv.ParseUint: parsing \"%1\": value out of range").arg(text.left(100));
        return std::nullopt;
    }
    return value;
}

// Go's time.ParseDuration: decimal numbers, each with a unit (ns, us, µs, ms, s, m,
// h), optionally signed: "5000ms", "1m30s", "1.5h". A bare "0" is zero.
std::optional<std::chrono::milliseconds> parseGoDuration(QStringView text)
{
    const bool negative = text.startsWith(u'-');
    if (negative || text.startsWith(u'+'))
        text = text.mid(1);
    if (text == u"0")
        return std::chrono::milliseconds(0);
    if (text.isEmpty())
        return std::nullopt;
    double total = 0; // nanoseconds
    qsizetype i = 0;
    while (i < text.size()) {
        const qsizetype start = i;
        while (i < text.size() && (text[i].isDigit() || text[i] == u'.'))
            ++i;
        bool ok = false;
        const double number = text.mid(start, i - start).toDouble(&ok);
        if (!ok || i == start)
            return std::nullopt;
        const qsizetype unitStart = i;
        while (i < text.size() && !text[i].isDigit() && text[i] != u'.')
            ++i;
        const QStringView unit = text.mid(unitStart, i - unitStart);
        double scale = 0;
        if (unit == u"ns")
            scale = 1;
        else if (unit == u"us" || unit == u"\u00b5s" || unit == u"\u03bcs")
            scale = 1e3;
        else if (unit == u"ms")
            scale = 1e6;
        else if (unit == u"s")
            scale = 1e9;
        else if (unit == u"m")
            scale = 60e9;
        else if (unit == u"h")
            scale = 3600e9;
        else
            return std::nullopt;
        total += number * scale;
        if (total > 9.2e18) // beyond Go's int64 nanoseconds
            return std::nullopt;
    }
    return std::chrono::milliseconds(negative ? 0 : qint64(total / 1e6)); // no wait below none
}

void writeEntry(JsonWriter &json, const KvEntry &entry)
{
    json.beginObject();
    json.key(QLatin1StringView("LockIndex")).value(0);
    json.key(QLatin1StringView("Key")).value(QStringView(entry.key));
    json.key(QLatin1StringView("Flags")).value(entry.flags);
    json.key(QLatin1StringView("Value"));
    if (entry.value && !entry.value->isEmpty())
        json.value(QLatin1StringView(entry.value->toBase64())); // standard alphabet, padded
    else
        json.null();
    json.key(QLatin1StringView("CreateIndex")).value(entry.createIndex);
    json.key(QLatin1StringView("ModifyIndex")).value(entry.modifyIndex);
    json.endObject();
}

QByteArray endDocument(QByteArray body, bool pretty)
{
    if (pretty)
        body += '\n';
    return body;
}

// ?keys: each key under the prefix, cut just after the first separator past the
// prefix, without repeats.
QStringList keysOf(const QList<KvEntry> &entries, const QString &prefix, const QString &separator)
{
    QStringList keys;
    for (const KvEntry &entry : entries) {
        QString key = entry.key;
        if (!separator.isEmpty()) {
            if (const qsizetype at = key.indexOf(separator, prefix.size()); at >= 0)
                key.truncate(at + separator.size());
        }
        if (keys.isEmpty() || keys.constLast() != key) // sorted: repeats are neighbours
            keys.append(key);
    }
    return keys;
}

// Consul names the whole query, its parameters sorted, and ends with a newline:
// its only error that does.
HttpReply conflictingFlags(const QUrlQuery &query)
{
    QList<QPair<QString, QString>> items = query.queryItems(QUrl::FullyDecoded);
    std::sort(items.begin(), items.end());
    QUrlQuery sorted;
    sorted.setQueryItems(items);
    return consulError(400, QStringLiteral("Conflicting flags: %1\n").arg(sorted.toString(QUrl::FullyEncoded)));
}

// The client's address and port: nodes of a local cluster share the address, and
// each keeps its connection open.
QString clientOf(const HttpRequest &request)
{
    const QString host = request.remoteAddress.contains(u':') ? u'[' + request.remoteAddress + u']'
                                                               : request.remoteAddress;
    return request.remotePort ? host + u':' + QString::number(request.remotePort) : host;
}

bool isPresent(const QUrlQuery &query, const QString &name)
{
    return query.hasQueryItem(name); // Go sends "?recurse=", python-consul "?recurse=1": presence is what counts
}

} // namespace

ConsulKvApi::ConsulKvApi(KvService &service, QObject *parent) : QObject(parent), m_service(service)
{
    m_askerTimer.setSingleShot(true);
    m_askerTimer.setInterval(AskerFlushInterval);
    connect(&m_askerTimer, &QTimer::timeout, this, &ConsulKvApi::flushAskers);
}

int ConsulKvApi::openWaitCount() const
{
    return int(std::count_if(m_waits.cbegin(), m_waits.cend(),
                             [](const Wait &wait) { return wait.reply && !wait.reply->isFinished(); }));
}

std::optional<HttpReply> ConsulKvApi::handle(const HttpRequest &request)
{
    // Only /v1/kv and below: "/v1" alone stays an rqlite ID's path (see README).
    const QString &path = request.rawPath;
    if (!(path == PathPrefix || path.startsWith(PathPrefix + u'/')))
        return std::nullopt;

    if (!m_token.isEmpty()) {
        QByteArray presented = request.query.queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded).toUtf8();
        if (presented.isEmpty())
            presented = request.consulToken;
        const bool bearer = request.authorization.startsWith("Bearer ");
        if (presented.isEmpty() && !bearer) {
            return consulError(403, QStringLiteral("Permission denied: token with AccessorID '%1' lacks permission "
                                                   "'key:%2' on \"%3\"")
                                        .arg(AnonymousAccessor, request.method == "GET" ? u"read" : u"write",
                                             QUrl::fromPercentEncoding(path.mid(PathPrefix.size() + 1).toUtf8())
                                                 .left(200)));
        }
        const bool matches = presented.isEmpty() ? AdminToken::matchesAuthorization(request.authorization, m_token)
                                                 : AdminToken::matches(presented, m_token);
        if (!matches)
            return consulError(403, QStringLiteral("ACL not found"));
    }

    const QByteArray &method = request.method;
    if (method == "OPTIONS") {
        HttpReply reply{200, {}, {}, {{QByteArrayLiteral("Allow"), QByteArrayLiteral("OPTIONS,GET,PUT,DELETE")}}};
        addCommonHeaders(reply);
        return reply;
    }
    if (method != "GET" && method != "PUT" && method != "DELETE") {
        HttpReply reply = consulError(405, QStringLiteral("method %1 not allowed").arg(QString::fromLatin1(method)));
        reply.headers.append({QByteArrayLiteral("Allow"), QByteArrayLiteral("OPTIONS,GET,PUT,DELETE")});
        return reply;
    }
    // One keyspace: a Consul Community server would refuse ns and partition; rqlite's
    // -disco-config may name them, and its cluster must still form.
    QString problem;
    const auto key = keyFromPath(path.mid(PathPrefix.size() + 1), &problem);
    if (!key)
        return consulError(500, problem);
    if (key->size() > MaxKeyLength)
        return consulError(400, QStringLiteral("key is longer than %1 characters").arg(MaxKeyLength));
    // PostgreSQL's text cannot hold one: refused on both engines alike.
    if (key->contains(QChar(u'\0')))
        return consulError(400, QStringLiteral("key contains a NUL character"));
    if (method == "GET")
        return get(request, *key);
    if (method == "PUT")
        return put(request, *key);
    return remove(request, *key);
}

HttpReply ConsulKvApi::get(const HttpRequest &request, const QString &key)
{
    const QUrlQuery &query = request.query;
    if (query.hasQueryItem(QStringLiteral("stale")) && query.hasQueryItem(QStringLiteral("consistent")))
        return consulError(400, QStringLiteral("Cannot specify ?stale with ?consistent, conflicting semantics."));
    Read read;
    read.key = key;
    read.raw = query.hasQueryItem(QStringLiteral("raw"));
    read.pretty = query.hasQueryItem(QStringLiteral("pretty"));
    if (isPresent(query, QStringLiteral("keys"))) {
        read.listing = Listing::Keys;
        read.separator = query.hasQueryItem(QStringLiteral("separator"))
            ? query.queryItemValue(QStringLiteral("separator"), QUrl::FullyDecoded)
            : query.queryItemValue(QStringLiteral("seperator"), QUrl::FullyDecoded); // Consul's old spelling
    } else if (isPresent(query, QStringLiteral("recurse"))) {
        read.listing = Listing::Recurse;
    } else if (key.isEmpty()) {
        return consulError(400, QStringLiteral("Missing key name"));
    }

    qint64 waitIndex = 0;
    if (query.hasQueryItem(QStringLiteral("index"))) {
        QString ignored;
        const auto index = parseUint(query.queryItemValue(QStringLiteral("index")), &ignored);
        if (!index)
            return consulError(400, QStringLiteral("Invalid index"));
        waitIndex = qint64(qMin<quint64>(*index, quint64(std::numeric_limits<qint64>::max())));
    }
    std::chrono::milliseconds wait = DefaultWait;
    if (query.hasQueryItem(QStringLiteral("wait"))) {
        const auto parsed = parseGoDuration(query.queryItemValue(QStringLiteral("wait")));
        if (!parsed)
            return consulError(400, QStringLiteral("Invalid wait time"));
        wait = parsed->count() > 0 ? std::min<std::chrono::milliseconds>(*parsed, MaxWait)
                                   : std::chrono::milliseconds(DefaultWait);
    }

    HttpReply failure;
    const auto now = answer(read, &failure);
    if (!now)
        return failure;
    if (read.listing == Listing::One && now->first.status == 200)
        noteAsker(key, clientOf(request));
    if (waitIndex == 0 || now->second > waitIndex)
        return now->first;
    PendingReply *pending = request.defer ? request.defer() : nullptr;
    if (!pending)
        return now->first; // the reply cannot be held here
    m_waits.append(Wait{read, waitIndex, pending});
    // Consul adds up to a sixteenth at random, so that many readers do not all come
    // back at once.
    const auto jitter = std::chrono::milliseconds(QRandomGenerator::global()->bounded(qint64(wait.count() / 16) + 1));
    // The reply is the timer's context: the server deletes held replies before it
    // deletes this API, so the timer never outlives it.
    QTimer::singleShot(wait + jitter, pending, [this, pending, read] {
        HttpReply failed;
        const auto reply = answer(read, &failed);
        pending->send(reply ? reply->first : failed);
    });
    connect(pending, &QObject::destroyed, this, [this] {
        m_waits.removeIf([](const Wait &wait) { return wait.reply.isNull(); });
    });
    return HttpReply::later();
}

std::optional<std::pair<HttpReply, qint64>> ConsulKvApi::answer(const Read &read, HttpReply *failure)
{
    if (read.listing == Listing::One) {
        const auto found = m_service.get(read.key);
        if (!found.ok()) {
            *failure = consulError(500, found.error());
            return std::nullopt;
        }
        if (!found->entry)
            return std::pair{notFound(found->index), found->index};
        if (read.raw) {
            HttpReply reply{200, QByteArrayLiteral("text/plain; charset=utf-8"), found->entry->value.value_or(QByteArray()),
                            {{QByteArrayLiteral("X-Content-Type-Options"), QByteArrayLiteral("nosniff")},
                             {QByteArrayLiteral("Content-Security-Policy"), QByteArrayLiteral("sandbox")}}};
            addCommonHeaders(reply);
            addIndexHeaders(reply, found->index);
            return std::pair{reply, found->index};
        }
        QByteArray body;
        JsonWriter json(body, read.pretty ? JsonWriter::Layout::Indented : JsonWriter::Layout::Compact);
        json.beginArray();
        writeEntry(json, *found->entry);
        json.endArray();
        HttpReply reply = jsonReply(endDocument(body, read.pretty));
        addIndexHeaders(reply, found->index);
        return std::pair{reply, found->index};
    }

    const auto listed = m_service.list(read.key, read.listing == Listing::Keys ? KvService::Values::Skipped
                                                                                : KvService::Values::Read);
    if (!listed.ok()) {
        *failure = consulError(500, listed.error());
        return std::nullopt;
    }
    // Nothing under a prefix is a 404, but every key of none is an empty list.
    if (listed->entries.isEmpty() && !(read.listing == Listing::Keys && read.key.isEmpty()))
        return std::pair{notFound(listed->index), listed->index};
    QByteArray body;
    JsonWriter json(body, read.pretty ? JsonWriter::Layout::Indented : JsonWriter::Layout::Compact);
    json.beginArray();
    if (read.listing == Listing::Keys) {
        for (const QString &key : keysOf(listed->entries, read.key, read.separator))
            json.value(QStringView(key));
    } else {
        for (const KvEntry &entry : listed->entries)
            writeEntry(json, entry);
    }
    json.endArray();
    HttpReply reply = jsonReply(endDocument(body, read.pretty));
    addIndexHeaders(reply, listed->index);
    return std::pair{reply, listed->index};
}

HttpReply ConsulKvApi::put(const HttpRequest &request, const QString &key)
{
    const QUrlQuery &query = request.query;
    const QStringList locks{QStringLiteral("acquire"), QStringLiteral("cas"), QStringLiteral("release")};
    QStringList given;
    for (const QString &name : locks) {
        if (query.hasQueryItem(name))
            given.append(name);
    }
    if (given.size() > 1)
        return conflictingFlags(query);
    if (key.isEmpty())
        return consulError(400, QStringLiteral("Missing key name"));
    if (!given.isEmpty() && given.constFirst() != u"cas") // sessions: none exist here
        return consulError(500, QStringLiteral("invalid session \"%1\"")
                                    .arg(query.queryItemValue(given.constFirst()).left(100)));

    QString error;
    quint64 flags = 0;
    if (query.hasQueryItem(QStringLiteral("flags"))) {
        const auto parsed = parseUint(query.queryItemValue(QStringLiteral("flags")), &error);
        if (!parsed)
            return consulError(500, error);
        flags = *parsed;
    }
    std::optional<quint64> cas;
    if (query.hasQueryItem(QStringLiteral("cas"))) {
        cas = parseUint(query.queryItemValue(QStringLiteral("cas")), &error);
        if (!cas)
            return consulError(500, error);
    }
    if (request.body.size() > KvService::MaxValueBytes)
        return consulError(413, QStringLiteral("Request body(%1 bytes) too large, max size: %2 bytes. See "
                                               "https://developer.hashicorp.com/docs/agent/config/config-files"
                                               "#kv_max_value_size.")
                                    .arg(request.body.size())
                                    .arg(KvService::MaxValueBytes));

    // An empty body stores null, as Consul does.
    const std::optional<QByteArray> value = request.body.isEmpty() ? std::nullopt : std::optional(request.body);
    const auto written = m_service.put(key, value, flags, cas);
    if (!written.ok())
        return consulError(500, written.error());
    using Outcome = KvService::WriteOutcome;
    switch (written.value()) {
    case Outcome::Full:
        return consulError(413, QStringLiteral("DiscoDesk keeps at most %1 keys; delete some first")
                                    .arg(KvService::MaxKeys));
    case Outcome::CasFailed:
        noteAsker(key, clientOf(request), request.body); // a voter that lost: it waits to join
        return jsonReply(QByteArrayLiteral("false"));
    case Outcome::Stored:
    case Outcome::Unchanged:
        break;
    }
    return jsonReply(QByteArrayLiteral("true"));
}

HttpReply ConsulKvApi::remove(const HttpRequest &request, const QString &key)
{
    const QUrlQuery &query = request.query;
    const bool recurse = isPresent(query, QStringLiteral("recurse"));
    if (recurse && query.hasQueryItem(QStringLiteral("cas")))
        return conflictingFlags(query);
    if (recurse) {
        const auto removed = m_service.removeUnder(key);
        if (!removed.ok())
            return consulError(500, removed.error());
        return jsonReply(QByteArrayLiteral("true"));
    }
    if (key.isEmpty())
        return consulError(400, QStringLiteral("Missing key name"));
    std::optional<quint64> cas;
    if (query.hasQueryItem(QStringLiteral("cas"))) {
        QString error;
        cas = parseUint(query.queryItemValue(QStringLiteral("cas")), &error);
        if (!cas)
            return consulError(500, error);
    }
    const auto removed = m_service.remove(key, cas);
    if (!removed.ok())
        return consulError(500, removed.error());
    return jsonReply(removed.value() ? QByteArrayLiteral("true") : QByteArrayLiteral("false"));
}

void ConsulKvApi::noteAsker(const QString &key, const QString &address, const QByteArray &offered)
{
    for (PendingAsker &pending : m_pendingAskers) {
        if (pending.key == key && pending.address == address) {
            if (!offered.isEmpty())
                pending.offered = offered;
            ++pending.asks;
            return;
        }
    }
    if (m_pendingAskers.size() >= MaxPendingAskers)
        return; // bounded: the next second's readers are noted instead
    m_pendingAskers.append({key, address, offered, 1});
    if (!m_askerTimer.isActive())
        m_askerTimer.start();
}

void ConsulKvApi::flushAskers()
{
    const QList<PendingAsker> askers = std::exchange(m_pendingAskers, {});
    for (const PendingAsker &asker : askers) {
        // A failure loses only this note of who asked: nothing a client sent.
        m_service.noteAsker(asker.key, asker.address, asker.offered, asker.asks);
    }
}

void ConsulKvApi::onStoreChanged(const StoreChanges &changes)
{
    if (m_waits.isEmpty())
        return;
    QSet<QString> keys;
    bool elsewhere = false;
    for (const StoreChange &change : changes) {
        if (change.type == StoreChange::Type::ChangedElsewhere)
            elsewhere = true;
        else if (change.type == StoreChange::Type::KvWritten || change.type == StoreChange::Type::KvDeleted)
            keys.insert(change.kv.key);
    }
    if (keys.isEmpty() && !elsewhere)
        return;
    auto touches = [&](const Read &read) {
        if (elsewhere)
            return true;
        if (read.listing == Listing::One)
            return keys.contains(read.key);
        return std::any_of(keys.cbegin(), keys.cend(), [&](const QString &key) { return key.startsWith(read.key); });
    };
    // Readers of the same thing (rqlite's voters all read one key) share one read.
    QHash<QString, std::optional<std::pair<HttpReply, qint64>>> answers;
    for (const Wait &wait : std::as_const(m_waits)) {
        if (!wait.reply || wait.reply->isFinished() || !touches(wait.read))
            continue;
        // Read back rather than answer from the change: another server's news may
        // come late, and an index must never go back.
        const Read &read = wait.read;
        // The separator's length first: no separator and key can pass for another pair.
        const QString asked = QStringLiteral("%1 %2%3 %4:%5%6")
                                  .arg(int(read.listing))
                                  .arg(read.raw)
                                  .arg(read.pretty)
                                  .arg(read.separator.size())
                                  .arg(read.separator, read.key);
        auto known = answers.find(asked);
        if (known == answers.end()) {
            HttpReply failed;
            known = answers.insert(asked, answer(read, &failed));
        }
        if (*known && (*known)->second > wait.index)
            wait.reply->send((*known)->first);
    }
    m_waits.removeIf([](const Wait &wait) { return !wait.reply || wait.reply->isFinished(); });
}
