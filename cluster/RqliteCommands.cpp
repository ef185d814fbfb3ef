#include "RqliteCommands.h"

namespace {

const QString Rqlited = QStringLiteral("rqlited");
constexpr int CopiedNodes = 3;

QString address(quint16 port)
{
    return QStringLiteral("127.0.0.1:%1").arg(port);
}

QString homeFolder(int node)
{
    return QStringLiteral("~/") + rqliteDataFolderName(node);
}

} // namespace

RqlitePorts rqliteCommandPorts(int node)
{
    const int http = 4001 + 2 * (node - 1);
    return {quint16(http), quint16(http + 1)};
}

QString rqliteDataFolderName(int node)
{
    return QStringLiteral("node.%1").arg(node);
}

MemberCommand rqliteDiscoveryIdNode(const QString &program, const QUrl &discoveryUrl, const QString &discoveryId,
                                    RqlitePorts ports, const QString &dataDir)
{
    return {program,
            {QStringLiteral("-disco-url"), discoveryUrl.toString(), QStringLiteral("-disco-id"), discoveryId,
             QStringLiteral("-http-addr"), address(ports.http), QStringLiteral("-raft-addr"), address(ports.raft),
             dataDir}};
}

MemberCommand rqliteConsulKvNode(const QString &program, int node, const QString &serverAddress,
                                 const QString &discoKey, RqlitePorts ports, const QString &dataDir)
{
    return {program,
            {QStringLiteral("-node-id"), QString::number(node), QStringLiteral("-http-addr"), address(ports.http),
             QStringLiteral("-raft-addr"), address(ports.raft), QStringLiteral("-disco-mode"),
             QStringLiteral("consul-kv"), QStringLiteral("-disco-key"), discoKey, QStringLiteral("-disco-config"),
             QStringLiteral("{\"address\":\"%1\"}").arg(serverAddress), dataDir}};
}

QString rqliteCommands(const QUrl &discoveryUrl, const QString &discoveryId)
{
    QStringList lines;
    for (int node = 1; node <= CopiedNodes; ++node) {
        lines << rqliteDiscoveryIdNode(Rqlited, discoveryUrl, discoveryId, rqliteCommandPorts(node), homeFolder(node))
                         .shellLine()
                + QStringLiteral(" &");
        if (node == 1)
            lines << QStringLiteral("sleep %1").arg(RqliteFirstNodeHeadStart.count());
    }
    return lines.join(u'\n') + u'\n';
}

QString rqliteKvCommands(const QString &serverAddress, const QString &discoKey)
{
    QStringList lines;
    for (int node = 1; node <= CopiedNodes; ++node) {
        lines << rqliteConsulKvNode(Rqlited, node, serverAddress, discoKey, rqliteCommandPorts(node), homeFolder(node))
                         .shellLine()
                + QStringLiteral(" &");
    }
    return lines.join(u'\n') + u'\n';
}
