#pragma once

#include "RegistrationHistory.h"
#include "TimeText.h"

#include <QWidget>

class ClusterDiagram;
class NodeTableModel;
class RegistrationTimeline;

// The picture of the cluster selected in the window: its nodes as a diagram over a
// timeline of its registrations. It draws what the window holds already (the nodes
// table, the store's change notices, the Consul KV tab's rows) and never asks the
// server. It shows either the selected discovery ID or a Consul KV cluster, as the
// window's tab says; the ID's timeline follows the changes all the while.
class ClusterPicturePane : public QWidget
{
    Q_OBJECT

public:
    explicit ClusterPicturePane(const NodeTableModel &nodes, QWidget *parent = nullptr);

    ClusterDiagram *diagram() const { return m_diagram; }
    RegistrationTimeline *timeline() const { return m_timeline; }
    const RegistrationHistory &history() const { return m_history; }

    // The changes have been applied to the nodes table: the ID's events join its
    // timeline, and the picture is drawn again from the table.
    void applyChanges(const QList<StoreChanges> &transactions);
    // Shows the ID of the nodes table (the IDs tab is in front).
    void showSelectedId();
    // Shows a Consul KV cluster instead: its leader key, nullptr when none is
    // selected, and who asked for it.
    void showKvCluster(const KvEntry *leaderKey, const QList<KvAsker> &askers);
    void setTimeZone(TimeZoneChoice zone);

private:
    // The nodes table was loaded anew (another ID, or read again): start over from it.
    void restartFromNodes();
    void drawSelectedId();

    const NodeTableModel &m_nodes;
    RegistrationHistory m_history;
    ClusterDiagram *m_diagram;
    RegistrationTimeline *m_timeline;
    bool m_showingId = true;
};
