#include "RqliteCommands.h"

QString rqliteCommands(const QUrl &discoveryUrl, const QString &discoveryId)
{
    // Node n serves HTTP on 4001 + 2(n-1) and Raft on the port after it, rqlited's
    // defaults for the first node.
    QStringList lines;
    for (int node = 1; node <= 3; ++node) {
        const int httpPort = 4001 + 2 * (node - 1);
        lines << QStringLiteral("rqlited -disco-url %1 -disco-id %2 -http-addr localhost:%3 "
                                "-raft-addr localhost:%4 ~/node.%5")
                     .arg(discoveryUrl.toString(), discoveryId)
                     .arg(httpPort)
                     .arg(httpPort + 1)
                     .arg(node);
    }
    return lines.join(u'\n') + u'\n';
}
