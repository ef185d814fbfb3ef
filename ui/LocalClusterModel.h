#pragma once

#include "ClusterMember.h"

#include <QAbstractTableModel>

class LocalCluster;

// The members of the local cluster as the window lists them, live: name, state (with
// the exit status or signal of one that ended on its own), ports, process ID and the
// last line it wrote.
class LocalClusterModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { MemberColumn, StateColumn, PortsColumn, PidColumn, LastLineColumn, ColumnCount };

    explicit LocalClusterModel(LocalCluster &cluster, QObject *parent = nullptr);

    // What the window says of a member's state: "Running: serving clients",
    // "Exited with status 2", "Crashed: signal 9 (SIGKILL)".
    static QString stateText(const ClusterMember &member);
    // "3 members" of etcd, "1 node" of rqlite.
    static QString countText(ClusterRecipe::Kind kind, int count);
    // Whether the state is a failure the user should look at.
    static bool endedBadly(const ClusterMember &member);
    // "23791 · 23801": the ports in the recipe's order (the header names them).
    static QString portsText(const ClusterMember &member);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    LocalCluster &m_cluster;
    int m_rows = 0; // the members shown: the cluster has added one before it says so
};
