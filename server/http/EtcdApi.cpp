#include "EtcdApi.h"

#include "service/DiscoveryService.h"
#include "core/Validation.h"
#include "http/PendingReply.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTimer>

namespace {

// etcd's error codes used here (etcd/error/error.go).
constexpr int KeyNotFound = 100;
constexpr int NodeExist = 105;
constexpr int InvalidField = 209;

const QString TokenPrefix = QStringLiteral("/etcd/");

HttpReply etcdReply(int status, const QJsonObject &body, qint64 index)
{
    HttpReply reply = HttpReply::json(status, body);
    reply.headers.append({QByteArrayLiteral("X-Etcd-Index"), QByteArray::number(index)});
    return reply;
}

HttpReply etcdError(int status, int code, const QString &message, const QString &cause, qint64 index)
{
    return etcdReply(status,
                     QJsonObject{{QStringLiteral("errorCode"), code}, {QStringLiteral("message"), message},
                                 {QStringLiteral("cause"), cause}, {QStringLiteral("index"), index}},
                     index);
}

HttpReply keyNotFound(const QString &key, qint64 index)
{
    return etcdError(404, KeyNotFound, QStringLiteral("Key not found"), key.left(300), index);
}

QJsonObject memberNode(const QString &directory, const Node &member)
{
    return {{QStringLiteral("key"), directory + u'/' + member.address},
            {QStringLiteral("value"), member.etcdValue},
            {QStringLiteral("modifiedIndex"), member.etcdIndex},
            {QStringLiteral("createdIndex"), member.etcdIndex}};
}

// The member created first at waitIndex or later (and named memberId, if given):
// what an etcd wait answers.
const Node *firstMemberFrom(const DiscoveryIdWithNodes &record, qint64 waitIndex, const QString &memberId)
{
    const Node *first = nullptr;
    for (const Node &member : record.nodes) {
        if (member.etcdIndex >= waitIndex && (memberId.isEmpty() || member.address == memberId)
            && (!first || member.etcdIndex < first->etcdIndex))
            first = &member;
    }
    return first;
}

HttpReply createEvent(const QString &directory, const Node &member, qint64 index)
{
    return etcdReply(200, QJsonObject{{QStringLiteral("action"), QStringLiteral("create")},
                                      {QStringLiteral("node"), memberNode(directory, member)}},
                     index);
}

// Form bodies encode spaces as '+'; QUrlQuery does not decode that.
QString formValue(const QByteArray &body, const QString &key, bool *present)
{
    QByteArray form = body;
    form.replace('+', "%20");
    const QUrlQuery query(QString::fromUtf8(form));
    *present = query.hasQueryItem(key);
    return query.queryItemValue(key, QUrl::FullyDecoded);
}

} // namespace

EtcdApi::EtcdApi(DiscoveryService &service, QObject *parent) : QObject(parent), m_service(service) {}

int EtcdApi::openWaitCount() const
{
    return int(std::count_if(m_waits.cbegin(), m_waits.cend(),
                             [](const Wait &wait) { return wait.reply && !wait.reply->isFinished(); }));
}

std::optional<HttpReply> EtcdApi::handle(const HttpRequest &request)
{
    const QStringList &s = request.segments;
    if (s == QStringList{QStringLiteral("new")})
        return request.method == "GET" ? createToken(request) : HttpReply::methodNotAllowed("GET");
    if (s.isEmpty() || s.constFirst() != u"etcd")
        return std::nullopt;

    // The key etcd uses is the URL's path, verbatim: /etcd/<token>.
    if (s.size() < 2)
        return keyNotFound(TokenPrefix, 0);
    const QString &token = s.at(1);
    const QString directory = TokenPrefix + token;
    if (!Validation::isWellFormedId(token))
        return keyNotFound(directory, 0);
    const QStringList rest = s.mid(2);

    if (rest.isEmpty()) {
        if (request.method != "GET")
            return HttpReply::methodNotAllowed("GET");
        return getOrWait(request, directory, token, QString());
    }
    if (rest == QStringList{QStringLiteral("_config"), QStringLiteral("size")}) {
        if (request.method != "GET")
            return HttpReply::methodNotAllowed("GET");
        return getSize(directory, token);
    }
    if (rest.size() == 1 && Validation::isWellFormedEtcdMemberId(rest.constFirst())) {
        if (request.method == "GET")
            return getOrWait(request, directory, token, rest.constFirst());
        if (request.method == "PUT")
            return createMember(request, directory, token, rest.constFirst());
        return HttpReply::methodNotAllowed("GET, PUT");
    }
    return keyNotFound(directory + u'/' + rest.join(u'/'), 0);
}

