#include "RqliteCommands.h"

#include <QRegularExpression>

QString rqliteCommands(const QUrl &discoveryUrl, const QString &discoveryId)
{
    // Node n serves HTTP on 4001 + 2(n-1) and Raft on the port after it, rqlited's
    // defaults for the first node.
    QStringList lines;
    for (int node = 1; node <= 3; ++node) {
        const int httpPort = 4001 + 2 * (node - 1);
        lines << QStringLiteral("rqlited -disco-url %1 -disco-id %2 -http-addr localhost:%3 "
                                "-raft-addr localhost:%4 ~/node.%5 &")
                     .arg(discoveryUrl.toString(), discoveryId)
                     .arg(httpPort)
                     .arg(httpPort + 1)
                     .arg(node);
        if (node == 1)
            lines << QStringLiteral("sleep 2");
    }
    return lines.join(u'\n') + u'\n';
}

namespace {

// A word the shell passes on as it is: plain ones bare, the rest in single quotes.
QString shellWord(const QString &word)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9._/:-]+$"));
    if (plain.match(word).hasMatch())
        return word;
    QString quoted = word;
    quoted.replace(u'\'', QStringLiteral("'\\''"));
    return u'\'' + quoted + u'\'';
}

} // namespace

QString rqliteKvCommands(const QString &serverAddress, const QString &discoKey)
{
    QStringList lines;
    for (int node = 1; node <= 3; ++node) {
        const int httpPort = 4001 + 2 * (node - 1);
        lines << QStringLiteral("rqlited -node-id %1 -http-addr localhost:%2 -raft-addr localhost:%3 "
                                "-disco-mode consul-kv -disco-key %4 -disco-config %5 ~/node.%1 &")
                     .arg(node)
                     .arg(httpPort)
                     .arg(httpPort + 1)
                     .arg(shellWord(discoKey),
                          shellWord(QStringLiteral("{\"address\":\"%1\"}").arg(serverAddress)));
    }
    return lines.join(u'\n') + u'\n';
}
