#include "ChangeMessage.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace {

// Short keys: an import, or a prune of a few, sends one message per change.
QJsonObject encodeId(const DiscoveryId &id)
{
    QJsonObject object{{QStringLiteral("kind"), kindName(id.kind)},
                       {QStringLiteral("created"), QString::number(id.createdAt.microseconds())},
                       {QStringLiteral("label"), id.label},
                       {QStringLiteral("active"), QString::number(id.lastActivity.microseconds())},
                       {QStringLiteral("nodes"), id.nodeCount},
                       {QStringLiteral("index"), QString::number(id.etcdIndex)}};
    if (id.expectedSize)
        object.insert(QStringLiteral("size"), *id.expectedSize);
    return object;
}

QJsonObject encodeNode(const Node &node)
{
    return {{QStringLiteral("address"), node.address},
            {QStringLiteral("first"), QString::number(node.firstRegistered.microseconds())},
            {QStringLiteral("seen"), QString::number(node.lastSeen.microseconds())},
            {QStringLiteral("count"), QString::number(node.registrations)},
            {QStringLiteral("by"), node.registeredBy},
            {QStringLiteral("value"), node.etcdValue},
            {QStringLiteral("index"), QString::number(node.etcdIndex)}};
}

// 64-bit numbers travel as strings: JSON numbers are doubles.
qint64 number(const QJsonObject &object, const QString &key)
{
    return object.value(key).toString().toLongLong();
}

Timestamp time(const QJsonObject &object, const QString &key)
{
    return Timestamp::fromMicroseconds(number(object, key));
}

} // namespace

namespace ChangeMessage {

QByteArray encode(const StoreChange &change)
{
    QJsonObject object{{QStringLiteral("type"), int(change.type)},
                       {QStringLiteral("id"), change.discoveryId},
                       {QStringLiteral("at"), QString::number(change.at.microseconds())}};
    switch (change.type) {
    case StoreChange::Type::IdCreated:
    case StoreChange::Type::IdUpdated:
        object.insert(QStringLiteral("discovery"), encodeId(change.discovery));
        break;
    case StoreChange::Type::NodeAdded:
    case StoreChange::Type::NodeUpdated:
    case StoreChange::Type::NodeRemoved:
        object.insert(QStringLiteral("node"), encodeNode(change.node));
        break;
    case StoreChange::Type::IdDeleted:
    case StoreChange::Type::ChangedElsewhere: // a big prune: the others read everything again
        break;
    case StoreChange::Type::KvWritten: // the key only: the others read it again
    case StoreChange::Type::KvReported:
    case StoreChange::Type::KvDeleted:
    case StoreChange::Type::KvAsked:
        object.insert(QStringLiteral("key"), change.kv.key);
        break;
    }
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

std::optional<StoreChange> decode(const QByteArray &payload)
{
    const QJsonObject object = QJsonDocument::fromJson(payload).object();
    const int type = object.value(QStringLiteral("type")).toInt(-1);
    if (type < int(StoreChange::Type::IdCreated) || type > int(StoreChange::Type::KvAsked)
        || !object.value(QStringLiteral("id")).isString())
        return std::nullopt;
    StoreChange change;
    change.type = StoreChange::Type(type);
    change.discoveryId = object.value(QStringLiteral("id")).toString();
    change.at = time(object, QStringLiteral("at"));
    if (const QJsonObject id = object.value(QStringLiteral("discovery")).toObject(); !id.isEmpty()) {
        change.discovery.id = change.discoveryId;
        change.discovery.kind = kindFromName(id.value(QStringLiteral("kind")).toString()).value_or(DiscoveryKind::Rqlite);
        change.discovery.createdAt = time(id, QStringLiteral("created"));
        change.discovery.label = id.value(QStringLiteral("label")).toString();
        change.discovery.lastActivity = time(id, QStringLiteral("active"));
        change.discovery.nodeCount = id.value(QStringLiteral("nodes")).toInt();
        change.discovery.etcdIndex = number(id, QStringLiteral("index"));
        if (id.contains(QStringLiteral("size")))
            change.discovery.expectedSize = id.value(QStringLiteral("size")).toInt();
    }
    if (const QJsonObject node = object.value(QStringLiteral("node")).toObject(); !node.isEmpty()) {
        change.node.address = node.value(QStringLiteral("address")).toString();
        change.node.firstRegistered = time(node, QStringLiteral("first"));
        change.node.lastSeen = time(node, QStringLiteral("seen"));
        change.node.registrations = number(node, QStringLiteral("count"));
        change.node.registeredBy = node.value(QStringLiteral("by")).toString();
        change.node.etcdValue = node.value(QStringLiteral("value")).toString();
        change.node.etcdIndex = number(node, QStringLiteral("index"));
    }
    change.kv.key = object.value(QStringLiteral("key")).toString();
    return change;
}

} // namespace ChangeMessage
