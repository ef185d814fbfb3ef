#pragma once

#include <QList>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <chrono>
#include <memory>
#include <vector>

// Real etcd 3.4 members (Debian's etcd-server) on loopback, each with its data in a
// temporary folder. Every member is stopped when this goes away, also after a
// failed test.
class EtcdMembers
{
public:
    EtcdMembers() = default;
    ~EtcdMembers();

    // A message for QVERIFY2 when etcd or etcdctl is not installed; empty otherwise.
    static QString missingTools();
    // Free loopback ports, all held until every one is chosen so none repeats.
    static QList<quint16> freePorts(int count);

    // Starts a member that bootstraps through discoveryUrl (etcd's --discovery).
    QProcess *start(const QString &name, const QString &discoveryUrl, quint16 clientPort, quint16 peerPort,
                    const QStringList &extra = {});
    // What `etcdctl member list` prints against the member at clientPort.
    static QString memberList(quint16 clientPort);
    // Waits, by the clock, until the member at each of clientPorts lists count
    // started members; false after timeout, with the members' last output printed
    // as warnings and a summary in *report.
    bool waitUntilFormed(int count, const QList<quint16> &clientPorts, std::chrono::milliseconds timeout,
                         QString *report);

private:
    QTemporaryDir m_dataDir;
    std::vector<std::unique_ptr<QProcess>> m_members;
};