HttpReply EtcdApi::createToken(const HttpRequest &request)
{
    int size = DefaultSize;
    if (request.query.hasQueryItem(QStringLiteral("size"))) {
        bool ok = false;
        size = request.query.queryItemValue(QStringLiteral("size")).toInt(&ok);
        if (!ok || size < 1 || size > Validation::MaxExpectedSize)
            return HttpReply::error(400, QStringLiteral("size must be a whole number from 1 to %1")
                                             .arg(Validation::MaxExpectedSize));
    }
    const auto created = m_service.createId(DiscoveryKind::Etcd, QString(), size);
    if (!created.ok())
        return HttpReply::unavailable(created.error());
    // discovery.etcd.io's answer: the URL alone, no trailing newline.
    return HttpReply{200, QByteArrayLiteral("text/plain"), (request.baseUrl() + TokenPrefix + created->id).toUtf8(), {}};
}

HttpReply EtcdApi::getSize(const QString &directory, const QString &token)
{
    const auto found = m_service.findId(token);
    if (!found.ok())
        return HttpReply::unavailable(found.error());
    const QString key = directory + QStringLiteral("/_config/size");
    if (!found.value() || found.value()->kind != DiscoveryKind::Etcd || !found.value()->expectedSize)
        return keyNotFound(key, found.value() ? found.value()->etcdIndex : 0);
    const qint64 index = found.value()->etcdIndex;
    return etcdReply(200,
                     QJsonObject{{QStringLiteral("action"), QStringLiteral("get")},
                                 {QStringLiteral("node"),
                                  QJsonObject{{QStringLiteral("key"), key},
                                              {QStringLiteral("value"), QString::number(*found.value()->expectedSize)},
                                              {QStringLiteral("modifiedIndex"), 1},
                                              {QStringLiteral("createdIndex"), 1}}}},
                     index);
}

HttpReply EtcdApi::getOrWait(const HttpRequest &request, const QString &directory, const QString &token,
                             const QString &memberId)
{
    const auto found = m_service.findIdWithNodes(token);
    if (!found.ok())
        return HttpReply::unavailable(found.error());
    const QString key = memberId.isEmpty() ? directory : directory + u'/' + memberId;
    if (!found.value() || found.value()->id.kind != DiscoveryKind::Etcd)
        return keyNotFound(key, 0);
    const DiscoveryIdWithNodes &record = *found.value();
    const qint64 index = record.id.etcdIndex;

    if (request.query.queryItemValue(QStringLiteral("wait")) == u"true") {
        qint64 waitIndex = index + 1; // no waitIndex: the next change
        if (request.query.hasQueryItem(QStringLiteral("waitIndex"))) {
            bool ok = false;
            waitIndex = request.query.queryItemValue(QStringLiteral("waitIndex")).toLongLong(&ok);
            if (!ok || waitIndex < 0)
                return etcdError(400, InvalidField, QStringLiteral("Invalid field"),
                                 QStringLiteral("invalid value for waitIndex"), index);
        }
        // From history first.
        if (const Node *member = firstMemberFrom(record, waitIndex, memberId))
            return createEvent(directory, *member, index);
        // Nothing happened (yet): an empty 200, and etcd asks again at once.
        HttpReply nothingYet{200, QByteArrayLiteral("application/json"), {}, {}};
        nothingYet.headers.append({QByteArrayLiteral("X-Etcd-Index"), QByteArray::number(index)});
        PendingReply *pending = request.defer ? request.defer() : nullptr;
        if (!pending)
            return nothingYet; // the reply cannot be held here
        m_waits.append(Wait{token, memberId, waitIndex, directory, pending});
        QTimer::singleShot(m_waitTimeout, pending, [pending, nothingYet] { pending->send(nothingYet); });
        connect(pending, &QObject::destroyed, this, [this] {
            m_waits.removeIf([](const Wait &wait) { return wait.reply.isNull(); });
        });
        return HttpReply::later();
    }

    if (memberId.isEmpty()) {
        QJsonArray nodes;
        for (const Node &member : record.nodes)
            nodes.append(memberNode(directory, member));
        QJsonObject node{{QStringLiteral("key"), directory},
                         {QStringLiteral("dir"), true},
                         {QStringLiteral("modifiedIndex"), 1},
                         {QStringLiteral("createdIndex"), 1}};
        if (!nodes.isEmpty())
            node.insert(QStringLiteral("nodes"), nodes);
        return etcdReply(200, QJsonObject{{QStringLiteral("action"), QStringLiteral("get")}, {QStringLiteral("node"), node}},
                         index);
    }
    for (const Node &member : record.nodes) {
        if (member.address == memberId)
            return etcdReply(200, QJsonObject{{QStringLiteral("action"), QStringLiteral("get")},
                                              {QStringLiteral("node"), memberNode(directory, member)}},
                             index);
    }
    return keyNotFound(key, index);
}

