#include "ClusterRecipe.h"

#include "EtcdCommands.h"
#include "RqliteCommands.h"

namespace {

class EtcdRecipe final : public ClusterRecipe
{
public:
    EtcdRecipe(const QUrl &discoveryUrl, int size) : m_url(discoveryUrl), m_size(size) {}

    Kind kind() const override { return Kind::Etcd; }
    int size() const override { return m_size; }
    QString memberName(int member) const override { return etcdMemberName(member); }
    QString dataFolderName(int member) const override { return etcdDataFolderName(member); }
    QList<MemberPort> wantedPorts(int member) const override
    {
        const EtcdPorts ports = etcdCommandPorts(member, m_size);
        return {{QStringLiteral("client"), ports.client}, {QStringLiteral("peer"), ports.peer}};
    }
    MemberCommand command(int member, const QList<quint16> &ports, const QString &dataDir) const override
    {
        return etcdMemberCommand(memberName(member), dataDir, {ports.value(0), ports.value(1)}, m_url);
    }
    QList<LogSign> signs() const override
    {
        // etcd 3.4's words (Debian's etcd-server). A member waits in discovery until
        // the token is full, then serves; one that finds the token full already
        // becomes a proxy to the cluster (etcd's default --discovery-fallback).
        const QString proxy = QStringLiteral("a proxy to the cluster: the token was already full");
        return {{QStringLiteral("ready to serve client requests"), QStringLiteral("serving clients"), true},
                {QStringLiteral("discovery cluster full, falling back to proxy"), proxy, false},
                {QStringLiteral("proxy started listening on client requests"), proxy, true}};
    }

private:
    QUrl m_url;
    int m_size;
};

// rqlited's two discovery modes differ only in their command lines.
class RqliteRecipe : public ClusterRecipe
{
public:
    explicit RqliteRecipe(QString program) : m_program(std::move(program)) {}

    Kind kind() const override { return Kind::Rqlite; }
    int size() const override { return 3; } // as many as the copy-ready commands start
    QString memberName(int member) const override { return QStringLiteral("node %1").arg(member); }
    QString dataFolderName(int member) const override { return rqliteDataFolderName(member); }
    QList<MemberPort> wantedPorts(int member) const override
    {
        const RqlitePorts ports = rqliteCommandPorts(member);
        return {{QStringLiteral("HTTP"), ports.http}, {QStringLiteral("Raft"), ports.raft}};
    }

protected:
    static RqlitePorts portsOf(const QList<quint16> &ports) { return {ports.value(0), ports.value(1)}; }

    QString m_program;
};

class RqliteDiscoveryIdRecipe final : public RqliteRecipe
{
public:
    RqliteDiscoveryIdRecipe(const QString &program, const QUrl &url, const QString &id)
        : RqliteRecipe(program), m_url(url), m_id(id)
    {
    }

    MemberCommand command(int, const QList<quint16> &ports, const QString &dataDir) const override
    {
        return rqliteDiscoveryIdNode(m_program, m_url, m_id, portsOf(ports), dataDir);
    }
    std::chrono::milliseconds headStart() const override { return RqliteFirstNodeHeadStart; }

private:
    QUrl m_url;
    QString m_id;
};

class RqliteConsulKvRecipe final : public RqliteRecipe
{
public:
    RqliteConsulKvRecipe(const QString &program, const QString &serverAddress, const QString &discoKey)
        : RqliteRecipe(program), m_serverAddress(serverAddress), m_discoKey(discoKey)
    {
    }

    MemberCommand command(int member, const QList<quint16> &ports, const QString &dataDir) const override
    {
        return rqliteConsulKvNode(m_program, member, m_serverAddress, m_discoKey, portsOf(ports), dataDir);
    }

private:
    QString m_serverAddress;
    QString m_discoKey;
};

} // namespace

std::unique_ptr<ClusterRecipe> etcdRecipe(const QUrl &discoveryUrl, int size)
{
    return std::make_unique<EtcdRecipe>(discoveryUrl, size);
}

std::unique_ptr<ClusterRecipe> rqliteDiscoveryIdRecipe(const QString &program, const QUrl &discoveryUrl,
                                                       const QString &discoveryId)
{
    return std::make_unique<RqliteDiscoveryIdRecipe>(program, discoveryUrl, discoveryId);
}

std::unique_ptr<ClusterRecipe> rqliteConsulKvRecipe(const QString &program, const QString &serverAddress,
                                                    const QString &discoKey)
{
    return std::make_unique<RqliteConsulKvRecipe>(program, serverAddress, discoKey);
}
