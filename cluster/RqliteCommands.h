#pragma once

#include "MemberCommand.h"

#include <QString>
#include <QUrl>

#include <chrono>

// The two ports an rqlite node listens on, both on 127.0.0.1.
struct RqlitePorts
{
    quint16 http = 0;
    quint16 raft = 0;
};

// The ports the copy-ready commands give node n (from 1): HTTP on 4001 + 2(n-1) and
// Raft on the port after it, rqlited's own defaults for the first node.
RqlitePorts rqliteCommandPorts(int node);

// Node n's data folder's name, "node.1".
QString rqliteDataFolderName(int node);

// How long the first node of an rqlite 6 cluster runs alone before the others start:
// it must find only itself and bootstrap; two nodes registering at once would each
// see the other and neither would lead.
inline constexpr std::chrono::seconds RqliteFirstNodeHeadStart{2};

// The command that starts an rqlite 6.x node on loopback, with its data in dataDir,
// that registers with this server (-disco-url) under discoveryId. program: "rqlited",
// or its path.
MemberCommand rqliteDiscoveryIdNode(const QString &program, const QUrl &discoveryUrl, const QString &discoveryId,
                                    RqlitePorts ports, const QString &dataDir);

// The command that starts node n of a cluster of rqlite 7 or later on loopback that
// discovers through this server's Consul KV API under discoKey. serverAddress:
// "127.0.0.1:4011".
MemberCommand rqliteConsulKvNode(const QString &program, int node, const QString &serverAddress,
                                 const QString &discoKey, RqlitePorts ports, const QString &dataDir);

// The commands that start a local 3-node rqlite 6.x cluster against this discovery
// service, ready to paste into one terminal: each node in the background, and a
// pause after the first (RqliteFirstNodeHeadStart).
QString rqliteCommands(const QUrl &discoveryUrl, const QString &discoveryId);

// The commands that start a local 3-node cluster of rqlite 8 or later that discovers
// through this server's Consul KV API under discoKey, each node in the background.
// (Early 7.x releases read -disco-config only as a file's path, not inline JSON.)
QString rqliteKvCommands(const QString &serverAddress, const QString &discoKey);
