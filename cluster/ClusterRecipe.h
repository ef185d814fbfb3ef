#pragma once

#include "MemberCommand.h"

#include <QList>
#include <QString>
#include <QUrl>

#include <chrono>
#include <memory>

// A port a member listens on, by the name its program gives it.
struct MemberPort
{
    QString name; // "client", "peer"; "HTTP", "Raft"
    quint16 port = 0;

    bool operator==(const MemberPort &) const = default;
};

// A log line that tells how a member is doing.
struct LogSign
{
    QString text;    // what such a line contains
    QString meaning; // what the window says of the member once it has been seen
    bool ready = true; // the member serves (as opposed to: is merely running)
};

// What a local cluster is made of: how many members start, each one's name, data
// folder and ports (those of the copy-ready commands, which are built from the same
// functions), its command once its ports and folder are chosen, and what its log
// lines mean.
class ClusterRecipe
{
public:
    enum class Kind { Etcd, Rqlite };

    virtual ~ClusterRecipe() = default;

    virtual Kind kind() const = 0;
    // The members that start at first; LocalCluster allows one more.
    virtual int size() const = 0;
    // Member n, from 1.
    virtual QString memberName(int member) const = 0;
    virtual QString dataFolderName(int member) const = 0;
    virtual QList<MemberPort> wantedPorts(int member) const = 0;
    // ports: the ones chosen, in wantedPorts' order.
    virtual MemberCommand command(int member, const QList<quint16> &ports, const QString &dataDir) const = 0;
    // How long the first member runs alone before the others start.
    virtual std::chrono::milliseconds headStart() const { return {}; }
    // Log lines that tell how a member is doing. With none that says it is ready, a
    // member counts as ready once its process runs.
    virtual QList<LogSign> signs() const { return {}; }
};

// size members of the etcd token whose --discovery URL is discoveryUrl.
std::unique_ptr<ClusterRecipe> etcdRecipe(const QUrl &discoveryUrl, int size);

// Three rqlite 6 nodes (program: rqlited's path) registering under discoveryId.
std::unique_ptr<ClusterRecipe> rqliteDiscoveryIdRecipe(const QString &program, const QUrl &discoveryUrl,
                                                       const QString &discoveryId);

// Three nodes of rqlite 7 or later that discover through the Consul KV API at
// serverAddress ("127.0.0.1:4011") under discoKey.
std::unique_ptr<ClusterRecipe> rqliteConsulKvRecipe(const QString &program, const QString &serverAddress,
                                                    const QString &discoKey);
