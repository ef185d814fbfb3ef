#pragma once

#include "MemberCommand.h"

#include <QString>
#include <QUrl>

// The --discovery URL of an etcd token: the server's URL + "/etcd/" + token.
QUrl etcdDiscoveryUrl(const QUrl &serverUrl, const QString &token);

// The two ports an etcd member listens on, both on 127.0.0.1.
struct EtcdPorts
{
    quint16 client = 0;
    quint16 peer = 0;
};

// The ports the copy-ready commands give member n (from 1) of a cluster of size:
// clients on 23790 + n and peers on 23800 + n (etcd's own are 2379 and 2380). From
// 10 members on, the peer ports start after the last client port, so that no two
// members share a port; one member beyond the size fits as well.
EtcdPorts etcdCommandPorts(int member, int size);

// Member n's name, "m1"; its data folder's name, "etcd-m1".
QString etcdMemberName(int member);
QString etcdDataFolderName(int member);

// The command that starts one etcd member serving clients and peers on loopback, with
// its data in dataDir, that finds the others through the token's discoveryUrl.
MemberCommand etcdMemberCommand(const QString &name, const QString &dataDir, EtcdPorts ports, const QUrl &discoveryUrl);

// The commands that start a local etcd cluster of size members on loopback against
// this discovery URL, one line per member (in the background, its data in the home
// folder), then the etcdctl command that lists the members.
QString etcdCommands(const QUrl &discoveryUrl, int size);
