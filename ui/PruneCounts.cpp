#include "PruneCounts.h"

#include "Plural.h"

#include <QStringList>

PruneCounts PruneCounts::of(const PruneResult &result)
{
    return {result.idCount, result.nodesOfIdsCount, result.singleNodeCount, result.singleNodeIdCount,
            result.kvKeyCount};
}

PruneCounts PruneCounts::of(const ExpirySweep &sweep)
{
    return PruneCounts{sweep.ids, sweep.nodesOfIds, sweep.singleNodes, sweep.singleNodeIds, sweep.kvKeys};
}

QString PruneCounts::text() const
{
    QStringList parts;
    if (ids > 0) {
        const QString idText = countOf(ids, tr("ID"), tr("IDs"));
        parts << (nodesOfIds > 0 ? tr("%1 (with %2)").arg(idText, countOf(nodesOfIds, tr("node"), tr("nodes")))
                                 : idText);
    }
    if (singleNodes > 0) {
        // "other": not the IDs just named, which go whole.
        parts << tr("%1 of %2").arg(countOf(singleNodes, tr("node"), tr("nodes")),
                                    ids > 0 ? countOf(singleNodeIds, tr("other ID"), tr("other IDs"))
                                            : countOf(singleNodeIds, tr("ID"), tr("IDs")));
    }
    if (kvKeys > 0)
        parts << countOf(kvKeys, tr("Consul KV key"), tr("Consul KV keys"));
    if (parts.size() <= 1)
        return parts.join(QString());
    const QString last = parts.takeLast();
    return tr("%1 and %2").arg(parts.join(QStringLiteral(", ")), last);
}
