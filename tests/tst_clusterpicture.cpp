// The cluster picture on its own: what it computes and what the diagram and the
// timeline draw, for clusters that formed over real HTTP on a real server (a SQLite
// file in a temporary folder): a 3-node rqlite ID, an over-full etcd token, a Consul
// KV cluster (rqlite 7+) and a 1000-node ID. The window's picture, live, is in
// tst_mainwindow.

#include "ClusterDiagram.h"
#include "ClusterPicture.h"
#include "RegistrationHistory.h"
#include "RegistrationTimeline.h"
#include "support/HttpClient.h"
#include "service/DiscoveryService.h"
#include "service/KvService.h"
#include "support/TestServer.h"

#include <QElapsedTimer>
#include <QImage>
#include <QJsonDocument>
#include <QPainter>
#include <QScopeGuard>
#include <QTest>
#include <QUrl>

namespace {

QByteArray body(const QString &address)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("addr"), address}}).toJson(QJsonDocument::Compact);
}

const QStringList RqliteNodes{QStringLiteral("localhost:4001"), QStringLiteral("localhost:4003"),
                              QStringLiteral("localhost:4005")};

// The ID as the window reads it: through the service, from the store.
DiscoveryIdWithNodes readId(TestServer &server, const QString &id)
{
    return *TestServer::onServerThread(server.thread(), [id](DiscoveryServer &s) {
        return s.service().findIdWithNodes(id).value();
    });
}

QList<NodeRole> rolesOf(const ClusterPicture &picture)
{
    QList<NodeRole> roles;
    for (const ClusterNode &node : picture.nodes)
        roles << node.role;
    return roles;
}

QStringList addressesOf(const ClusterPicture &picture)
{
    QStringList addresses;
    for (const ClusterNode &node : picture.nodes)
        addresses << node.address;
    return addresses;
}

QImage render(QWidget &widget)
{
    QImage image(widget.size(), QImage::Format_ARGB32);
    image.fill(Qt::transparent);
    widget.render(&image);
    return image;
}

// Whether the pixel is this colour, give or take what antialiasing blends in.
bool looksLike(const QImage &image, QPointF at, const QColor &expected)
{
    const QColor seen = image.pixelColor(at.toPoint());
    return std::abs(seen.red() - expected.red()) < 24 && std::abs(seen.green() - expected.green()) < 24
        && std::abs(seen.blue() - expected.blue()) < 24;
}

const QColor Gold(0xf9, 0xa8, 0x25);
const QColor Blue(0x1e, 0x88, 0xe5);
const QColor Green(0x2e, 0x7d, 0x32);

} // namespace

class TestClusterPicture : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void aThreeNodeRqliteIdBootstrappedFromItsFirstNode();
    void theTimelineFollowsReRegistrationsAndRemovals();
    void anOverFullEtcdTokenMarksTheMemberBeyondItsSize();
    void aConsulKvClusterShowsItsLeaderAndTheVotersThatLost();
    void aThousandNodeIdIsDrawnCompact();

private:
    QString createRqliteIdWithThreeNodes();

    std::unique_ptr<TestServer> m_server;
};

void TestClusterPicture::init()
{
    m_server = std::make_unique<TestServer>();
    QVERIFY(m_server->start());
}

void TestClusterPicture::cleanup()
{
    m_server.reset();
}

QString TestClusterPicture::createRqliteIdWithThreeNodes()
{
    const QString id = QString::fromUtf8(m_server->createId());
    HttpClient client = m_server->client();
    // One after the other, as the README says: the first alone bootstraps.
    for (const QString &address : RqliteNodes) {
        if (client.send("POST", '/' + id.toUtf8(), body(address), "application-type/json").status != 200)
            return {};
    }
    return id;
}

