#pragma once

#include <QString>
#include <QUrl>

// The commands that start a local 3-node rqlite cluster against this discovery
// service, ready to paste into one terminal: each node in the background, and a
// pause after the first, which bootstraps alone (two nodes registering at once would
// each see the other and neither would lead).
QString rqliteCommands(const QUrl &discoveryUrl, const QString &discoveryId);

// The commands that start a local 3-node cluster of rqlite 8 or later that discovers
// through this server's Consul KV API under discoKey, each node in the background.
// serverAddress: "127.0.0.1:4011".
QString rqliteKvCommands(const QString &serverAddress, const QString &discoKey);
