#include "NodeTableModel.h"

#include "EtcdTokenSize.h"
#include "Icons.h"

#include <QColor>

NodeTableModel::NodeTableModel(QObject *parent)
    : LiveTableModel({FirstRegisteredColumn, LastSeenColumn}, parent)
{
}

void NodeTableModel::setNodes(const QString &discoveryId, const QList<Node> &nodes, DiscoveryKind kind,
                              std::optional<int> expectedSize)
{
    beginResetModel();
    m_discoveryId = discoveryId;
    m_rows = discoveryId.isEmpty() ? QList<Node>() : nodes;
    m_kind = discoveryId.isEmpty() ? DiscoveryKind::Rqlite : kind;
    m_expectedSize = expectedSize;
    clearHighlights();
    m_beyondSize = membersBeyondSize();
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
    updateBeyondSize();
}

QSet<QString> NodeTableModel::membersBeyondSize() const
{
    if (m_kind != DiscoveryKind::Etcd)
        return {};
    return etcdMembersBeyondSize(m_rows, m_expectedSize);
}

void NodeTableModel::updateBeyondSize()
{
    QSet<QString> beyond = membersBeyondSize();
    if (beyond == m_beyondSize)
        return;
    m_beyondSize = std::move(beyond);
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1),
                         {Qt::ForegroundRole, Qt::DecorationRole, Qt::ToolTipRole});
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
    case StoreChange::Type::IdUpdated:
        m_expectedSize = change.discovery.expectedSize; // an import may set it
        break;
    case StoreChange::Type::IdCreated:
    case StoreChange::Type::ChangedElsewhere: // the window reads the nodes again
    case StoreChange::Type::KvWritten:        // Consul KV: not an ID's
    case StoreChange::Type::KvReported:
    case StoreChange::Type::KvDeleted:
    case StoreChange::Type::KvAsked:
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
    const int column = index.column();
    const bool isTimeColumn = column == FirstRegisteredColumn || column == LastSeenColumn;
    if (isBeyondSize(index.row())) {
        if (role == Qt::ForegroundRole)
            return QColor(0xe6, 0x51, 0x00);
        if (role == Qt::DecorationRole && column == AddressColumn)
            return Icons::own(QStringLiteral("warning.svg"));
        if (role == Qt::ToolTipRole && !isTimeColumn)
            return beyondSizeText();
    }

    switch (column) {
    case AddressColumn:
        if (role == Qt::DisplayRole || role == SortRole)
            return node.address;
        if (role == Qt::ToolTipRole && !node.etcdValue.isEmpty())
            return node.etcdValue; // an etcd member: its name and peer URLs
        break;
    case NameColumn:
        if (role == Qt::DisplayRole || role == SortRole)
            return EtcdMemberValue::parse(node.etcdValue).name;
        break;
    case PeerUrlsColumn:
        if (role == Qt::DisplayRole || role == SortRole)
            return EtcdMemberValue::parse(node.etcdValue).peerUrls.join(QStringLiteral(", "));
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

QString NodeTableModel::beyondSizeText() const
{
    return tr("Beyond the token's size of %1: etcd turns this member into a proxy to the first %1 members, "
              "or with --discovery-fallback exit it exits")
        .arg(m_expectedSize.value_or(0));
}

QVariant NodeTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case AddressColumn: return m_kind == DiscoveryKind::Etcd ? tr("Member ID") : tr("Address");
    case NameColumn: return tr("Member name");
    case PeerUrlsColumn: return tr("Peer URLs");
    case FirstRegisteredColumn: return tr("First registered");
    case LastSeenColumn: return tr("Last seen");
    case RegistrationsColumn: return tr("Times registered");
    case RegisteredByColumn: return tr("Registered by");
    }
    return {};
}