void TestClusterPicture::aThreeNodeRqliteIdBootstrappedFromItsFirstNode()
{
    const QString id = createRqliteIdWithThreeNodes();
    QVERIFY(!id.isEmpty());
    const DiscoveryIdWithNodes record = readId(*m_server, id);

    // The data: three nodes in registration order, the first bootstrapped.
    const ClusterPicture picture = pictureOfId(id, record.id.kind, record.id.expectedSize, record.nodes);
    QCOMPARE(addressesOf(picture), RqliteNodes);
    QCOMPARE(rolesOf(picture), (QList<NodeRole>{NodeRole::Bootstrapped, NodeRole::Member, NodeRole::Member}));
    QCOMPARE(picture.title, QStringLiteral("3 nodes of the rqlite ID %1").arg(id));
    QVERIFY(picture.warning.isEmpty());

    // The diagram: three circles on a ring, each address under its own, the first starred.
    ClusterDiagram diagram;
    diagram.resize(340, 280);
    diagram.setPicture(picture);
    QVERIFY(!diagram.isCompact());
    QCOMPARE(diagram.labelCount(), 3);
    const QList<ClusterDiagram::DrawnNode> drawn = diagram.drawnNodes();
    QCOMPARE(drawn.size(), 3);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(drawn.at(i).label, RqliteNodes.at(i));
    QCOMPARE(drawn.at(0).note, QStringLiteral("bootstrapped"));
    QCOMPARE(drawn.at(1).note, QString());
    QCOMPARE(diagram.legend(), (QStringList{QStringLiteral("first to register: bootstrapped"), QStringLiteral("member")}));
    for (const auto &node : drawn)
        QVERIFY(QRectF(diagram.rect()).contains(node.shape));
    const QImage image = render(diagram);
    // Gold around the star (under its centre the star's lower notch shows the circle),
    // blue for the nodes that joined.
    QVERIFY(looksLike(image, drawn.at(0).shape.center() + QPointF(0, 9), Gold));
    QVERIFY(looksLike(image, drawn.at(1).shape.center(), Blue));
    QVERIFY(looksLike(image, drawn.at(2).shape.center(), Blue));

    // The timeline: three registrations, in order, left to right, each address written.
    RegistrationHistory history;
    history.reset(id, record.nodes);
    QCOMPARE(history.events().size(), 3);
    RegistrationTimeline timeline;
    timeline.setTimeZone(TimeZoneChoice::Utc);
    timeline.resize(340, 150);
    timeline.setEvents(history.events(), history.dropped(), picture.nodes.first().address);
    const QList<RegistrationTimeline::DrawnEvent> events = timeline.drawnEvents();
    QCOMPARE(events.size(), 3);
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(events.at(i).event.kind, RegistrationEvent::Kind::Registered);
        QCOMPARE(events.at(i).event.address, RqliteNodes.at(i));
        QCOMPARE(events.at(i).event.at, record.nodes.at(i).firstRegistered);
        QCOMPARE(events.at(i).label, RqliteNodes.at(i));
        if (i > 0)
            QVERIFY(events.at(i).marker.x() > events.at(i - 1).marker.x());
    }
    QCOMPARE(timeline.caption(), QStringLiteral("3 registrations"));
    QCOMPARE(timeline.startText(), TimeText::clock(record.nodes.first().firstRegistered, TimeZoneChoice::Utc));
    QCOMPARE(timeline.endText(), TimeText::clock(record.nodes.last().firstRegistered, TimeZoneChoice::Utc));
    const QImage strip = render(timeline);
    QVERIFY(looksLike(strip, events.at(0).marker, Gold)); // the bootstrapped node's star
    QVERIFY(looksLike(strip, events.at(2).marker, Blue));
}

