#pragma once

#include "LiveTableModel.h"
#include "store/StoreChange.h"

#include <QHash>

// The discovery IDs, one row each: ID, kind, label, created, nodes, last activity.
// Loaded once from a snapshot, then kept current by applying the store's changes to
// the rows in place. An etcd token's nodes column shows its progress ("2/3 members")
// and is marked once the token is full.
class IdTableModel : public LiveTableModel
{
    Q_OBJECT

public:
    enum Column { IdColumn, KindColumn, LabelColumn, CreatedColumn, NodesColumn, LastActivityColumn, ColumnCount };
    // The text the filter box matches: the ID and its label.
    static constexpr int FilterRole = Qt::UserRole + 2;
    static constexpr int DiscoveryIdRole = Qt::UserRole + 3;

    explicit IdTableModel(QObject *parent = nullptr);

    // Replaces every row: at startup and after the server restarted.
    void setIds(const QList<DiscoveryId> &ids);
    // Applies committed transactions to the rows in place, in order.
    void applyChanges(const QList<StoreChanges> &transactions);

    const DiscoveryId &idAt(int row) const { return m_rows.at(row); }
    int rowOf(const QString &id) const { return m_rowOf.value(id, -1); }
    qint64 totalNodes() const;

    // An etcd token that has as many members as its size, or more: etcd forms the
    // cluster from the first ones, and later members cannot join.
    static bool isFullEtcdToken(const DiscoveryId &id);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

signals:
    // The number of IDs or nodes may have changed.
    void totalsChanged();

protected:
    QString rowKey(int row) const override { return m_rows.at(row).id; }
    int rowOfKey(const QString &key) const override { return rowOf(key); }

private:
    QVariant nodesData(const DiscoveryId &id, int role) const;
    void removeRows(QList<int> rows);
    void reindex();

    QList<DiscoveryId> m_rows;
    QHash<QString, int> m_rowOf;
};
