#pragma once

#include <QString>
#include <QUrl>

// The commands that start a local 3-node rqlite cluster against this discovery
// service, one line per node, ready to paste into three terminals.
QString rqliteCommands(const QUrl &discoveryUrl, const QString &discoveryId);