// The store's change notices, as the window receives them, add what a load cannot
// tell: each re-registration and each removal.
void TestClusterPicture::theTimelineFollowsReRegistrationsAndRemovals()
{
    // The notices as the window receives them, queued from the server's thread.
    QList<StoreChanges> arrived;
    const QMetaObject::Connection listening = connect(&m_server->thread(), &ServerThread::storeChanged, this,
                                                      [&arrived](const StoreChanges &changes) { arrived << changes; });
    const auto stopListening = qScopeGuard([listening] { disconnect(listening); });
    auto hasArrived = [&arrived](const QString &address) {
        for (const StoreChanges &changes : std::as_const(arrived)) {
            for (const StoreChange &change : changes) {
                if (change.node.address == address)
                    return true;
            }
        }
        return false;
    };

    const QString id = createRqliteIdWithThreeNodes();
    QVERIFY(!id.isEmpty());
    // Loaded once the notices of what the load holds have arrived, as the window's
    // answers come after them (ServiceClient): only later changes are applied to it.
    QTRY_VERIFY(hasArrived(RqliteNodes.at(2)));
    RegistrationHistory history;
    history.reset(id, readId(*m_server, id).nodes);
    arrived.clear();

    HttpClient client = m_server->client();
    const QByteArray path = '/' + id.toUtf8();
    QCOMPARE(client.post(path, body(RqliteNodes.at(0))).status, 200); // node 1 restarts
    QCOMPARE(client.del(path, body(RqliteNodes.at(1))).status, 200);  // node 2 leaves
    // Another ID's registration, the last: once it has arrived, all of this ID's have.
    QCOMPARE(client.post("/" + m_server->createId(), body(QStringLiteral("elsewhere:1"))).status, 200);
    QTRY_VERIFY(hasArrived(QStringLiteral("elsewhere:1")));
    QVERIFY(history.applyChanges(arrived));

    const QList<RegistrationEvent> &events = history.events();
    QCOMPARE(events.size(), 5); // another ID's registration is not this one's
    QCOMPARE(events.at(3).kind, RegistrationEvent::Kind::RegisteredAgain);
    QCOMPARE(events.at(3).address, RqliteNodes.at(0));
    QCOMPARE(events.at(3).registrations, 2);
    QCOMPARE(events.at(4).kind, RegistrationEvent::Kind::Removed);
    QCOMPARE(events.at(4).address, RqliteNodes.at(1));
    QVERIFY(events.at(3).at < events.at(4).at);

    // Drawn at times a second apart: where labels fit must not depend on how fast
    // this machine sent the requests.
    QList<RegistrationEvent> spaced = events;
    for (qsizetype i = 0; i < spaced.size(); ++i)
        spaced[i].at = Timestamp::fromMicroseconds(events.first().at.microseconds() + i * 1'000'000);
    RegistrationTimeline timeline;
    timeline.resize(400, 150);
    timeline.setEvents(spaced, history.dropped());
    QCOMPARE(timeline.caption(), QStringLiteral("3 registrations, 1 re-registration, 1 removal"));
    const QList<RegistrationTimeline::DrawnEvent> drawn = timeline.drawnEvents();
    // Registrations above the axis, the removal below it.
    QVERIFY(drawn.at(3).marker.y() < drawn.at(4).marker.y());
    QCOMPARE(drawn.at(3).label, QStringLiteral("localhost:4001 again"));
    QCOMPARE(drawn.at(4).label, RqliteNodes.at(1));
    const QImage strip = render(timeline);
    QVERIFY(looksLike(strip, drawn.at(3).marker, QColor(0x7e, 0x57, 0xc2)));
    QVERIFY(looksLike(strip, drawn.at(4).marker, QColor(0xc6, 0x28, 0x28)));
}

void TestClusterPicture::anOverFullEtcdTokenMarksTheMemberBeyondItsSize()
{
    // A token for 3, as etcd's users ask for one, and four members as etcd registers
    // them: the fourth came after the token was full.
    HttpClient client = m_server->client();
    const HttpResponse created = client.get("/new?size=3");
    QCOMPARE(created.status, 200);
    const QByteArray directory = QUrl(QString::fromUtf8(created.body.trimmed())).path().toUtf8();
    const QString token = QString::fromUtf8(directory.mid(directory.lastIndexOf('/') + 1));
    const QStringList members{QStringLiteral("7044d85b7e4db59d"), QStringLiteral("a1b2c3d4e5f60718"),
                              QStringLiteral("0f1e2d3c4b5a6978"), QStringLiteral("5e4d3c2b1a098765")};
    for (int i = 0; i < members.size(); ++i) {
        const QByteArray value = "value=" + QUrl::toPercentEncoding(QStringLiteral("m%1=http://127.0.0.1:%2").arg(i + 1).arg(23801 + i));
        QCOMPARE(client.send("PUT", directory + '/' + members.at(i).toUtf8() + "?prevExist=false", value,
                             "application/x-www-form-urlencoded").status, 201);
    }
    const DiscoveryIdWithNodes record = readId(*m_server, token);
    QCOMPARE(record.id.kind, DiscoveryKind::Etcd);

    // The data: no node bootstraps an etcd cluster; the fourth is beyond the size.
    const ClusterPicture picture = pictureOfId(token, record.id.kind, record.id.expectedSize, record.nodes);
    QCOMPARE(addressesOf(picture), members);
    QCOMPARE(rolesOf(picture),
             (QList<NodeRole>{NodeRole::Member, NodeRole::Member, NodeRole::Member, NodeRole::BeyondSize}));
    QCOMPARE(picture.title, QStringLiteral("4 of 3 members of the etcd token %1").arg(token));
    QVERIFY2(picture.warning.startsWith(QStringLiteral("Over-full: 1 member beyond the token's size of 3.")),
             qPrintable(picture.warning));
    QVERIFY(picture.warning.contains(QStringLiteral("proxy")));
    QVERIFY(picture.warning.contains(QStringLiteral("--discovery-fallback exit")));

    ClusterDiagram diagram;
    diagram.resize(340, 300);
    diagram.setPicture(picture);
    QVERIFY(!diagram.warningRect().isEmpty());
    const QList<ClusterDiagram::DrawnNode> drawn = diagram.drawnNodes();
    QCOMPARE(drawn.size(), 4);
    // A member is written by its name (--name), which says more than its ID.
    QCOMPARE(drawn.at(0).label, QStringLiteral("m1"));
    QCOMPARE(drawn.at(3).label, QStringLiteral("m4"));
    QCOMPARE(drawn.at(3).node.address, members.at(3));
    QCOMPARE(drawn.at(3).note, QStringLiteral("beyond size: proxy"));
    for (int i = 0; i < 3; ++i)
        QCOMPARE(drawn.at(i).note, QString());
    QCOMPARE(diagram.legend(), (QStringList{QStringLiteral("member"), QStringLiteral("beyond size: proxy")}));
    const QImage image = render(diagram);
    QVERIFY(looksLike(image, drawn.at(0).shape.center(), Blue));
    QVERIFY(looksLike(image, drawn.at(3).shape.center(), QColor(0xe6, 0x51, 0x00).lighter(190)));
    // The warning is written in orange above the nodes.
    bool orange = false;
    for (int x = 0; x < image.width() && !orange; ++x) {
        for (int y = int(diagram.warningRect().top()); y < int(diagram.warningRect().bottom()) && !orange; ++y)
            orange = looksLike(image, QPointF(x, y), QColor(0xe6, 0x51, 0x00));
    }
    QVERIFY(orange);
}

