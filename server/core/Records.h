#pragma once

#include "Timestamp.h"

#include <QList>
#include <QMetaType>
#include <QSet>
#include <QString>
#include <QStringList>

#include <optional>
#include <utility>

// The plain values that move between the store, the discovery rules, the HTTP APIs
// and the window. No behaviour lives here.

enum class DiscoveryKind {
    Rqlite, // rqlite's -disco-url protocol at the root of the HTTP port
    Etcd,   // etcd's --discovery (v2 keys protocol) under /etcd/; IDs are called tokens
};

QString kindName(DiscoveryKind kind);
std::optional<DiscoveryKind> kindFromName(QStringView name);

// One discovery ID: what a user creates and hands to every node of a cluster.
struct DiscoveryId
{
    QString id;
    DiscoveryKind kind = DiscoveryKind::Rqlite;
    Timestamp createdAt;
    std::optional<int> expectedSize; // how many nodes the cluster should have, if known
    QString label;                   // the user's own note, may be empty
    Timestamp lastActivity;          // creation, or the latest registration or removal
    int nodeCount = 0;
    qint64 etcdIndex = 0;            // etcd tokens: the token's X-Etcd-Index, 1 at creation
};

// One address registered under a discovery ID.
struct Node
{
    QString address;
    Timestamp firstRegistered;
    Timestamp lastSeen; // the latest registration
    qint64 registrations = 1;
    QString registeredBy; // remote address of the client that first registered it

    // etcd members only: address is the member ID (the key under the token), value
    // is what the member registered, "name=peerURL[,name=peerURL...]", and etcdIndex
    // its createdIndex.
    QString etcdValue;
    qint64 etcdIndex = 0;
};

// One key of Consul's KV API (rqlite 7 and later keep "<disco-key>/leader" there).
struct KvEntry
{
    QString key;
    std::optional<QByteArray> value; // as sent, byte for byte; nullopt: null (an empty PUT)
    quint64 flags = 0;
    qint64 createIndex = 0;
    qint64 modifyIndex = 0; // the index of the last write that changed it
    Timestamp createdAt;
    Timestamp modifiedAt; // the last write that changed it
    Timestamp reportedAt; // the last write, unchanged ones too: rqlite's leader reports every 10 s
};

// A client that read a key or lost a CAS for it: for rqlite, a voter waiting to join.
struct KvAsker
{
    QString address; // the client's remote address and port
    Timestamp firstAsked;
    Timestamp lastAsked;
    qint64 asks = 1;
    QByteArray offered; // what its last failed CAS would have stored (rqlite: its own node); may be empty
};

// What rqlite's leader writes under "<disco-key>/leader": Go's json.Marshal of its
// node ID, HTTP API address and Raft address. Empty fields when the value is not that.
struct RqliteLeaderValue
{
    QString nodeId;
    QString apiAddress;
    QString raftAddress;

    bool isValid() const { return !nodeId.isEmpty() || !raftAddress.isEmpty(); }
    static RqliteLeaderValue parse(const QByteArray &value);
};

// An etcd member's name and peer URLs, read from its registered value.
struct EtcdMemberValue
{
    QString name;
    QStringList peerUrls;

    static EtcdMemberValue parse(const QString &value);
};

struct DiscoveryIdWithNodes
{
    DiscoveryId id;
    QList<Node> nodes; // in registration order
};

// What rqlite's discovery protocol tells about an ID: just enough for its reply, and
// so read with no column more than that needs.
struct RqliteRecord
{
    QString id;
    Timestamp createdAt;
    QStringList addresses; // in registration order
};

// Paging and filtering for the list of IDs.
struct IdListQuery
{
    enum class Sort { NewestFirst, RecentActivityFirst };

    // Where a NewestFirst page starts: right after this ID in that order (keyset
    // paging). Unlike an offset, it costs the same at any depth and is not shifted
    // by IDs created or deleted meanwhile.
    struct After
    {
        Timestamp createdAt;
        QString id;
    };

    QString filter; // case-insensitive substring of the ID or its label; empty: all
    Sort sort = Sort::NewestFirst;
    int offset = 0;
    int limit = 100;
    std::optional<After> after; // NewestFirst only; offset counts from there
};

// How many IDs and nodes a store holds.
struct StoreCounts
{
    qint64 ids = 0;
    qint64 nodes = 0;
};

