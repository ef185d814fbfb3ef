#include "IdTableModel.h"

#include "Icons.h"
#include "Plural.h"

#include <QColor>
#include <QSet>

IdTableModel::IdTableModel(QObject *parent)
    : LiveTableModel({CreatedColumn, LastActivityColumn}, parent)
{
}

void IdTableModel::setIds(const QList<DiscoveryId> &ids)
{
    beginResetModel();
    m_rows = ids;
    clearHighlights();
    reindex();
    endResetModel();
    emit totalsChanged();
}

void IdTableModel::applyChanges(const QList<StoreChanges> &transactions)
{
    // First work out where every ID the batch touched ends up, then change the table
    // in three steps: remove rows, update rows in place, append new rows.
    QHash<QString, DiscoveryId> updated; // the latest state of touched IDs
    QStringList added;                   // IDs that have no row yet, in creation order
    QSet<QString> deleted;               // IDs whose rows go

    for (const StoreChanges &transaction : transactions) {
        // An ID record in a transaction is the ID as it is at the commit (an import
        // writes the nodes before it reports the ID), so the node changes of that
        // transaction must not be counted again for it.
        QSet<QString> reported;
        for (const StoreChange &change : transaction) {
            if (change.type == StoreChange::Type::IdCreated || change.type == StoreChange::Type::IdUpdated)
                reported.insert(change.discoveryId);
        }
        for (const StoreChange &change : transaction) {
            const QString &id = change.discoveryId;
            switch (change.type) {
            case StoreChange::Type::IdCreated:
            case StoreChange::Type::IdUpdated:
                deleted.remove(id);
                if (rowOf(id) < 0 && !updated.contains(id))
                    added.append(id);
                updated.insert(id, change.discovery);
                break;
            case StoreChange::Type::IdDeleted:
                updated.remove(id);
                added.removeAll(id);
                if (rowOf(id) >= 0)
                    deleted.insert(id);
                break;
            case StoreChange::Type::NodeAdded:
            case StoreChange::Type::NodeUpdated:
            case StoreChange::Type::NodeRemoved: {
                if (reported.contains(id) || deleted.contains(id))
                    break;
                if (!updated.contains(id)) {
                    const int row = rowOf(id);
                    if (row < 0)
                        break; // not shown: nothing to adjust
                    updated.insert(id, m_rows.at(row));
                }
                DiscoveryId &record = updated[id];
                if (change.type == StoreChange::Type::NodeAdded)
                    ++record.nodeCount;
                else if (change.type == StoreChange::Type::NodeRemoved)
                    record.nodeCount = std::max(0, record.nodeCount - 1);
                record.lastActivity = std::max(record.lastActivity, change.at);
                break;
            }
            }
        }
    }

    if (!deleted.isEmpty()) {
        QList<int> rows;
        for (const QString &id : std::as_const(deleted)) {
            rows.append(rowOf(id));
            forgetHighlight(id);
        }
        removeRows(rows);
    }

    int first = -1;
    int last = -1;
    for (auto it = updated.cbegin(); it != updated.cend(); ++it) {
        const int row = rowOf(it.key());
        if (row < 0)
            continue;
        m_rows[row] = it.value();
        highlight(it.key());
        first = first < 0 ? row : std::min(first, row);
        last = std::max(last, row);
    }
    if (first >= 0)
        emit dataChanged(index(first, 0), index(last, ColumnCount - 1));

    if (!added.isEmpty()) {
        const int firstNew = int(m_rows.size());
        beginInsertRows({}, firstNew, firstNew + int(added.size()) - 1);
        for (const QString &id : std::as_const(added)) {
            m_rowOf.insert(id, int(m_rows.size()));
            m_rows.append(updated.value(id));
            highlight(id);
        }
        endInsertRows();
    }

    if (!deleted.isEmpty() || !updated.isEmpty())
        emit totalsChanged();
}

void IdTableModel::removeRows(QList<int> rows)
{
    // From the bottom up, one beginRemoveRows per run of adjacent rows.
    std::sort(rows.begin(), rows.end(), std::greater<>());
    qsizetype i = 0;
    while (i < rows.size()) {
        const int last = rows.at(i);
        int first = last;
        while (i + 1 < rows.size() && rows.at(i + 1) == first - 1)
            first = rows.at(++i);
        ++i;
        beginRemoveRows({}, first, last);
        m_rows.remove(first, last - first + 1);
        endRemoveRows();
    }
    reindex();
}