void TestClusterPicture::aConsulKvClusterShowsItsLeaderAndTheVotersThatLost()
{
    // Three voters as rqlite 8 sends them (HttpClient opens a connection per request,
    // so each request is an asker of its own): node 1 claims the key, nodes 2 and 3
    // lose the claim, and node 2 reads it again.
    auto node = [](int n) {
        return QStringLiteral("{\"id\":\"%1\",\"api_addr\":\"http://localhost:%2\",\"addr\":\"localhost:%3\"}")
            .arg(n).arg(4001 + 2 * (n - 1)).arg(4002 + 2 * (n - 1)).toUtf8();
    };
    HttpClient client = m_server->client();
    for (int n = 1; n <= 3; ++n) {
        const HttpResponse claimed = client.send("PUT", "/v1/kv/demo/leader?cas=0", node(n), "application/octet-stream");
        QCOMPARE(claimed.body, n == 1 ? QByteArray("true") : QByteArray("false"));
    }
    QCOMPARE(client.get("/v1/kv/demo/leader").status, 200);
    const QString key = QStringLiteral("demo/leader");
    // Who asked is noted off the request's path, a moment later.
    QList<KvAsker> askers;
    QTRY_VERIFY((askers = TestServer::onServerThread(m_server->thread(), [key](DiscoveryServer &s) {
                     return s.kv().askers(key).value();
                 })).size() == 3);
    const KvEntry entry = *TestServer::onServerThread(m_server->thread(), [key](DiscoveryServer &s) {
        return s.kv().get(key).value().entry;
    });

    const ClusterPicture picture = pictureOfKvCluster(entry, askers);
    QCOMPARE(addressesOf(picture), (QStringList{QStringLiteral("localhost:4002"), QStringLiteral("localhost:4004"),
                                                QStringLiteral("localhost:4006")}));
    QCOMPARE(rolesOf(picture), (QList<NodeRole>{NodeRole::Leader, NodeRole::Member, NodeRole::Member}));
    QCOMPARE(picture.title, QStringLiteral("Consul KV cluster demo: 2 voters that lost the claim, 1 client that only read"));

    ClusterDiagram diagram;
    diagram.resize(340, 280);
    diagram.setPicture(picture);
    const QList<ClusterDiagram::DrawnNode> drawn = diagram.drawnNodes();
    QCOMPARE(drawn.size(), 3);
    QCOMPARE(drawn.at(0).note, QStringLiteral("leader"));
    QCOMPARE(diagram.legend(), (QStringList{QStringLiteral("leader (Consul KV)"), QStringLiteral("member")}));
    const QImage image = render(diagram);
    QVERIFY(looksLike(image, drawn.at(0).shape.center(), Green));
    QVERIFY(looksLike(image, drawn.at(1).shape.center(), Blue));
}

