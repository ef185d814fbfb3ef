#include "Records.h"

#include <QJsonDocument>
#include <QJsonObject>

QString kindName(DiscoveryKind kind)
{
    switch (kind) {
    case DiscoveryKind::Rqlite:
        return QStringLiteral("rqlite");
    case DiscoveryKind::Etcd:
        return QStringLiteral("etcd");
    }
    return {};
}

std::optional<DiscoveryKind> kindFromName(QStringView name)
{
    if (name == u"rqlite")
        return DiscoveryKind::Rqlite;
    if (name == u"etcd")
        return DiscoveryKind::Etcd;
    return std::nullopt;
}

EtcdMemberValue EtcdMemberValue::parse(const QString &value)
{
    // etcd writes "name=url" once per peer URL, all with the same name.
    EtcdMemberValue member;
    for (const QString &pair : value.split(u',', Qt::SkipEmptyParts)) {
        const qsizetype equals = pair.indexOf(u'=');
        if (equals < 0)
            continue;
        if (member.name.isEmpty())
            member.name = pair.left(equals);
        member.peerUrls.append(pair.mid(equals + 1));
    }
    return member;
}

RqliteLeaderValue RqliteLeaderValue::parse(const QByteArray &value)
{
    const QJsonObject object = QJsonDocument::fromJson(value).object();
    return {object.value(QStringLiteral("id")).toString(), object.value(QStringLiteral("api_addr")).toString(),
            object.value(QStringLiteral("addr")).toString()};
}
