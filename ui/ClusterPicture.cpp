#include "ClusterPicture.h"

#include "EtcdTokenSize.h"
#include "KvTableModel.h"
#include "Plural.h"
#include "core/Validation.h"

#include <QCoreApplication>
#include <QSet>

#include <algorithm>

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("ClusterPicture", text);
}

ClusterPicture pictureOfRqliteId(const QString &id, const QList<Node> &nodes)
{
    ClusterPicture picture;
    picture.title = nodes.isEmpty() ? tr("No nodes yet in the rqlite ID %1").arg(id)
                                    : tr("%1 of the rqlite ID %2").arg(countOf(nodes.size(), tr("node"), tr("nodes")), id);
    // The first to register found only itself in the reply and bootstrapped; every
    // later one found it and joined. (A node removed since is not known here.)
    qsizetype first = -1;
    for (qsizetype i = 0; i < nodes.size(); ++i) {
        if (first < 0 || nodes.at(i).firstRegistered < nodes.at(first).firstRegistered)
            first = i;
    }
    picture.nodes.reserve(nodes.size());
    for (qsizetype i = 0; i < nodes.size(); ++i)
        picture.nodes.append({nodes.at(i).address, nodes.at(i).firstRegistered,
                              i == first ? NodeRole::Bootstrapped : NodeRole::Member, {}});
    return picture;
}

ClusterPicture pictureOfEtcdToken(const QString &id, std::optional<int> size, const QList<Node> &members)
{
    ClusterPicture picture;
    // etcd has no bootstrapping node: the first size members start the cluster together.
    const QSet<QString> beyond = etcdMembersBeyondSize(members, size);
    picture.nodes.reserve(members.size());
    for (const Node &member : members)
        picture.nodes.append({member.address, member.firstRegistered,
                              beyond.contains(member.address) ? NodeRole::BeyondSize : NodeRole::Member,
                              EtcdMemberValue::parse(member.etcdValue).name});
    const qsizetype count = members.size();
    picture.title = size ? tr("%1 of %2 members of the etcd token %3").arg(count).arg(*size).arg(id)
                         : tr("%1 of the etcd token %2").arg(countOf(count, tr("member"), tr("members")), id);
    if (!beyond.isEmpty()) {
        picture.warning = tr("Over-full: %1 beyond the token's size of %2. etcd makes each a proxy to the first %2 "
                             "(with --discovery-fallback exit it exits instead).")
                              .arg(countOf(beyond.size(), tr("member"), tr("members")))
                              .arg(*size);
    }
    return picture;
}

} // namespace

int ClusterPicture::count(NodeRole role) const
{
    return int(std::count_if(nodes.cbegin(), nodes.cend(), [role](const ClusterNode &node) { return node.role == role; }));
}

const ClusterNode *ClusterPicture::first(NodeRole role) const
{
    for (const ClusterNode &node : nodes) {
        if (node.role == role)
            return &node;
    }
    return nullptr;
}

ClusterPicture pictureOfId(const QString &id, DiscoveryKind kind, std::optional<int> size, const QList<Node> &nodes)
{
    return kind == DiscoveryKind::Etcd ? pictureOfEtcdToken(id, size, nodes) : pictureOfRqliteId(id, nodes);
}

ClusterPicture pictureOfKvCluster(const KvEntry &leaderKey, const QList<KvAsker> &askers)
{
    ClusterPicture picture;
    auto nameOf = [](const RqliteLeaderValue &node) {
        return Validation::escapeControlCharacters(node.raftAddress.isEmpty() ? node.nodeId : node.raftAddress);
    };
    const RqliteLeaderValue leader = RqliteLeaderValue::parse(leaderKey.value.value_or(QByteArray()));
    QSet<QString> drawn;
    if (leader.isValid()) {
        picture.nodes.append({nameOf(leader), leaderKey.createdAt, NodeRole::Leader, {}});
        drawn.insert(nameOf(leader));
    } else {
        picture.warning = tr("The key names no rqlite node: no leader to draw.");
    }
    // In the order they first asked (the store lists the latest first). A voter asks
    // on several connections and may lose more than once: one node each.
    QList<KvAsker> byFirstAsked = askers;
    std::stable_sort(byFirstAsked.begin(), byFirstAsked.end(),
                     [](const KvAsker &a, const KvAsker &b) { return a.firstAsked < b.firstAsked; });
    int readers = 0;
    for (const KvAsker &asker : std::as_const(byFirstAsked)) {
        const RqliteLeaderValue offered = RqliteLeaderValue::parse(asker.offered);
        if (!offered.isValid()) {
            ++readers;
            continue;
        }
        if (drawn.contains(nameOf(offered)))
            continue;
        drawn.insert(nameOf(offered));
        picture.nodes.append({nameOf(offered), asker.firstAsked, NodeRole::Member, {}});
    }
    const QString cluster = Validation::escapeControlCharacters(KvTableModel::discoKeyOf(leaderKey.key));
    const int voters = int(picture.nodes.size()) - (leader.isValid() ? 1 : 0);
    picture.title = tr("Consul KV cluster %1: %2 that lost the claim")
                        .arg(cluster, countOf(voters, tr("voter"), tr("voters")));
    if (readers > 0)
        picture.title += tr(", %1 that only read").arg(countOf(readers, tr("client"), tr("clients")));
    return picture;
}
