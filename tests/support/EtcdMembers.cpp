#include "EtcdMembers.h"

#include "EtcdCommands.h"

#include <QDebug>
#include <QDeadlineTimer>
#include <QProcessEnvironment>
#include <QTest>
#include <QStandardPaths>
#include <QTcpServer>

EtcdMembers::~EtcdMembers()
{
    for (auto &member : m_members) {
        if (member->state() == QProcess::NotRunning)
            continue;
        member->terminate();
        if (!member->waitForFinished(5000)) {
            member->kill();
            member->waitForFinished(5000);
        }
    }
}

QString EtcdMembers::missingTools()
{
    // Installed by scripts/install-deps --test; without them a test must fail, not skip.
    if (QStandardPaths::findExecutable(QStringLiteral("etcd")).isEmpty())
        return QStringLiteral("etcd is missing: run scripts/install-deps --test (Debian package etcd-server)");
    if (QStandardPaths::findExecutable(QStringLiteral("etcdctl")).isEmpty())
        return QStringLiteral("etcdctl is missing: run scripts/install-deps --test (Debian package etcd-client)");
    return {};
}

QList<quint16> EtcdMembers::freePorts(int count)
{
    std::vector<std::unique_ptr<QTcpServer>> probes;
    QList<quint16> ports;
    for (int i = 0; i < count; ++i) {
        probes.push_back(std::make_unique<QTcpServer>());
        probes.back()->listen(QHostAddress::LocalHost, 0);
        ports << probes.back()->serverPort();
    }
    return ports;
}

QProcess *EtcdMembers::start(const QString &name, const QString &discoveryUrl, quint16 clientPort, quint16 peerPort,
                             const QStringList &extra)
{
    auto process = std::make_unique<QProcess>();
    process->setProcessChannelMode(QProcess::MergedChannels);
    // The command line the window copies and its local cluster runs.
    const MemberCommand command =
        etcdMemberCommand(name, m_dataDir.filePath(name), {clientPort, peerPort}, QUrl(discoveryUrl));
    process->start(command.program, command.arguments + extra);
    m_members.push_back(std::move(process));
    return m_members.back().get();
}

QString EtcdMembers::memberList(quint16 clientPort)
{
    QProcess etcdctl;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("ETCDCTL_API"), QStringLiteral("3"));
    etcdctl.setProcessEnvironment(env);
    etcdctl.start(QStringLiteral("etcdctl"), {QStringLiteral("--endpoints"),
                                              QStringLiteral("http://127.0.0.1:%1").arg(clientPort),
                                              QStringLiteral("--dial-timeout"), QStringLiteral("2s"),
                                              QStringLiteral("member"), QStringLiteral("list")});
    if (!etcdctl.waitForFinished(10000))
        etcdctl.kill();
    return QString::fromUtf8(etcdctl.readAllStandardOutput());
}

bool EtcdMembers::waitUntilFormed(int count, const QList<quint16> &clientPorts, std::chrono::milliseconds timeout,
                                  QString *report)
{
    // Not QTRY_*: its timeout does not count the seconds etcdctl itself may take.
    // A member serves clients only once its cluster has a leader, so an answer
    // from each one means they all joined one cluster.
    const QDeadlineTimer deadline(timeout);
    QString list;
    int formed = 0;
    while (!deadline.hasExpired()) {
        while (formed < clientPorts.size()) {
            list = memberList(clientPorts.at(formed));
            if (list.count(QStringLiteral(", started, ")) != count)
                break;
            ++formed;
        }
        if (formed == clientPorts.size())
            return true;
        QTest::qWait(200);
    }
    // QtTest cuts a failure message at 1 KiB, so the members' output goes out as
    // warnings, whole, and the message only points at it.
    qWarning().noquote() << QStringLiteral("etcdctl member list at port %1:\n%2").arg(clientPorts.value(formed)).arg(list);
    for (const auto &member : m_members)
        qWarning().noquote() << QStringLiteral("--- %1 (%2), last output:\n%3")
                                    .arg(member->arguments().value(1),
                                         member->state() == QProcess::NotRunning ? QStringLiteral("exited")
                                                                                  : QStringLiteral("running"),
                                         QString::fromUtf8(member->readAll().right(6000)));
    *report = QStringLiteral("%1 of %2 members answered with the whole cluster; their output is in the "
                             "warnings above")
                  .arg(formed)
                  .arg(clientPorts.size());
    return false;
}