void IdTableModel::reindex()
{
    m_rowOf.clear();
    for (int row = 0; row < m_rows.size(); ++row)
        m_rowOf.insert(m_rows.at(row).id, row);
}

qint64 IdTableModel::totalNodes() const
{
    qint64 total = 0;
    for (const DiscoveryId &id : m_rows)
        total += id.nodeCount;
    return total;
}

int IdTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int IdTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant IdTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const DiscoveryId &id = m_rows.at(index.row());

    if (role == Qt::BackgroundRole)
        return highlightBackground(index.row());
    if (role == DiscoveryIdRole)
        return id.id;
    if (role == FilterRole)
        return index.column() == IdColumn ? QVariant(id.id + u' ' + id.label) : QVariant();

    switch (index.column()) {
    case IdColumn:
        if (role == Qt::DisplayRole || role == SortRole)
            return id.id;
        if (role == Qt::ToolTipRole) {
            return id.kind == DiscoveryKind::Etcd
                       ? tr("Every member's --discovery URL ends with this token (Copy Discovery URL)")
                       : tr("Give this ID to every node of the cluster (-disco-id)");
        }
        break;
    case KindColumn:
        if (role == Qt::DisplayRole || role == SortRole)
            return kindName(id.kind);
        break;
    case LabelColumn:
        if (role == Qt::DisplayRole || role == SortRole)
            return id.label;
        break;
    case CreatedColumn:
        return timeData(id.createdAt, role);
    case NodesColumn:
        return nodesData(id, role);
    case LastActivityColumn:
        return timeData(id.lastActivity, role);
    }
    return {};
}

QVariant IdTableModel::nodesData(const DiscoveryId &id, int role) const
{
    if (role == SortRole)
        return id.nodeCount;
    if (role == Qt::TextAlignmentRole)
        return int(Qt::AlignCenter);
    if (id.kind != DiscoveryKind::Etcd) {
        if (role == Qt::DisplayRole)
            return id.expectedSize ? QStringLiteral("%1 / %2").arg(id.nodeCount).arg(*id.expectedSize)
                                   : QString::number(id.nodeCount);
        if (role == Qt::ToolTipRole && id.expectedSize)
            return tr("%1 of %2 expected nodes registered").arg(id.nodeCount).arg(*id.expectedSize);
        return {};
    }

    if (!id.expectedSize) { // an imported token without a size: just count
        if (role == Qt::DisplayRole)
            return countOf(id.nodeCount, tr("member"), tr("members"));
        return {};
    }
    const int size = *id.expectedSize;
    const bool full = isFullEtcdToken(id);
    switch (role) {
    case Qt::DisplayRole:
        return tr("%1/%2 members").arg(id.nodeCount).arg(size);
    case Qt::ForegroundRole:
        return full ? QVariant(QColor(0x2e, 0x7d, 0x32)) : QVariant();
    case Qt::DecorationRole:
        return full ? QVariant(Icons::own(QStringLiteral("full.svg"))) : QVariant();
    case Qt::ToolTipRole:
        if (!full)
            return tr("%1 of %2 members registered; each member waits until all %2 have").arg(id.nodeCount).arg(size);
        if (id.nodeCount == size)
            return tr("full: %1 of %1 members").arg(size);
        return tr("full: %1 of %1 members, and %2 beyond its size (proxies, or exited with "
                  "--discovery-fallback exit)")
            .arg(QString::number(size), QString::number(id.nodeCount - size));
    }
    return {};
}

bool IdTableModel::isFullEtcdToken(const DiscoveryId &id)
{
    return id.kind == DiscoveryKind::Etcd && id.expectedSize && id.nodeCount >= *id.expectedSize;
}

QVariant IdTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case IdColumn: return tr("Discovery ID");
    case KindColumn: return tr("Kind");
    case LabelColumn: return tr("Label");
    case CreatedColumn: return tr("Created");
    case NodesColumn: return tr("Nodes");
    case LastActivityColumn: return tr("Last activity");
    }
    return {};
}
