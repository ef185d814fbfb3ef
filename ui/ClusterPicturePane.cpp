#include "ClusterPicturePane.h"

#include "ClusterDiagram.h"
#include "NodeTableModel.h"
#include "RegistrationTimeline.h"

#include <QSplitter>
#include <QVBoxLayout>

ClusterPicturePane::ClusterPicturePane(const NodeTableModel &nodes, QWidget *parent)
    : QWidget(parent), m_nodes(nodes), m_diagram(new ClusterDiagram), m_timeline(new RegistrationTimeline)
{
    m_diagram->setObjectName(QStringLiteral("clusterDiagram"));
    m_timeline->setObjectName(QStringLiteral("registrationTimeline"));
    auto *splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(m_diagram);
    splitter->addWidget(m_timeline);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setChildrenCollapsible(false);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    // Every load of the nodes table resets it: a new selection, a read after changes elsewhere.
    connect(&m_nodes, &QAbstractItemModel::modelReset, this, &ClusterPicturePane::restartFromNodes);
    restartFromNodes();
}

void ClusterPicturePane::applyChanges(const QList<StoreChanges> &transactions)
{
    if (m_history.applyChanges(transactions) && m_showingId)
        drawSelectedId();
}

void ClusterPicturePane::showSelectedId()
{
    m_showingId = true;
    drawSelectedId();
}

void ClusterPicturePane::showKvCluster(const KvEntry *leaderKey, const QList<KvAsker> &askers)
{
    m_showingId = false;
    m_diagram->setEmptyText(tr("Select a Consul KV key to see its cluster: the leader and the voters that "
                               "lost the claim."));
    m_diagram->setPicture(leaderKey ? pictureOfKvCluster(*leaderKey, askers) : ClusterPicture());
    // Consul KV keeps when the key was claimed and when each voter asked, not a
    // history of registrations: the Consul KV tab lists those.
    m_timeline->setEmptyText(tr("No registration timeline for Consul KV: rqlite 7 and later nodes claim the "
                                "leader key or read it instead of registering."));
    m_timeline->setEvents({}, 0);
}

void ClusterPicturePane::setTimeZone(TimeZoneChoice zone)
{
    m_timeline->setTimeZone(zone);
}

void ClusterPicturePane::restartFromNodes()
{
    m_history.reset(m_nodes.discoveryId(), m_nodes.nodes());
    if (m_showingId)
        drawSelectedId();
}

void ClusterPicturePane::drawSelectedId()
{
    const QString id = m_nodes.discoveryId();
    const bool etcd = m_nodes.kind() == DiscoveryKind::Etcd;
    m_diagram->setEmptyText(tr("Select a discovery ID to see its cluster form."));
    m_timeline->setEmptyText(id.isEmpty() ? tr("Its registrations appear here, on a time axis.")
                             : etcd        ? tr("No member has registered with this token yet.")
                                           : tr("No node has registered with this ID yet."));
    // Without nodes the title still says which ID it is; with no ID, the hint above.
    const ClusterPicture picture =
        id.isEmpty() ? ClusterPicture() : pictureOfId(id, m_nodes.kind(), m_nodes.expectedSize(), m_nodes.nodes());
    m_diagram->setPicture(picture);
    const ClusterNode *bootstrapped = picture.first(NodeRole::Bootstrapped);
    m_timeline->setEvents(m_history.events(), m_history.dropped(), bootstrapped ? bootstrapped->address : QString());
}
