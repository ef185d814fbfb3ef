// A REAL etcd 3.4 cluster (Debian's etcd-server) forms through DiscoDesk on loopback:
// three members bootstrap with --discovery, a fourth is told the cluster is full, and a
// member that registers again is refused. Every process is stopped, also on failure.

#include "support/TestServer.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace {

// Free loopback ports, all held until every one is chosen so none repeats.
QList<quint16> freePorts(int count)
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

} // namespace

class TestEtcdCluster : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<QTemporaryDir> m_dataDir;
    std::vector<std::unique_ptr<QProcess>> m_members;
    QList<quint16> m_clientPorts;

    QProcess *startMember(const QString &name, const QString &discoveryUrl, quint16 clientPort, quint16 peerPort,
                          const QStringList &extra = {})
    {
        auto process = std::make_unique<QProcess>();
        process->setProcessChannelMode(QProcess::MergedChannels);
        const QString client = QStringLiteral("http://127.0.0.1:%1").arg(clientPort);
        const QString peer = QStringLiteral("http://127.0.0.1:%1").arg(peerPort);
        process->start(QStringLiteral("etcd"),
                       QStringList{QStringLiteral("--name"), name,
                                   QStringLiteral("--data-dir"), m_dataDir->filePath(name),
                                   QStringLiteral("--listen-client-urls"), client,
                                   QStringLiteral("--advertise-client-urls"), client,
                                   QStringLiteral("--listen-peer-urls"), peer,
                                   QStringLiteral("--initial-advertise-peer-urls"), peer,
                                   QStringLiteral("--discovery"), discoveryUrl} + extra);
        m_members.push_back(std::move(process));
        return m_members.back().get();
    }

    // What `etcdctl member list` prints against the first member.
    QString memberList()
    {
        QProcess etcdctl;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("ETCDCTL_API"), QStringLiteral("3"));
        etcdctl.setProcessEnvironment(env);
        etcdctl.start(QStringLiteral("etcdctl"), {QStringLiteral("--endpoints"),
                                                  QStringLiteral("http://127.0.0.1:%1").arg(m_clientPorts.first()),
                                                  QStringLiteral("--dial-timeout"), QStringLiteral("2s"),
                                                  QStringLiteral("member"), QStringLiteral("list")});
        if (!etcdctl.waitForFinished(10000))
            etcdctl.kill();
        return QString::fromUtf8(etcdctl.readAllStandardOutput());
    }

private slots:
    void initTestCase()
    {
        // Installed by scripts/install-deps --test; without them this test must fail, not skip.
        QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("etcd")).isEmpty(),
                 "etcd is missing: run scripts/install-deps --test (Debian package etcd-server)");
        QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("etcdctl")).isEmpty(),
                 "etcdctl is missing: run scripts/install-deps --test (Debian package etcd-client)");
    }

    void init()
    {
        m_server = std::make_unique<TestServer>();
        QVERIFY(m_server->start());
        m_dataDir = std::make_unique<QTemporaryDir>();
    }

    void cleanup()
    {
        // Runs after a failure too: no etcd outlives the test.
        for (auto &member : m_members) {
            if (member->state() != QProcess::NotRunning) {
                member->terminate();
                if (!member->waitForFinished(5000)) {
                    member->kill();
                    member->waitForFinished(5000);
                }
            }
        }
        m_members.clear();
        m_server.reset();
        m_dataDir.reset();
    }

    void threeMembersFormAClusterAndAFourthIsTurnedAway()
    {
        const QString discoveryUrl = QString::fromUtf8(m_server->client().get("/new?size=3").body);
        const QByteArray token = QUrl(discoveryUrl).path().mid(6).toUtf8();
        const QList<quint16> ports = freePorts(8);
        m_clientPorts = ports.mid(0, 4);
        for (int i = 0; i < 3; ++i)
            QVERIFY(startMember(QStringLiteral("m%1").arg(i + 1), discoveryUrl, ports.at(i), ports.at(4 + i))
                        ->waitForStarted(5000));

        // etcdctl sees three started members...
        QTRY_VERIFY2_WITH_TIMEOUT(memberList().count(QStringLiteral(", started, ")) == 3, qPrintable(memberList()), 60000);
        const QString list = memberList();
        for (int i = 0; i < 3; ++i)
            QVERIFY2(list.contains(QStringLiteral(", started, m%1, http://127.0.0.1:%2").arg(i + 1).arg(ports.at(4 + i))),
                     qPrintable(list));

        // ...and DiscoDesk lists the same three for the token, with their names.
        const HttpResponse shown = m_server->client().get("/api/v1/ids/" + token);
        QCOMPARE(shown.json().value(QStringLiteral("node_count")).toInt(), 3);
        QStringList names;
        for (const QJsonValue &node : shown.jsonArray(QStringLiteral("nodes")))
            names << node.toObject().value(QStringLiteral("name")).toString();
        names.sort();
        QCOMPARE(names, (QStringList{QStringLiteral("m1"), QStringLiteral("m2"), QStringLiteral("m3")}));

        // A fourth member with --discovery-fallback exit exits, saying the cluster is full.
        QProcess *fourth = startMember(QStringLiteral("m4"), discoveryUrl, ports.at(3), ports.at(7),
                                       {QStringLiteral("--discovery-fallback"), QStringLiteral("exit")});
        QVERIFY(fourth->waitForFinished(30000));
        QVERIFY(fourth->exitCode() != 0);
        const QByteArray output = fourth->readAll();
        QVERIFY2(output.contains("cluster is full"), output.right(600).constData());
        QCOMPARE(m_server->client().get("/api/v1/ids/" + token).json().value(QStringLiteral("node_count")).toInt(), 3);

        // A member that registers again is refused with 412 (etcd: "Key already exists").
        const QString memberId = shown.jsonArray(QStringLiteral("nodes")).at(0).toObject().value(QStringLiteral("addr")).toString();
        const HttpResponse again = m_server->client().send(
            "PUT", "/etcd/" + token + "/" + memberId.toUtf8() + "?prevExist=false",
            "value=" + QUrl::toPercentEncoding(QStringLiteral("m1=http://127.0.0.1:%1").arg(ports.at(4))),
            "application/x-www-form-urlencoded");
        QCOMPARE(again.status, 412);
        QCOMPARE(again.json().value(QStringLiteral("errorCode")).toInt(), 105);
    }
};

QTEST_GUILESS_MAIN(TestEtcdCluster)
#include "tst_etcdcluster.moc"
