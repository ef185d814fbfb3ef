#include "Records.h"

QString kindName(DiscoveryKind kind)
{
    switch (kind) {
    case DiscoveryKind::Rqlite:
        return QStringLiteral("rqlite");
    }
    return {};
}

std::optional<DiscoveryKind> kindFromName(QStringView name)
{
    if (name == u"rqlite")
        return DiscoveryKind::Rqlite;
    return std::nullopt;
}

qint64 PruneResult::removedNodeCount() const
{
    qint64 count = nodes.size();
    for (const DiscoveryId &id : ids)
        count += id.nodeCount;
    return count;
}
