#include "EtcdCommands.h"

#include <algorithm>

QUrl etcdDiscoveryUrl(const QUrl &serverUrl, const QString &token)
{
    QUrl url = serverUrl;
    url.setPath(QStringLiteral("/etcd/") + token);
    return url;
}

EtcdPorts etcdCommandPorts(int member, int size)
{
    constexpr int ClientBase = 23790;
    const int peerBase = ClientBase + std::max(10, size);
    return {quint16(ClientBase + member), quint16(peerBase + member)};
}

QString etcdMemberName(int member)
{
    return QStringLiteral("m%1").arg(member);
}

QString etcdDataFolderName(int member)
{
    return QStringLiteral("etcd-") + etcdMemberName(member);
}

MemberCommand etcdMemberCommand(const QString &name, const QString &dataDir, EtcdPorts ports, const QUrl &discoveryUrl)
{
    const QString client = QStringLiteral("http://127.0.0.1:%1").arg(ports.client);
    const QString peer = QStringLiteral("http://127.0.0.1:%1").arg(ports.peer);
    return {QStringLiteral("etcd"),
            {QStringLiteral("--name"), name, QStringLiteral("--data-dir"), dataDir,
             QStringLiteral("--listen-client-urls"), client, QStringLiteral("--advertise-client-urls"), client,
             QStringLiteral("--listen-peer-urls"), peer, QStringLiteral("--initial-advertise-peer-urls"), peer,
             QStringLiteral("--discovery"), discoveryUrl.toString()}};
}

QString etcdCommands(const QUrl &discoveryUrl, int size)
{
    QStringList lines;
    for (int member = 1; member <= size; ++member) {
        const MemberCommand command =
            etcdMemberCommand(etcdMemberName(member), QStringLiteral("~/") + etcdDataFolderName(member),
                              etcdCommandPorts(member, size), discoveryUrl);
        lines << command.shellLine() + QStringLiteral(" &");
    }
    lines << QStringLiteral("ETCDCTL_API=3 etcdctl --endpoints http://127.0.0.1:%1 member list")
                 .arg(etcdCommandPorts(1, size).client);
    return lines.join(u'\n') + u'\n';
}