HttpReply EtcdApi::createMember(const HttpRequest &request, const QString &directory, const QString &token,
                                const QString &memberId)
{
    const QString key = directory + u'/' + memberId;
    if (request.query.queryItemValue(QStringLiteral("prevExist")) != u"false")
        return etcdError(400, InvalidField, QStringLiteral("Invalid field"),
                         QStringLiteral("DiscoDesk accepts only member creation: PUT with prevExist=false"), 0);
    bool present = false;
    const QString value = formValue(request.body, QStringLiteral("value"), &present);
    if (!present)
        return etcdError(400, InvalidField, QStringLiteral("Invalid field"), QStringLiteral("value is missing"), 0);
    if (const QString problem = Validation::checkEtcdValue(value); !problem.isEmpty())
        return etcdError(400, InvalidField, QStringLiteral("Invalid field"), QStringLiteral("value: ") + problem, 0);

    const auto created = m_service.createEtcdMember(token, memberId, value, request.remoteAddress);
    if (!created.ok())
        return HttpReply::unavailable(created.error());
    using Outcome = DiscoveryService::EtcdMemberCreation::Outcome;
    switch (created->outcome) {
    case Outcome::UnknownToken:
        return keyNotFound(key, 0);
    case Outcome::Exists:
        return etcdError(412, NodeExist, QStringLiteral("Key already exists"), key, created->tokenIndex);
    case Outcome::Full:
        return etcdError(409, InvalidField,
                         QStringLiteral("the token has the most members a token may have (%1)")
                             .arg(m_service.maxNodesPerId()),
                         key, created->tokenIndex);
    case Outcome::Created:
        break;
    }
    return etcdReply(201, QJsonObject{{QStringLiteral("action"), QStringLiteral("create")},
                                      {QStringLiteral("node"), memberNode(directory, created->member)}},
                     created->tokenIndex);
}

void EtcdApi::onStoreChanged(const StoreChanges &changes)
{
    if (m_waits.isEmpty())
        return;
    // Which tokens may have news: those with a new member, or all of them when
    // another server changed the database in ways we were not told one by one.
    QSet<QString> tokens;
    bool elsewhere = false;
    for (const StoreChange &change : changes) {
        if (change.type == StoreChange::Type::ChangedElsewhere)
            elsewhere = true;
        else if (change.type == StoreChange::Type::NodeAdded && change.node.etcdIndex != 0)
            tokens.insert(change.discoveryId);
    }
    QSet<QString> toAnswer;
    for (const Wait &wait : std::as_const(m_waits)) {
        if (wait.reply && !wait.reply->isFinished() && (elsewhere || tokens.contains(wait.token)))
            toAnswer.insert(wait.token);
    }
    for (const QString &token : std::as_const(toAnswer))
        answerWaitsFromHistory(token);
    // Sent replies delete themselves later; forget them now.
    m_waits.removeIf([](const Wait &wait) { return !wait.reply || wait.reply->isFinished(); });
}

void EtcdApi::answerWaitsFromHistory(const QString &token)
{
    // Read back rather than answer with the change that woke us: with several
    // servers on one database, news of a member registered elsewhere can arrive
    // after a later one registered here, and etcd never asks for an index again
    // once it has seen a higher one.
    const auto found = m_service.findIdWithNodes(token);
    if (!found.ok() || !found.value())
        return; // the waits end with their timeout, and etcd asks again
    const DiscoveryIdWithNodes &record = *found.value();
    for (const Wait &wait : std::as_const(m_waits)) {
        if (wait.token != token || !wait.reply || wait.reply->isFinished())
            continue;
        if (const Node *member = firstMemberFrom(record, wait.waitIndex, wait.memberId))
            wait.reply->send(createEvent(wait.directory, *member, record.id.etcdIndex));
    }
}