void TestClusterPicture::aThousandNodeIdIsDrawnCompact()
{
    // A thousand nodes (the most an ID takes), a millisecond apart, saved in one import.
    DiscoveryIdWithNodes record;
    record.id.id = QStringLiteral("a-thousand-nodes");
    record.id.createdAt = record.id.lastActivity = Timestamp::now();
    for (int i = 0; i < DiscoveryService::DefaultMaxNodesPerId; ++i) {
        Node node;
        node.address = QStringLiteral("10.0.%1.%2:4002").arg(i / 250).arg(i % 250 + 1);
        node.firstRegistered = node.lastSeen =
            Timestamp::fromMicroseconds(record.id.createdAt.microseconds() + qint64(i + 1) * 1000);
        node.registeredBy = QStringLiteral("127.0.0.1");
        record.nodes << node;
    }
    const bool imported = TestServer::onServerThread(m_server->thread(), [record](DiscoveryServer &s) {
        const auto outcome = s.service().importIds({record});
        return outcome.ok() && !outcome->refused;
    });
    QVERIFY(imported);
    const DiscoveryIdWithNodes read = readId(*m_server, record.id.id);
    QCOMPARE(read.nodes.size(), 1000);

    QElapsedTimer clock;
    clock.start();
    const ClusterPicture picture = pictureOfId(read.id.id, read.id.kind, read.id.expectedSize, read.nodes);
    const qint64 computeNs = clock.nsecsElapsed();
    QCOMPARE(picture.count(NodeRole::Bootstrapped), 1);
    QCOMPARE(picture.first(NodeRole::Bootstrapped)->address, record.nodes.first().address);
    QCOMPARE(picture.count(NodeRole::Member), 999);

    // A grid with no label: a thousand addresses would be a grey smear.
    ClusterDiagram diagram;
    diagram.resize(340, 280);
    clock.restart();
    diagram.setPicture(picture);
    const qint64 layoutNs = clock.nsecsElapsed();
    QVERIFY(diagram.isCompact());
    QCOMPARE(diagram.labelCount(), 0);
    QCOMPARE(diagram.drawnNodes().size(), 1000);
    QCOMPARE(diagram.legend(),
             (QStringList{QStringLiteral("first to register: bootstrapped (1)"), QStringLiteral("member (999)")}));
    for (const auto &node : diagram.drawnNodes())
        QVERIFY(QRectF(diagram.rect()).contains(node.shape)); // every one on the screen
    QImage image(diagram.size(), QImage::Format_ARGB32_Premultiplied);
    diagram.render(&image); // completes; how long it takes is printed, not judged
    QVERIFY(looksLike(image, diagram.drawnNodes().at(0).shape.center(), Gold));
    QVERIFY(looksLike(image, diagram.drawnNodes().at(999).shape.center(), Blue));

    // The timeline keeps the latest 500 registrations and labels only what fits.
    RegistrationHistory history;
    history.reset(read.id.id, read.nodes);
    QCOMPARE(history.events().size(), RegistrationHistory::MaxEvents);
    QCOMPARE(history.dropped(), 500);
    QCOMPARE(history.events().first().address, record.nodes.at(500).address);
    RegistrationTimeline timeline;
    timeline.resize(340, 150);
    timeline.setEvents(history.events(), history.dropped());
    QCOMPARE(timeline.drawnEvents().size(), 500);
    const auto labelled = std::count_if(timeline.drawnEvents().cbegin(), timeline.drawnEvents().cend(),
                                        [](const RegistrationTimeline::DrawnEvent &drawn) { return !drawn.label.isEmpty(); });
    QVERIFY(labelled > 0 && labelled < 20);
    QVERIFY(timeline.caption().endsWith(QStringLiteral("(the latest 500 events; 500 older not shown)")));

    // The figure, for the record (not a check: machines differ).
    constexpr int Paints = 100;
    clock.restart();
    for (int i = 0; i < Paints; ++i)
        diagram.render(&image);
    const qint64 diagramNs = clock.nsecsElapsed() / Paints;
    QImage strip(timeline.size(), QImage::Format_ARGB32_Premultiplied);
    clock.restart();
    for (int i = 0; i < Paints; ++i)
        timeline.render(&strip);
    const qint64 timelineNs = clock.nsecsElapsed() / Paints;
    qInfo("1000 nodes: picture computed in %.2f ms, laid out in %.2f ms; a paint of the diagram takes %.3f ms, "
          "of the 500-event timeline %.3f ms (mean of %d)",
          computeNs / 1e6, layoutNs / 1e6, diagramNs / 1e6, timelineNs / 1e6, Paints);
}

QTEST_MAIN(TestClusterPicture)
#include "tst_clusterpicture.moc"
