#pragma once

#include "LiveTableModel.h"
#include "store/StoreChange.h"

// The nodes registered under one discovery ID (the one selected in the window), in
// registration order: address, first registered, last seen, times registered and
// the remote address that registered it. Kept current in place like the IDs.
class NodeTableModel : public LiveTableModel
{
    Q_OBJECT

public:
    enum Column { AddressColumn, FirstRegisteredColumn, LastSeenColumn, RegistrationsColumn,
                  RegisteredByColumn, ColumnCount };

    explicit NodeTableModel(QObject *parent = nullptr);

    // Shows these nodes of discoveryId; an empty ID shows nothing.
    void setNodes(const QString &discoveryId, const QList<Node> &nodes);
    QString discoveryId() const { return m_discoveryId; }
    void applyChanges(const QList<StoreChanges> &transactions);

    const Node &nodeAt(int row) const { return m_rows.at(row); }
    int rowOf(const QString &address) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

protected:
    QString rowKey(int row) const override { return m_rows.at(row).address; }
    int rowOfKey(const QString &key) const override { return rowOf(key); }

private:
    void apply(const StoreChange &change);

    QString m_discoveryId;
    QList<Node> m_rows; // an ID has a handful of nodes: a list is the right size
};
