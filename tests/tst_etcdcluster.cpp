// A REAL etcd 3.4 cluster (Debian's etcd-server) forms through DiscoDesk on loopback:
// three members bootstrap with --discovery, a fourth is told the cluster is full, and a
// member that registers again is refused. Every process is stopped, also on failure.

#include "support/EtcdMembers.h"
#include "support/TestServer.h"

#include <QTest>

#include <memory>

class TestEtcdCluster : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<EtcdMembers> m_members;

private slots:
    void initTestCase()
    {
        const QString missing = EtcdMembers::missingTools();
        QVERIFY2(missing.isEmpty(), qPrintable(missing));
    }

    void init()
    {
        m_server = std::make_unique<TestServer>();
        QVERIFY(m_server->start());
        m_members = std::make_unique<EtcdMembers>();
    }

    void cleanup()
    {
        m_members.reset(); // runs after a failure too: no etcd outlives the test
        m_server.reset();
    }

    void threeMembersFormAClusterAndAFourthIsTurnedAway()
    {
        const QString discoveryUrl = QString::fromUtf8(m_server->client().get("/new?size=3").body);
        const QByteArray token = QUrl(discoveryUrl).path().mid(6).toUtf8();
        const QList<quint16> ports = EtcdMembers::freePorts(8);
        auto memberList = [&] { return EtcdMembers::memberList(ports.at(0)); };
        for (int i = 0; i < 3; ++i)
            QVERIFY(m_members->start(QStringLiteral("m%1").arg(i + 1), discoveryUrl, ports.at(i), ports.at(4 + i))
                        ->waitForStarted(5000));

        // Each member answers etcdctl with three started members...
        QString report;
        QVERIFY2(m_members->waitUntilFormed(3, ports.mid(0, 3), std::chrono::seconds(60), &report), qPrintable(report));
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
        QProcess *fourth = m_members->start(QStringLiteral("m4"), discoveryUrl, ports.at(3), ports.at(7),
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
