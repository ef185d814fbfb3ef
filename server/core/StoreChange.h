#pragma once

#include "core/Records.h"

#include <QList>
#include <QMetaType>

// One change the store committed. A window applies these to its rows in place
// instead of reloading tables. Changes are emitted once per transaction, after it
// committed, in the order they happened.
struct StoreChange
{
    enum class Type {
        // discovery: the ID as this change left it. Node changes after it in the
        // list count on from there (an import reports a new ID, then its nodes).
        IdCreated,   // discovery: the new ID
        IdUpdated,   // discovery: the ID with its new label, size or times
        IdDeleted,   // only discoveryId; its nodes are gone with it (no NodeRemoved each)
        NodeAdded,   // node: the new node
        NodeUpdated, // node: the node as it is now (registered again)
        NodeRemoved, // node.address: the address removed
        // Anything may differ, so read again: another server on a shared database
        // changed something and this store could not hear what (no LISTEN), or one
        // transaction changed too much to tell change by change (a big prune).
        ChangedElsewhere,
        // Consul KV: kv is the key as it is now.
        KvWritten,  // a write changed it (a new ModifyIndex): blocked readers wake
        KvReported, // a write that changed nothing but reportedAt: nobody wakes
        KvDeleted,  // only kv.key; its askers are gone with it
        KvAsked,    // kv.key was read, or lost a CAS, by asker
    };

    // Made through this server, or heard from another one on a shared database.
    enum class Origin { ThisServer, OtherServer };

    Type type = Type::IdCreated;
    QString discoveryId;
    Timestamp at; // when it happened: an ID's last activity moves to it
    DiscoveryId discovery;
    Node node;
    KvEntry kv{};
    KvAsker asker{};
    Origin origin = Origin::ThisServer;
    // ChangedElsewhere for a big prune here: what it removed (IDs with their nodes,
    // single nodes, KV keys), which no change by change says.
    qint64 prunedIds = 0;
    qint64 prunedNodes = 0;
    qint64 prunedKvKeys = 0;
};

using StoreChanges = QList<StoreChange>;

Q_DECLARE_METATYPE(StoreChanges)
