#pragma once

#include "LiveTableModel.h"
#include "core/StoreChange.h"

#include <QSet>

// The nodes registered under one discovery ID (the one selected in the window), in
// registration order: address, first registered, last seen, times registered and
// the remote address that registered it. Kept current in place like the IDs.
// For an etcd token the nodes are its members: the address is the member ID, with
// the member's name and peer URLs beside it, and members beyond the token's size
// (after the first size members by createdIndex, as etcd counts) are marked.
class NodeTableModel : public LiveTableModel
{
    Q_OBJECT

public:
    enum Column { AddressColumn, NameColumn, PeerUrlsColumn, FirstRegisteredColumn, LastSeenColumn,
                  RegistrationsColumn, RegisteredByColumn, ColumnCount };

    explicit NodeTableModel(QObject *parent = nullptr);

    // Shows these nodes of discoveryId, an ID of this kind and expected size; an
    // empty ID shows nothing.
    void setNodes(const QString &discoveryId, const QList<Node> &nodes, DiscoveryKind kind = DiscoveryKind::Rqlite,
                  std::optional<int> expectedSize = std::nullopt);
    QString discoveryId() const { return m_discoveryId; }
    DiscoveryKind kind() const { return m_kind; }
    std::optional<int> expectedSize() const { return m_expectedSize; }
    // The rows, in registration order: what the cluster picture draws.
    const QList<Node> &nodes() const { return m_rows; }
    void applyChanges(const QList<StoreChanges> &transactions);

    const Node &nodeAt(int row) const { return m_rows.at(row); }
    int rowOf(const QString &address) const;
    // An etcd member that registered after the token was full: etcd makes it a
    // proxy, or with --discovery-fallback exit it exits.
    bool isBeyondSize(int row) const { return m_beyondSize.contains(m_rows.at(row).address); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

protected:
    QString rowKey(int row) const override { return m_rows.at(row).address; }
    int rowOfKey(const QString &key) const override { return rowOf(key); }

private:
    void apply(const StoreChange &change);
    QSet<QString> membersBeyondSize() const;
    // Marks the members beyond the size anew after rows or the size changed.
    void updateBeyondSize();
    QString beyondSizeText() const;

    QString m_discoveryId;
    DiscoveryKind m_kind = DiscoveryKind::Rqlite;
    std::optional<int> m_expectedSize;
    QList<Node> m_rows; // an ID has a handful of nodes: a list is the right size
    QSet<QString> m_beyondSize; // addresses of etcd members beyond the token's size
};
