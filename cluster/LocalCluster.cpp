#include "LocalCluster.h"

#include "LoopbackPorts.h"

#include <QDir>
#include <QTimer>

LocalCluster::LocalCluster(QObject *parent) : QObject(parent) {}

LocalCluster::~LocalCluster()
{
    stopNow();
}

LocalCluster::Outcome LocalCluster::start(std::unique_ptr<ClusterRecipe> recipe, const QString &title)
{
    if (liveCount() > 0)
        return {QStringLiteral("the local cluster of %1 is still running: stop it first").arg(m_title), {}};
    const int size = recipe->size();
    if (size < 1 || size > MaxSize)
        return {QStringLiteral("a local cluster has 1 to %1 members, not %2").arg(MaxSize).arg(size), {}};
    auto data = std::make_unique<QTemporaryDir>(QDir::temp().filePath(QStringLiteral("discodesk-cluster-XXXXXX")));
    if (!data->isValid())
        return {QStringLiteral("cannot make a data folder in %1: %2").arg(QDir::tempPath(), data->errorString()), {}};

    // The members of the last cluster have all ended; their data goes with them.
    m_members.clear();
    m_recipe = std::move(recipe);
    m_title = title;
    m_data = std::move(data);
    const int generation = ++m_generation;

    Outcome outcome;
    LoopbackPorts ports;
    std::vector<std::unique_ptr<ClusterMember>> members;
    for (int n = 1; n <= size; ++n) {
        members.push_back(makeMember(n, ports, outcome.moved, &outcome.error));
        if (!members.back()) { // nothing starts
            m_recipe.reset();
            m_data.reset();
            emit reset();
            return outcome;
        }
    }
    for (const auto &member : members)
        wire(member.get());
    m_members = std::move(members);
    emit reset();
    ports.release(); // now the members may bind them

    m_members.front()->start();
    auto startOthers = [this, generation] {
        if (generation != m_generation)
            return; // another cluster has replaced this one
        for (const auto &member : m_members)
            member->start(); // only those still waiting start
    };
    if (m_recipe->headStart().count() > 0)
        QTimer::singleShot(m_recipe->headStart(), this, startOthers);
    else
        startOthers();
    return outcome;
}

bool LocalCluster::canAddMember() const
{
    return m_recipe && count() == m_recipe->size() && liveCount() > 0;
}

LocalCluster::Outcome LocalCluster::addMember()
{
    if (!canAddMember())
        return {QStringLiteral("one member beyond the size can be started, while the others run"), {}};
    Outcome outcome;
    LoopbackPorts ports(portsInUse());
    auto member = makeMember(count() + 1, ports, outcome.moved, &outcome.error);
    if (!member)
        return outcome;
    ports.release();
    wire(member.get());
    m_members.push_back(std::move(member));
    emit memberAdded(count() - 1);
    m_members.back()->start();
    return outcome;
}

std::unique_ptr<ClusterMember> LocalCluster::makeMember(int n, LoopbackPorts &ports, QList<MovedPort> &moved,
                                                        QString *error)
{
    const QString name = m_recipe->memberName(n);
    QList<MemberPort> chosen = m_recipe->wantedPorts(n);
    QList<quint16> numbers;
    for (MemberPort &port : chosen) {
        const LoopbackPorts::Choice choice = ports.take(port.port);
        if (choice.port == 0) {
            *error = QStringLiteral("no free port on 127.0.0.1 for %1's %2 port").arg(name, port.name);
            return nullptr;
        }
        if (choice.wantedWasTaken)
            moved << MovedPort{name, port.name, port.port, choice.port};
        port.port = choice.port;
        numbers << choice.port;
    }
    const QString dataDir = QDir(m_data->path()).filePath(m_recipe->dataFolderName(n));
    auto member = std::make_unique<ClusterMember>(name, chosen, m_recipe->command(n, numbers, dataDir), dataDir,
                                                  m_recipe->signs());
    member->setStopGrace(m_stopGrace);
    return member;
}

void LocalCluster::wire(ClusterMember *member)
{
    connect(member, &ClusterMember::stateChanged, this, [this, member] { emit memberChanged(indexOf(member)); });
    connect(member, &ClusterMember::logged, this,
            [this, member](const QStringList &lines) { emit memberLogged(indexOf(member), lines); });
}

void LocalCluster::stopMember(int index)
{
    if (index >= 0 && index < count())
        member(index)->stop();
}

void LocalCluster::stopAll()
{
    for (const auto &member : m_members)
        member->stop();
}

void LocalCluster::stopNow(std::chrono::milliseconds grace)
{
    const auto deadline = std::chrono::steady_clock::now() + grace;
    stopAll(); // every member has its SIGTERM before the first is waited for
    for (const auto &member : m_members)
        member->stopNow(deadline);
}

bool LocalCluster::removeData(QString *error)
{
    auto fail = [error](const QString &why) {
        if (error)
            *error = why;
        return false;
    };
    if (liveCount() > 0)
        return fail(QStringLiteral("members are still running: stop them first"));
    if (!m_data)
        return fail(QStringLiteral("there is no data to remove"));
    const QString path = m_data->path();
    const bool removed = m_data->remove();
    m_data.reset();
    emit dataRemoved();
    return removed || fail(QStringLiteral("%1 could not be removed completely").arg(path));
}

int LocalCluster::indexOf(const ClusterMember *member) const
{
    for (int i = 0; i < count(); ++i) {
        if (m_members.at(size_t(i)).get() == member)
            return i;
    }
    return -1;
}

int LocalCluster::liveCount() const
{
    return int(std::count_if(m_members.cbegin(), m_members.cend(), [](const auto &member) { return member->isLive(); }));
}

QString LocalCluster::dataPath() const
{
    return m_data ? m_data->path() : QString();
}

void LocalCluster::setStopGrace(std::chrono::milliseconds grace)
{
    m_stopGrace = grace;
    for (const auto &member : m_members)
        member->setStopGrace(grace);
}

QSet<quint16> LocalCluster::portsInUse() const
{
    QSet<quint16> ports;
    for (const auto &member : m_members) {
        if (!member->isLive())
            continue;
        for (const MemberPort &port : member->ports())
            ports.insert(port.port);
    }
    return ports;
}
