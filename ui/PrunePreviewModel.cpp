#include "PrunePreviewModel.h"

#include <QHash>

namespace {

template <typename T>
void setKept(QSet<T> &kept, const T &value, bool keep)
{
    if (keep)
        kept.insert(value);
    else
        kept.remove(value);
}

} // namespace

PrunePreviewModel::PrunePreviewModel(QObject *parent) : QAbstractTableModel(parent) {}

void PrunePreviewModel::setPreview(const PruneResult &preview, const PruneRules &rules, const Reasons &reasons,
                                   Timestamp now)
{
    beginResetModel();
    m_preview = preview;
    m_rules = rules;
    m_reasons = reasons;
    m_now = now;
    // Only what is listed can be kept: the rest of the counts goes as counted.
    QSet<QString> ids;
    QSet<PruneRules::NodeRef> nodes;
    QSet<QString> keys;
    for (const DiscoveryId &id : std::as_const(m_preview.ids)) {
        if (m_keptIds.contains(id.id))
            ids.insert(id.id);
    }
    for (const PrunedNode &node : std::as_const(m_preview.nodes)) {
        if (m_keptNodes.contains({node.discoveryId, node.address}))
            nodes.insert({node.discoveryId, node.address});
    }
    for (const KvEntry &entry : std::as_const(m_preview.kvKeys)) {
        if (m_keptKvKeys.contains(entry.key))
            keys.insert(entry.key);
    }
    m_keptIds = ids;
    m_keptNodes = nodes;
    m_keptKvKeys = keys;
    endResetModel();
    emit countsChanged();
}

void PrunePreviewModel::setTimeZone(TimeZoneChoice zone)
{
    m_zone = zone;
    if (rowCount() > 0)
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1), {Qt::ToolTipRole});
}

PrunePreviewModel::Kind PrunePreviewModel::kindOf(int row) const
{
    if (row < m_preview.ids.size())
        return Kind::Id;
    return row < m_preview.ids.size() + m_preview.nodes.size() ? Kind::Node : Kind::KvKey;
}

bool PrunePreviewModel::isRemoved(int row) const
{
    switch (kindOf(row)) {
    case Kind::Id:
        return !m_keptIds.contains(idAt(row).id);
    case Kind::Node:
        return !m_keptNodes.contains({nodeAt(row).discoveryId, nodeAt(row).address});
    case Kind::KvKey:
        return !m_keptKvKeys.contains(keyAt(row).key);
    }
    return true;
}

PruneCounts PrunePreviewModel::counts() const
{
    PruneCounts counts = PruneCounts::of(m_preview);
    for (const DiscoveryId &id : m_preview.ids) {
        if (m_keptIds.contains(id.id)) {
            --counts.ids;
            counts.nodesOfIds -= id.nodeCount; // a kept ID keeps all its nodes
        }
    }
    // An ID that stays is still touched while any of its removed nodes is not kept.
    QHash<QString, qint64> keptOfId;
    for (const PruneRules::NodeRef &node : m_keptNodes)
        ++keptOfId[node.first];
    counts.singleNodes -= m_keptNodes.size();
    for (const PrunedNode &node : m_preview.nodes) {
        if (keptOfId.value(node.discoveryId) == node.removedFromId) {
            --counts.singleNodeIds;
            keptOfId.remove(node.discoveryId); // counted once
        }
    }
    counts.kvKeys -= m_keptKvKeys.size();
    return counts;
}

PruneRules PrunePreviewModel::keeping(PruneRules rules) const
{
    rules.keepIds.unite(m_keptIds);
    rules.keepNodes.unite(m_keptNodes);
    rules.keepKvKeys.unite(m_keptKvKeys);
    return rules;
}

int PrunePreviewModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid())
        return 0;
    return int(m_preview.ids.size() + m_preview.nodes.size() + m_preview.kvKeys.size());
}

int PrunePreviewModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PrunePreviewModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    if (index.column() == RemoveColumn)
        return role == Qt::CheckStateRole ? QVariant(isRemoved(index.row()) ? Qt::Checked : Qt::Unchecked) : QVariant();
    if (role == Qt::DisplayRole)
        return display(index.row(), index.column());
    if (role == Qt::ToolTipRole)
        return toolTip(index.row(), index.column());
    return {};
}

