#pragma once

#include <QString>
#include <QUrl>

// The --discovery URL of an etcd token: the server's URL + "/etcd/" + token.
QUrl etcdDiscoveryUrl(const QUrl &serverUrl, const QString &token);

// The commands that start a local etcd cluster of size members on loopback against
// this discovery URL, one line per member (in the background), then the etcdctl
// command that lists the members. Member i serves clients on 23790 + i and peers
// on 23800 + i (up to 10 members; beyond that the peer ports start after the last
// client port so that no two members share a port).
QString etcdCommands(const QUrl &discoveryUrl, int size);
