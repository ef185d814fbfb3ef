#include "NodeTableModel.h"

NodeTableModel::NodeTableModel(QObject *parent)
    : LiveTableModel({FirstRegisteredColumn, LastSeenColumn}, parent)
{
}

void NodeTableModel::setNodes(const QString &discoveryId, const QList<Node> &nodes)
{
    beginResetModel();
    m_discoveryId = discoveryId;
    m_rows = discoveryId.isEmpty() ? QList<Node>() : nodes;
    clearHighlights();
    endResetModel();
}

void NodeTableModel::applyChanges(const QList<StoreChanges> &transactions)
{
    if (m_discoveryId.isEmpty())
        return;
    for (const StoreChanges &transaction : transactions) {
        for (const StoreChange &change : transaction) {
            if (change.discoveryId == m_discoveryId)
                apply(change);
        }
    }
}

void NodeTableModel::apply(const StoreChange &change)
{
    switch (change.type) {
    case StoreChange::Type::NodeAdded:
    case StoreChange::Type::NodeUpdated: {
        const int row = rowOf(change.node.address);
        if (row < 0) {
            beginInsertRows({}, int(m_rows.size()), int(m_rows.size()));
            m_rows.append(change.node);
            endInsertRows();
        } else {
            // A change older than what is shown (queued before the nodes were
            // loaded) must not take the row back in time.
            if (change.node.lastSeen < m_rows.at(row).lastSeen)
                return;
            m_rows[row] = change.node;
            emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
        }
        highlight(change.node.address);
        break;
    }
    case StoreChange::Type::NodeRemoved: {
        const int row = rowOf(change.node.address);
        if (row < 0)
            return;
        forgetHighlight(change.node.address);
        beginRemoveRows({}, row, row);
        m_rows.removeAt(row);
        endRemoveRows();
        break;
    }
    case StoreChange::Type::IdDeleted:
        // Its nodes went with it.
        setNodes({}, {});
        break;
    case StoreChange::Type::IdCreated:
    case StoreChange::Type::IdUpdated:
        break;
    }
}

int NodeTableModel::rowOf(const QString &address) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).address == address)
            return row;
    }
    return -1;
}

int NodeTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int NodeTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant NodeTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Node &node = m_rows.at(index.row());
    if (role == Qt::BackgroundRole)
        return highlightBackground(index.row());

    switch (index.column()) {
    case AddressColumn:
        if (role == Qt::DisplayRole || role == SortRole)
            return node.address;
        if (role == Qt::ToolTipRole && !node.etcdValue.isEmpty())
            return node.etcdValue; // an etcd member: its name and peer URLs
        break;
    case FirstRegisteredColumn:
        return timeData(node.firstRegistered, role);
    case LastSeenColumn:
        return timeData(node.lastSeen, role);
    case RegistrationsColumn:
        if (role == Qt::DisplayRole || role == SortRole)
            return node.registrations;
        if (role == Qt::TextAlignmentRole)
            return int(Qt::AlignCenter);
        break;
    case RegisteredByColumn:
        if (role == Qt::DisplayRole || role == SortRole)
            return node.registeredBy;
        break;
    }
    return {};
}

QVariant NodeTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case AddressColumn: return tr("Address");
    case FirstRegisteredColumn: return tr("First registered");
    case LastSeenColumn: return tr("Last seen");
    case RegistrationsColumn: return tr("Times registered");
    case RegisteredByColumn: return tr("Registered by");
    }
    return {};
}
