#include "EtcdCommands.h"

#include <algorithm>

QUrl etcdDiscoveryUrl(const QUrl &serverUrl, const QString &token)
{
    QUrl url = serverUrl;
    url.setPath(QStringLiteral("/etcd/") + token);
    return url;
}

QString etcdCommands(const QUrl &discoveryUrl, int size)
{
    constexpr int ClientBase = 23790; // etcd's client port is 2379, its peer port 2380
    const int peerBase = ClientBase + std::max(10, size);
    QStringList lines;
    for (int member = 1; member <= size; ++member) {
        const QString client = QStringLiteral("http://127.0.0.1:%1").arg(ClientBase + member);
        const QString peer = QStringLiteral("http://127.0.0.1:%1").arg(peerBase + member);
        lines << QStringLiteral("etcd --name m%1 --data-dir ~/etcd-m%1 --listen-client-urls %2 "
                                "--advertise-client-urls %2 --listen-peer-urls %3 "
                                "--initial-advertise-peer-urls %3 --discovery %4 &")
                     .arg(QString::number(member), client, peer, discoveryUrl.toString());
    }
    lines << QStringLiteral("ETCDCTL_API=3 etcdctl --endpoints http://127.0.0.1:%1 member list").arg(ClientBase + 1);
    return lines.join(u'\n') + u'\n';
}