// The same by kind, for /metrics: rqlite IDs and their nodes, etcd tokens and their
// members, Consul KV keys.
struct KindCounts
{
    qint64 rqliteIds = 0;
    qint64 rqliteNodes = 0;
    qint64 etcdTokens = 0;
    qint64 etcdMembers = 0;
    qint64 kvKeys = 0;
};

struct IdPage
{
    qint64 total = 0; // IDs matching the filter, over all pages
    QList<DiscoveryId> ids;
};

// What to prune. Each rule is optional; a prune with no rule removes nothing.
// Rules are judged independently against the store as it is when the prune runs:
// an ID matched by createdBefore or noNodes goes with all its nodes, and
// notSeenSince removes single nodes from the IDs that stay. What the keep lists
// name stays whatever the rules say: the rows a user unticked in the preview.
struct PruneRules
{
    std::optional<Timestamp> createdBefore; // IDs created before this time
    std::optional<Timestamp> inactiveSince; // IDs last active (made, registered to) before this time
    bool noNodes = false;                   // IDs that have no nodes...
    // ...and, when set, were created and last active before this time: an ID made
    // a moment ago has had no time to get its first node, and an ID that lost its
    // last node a moment ago may be a cluster restarting.
    std::optional<Timestamp> noNodesInactiveSince;
    std::optional<Timestamp> notSeenSince; // nodes whose last registration is older
    // Consul KV keys last written before this time: for rqlite, a cluster whose
    // leader stopped reporting (it reports every 10 s).
    std::optional<Timestamp> kvNotReportedSince;

    // Only IDs (and their nodes) from `from` up to, not including, `before` (none: to
    // the last), in the database's order of IDs; Consul KV keys only in the last
    // slice. An expiry sweep goes slice by slice, a transaction each, so that
    // registrations never wait for all of it.
    struct IdSlice
    {
        QString from; // empty: from the first
        std::optional<QString> before;
    };
    std::optional<IdSlice> slice;
    bool includesKv() const { return kvNotReportedSince && (!slice || !slice->before); }

    using NodeRef = std::pair<QString, QString>; // (ID, address)
    QSet<QString> keepIds;   // left as they are, with all their nodes
    QSet<NodeRef> keepNodes;
    QSet<QString> keepKvKeys;

    bool isEmpty() const
    {
        return !createdBefore && !inactiveSince && !noNodes && !notSeenSince && !kvNotReportedSince;
    }
};

struct PrunedNode
{
    QString discoveryId;
    QString address;
    Timestamp lastSeen;
    // How many nodes the rules remove from this node's ID, this one included, listed
    // or not: what tells whether keeping some of them leaves the ID untouched.
    qint64 removedFromId = 0;
};

// Exactly what a prune removed, or would remove in a dry run: all of it counted, and
// the first MaxListed IDs and nodes listed (a prune of half a million IDs lists a
// page of them, not all).
struct PruneResult
{
    static constexpr qsizetype MaxListed = 1000;

    QList<DiscoveryId> ids;  // removed IDs, oldest first, each with the node count it had
    QList<PrunedNode> nodes; // nodes removed on their own from IDs that stay
    qint64 idCount = 0;         // every removed ID
    qint64 nodesOfIdsCount = 0; // the nodes those IDs had
    qint64 singleNodeCount = 0; // every node removed on its own
    qint64 singleNodeIdCount = 0; // the IDs (which stay) those nodes are removed from
    QList<KvEntry> kvKeys;      // removed Consul KV keys, by key (without values)
    qint64 kvKeyCount = 0;      // every removed key

    qint64 removedNodeCount() const { return nodesOfIdsCount + singleNodeCount; }
    bool isEmpty() const { return idCount == 0 && singleNodeCount == 0 && kvKeyCount == 0; }
    bool listsAll() const
    {
        return ids.size() == idCount && nodes.size() == singleNodeCount && kvKeys.size() == kvKeyCount;
    }
};

// What an import did.
struct ImportSummary
{
    int idsAdded = 0;
    int idsMerged = 0;   // already present: labels and nodes merged
    int nodesAdded = 0;
    int nodesMerged = 0; // already present: times and counts merged
    int kvAdded = 0;
    int kvMerged = 0; // already present: the later value kept
};

Q_DECLARE_METATYPE(DiscoveryId)
Q_DECLARE_METATYPE(Node)
Q_DECLARE_METATYPE(KvEntry)
Q_DECLARE_METATYPE(KvAsker)