QVariant PrunePreviewModel::display(int row, int column) const
{
    switch (kindOf(row)) {
    case Kind::Id: {
        const DiscoveryId &id = idAt(row);
        switch (column) {
        case KindColumn:
            return id.kind == DiscoveryKind::Etcd ? tr("etcd token") : tr("rqlite ID");
        case NameColumn:
            return id.id;
        case LabelColumn:
            return id.label;
        case CreatedColumn:
            return TimeText::relative(id.createdAt, m_now);
        case NodesColumn:
            return id.nodeCount;
        case WhyColumn:
            return whyIdMatches(id);
        }
        break;
    }
    case Kind::Node: {
        const PrunedNode &node = nodeAt(row);
        switch (column) {
        case KindColumn:
            return tr("node");
        case NameColumn:
            return node.discoveryId;
        case NodesColumn:
            return node.address;
        case WhyColumn:
            return tr("%1 (last seen %2)").arg(m_reasons.notSeenSince, TimeText::relative(node.lastSeen, m_now));
        }
        break;
    }
    case Kind::KvKey: {
        const KvEntry &entry = keyAt(row);
        switch (column) {
        case KindColumn:
            return tr("Consul KV key");
        case NameColumn:
            return entry.key;
        case CreatedColumn:
            return TimeText::relative(entry.createdAt, m_now);
        case WhyColumn:
            return tr("%1 (last written %2)")
                .arg(m_reasons.kvNotReportedSince, TimeText::relative(entry.reportedAt, m_now));
        }
        break;
    }
    }
    return {};
}

QVariant PrunePreviewModel::toolTip(int row, int column) const
{
    const Kind kind = kindOf(row);
    if (column == CreatedColumn && kind == Kind::Id)
        return TimeText::absolute(idAt(row).createdAt, m_zone);
    if (column == CreatedColumn && kind == Kind::KvKey)
        return TimeText::absolute(keyAt(row).createdAt, m_zone);
    // The whole reason, and the exact time it speaks of.
    if (column == WhyColumn && kind == Kind::Node)
        return tr("%1\nLast seen %2").arg(m_reasons.notSeenSince, TimeText::absolute(nodeAt(row).lastSeen, m_zone));
    if (column == WhyColumn && kind == Kind::KvKey)
        return tr("%1\nLast written %2")
            .arg(m_reasons.kvNotReportedSince, TimeText::absolute(keyAt(row).reportedAt, m_zone));
    return display(row, column);
}

QString PrunePreviewModel::whyIdMatches(const DiscoveryId &id) const
{
    // The store's own rules (Store.cpp, idRule), read back from the row.
    QStringList reasons;
    if (m_rules.createdBefore && id.createdAt < *m_rules.createdBefore)
        reasons << m_reasons.createdBefore;
    if (m_rules.inactiveSince && id.lastActivity < *m_rules.inactiveSince)
        reasons << m_reasons.inactiveSince;
    const auto &quiet = m_rules.noNodesInactiveSince;
    if (m_rules.noNodes && id.nodeCount == 0 && (!quiet || (id.createdAt < *quiet && id.lastActivity < *quiet)))
        reasons << m_reasons.noNodes;
    return reasons.join(QStringLiteral("; "));
}

bool PrunePreviewModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!index.isValid() || index.column() != RemoveColumn || role != Qt::CheckStateRole || index.row() >= rowCount())
        return false;
    const bool keep = value.toInt() == Qt::Unchecked;
    const int row = index.row();
    switch (kindOf(row)) {
    case Kind::Id:
        setKept(m_keptIds, idAt(row).id, keep);
        break;
    case Kind::Node:
        setKept(m_keptNodes, PruneRules::NodeRef{nodeAt(row).discoveryId, nodeAt(row).address}, keep);
        break;
    case Kind::KvKey:
        setKept(m_keptKvKeys, keyAt(row).key, keep);
        break;
    }
    emit dataChanged(index, index, {Qt::CheckStateRole});
    emit countsChanged();
    return true;
}

Qt::ItemFlags PrunePreviewModel::flags(const QModelIndex &index) const
{
    const Qt::ItemFlags flags = QAbstractTableModel::flags(index);
    return index.column() == RemoveColumn ? flags | Qt::ItemIsUserCheckable : flags;
}

QVariant PrunePreviewModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case RemoveColumn:
        return tr("Remove");
    case KindColumn:
        return tr("Kind");
    case NameColumn:
        return tr("ID or key");
    case LabelColumn:
        return tr("Label");
    case CreatedColumn:
        return tr("Created");
    case NodesColumn:
        return tr("Nodes");
    case WhyColumn:
        return tr("Why it matches");
    }
    return {};
}
