#pragma once

#include "core/Records.h"

#include <QList>
#include <QString>

// The part a node plays in how its cluster formed, as the window draws it.
enum class NodeRole {
    Bootstrapped, // rqlite 6: the first to register found only itself and bootstrapped
    Member,       // joined, or one of an etcd token's first size members
    BeyondSize,   // etcd: registered after the token was full; a proxy, or it exits
    Leader,       // Consul KV (rqlite 7+): the node its leader key names
};

// One node of a cluster picture.
struct ClusterNode
{
    QString address; // an rqlite address, an etcd member ID, a Raft address
    Timestamp registered;
    NodeRole role = NodeRole::Member;
    QString name; // an etcd member's name (--name), which says more than its ID; else empty

    // What the picture writes under the node.
    const QString &shownName() const { return name.isEmpty() ? address : name; }
};

// What the cluster picture shows of the selected ID, token or Consul KV cluster: its
// nodes, each with its role, and a line or two about it. Plain data, computed from
// what the window's tables hold, so a test can check it and the diagram just draws it.
struct ClusterPicture
{
    QString title;           // e.g. "3 nodes of the rqlite ID 51423a42-…"
    QString warning;         // what is wrong, for an over-full etcd token; else empty
    QList<ClusterNode> nodes; // in registration order

    bool isEmpty() const { return nodes.isEmpty(); }
    int count(NodeRole role) const;
    // The node with that role (the bootstrapped node, the leader), or nullptr.
    const ClusterNode *first(NodeRole role) const;
};

// The picture of a discovery ID (rqlite) or token (etcd, with its size) and its nodes
// in registration order, as the nodes table holds them. rqlite: the earliest
// registrant is the node that bootstrapped. etcd: the members beyond the token's size.
ClusterPicture pictureOfId(const QString &id, DiscoveryKind kind, std::optional<int> size, const QList<Node> &nodes);

// The picture of a Consul KV cluster (rqlite 7+): the leader its "<disco-key>/leader"
// entry names, and the voters that lost the claim for it (they join the leader).
// Clients that only read the key are counted in the title, not drawn: a read carries
// no node. Every text comes from a client, so control characters are escaped.
ClusterPicture pictureOfKvCluster(const KvEntry &leaderKey, const QList<KvAsker> &askers);
