#pragma once

#include "ClusterMember.h"
#include "ClusterRecipe.h"

#include <QObject>
#include <QSet>
#include <QTemporaryDir>

#include <chrono>
#include <memory>
#include <vector>

class LoopbackPorts;

// The local cluster DiscoDesk runs for demos and training: real etcd or rqlited
// members as its children, on 127.0.0.1, with their data folders in a temporary
// folder it owns. One cluster at a time; a new one replaces one that has stopped.
// Nothing here waits, but stopNow(), which quitting uses.
class LocalCluster : public QObject
{
    Q_OBJECT

public:
    // Enough for any demo of etcd or rqlite (etcd advises at most 7 voting members).
    static constexpr int MaxSize = 9;
    static constexpr std::chrono::milliseconds QuitGrace{3000};

    explicit LocalCluster(QObject *parent = nullptr);
    // Stops every member (stopNow) and removes the data.
    ~LocalCluster() override;

    // A port a member got instead of the one the copy-ready commands give it, which
    // something else was listening on.
    struct MovedPort
    {
        QString member;
        QString port; // its name: "client", "HTTP"
        quint16 wanted = 0;
        quint16 used = 0;
    };
    struct Outcome
    {
        QString error; // empty: started
        QList<MovedPort> moved;
    };

    // Starts recipe's first size() members, the first of them alone for its head
    // start. title names the cluster in the window. Refused while members of another
    // cluster are live, for more than MaxSize members, or without a data folder.
    Outcome start(std::unique_ptr<ClusterRecipe> recipe, const QString &title);
    // Starts one member beyond the recipe's size, once, while the others run.
    Outcome addMember();
    bool canAddMember() const;

    void stopMember(int index);
    void stopAll();
    // Blocks: every member ends within grace (SIGTERM), or is killed.
    void stopNow(std::chrono::milliseconds grace = QuitGrace);
    // Deletes the data folders; only once every member has ended. False with why.
    bool removeData(QString *error = nullptr);

    const ClusterRecipe *recipe() const { return m_recipe.get(); }
    QString title() const { return m_title; }
    int count() const { return int(m_members.size()); }
    ClusterMember *member(int index) const { return m_members.at(size_t(index)).get(); }
    int indexOf(const ClusterMember *member) const;
    // Members that run or are about to (waiting, starting, running, stopping).
    int liveCount() const;
    // The folder with the members' data folders; empty once removed, or before a start.
    QString dataPath() const;

    void setStopGrace(std::chrono::milliseconds grace);

signals:
    // A new cluster's members replaced the last one's (or, after a failed start, none).
    void reset();
    void memberAdded(int index);
    void memberChanged(int index);
    void memberLogged(int index, const QStringList &lines);
    void dataRemoved();

private:
    // Makes member n (from 1) with its ports chosen from ports; the ports it could
    // not have are added to moved. Nothing, and why in error, without a free port.
    std::unique_ptr<ClusterMember> makeMember(int n, LoopbackPorts &ports, QList<MovedPort> &moved, QString *error);
    // Passes the member's news on as the cluster's.
    void wire(ClusterMember *member);
    QSet<quint16> portsInUse() const;

    std::unique_ptr<ClusterRecipe> m_recipe;
    QString m_title;
    std::unique_ptr<QTemporaryDir> m_data;
    std::vector<std::unique_ptr<ClusterMember>> m_members;
    std::chrono::milliseconds m_stopGrace = ClusterMember::DefaultStopGrace;
    int m_generation = 0; // a head start timer of a replaced cluster does nothing
};
