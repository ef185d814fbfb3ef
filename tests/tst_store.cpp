// DiscoveryService on a store on a real database, SQLite or PostgreSQL (TestDatabase;
// CTest runs this suite on both): the rules of registration, change notifications,
// prune, export and import. What only a SQLite file has is in tst_sqlitefile.

#include "service/DiscoveryService.h"
#include "service/KvService.h"
#include "core/ExchangeFormat.h"
#include "store/ChangeMessage.h"
#include "store/Store.h"
#include "support/ExtremeRecords.h"
#include "support/TestDatabase.h"

#include <QBuffer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <limits>

namespace {

Timestamp at(qint64 seconds)
{
    return Timestamp::fromMicroseconds(seconds * 1'000'000);
}

QStringList addresses(const DiscoveryIdWithNodes &record)
{
    QStringList list;
    for (const Node &node : record.nodes)
        list << node.address;
    return list;
}

using NodeChange = DiscoveryService::NodeChange;

// The service on a store, at times the test sets.
class Clocked
{
public:
    explicit Clocked(Store &store) : service(store, [this] { return now; }) {}

    Timestamp now = Timestamp::now();
    DiscoveryService service;

    StoreResult<DiscoveryService::NodeWrite> registerAt(qint64 seconds, const QString &id, const QString &address,
                                                        const QString &registeredBy)
    {
        now = at(seconds);
        return service.registerNode(id, address, registeredBy);
    }
    StoreResult<DiscoveryService::NodeWrite> removeAt(qint64 seconds, const QString &id, const QString &address)
    {
        now = at(seconds);
        return service.removeNode(id, address);
    }
    StoreResult<PruneResult> pruneAt(qint64 seconds, const PruneRules &rules, bool dryRun)
    {
        now = at(seconds);
        return dryRun ? service.previewPrune(rules) : service.prune(rules);
    }
    // An import the rules refuse is a failure here, with where and why.
    StoreResult<ImportSummary> importAt(Timestamp time, const QList<DiscoveryIdWithNodes> &records)
    {
        now = time;
        const auto imported = service.importIds(records);
        if (!imported.ok() || imported->refused)
            return StoreResult<ImportSummary>::failure(imported.ok() ? imported->refused->toString() : imported.error());
        return imported->summary;
    }
    // An ID as given (its name and times), without nodes: as an import brings it.
    bool insert(const DiscoveryId &id)
    {
        DiscoveryIdWithNodes record{id, {}};
        record.id.lastActivity = std::max(id.lastActivity, id.createdAt);
        return importAt(now, {record}).ok();
    }
    // An rqlite ID created at the given second, without nodes.
    bool insertCreatedAt(const QString &id, qint64 seconds)
    {
        DiscoveryId record;
        record.id = id;
        record.createdAt = at(seconds);
        return insert(record);
    }
};

QStringList idsOf(const PruneResult &result)
{
    QStringList ids;
    for (const DiscoveryId &id : result.ids)
        ids << id.id;
    return ids;
}

// "ID/address (how many its ID loses)" for each node listed on its own.
QStringList nodesOf(const PruneResult &result)
{
    QStringList nodes;
    for (const PrunedNode &node : result.nodes)
        nodes << QStringLiteral("%1/%2 (%3)").arg(node.discoveryId, node.address).arg(node.removedFromId);
    return nodes;
}

} // namespace

class TestStore : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_location; // a fresh database for each test function

    QString location() const { return m_location; }
    // Another database, for a test that moves data from one to another; empty (and
    // the reason logged) when it cannot be made, which open() then refuses.
    QString emptyDatabase()
    {
        QString error;
        const QString other = TestDatabase::create(m_dir.path(), &error);
        if (other.isEmpty())
            qWarning("cannot create a second database: %s", qPrintable(error));
        return other;
    }

private slots:
    void init()
    {
        QString error;
        m_location = TestDatabase::create(m_dir.path(), &error);
        QVERIFY2(!m_location.isEmpty(), qPrintable(error));
    }

    void etcdMembersGetStrictlyIncreasingIndexes()
    {
        DISCODESK_OPEN_STORE(store, location());
        Clocked clocked(*store);
        DiscoveryService &service = clocked.service;
        const auto token = service.createId(DiscoveryKind::Etcd, {}, 3);
        QVERIFY(token.ok());
        QVERIFY(QRegularExpression(QStringLiteral("^[0-9a-f]{32}$")).match(token->id).hasMatch());
        QCOMPARE(token->etcdIndex, 1);

        const auto first = service.createEtcdMember(token->id, QStringLiteral("aa"), QStringLiteral("m1=http://a:1"), {});
        const auto second = service.createEtcdMember(token->id, QStringLiteral("bb"), QStringLiteral("m2=http://b:1"), {});
        QCOMPARE(first->member.etcdIndex, 2);
        QCOMPARE(second->member.etcdIndex, 3);
        // Removing a member never lets its index be reused.
        QCOMPARE(service.removeNode(token->id, QStringLiteral("bb"))->change, NodeChange::Removed);
        const auto third = service.createEtcdMember(token->id, QStringLiteral("cc"), QStringLiteral("m3=http://c:1"), {});
        QCOMPARE(third->member.etcdIndex, 4);
        const auto again = service.createEtcdMember(token->id, QStringLiteral("aa"), QStringLiteral("m1=http://a:1"), {});
        QCOMPARE(again->outcome, DiscoveryService::EtcdMemberCreation::Outcome::Exists);
        QCOMPARE(again->tokenIndex, 4);
        const auto rqlite = service.createId(DiscoveryKind::Rqlite, {});
        QCOMPARE(service.createEtcdMember(rqlite->id, QStringLiteral("aa"), QStringLiteral("x"), {})->outcome,
                 DiscoveryService::EtcdMemberCreation::Outcome::UnknownToken);

        const EtcdMemberValue value = EtcdMemberValue::parse(QStringLiteral("m1=http://10.0.0.1:2380,m1=http://[::1]:2380"));
        QCOMPARE(value.name, QStringLiteral("m1"));
        QCOMPARE(value.peerUrls, (QStringList{QStringLiteral("http://10.0.0.1:2380"), QStringLiteral("http://[::1]:2380")}));
    }

    void createsAndFindsIds()
    {
        DISCODESK_OPEN_STORE(store, location());
        Clocked clocked(*store);
        DiscoveryService &service = clocked.service;
        const auto created = service.createId(DiscoveryKind::Rqlite, QStringLiteral("demo cluster"));
        QVERIFY(created.ok());
        // UUID v4: version nibble 4, variant 8-b.
        QVERIFY2(QRegularExpression(QStringLiteral("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"))
                     .match(created->id).hasMatch(), qPrintable(created->id));
        const auto found = store->findId(created->id);
        QVERIFY(found.ok() && found.value());
        QCOMPARE(found.value()->label, QStringLiteral("demo cluster"));
        QCOMPARE(found.value()->createdAt, created->createdAt);
        QCOMPARE(found.value()->kind, DiscoveryKind::Rqlite);
        QVERIFY(!store->findId(QStringLiteral("no-such-id")).value().has_value());
        QVERIFY(service.createId(DiscoveryKind::Rqlite, {})->id != created->id);
    }

    void registrationIsIdempotentAndOrdered()
    {
        DISCODESK_OPEN_STORE(store, location());
        Clocked clocked(*store);
        DiscoveryService &service = clocked.service;
        const QString id = service.createId(DiscoveryKind::Rqlite, {})->id;

        QCOMPARE(clocked.registerAt(100, id, QStringLiteral("localhost:4005"), QStringLiteral("10.0.0.5"))->change,
                 NodeChange::Added);
        QCOMPARE(clocked.registerAt(101, id, QStringLiteral("localhost:4001"), QStringLiteral("10.0.0.1"))->change,
                 NodeChange::Added);
        QCOMPARE(clocked.registerAt(150, id, QStringLiteral("localhost:4005"), QStringLiteral("10.0.0.9"))->change,
                 NodeChange::Updated);

        const auto record = store->findIdWithNodes(id).value();
        QVERIFY(record);
        QCOMPARE(addresses(*record), (QStringList{QStringLiteral("localhost:4005"), QStringLiteral("localhost:4001")}));
        const Node &again = record->nodes.at(0);
        QCOMPARE(again.firstRegistered, at(100));
        QCOMPARE(again.lastSeen, at(150));
        QCOMPARE(again.registrations, 2);
        QCOMPARE(again.registeredBy, QStringLiteral("10.0.0.5")); // the first registrant
        QCOMPARE(record->id.nodeCount, 2);
        QCOMPARE(record->id.lastActivity, at(150));

        QCOMPARE(clocked.registerAt(1, QStringLiteral("unknown"), QStringLiteral("x:1"), {})->change,
                 NodeChange::UnknownId);
    }

    void removalIsIdempotent()
    {
        DISCODESK_OPEN_STORE(store, location());
        Clocked clocked(*store);
        const QString id = Clocked(*store).service.createId(DiscoveryKind::Rqlite, {})->id;
        clocked.registerAt(1, id, QStringLiteral("a:1"), {});
        QCOMPARE(clocked.removeAt(2, id, QStringLiteral("a:1"))->change, NodeChange::Removed);
        QCOMPARE(clocked.removeAt(3, id, QStringLiteral("a:1"))->change, NodeChange::Absent);
        QCOMPARE(clocked.removeAt(3, QStringLiteral("nope"), QStringLiteral("a:1"))->change,
                 NodeChange::UnknownId);
        QCOMPARE(store->findId(id).value()->nodeCount, 0);
        QCOMPARE(store->findId(id).value()->lastActivity, at(2));
    }

    void notifiesWhatChanged()
    {
        DISCODESK_OPEN_STORE(store, location());
        QSignalSpy spy(store.get(), &Store::changed);
        Clocked clocked(*store);
        DiscoveryService &service = clocked.service;
        const QString id = service.createId(DiscoveryKind::Rqlite, QStringLiteral("l"))->id;
        clocked.registerAt(10, id, QStringLiteral("a:1"), QStringLiteral("127.0.0.1"));
        clocked.registerAt(11, id, QStringLiteral("a:1"), QStringLiteral("127.0.0.1"));
        clocked.removeAt(12, id, QStringLiteral("a:1"));
        clocked.removeAt(13, id, QStringLiteral("a:1")); // nothing changed: no signal
        clocked.service.setLabel(id, QStringLiteral("renamed"));
        clocked.service.deleteId(id);
        clocked.service.deleteId(id); // nothing changed: no signal

        QCOMPARE(spy.size(), 6);
        auto change = [&](int i) { return spy.at(i).at(0).value<StoreChanges>().at(0); };
        QCOMPARE(change(0).type, StoreChange::Type::IdCreated);
        QCOMPARE(change(0).discovery.label, QStringLiteral("l"));
        QCOMPARE(change(1).type, StoreChange::Type::NodeAdded);
        QCOMPARE(change(1).node.address, QStringLiteral("a:1"));
        QCOMPARE(change(1).node.registeredBy, QStringLiteral("127.0.0.1"));
        QCOMPARE(change(2).type, StoreChange::Type::NodeUpdated);
        QCOMPARE(change(2).node.registrations, 2);
        QCOMPARE(change(3).type, StoreChange::Type::NodeRemoved);
        QCOMPARE(change(3).at, at(12));
        QCOMPARE(change(4).type, StoreChange::Type::IdUpdated);
        QCOMPARE(change(4).discovery.label, QStringLiteral("renamed"));
        QCOMPARE(change(5).type, StoreChange::Type::IdDeleted);
        QCOMPARE(change(5).discoveryId, id);
    }

    void registrationReadsTheRecordItLeaves()
    {
        DISCODESK_OPEN_STORE(store, location());
        Clocked clocked(*store);
        DiscoveryService &service = clocked.service;
        const auto created = service.createId(DiscoveryKind::Rqlite, {});
        QCOMPARE(clocked.registerAt(5, created->id, QStringLiteral("a:1"), {})->change, NodeChange::Added);
        const auto second = clocked.registerAt(6, created->id, QStringLiteral("b:2"), {});
        QCOMPARE(second->change, NodeChange::Added);
        const RqliteRecord &record = second->record;
        QCOMPARE(record.id, created->id);
        QCOMPARE(record.createdAt, created->createdAt);
        QCOMPARE(record.addresses, (QStringList{QStringLiteral("a:1"), QStringLiteral("b:2")}));
        QCOMPARE(clocked.service.findRqliteRecord(created->id).value()->addresses, record.addresses);

        // An etcd token is not an rqlite ID: rqlite cannot register into it or read it.
        const QString token = service.createId(DiscoveryKind::Etcd, {}, 3)->id;
        QCOMPARE(clocked.registerAt(7, token, QStringLiteral("a:1"), {})->change, NodeChange::UnknownId);
        QVERIFY(!clocked.service.findRqliteRecord(token).value());
        QCOMPARE(store->findId(token).value()->nodeCount, 0);
    }

    void changesTravelBetweenServersIntact()
    {
        // What a PostgreSQL server tells the others of each change (LISTEN/NOTIFY).
        StoreChange created;
        created.type = StoreChange::Type::IdCreated;
        created.discoveryId = QStringLiteral("abc");
        created.at = Timestamp::fromMicroseconds(1487553945589277);
        created.discovery = {QStringLiteral("abc"), DiscoveryKind::Etcd, at(1), 3, QStringLiteral("lab \"1\" caf\u00e9"),
                             at(2), 4, (qint64(1) << 53) + 1};
        StoreChange added;
        added.type = StoreChange::Type::NodeAdded;
        added.discoveryId = QStringLiteral("abc");
        added.at = at(3);
        added.node = {QStringLiteral("m1"), at(3), at(4), 7, QStringLiteral("::1"), QStringLiteral("m1=http://a:1"), 9};
        StoreChange readAgain; // a big prune
        readAgain.type = StoreChange::Type::ChangedElsewhere;
        readAgain.at = at(5);
        for (const StoreChange &change : {created, added, readAgain}) {
            const QByteArray message = ChangeMessage::encode(change);
            QVERIFY(message.size() < 8000); // PostgreSQL's limit for a notification
            const auto decoded = ChangeMessage::decode(message);
            QVERIFY(decoded);
            QCOMPARE(decoded->type, change.type);
            QCOMPARE(decoded->discoveryId, change.discoveryId);
            QCOMPARE(decoded->at, change.at);
            QCOMPARE(decoded->discovery.label, change.discovery.label);
            QCOMPARE(decoded->discovery.expectedSize, change.discovery.expectedSize);
            QCOMPARE(decoded->discovery.etcdIndex, change.discovery.etcdIndex);
            QCOMPARE(decoded->discovery.kind, change.discovery.kind);
            QCOMPARE(decoded->node.address, change.node.address);
            QCOMPARE(decoded->node.registrations, change.node.registrations);
            QCOMPARE(decoded->node.etcdValue, change.node.etcdValue);
            QCOMPARE(decoded->node.etcdIndex, change.node.etcdIndex);
            QCOMPARE(decoded->node.lastSeen, change.node.lastSeen);
        }
        QVERIFY(!ChangeMessage::decode("not json"));
        QVERIFY(!ChangeMessage::decode(R"({"type": 99, "id": "x"})"));
    }

    void keepsEverythingAcrossReopen()
    {
        QString id;
        {
            DISCODESK_OPEN_STORE(store, location());
        Clocked clocked(*store);
            id = Clocked(*store).service.createId(DiscoveryKind::Rqlite, QStringLiteral("kept"))->id;
            clocked.registerAt(5, id, QStringLiteral("a:1"), QStringLiteral("127.0.0.1"));
        }
        DISCODESK_OPEN_STORE(store, location());
        const auto record = store->findIdWithNodes(id).value();
        QVERIFY(record);
        QCOMPARE(record->id.label, QStringLiteral("kept"));
        QCOMPARE(addresses(*record), QStringList{QStringLiteral("a:1")});
    }

    void listsPagesAndFilters()
    {
        DISCODESK_OPEN_STORE(store, location());
        Clocked clocked(*store);
        for (int i = 0; i < 25; ++i) {
            DiscoveryId record;
            record.id = QStringLiteral("id-%1").arg(i, 2, 10, QLatin1Char('0'));
            record.createdAt = at(1000 + i);
            record.label = i % 5 == 0 ? QStringLiteral("Team_A 100%") : QStringLiteral("other");
            QVERIFY(clocked.insert(record));
        }
        clocked.registerAt(5000, QStringLiteral("id-03"), QStringLiteral("a:1"), {});

        IdListQuery query;
        query.limit = 10;
        auto page = store->listIds(query);
        QCOMPARE(page->total, 25);
        QCOMPARE(page->ids.size(), 10);
        QCOMPARE(page->ids.first().id, QStringLiteral("id-24")); // newest first
        query.offset = 20;
        page = store->listIds(query);
        QCOMPARE(page->ids.size(), 5);
        QCOMPARE(page->ids.last().id, QStringLiteral("id-00"));

        query = {};
        query.filter = QStringLiteral("team_a 100%"); // case-insensitive, % is literal
        page = store->listIds(query);
        QCOMPARE(page->total, 5);
        query.filter = QStringLiteral("_");
        QCOMPARE(store->listIds(query)->total, 5); // only labels with "_", not every ID's "-"
        query.filter = QStringLiteral("id-1");
        QCOMPARE(store->listIds(query)->total, 10);

        query = {};
        query.sort = IdListQuery::Sort::RecentActivityFirst;
        page = store->listIds(query);
        QCOMPARE(page->ids.first().id, QStringLiteral("id-03"));
        QCOMPARE(page->ids.first().nodeCount, 1);
    }

    void pagesReadOnAfterTheLastRow()
    {
        // Keyset paging, as the window reads deep pages: ten IDs, three at a time
        // sharing a creation time, so a page can end inside such a group.
        DISCODESK_OPEN_STORE(store, location());
        Clocked clocked(*store);
        for (int i = 9; i >= 0; --i) {
            DiscoveryId record;
            record.id = QStringLiteral("id-%1").arg(i);
            record.createdAt = at(1000 + i / 3);
            record.label = i % 2 ? QStringLiteral("odd") : QString();
            QVERIFY(clocked.insert(record));
        }
        // Newest first, then by ID.
        const QStringList newestFirst = {"id-9", "id-6", "id-7", "id-8", "id-3", "id-4", "id-5", "id-0", "id-1", "id-2"};

        auto readAll = [&](IdListQuery query) {
            QStringList ids;
            for (int pages = 0; pages < 20; ++pages) {
                const auto page = store->listIds(query);
                if (!page.ok())
                    return QStringList{page.error()};
                for (const DiscoveryId &id : page->ids)
                    ids << id.id;
                if (page->ids.size() < query.limit)
                    break;
                query.after = IdListQuery::After{page->ids.constLast().createdAt, page->ids.constLast().id};
            }
            return ids;
        };
        for (int limit : {1, 2, 4}) {
            IdListQuery query;
            query.limit = limit;
            QCOMPARE(readAll(query), newestFirst);
        }

        // With the filter, and from an ID that is gone: the rows after where it was.
        IdListQuery query;
        query.limit = 2;
        query.filter = QStringLiteral("ODD");
        QCOMPARE(readAll(query), QStringList({"id-9", "id-7", "id-3", "id-5", "id-1"}));
        QVERIFY(clocked.service.deleteId(QStringLiteral("id-4")).value());
        query = {};
        query.after = IdListQuery::After{at(1001), QStringLiteral("id-4")};
        const auto page = store->listIds(query);
        QCOMPARE(page->total, 9);
        QCOMPARE(page->ids.size(), 4);
        QCOMPARE(page->ids.constFirst().id, QStringLiteral("id-5"));
    }

    void countsIdsAndNodes()
    {
        DISCODESK_OPEN_STORE(store, location());
        Clocked clocked(*store);
        DiscoveryService &service = clocked.service;
        QCOMPARE(store->countIdsAndNodes()->ids, 0);
        const QString first = service.createId(DiscoveryKind::Rqlite, {})->id;
        const QString second = service.createId(DiscoveryKind::Rqlite, {})->id;
        for (const QString &address : {QStringLiteral("a:1"), QStringLiteral("b:1")})
            clocked.registerAt(5, first, address, {});
        clocked.registerAt(5, second, QStringLiteral("c:1"), {});
        const auto counts = store->countIdsAndNodes();
        QVERIFY2(counts.ok(), qPrintable(counts.error()));
        QCOMPARE(counts->ids, 2);
        QCOMPARE(counts->nodes, 3);
    }

    void pruneDryRunMatchesPrune()
    {
        DISCODESK_OPEN_STORE(store, location());
        Clocked clocked(*store);
        QVERIFY(clocked.insertCreatedAt(QStringLiteral("old"), 100));   // created before 500: goes with its node
        QVERIFY(clocked.insertCreatedAt(QStringLiteral("empty"), 600)); // no nodes: goes
        QVERIFY(clocked.insertCreatedAt(QStringLiteral("busy"), 700));  // keeps its fresh node, loses the stale one
        clocked.registerAt(900, QStringLiteral("old"), QStringLiteral("o:1"), {});
        clocked.registerAt(710, QStringLiteral("busy"), QStringLiteral("stale:1"), {});
        clocked.registerAt(990, QStringLiteral("busy"), QStringLiteral("fresh:1"), {});

        PruneRules rules;
        rules.createdBefore = at(500);
        rules.noNodes = true;
        rules.notSeenSince = at(800);

        const auto preview = clocked.pruneAt(1000, rules, true);
        QVERIFY2(preview.ok(), qPrintable(preview.error()));
        QStringList previewIds;
        for (const DiscoveryId &id : preview->ids)
            previewIds << id.id;
        QCOMPARE(previewIds, (QStringList{QStringLiteral("old"), QStringLiteral("empty")}));
        QCOMPARE(preview->nodes.size(), 1);
        QCOMPARE(preview->nodes.first().address, QStringLiteral("stale:1"));
        QCOMPARE(preview->removedNodeCount(), 2); // o:1 with its ID, stale:1 alone
        QCOMPARE(store->listIds({})->total, 3);     // a dry run removes nothing

        QSignalSpy spy(store.get(), &Store::changed);
        const auto pruned = clocked.pruneAt(1000, rules, false);
        QCOMPARE(pruned->ids.size(), preview->ids.size());
        QCOMPARE(pruned->nodes.size(), preview->nodes.size());
        QCOMPARE(pruned->removedNodeCount(), preview->removedNodeCount());
        QCOMPARE(spy.size(), 1);
        QCOMPARE(spy.at(0).at(0).value<StoreChanges>().size(), 3);

        const auto left = store->listIds({});
        QCOMPARE(left->total, 1);
        QCOMPARE(addresses(*store->findIdWithNodes(QStringLiteral("busy")).value()),
                 QStringList{QStringLiteral("fresh:1")});
    }

    // What a user unticks in the preview stays, and the preview with those exceptions
    // is what the prune removes. A kept ID keeps all its nodes, stale ones too.
    void pruneLeavesWhatIsKept()
    {
        DISCODESK_OPEN_STORE(store, location());
        Clocked clocked(*store);
        KvService kv(*store, [&clocked] { return clocked.now; });
        for (const auto &[id, created] : {std::pair{"old", 100}, std::pair{"empty", 600}, std::pair{"empty-kept", 610},
                                          std::pair{"busy", 700}, std::pair{"quiet", 650}, std::pair{"all-kept", 660}})
            QVERIFY(clocked.insertCreatedAt(QString::fromLatin1(id), created));
        clocked.registerAt(900, QStringLiteral("old"), QStringLiteral("o:1"), {});
        clocked.registerAt(150, QStringLiteral("old"), QStringLiteral("stale:1"), {});
        clocked.registerAt(710, QStringLiteral("busy"), QStringLiteral("stale:1"), {});
        clocked.registerAt(720, QStringLiteral("busy"), QStringLiteral("stale:2"), {});
        clocked.registerAt(990, QStringLiteral("busy"), QStringLiteral("fresh:1"), {});
        clocked.registerAt(700, QStringLiteral("quiet"), QStringLiteral("q:1"), {});
        clocked.registerAt(705, QStringLiteral("quiet"), QStringLiteral("q:2"), {});
        clocked.registerAt(700, QStringLiteral("all-kept"), QStringLiteral("k:1"), {});
        clocked.now = at(100);
        for (const char *key : {"a/leader", "b/leader"})
            QVERIFY(kv.put(QString::fromLatin1(key), QByteArray("x"), 0).ok());
        clocked.now = at(990);
        QVERIFY(kv.put(QStringLiteral("c/leader"), QByteArray("x"), 0).ok());

        PruneRules rules;
        rules.createdBefore = at(500);
        rules.noNodes = true;
        rules.notSeenSince = at(800);
        rules.kvNotReportedSince = at(800);
        const auto everything = clocked.pruneAt(1000, rules, true);
        QVERIFY2(everything.ok(), qPrintable(everything.error()));
        QCOMPARE(idsOf(everything.value()), (QStringList{"old", "empty", "empty-kept"}));
        QCOMPARE(nodesOf(everything.value()), (QStringList{"all-kept/k:1 (1)", "busy/stale:1 (2)", "busy/stale:2 (2)",
                                                    "quiet/q:1 (2)", "quiet/q:2 (2)"}));
        QCOMPARE(everything->singleNodeIdCount, 3);
        QCOMPARE(everything->kvKeyCount, 2);

        rules.keepIds = {QStringLiteral("old"), QStringLiteral("empty-kept")};
        rules.keepNodes = {{QStringLiteral("busy"), QStringLiteral("stale:2")},
                           {QStringLiteral("quiet"), QStringLiteral("q:1")},
                           {QStringLiteral("all-kept"), QStringLiteral("k:1")}};
        rules.keepKvKeys = {QStringLiteral("b/leader")};
        const auto preview = clocked.pruneAt(1000, rules, true);
        QVERIFY2(preview.ok(), qPrintable(preview.error()));
        QCOMPARE(idsOf(preview.value()), QStringList{"empty"});
        QCOMPARE(preview->nodesOfIdsCount, 0);
        QCOMPARE(nodesOf(preview.value()), (QStringList{"busy/stale:1 (1)", "quiet/q:2 (1)"}));
        QCOMPARE(preview->singleNodeCount, 2);
        QCOMPARE(preview->singleNodeIdCount, 2); // all-kept keeps its one stale node: untouched
        QCOMPARE(preview->kvKeys.size(), 1);
        QCOMPARE(preview->kvKeys.constFirst().key, QStringLiteral("a/leader"));
        QCOMPARE(preview->kvKeyCount, 1);

        const auto pruned = clocked.pruneAt(1000, rules, false);
        QVERIFY2(pruned.ok(), qPrintable(pruned.error()));
        QCOMPARE(idsOf(pruned.value()), idsOf(preview.value()));
        QCOMPARE(pruned->idCount, preview->idCount);
        QCOMPARE(pruned->nodesOfIdsCount, preview->nodesOfIdsCount);
        QCOMPARE(nodesOf(pruned.value()), nodesOf(preview.value()));
        QCOMPARE(pruned->singleNodeCount, preview->singleNodeCount);
        QCOMPARE(pruned->singleNodeIdCount, preview->singleNodeIdCount);
        QCOMPARE(pruned->kvKeyCount, preview->kvKeyCount);

        auto nodesLeft = [&](const QString &id) {
            const auto found = store->findIdWithNodes(id);
            return found.ok() && found.value() ? addresses(*found.value()) : QStringList{QStringLiteral("(gone)")};
        };
        QCOMPARE(nodesLeft(QStringLiteral("old")), (QStringList{"o:1", "stale:1"}));
        QCOMPARE(nodesLeft(QStringLiteral("empty")), QStringList{"(gone)"});
        QCOMPARE(nodesLeft(QStringLiteral("empty-kept")), QStringList());
        QCOMPARE(nodesLeft(QStringLiteral("busy")), (QStringList{"stale:2", "fresh:1"}));
        QCOMPARE(nodesLeft(QStringLiteral("quiet")), QStringList{"q:1"});
        QCOMPARE(nodesLeft(QStringLiteral("all-kept")), QStringList{"k:1"});
        // Only an ID that lost a node counts as active at the prune.
        QCOMPARE(store->findId(QStringLiteral("quiet"))->value().lastActivity, at(1000));
        QCOMPARE(store->findId(QStringLiteral("all-kept"))->value().lastActivity, at(700));
        QVERIFY(!kv.get(QStringLiteral("a/leader"))->entry);
        QVERIFY(kv.get(QStringLiteral("b/leader"))->entry);
        QVERIFY(kv.get(QStringLiteral("c/leader"))->entry);
    }

    // A user may untick hundreds of rows: every one is kept, on both engines.
    void pruneKeepsLongListsOfExceptions()
    {
        DISCODESK_OPEN_STORE(store, location());
        Clocked clocked(*store);
        QList<DiscoveryIdWithNodes> records;
        PruneRules rules;
        rules.noNodes = true;
        rules.notSeenSince = at(900); // every node
        QStringList removed;
        for (int i = 0; i < 700; ++i) {
            DiscoveryIdWithNodes record;
            record.id.id = QStringLiteral("id%1").arg(i, 3, 10, QLatin1Char('0'));
            record.id.createdAt = at(i);
            record.id.lastActivity = at(i);
            if (i % 2 == 1) // stale nodes of IDs that stay
                record.nodes << Node{QStringLiteral("n:%1").arg(i), at(i), at(i), 1, QStringLiteral("test"), {}, 0};
            if (i % 7 == 0)
                removed << record.id.id + (i % 2 == 1 ? QStringLiteral("/n:%1").arg(i) : QString());
            else if (i % 2 == 0)
                rules.keepIds.insert(record.id.id);
            else
                rules.keepNodes.insert({record.id.id, QStringLiteral("n:%1").arg(i)});
            records << record;
        }
        QVERIFY(clocked.importAt(at(700), records).ok());
        QCOMPARE(rules.keepIds.size() + rules.keepNodes.size(), 600);

        const auto preview = clocked.pruneAt(1000, rules, true);
        QVERIFY2(preview.ok(), qPrintable(preview.error()));
        QCOMPARE(preview->idCount + preview->singleNodeCount, qint64(removed.size()));
        const auto pruned = clocked.pruneAt(1000, rules, false);
        QVERIFY2(pruned.ok(), qPrintable(pruned.error()));
        QStringList went = idsOf(pruned.value());
        for (const PrunedNode &node : pruned->nodes)
            went << node.discoveryId + u'/' + node.address;
        went.sort();
        QCOMPARE(went, removed);
        QCOMPARE(store->countIdsAndNodes()->ids, 700 - idsOf(pruned.value()).size());
    }

    // "IDs with no nodes" with an age leaves an ID made or active since: rqlite's
    // nodes register seconds after their ID is made. Without one, any age (the
    // admin API's no_nodes alone, as it always was).
    void noNodesWithAnAgeLeavesIdsNewOrActiveSince()
    {
        DISCODESK_OPEN_STORE(store, location());
        Clocked clocked(*store);
        QVERIFY(clocked.insertCreatedAt(QStringLiteral("old-quiet"), 1000));
        QVERIFY(clocked.insertCreatedAt(QStringLiteral("old-emptied"), 1000));
        QVERIFY(clocked.insertCreatedAt(QStringLiteral("old-busy"), 1000));
        QVERIFY(clocked.insertCreatedAt(QStringLiteral("new"), 9990));
        clocked.registerAt(2000, QStringLiteral("old-emptied"), QStringLiteral("a:1"), {});
        clocked.removeAt(9000, QStringLiteral("old-emptied"), QStringLiteral("a:1"));
        clocked.registerAt(2000, QStringLiteral("old-busy"), QStringLiteral("b:1"), {});

        PruneRules rules;
        rules.noNodes = true;
        rules.noNodesInactiveSince = at(10000 - 3600); // an hour before the prune
        const auto preview = clocked.pruneAt(10000, rules, true);
        QVERIFY2(preview.ok(), qPrintable(preview.error()));
        QCOMPARE(idsOf(preview.value()), QStringList{"old-quiet"});
        const auto pruned = clocked.pruneAt(10000, rules, false);
        QCOMPARE(idsOf(pruned.value()), QStringList{"old-quiet"});
        QCOMPARE(store->countIdsAndNodes()->ids, 3);

        rules.noNodesInactiveSince.reset();
        QCOMPARE(idsOf(clocked.pruneAt(10000, rules, true).value()), (QStringList{"old-emptied", "new"}));
    }

    void exportThenImportIntoEmptyStoreGivesSameData()
    {
        QList<DiscoveryIdWithNodes> exported;
        {
            DISCODESK_OPEN_STORE(store, location());
            Clocked clocked(*store);
            DiscoveryService &service = clocked.service;
            for (int i = 0; i < 3; ++i) {
                const QString id = service.createId(DiscoveryKind::Rqlite, QStringLiteral("label %1").arg(i))->id;
                for (int n = 0; n < i + 1; ++n)
                    service.registerNode(id, QStringLiteral("host%1:%2").arg(i).arg(4001 + n), QStringLiteral("127.0.0.1"));
            }
            exported = clocked.service.exportIds({}).value();
        }
        // Through the file format, as a user would move data.
        const QByteArray file = ExchangeFormat::exportDocument(exported, Timestamp::now());
        const auto parsed = ExchangeFormat::parseDocument(file);
        QVERIFY2(!parsed.error, parsed.error ? qPrintable(parsed.error->toString()) : "");

        DISCODESK_OPEN_STORE(target, emptyDatabase());
        const auto summary = Clocked(*target).importAt(Timestamp::now(), parsed.records);
        QVERIFY(summary.ok());
        QCOMPARE(summary->idsAdded, 3);
        QCOMPARE(summary->nodesAdded, 6);
        const auto reexported = Clocked(*target).service.exportIds({}).value();
        QCOMPARE(ExchangeFormat::exportDocument(reexported, at(0)), ExchangeFormat::exportDocument(exported, at(0)));

        // Importing the same file again changes nothing.
        QSignalSpy spy(target.get(), &Store::changed);
        const auto again = Clocked(*target).importAt(Timestamp::now(), parsed.records);
        QCOMPARE(again->idsAdded, 0);
        QCOMPARE(again->idsMerged, 3);
        QCOMPARE(again->nodesMerged, 6);
        QCOMPARE(spy.size(), 0);
        QCOMPARE(ExchangeFormat::exportDocument(Clocked(*target).service.exportIds({}).value(), at(0)),
                 ExchangeFormat::exportDocument(exported, at(0)));
    }

    // Every ID in the window's order read backwards (oldest first; among IDs made in
    // the same microsecond, by ID backwards), each with exactly its own nodes in the
    // order they registered, whether or not the IDs around it have nodes.
    void anExportHasEveryIdInOrderWithItsOwnNodes()
    {
        DISCODESK_OPEN_STORE(store, location());
        Clocked clocked(*store);
        const auto createAt = [&clocked](qint64 seconds, const QString &label) {
            clocked.now = at(seconds);
            return clocked.service.createId(DiscoveryKind::Rqlite, label)->id;
        };
        const QString empty1 = createAt(1, QStringLiteral("no nodes, first"));
        const QString two = createAt(2, QStringLiteral("two nodes"));
        const QString empty2 = createAt(3, QStringLiteral("no nodes, between"));
        const QString twinA = createAt(4, QStringLiteral("twin"));
        const QString twinB = createAt(4, QStringLiteral("twin"));
        const QString empty3 = createAt(5, QStringLiteral("no nodes, last"));
        // Registered in the reverse of the addresses' order.
        QVERIFY(clocked.registerAt(10, two, QStringLiteral("host-b:4002"), QStringLiteral("127.0.0.1")).ok());
        QVERIFY(clocked.registerAt(11, two, QStringLiteral("host-a:4002"), QStringLiteral("127.0.0.1")).ok());
        QVERIFY(clocked.registerAt(12, twinA, QStringLiteral("twin-a:4002"), QStringLiteral("127.0.0.1")).ok());
        QVERIFY(clocked.registerAt(13, twinB, QStringLiteral("twin-b:4002"), QStringLiteral("127.0.0.1")).ok());

        const auto exported = clocked.service.exportIds({});
        QVERIFY2(exported.ok(), qPrintable(exported.error()));
        QStringList order;
        for (const DiscoveryIdWithNodes &record : exported.value())
            order << record.id.id;
        const QStringList twins = twinA > twinB ? QStringList{twinA, twinB} : QStringList{twinB, twinA};
        QCOMPARE(order, (QStringList{empty1, two, empty2} + twins + QStringList{empty3}));
        QHash<QString, DiscoveryIdWithNodes> byId;
        for (const DiscoveryIdWithNodes &record : exported.value()) {
            QCOMPARE(record.id.nodeCount, record.nodes.size());
            byId.insert(record.id.id, record);
        }
        const auto nodesOf = [&byId](const QString &id) { return addresses(byId.value(id)); };
        QCOMPARE(nodesOf(empty1), QStringList());
        QCOMPARE(nodesOf(two), (QStringList{QStringLiteral("host-b:4002"), QStringLiteral("host-a:4002")}));
        QCOMPARE(nodesOf(empty2), QStringList());
        QCOMPARE(nodesOf(twinA), QStringList{QStringLiteral("twin-a:4002")});
        QCOMPARE(nodesOf(twinB), QStringList{QStringLiteral("twin-b:4002")});
        QCOMPARE(nodesOf(empty3), QStringList());
    }

    // The export is written by hand, a row at a time; it must be the very document
    // QJsonDocument made of the same records, whatever the text holds.
    void exportWriterWritesWhatQJsonDocumentWrites()
    {
        const QString awkward = QStringLiteral("q\"b\\s/ t\tn\nr\rf\fb\bnul%1us\x1f del\x7f \u00e9\u65e5\u672c")
                                    .arg(QChar(0)) + QString::fromUcs4(U"\U0001F600") + QChar(0xD800) + u'x'
                                    + QChar(0xDC00);
        DiscoveryIdWithNodes rqlite;
        rqlite.id = {QStringLiteral("a"), DiscoveryKind::Rqlite, at(1), 3, awkward, at(2), 2, 0};
        rqlite.nodes = {Node{QStringLiteral("h\u00e9:1"), at(1), at(5), 7, awkward, {}, 0},
                        Node{QStringLiteral("[::1]:2"), Timestamp::fromMicroseconds(-1), at(6), 1, {}, {}, 0}};
        DiscoveryIdWithNodes etcd;
        etcd.id = {QStringLiteral("b"), DiscoveryKind::Etcd, at(3), std::nullopt, {}, at(4), 1, 9};
        etcd.nodes = {Node{QStringLiteral("m1"), at(3), at(3), 1, QStringLiteral("::1"),
                           QStringLiteral("n\"1=http://a:1,n\"1=http://b:2"), 2}};
        DiscoveryIdWithNodes empty;
        empty.id = {QStringLiteral("c"), DiscoveryKind::Rqlite, at(7), std::nullopt, {}, at(7), 0, 0};
        const QList<DiscoveryIdWithNodes> records{rqlite, etcd, empty};

        QJsonArray ids;
        for (const DiscoveryIdWithNodes &record : records)
            ids.append(ExchangeFormat::toJson(record));
        // Consul KV keys: the value in base64 (or null), flags as a string (all 64 bits).
        const QList<KvEntry> kv{
            KvEntry{awkward + QStringLiteral("/leader"), QByteArray("\x00\xff{}", 4), 18446744073709551615ull, 2, 5,
                    at(1), at(2), at(3)},
            KvEntry{QStringLiteral("empty"), std::nullopt, 0, 7, 7, at(4), at(4), at(5)}};
        QJsonArray keys;
        for (const KvEntry &entry : kv) {
            keys.append(QJsonObject{
                {QStringLiteral("key"), entry.key},
                {QStringLiteral("value"), entry.value ? QJsonValue(QString::fromLatin1(entry.value->toBase64())) : QJsonValue()},
                {QStringLiteral("flags"), QString::number(entry.flags)},
                {QStringLiteral("create_index"), entry.createIndex},
                {QStringLiteral("modify_index"), entry.modifyIndex},
                {QStringLiteral("created_at"), entry.createdAt.toIso8601()},
                {QStringLiteral("modified_at"), entry.modifiedAt.toIso8601()},
                {QStringLiteral("reported_at"), entry.reportedAt.toIso8601()}});
        }
        const QByteArray expected = QJsonDocument(QJsonObject{
            {QStringLiteral("format"), QStringLiteral("discodesk-export")},
            {QStringLiteral("format_version"), 2},
            {QStringLiteral("exported_at"), at(8).toIso8601()},
            {QStringLiteral("ids"), ids},
            {QStringLiteral("kv"), keys},
        }).toJson(QJsonDocument::Indented);
        QCOMPARE(ExchangeFormat::exportDocument(records, at(8), kv), expected);
        // And read back: the keys as they were, but for the indexes (the importer's
        // own). A key may hold anything but NUL.
        QList<KvEntry> readable = kv;
        readable[0].key.remove(QChar(0));
        const ExchangeFormat::ParsedImport parsed =
            ExchangeFormat::parseDocument(ExchangeFormat::exportDocument({}, at(8), readable));
        QVERIFY2(!parsed.error, qPrintable(parsed.error ? parsed.error->toString() : QString()));
        QCOMPARE(parsed.kv.size(), 2);
        QCOMPARE(parsed.kv.at(0).key, readable.at(0).key);
        QCOMPARE(parsed.kv.at(0).value, kv.at(0).value);
        QCOMPARE(parsed.kv.at(0).flags, kv.at(0).flags);
        QCOMPARE(parsed.kv.at(0).reportedAt, kv.at(0).reportedAt);
        QCOMPARE(parsed.kv.at(1).value, std::optional<QByteArray>());
        QCOMPARE(ExchangeFormat::exportDocument({}, at(8)),
                 QJsonDocument(QJsonObject{{QStringLiteral("format"), QStringLiteral("discodesk-export")},
                                           {QStringLiteral("format_version"), 2},
                                           {QStringLiteral("exported_at"), at(8).toIso8601()},
                                           {QStringLiteral("ids"), QJsonArray()},
                                           {QStringLiteral("kv"), QJsonArray()}})
                     .toJson(QJsonDocument::Indented));

        // Through a device, in chunks, the same bytes.
        QBuffer file;
        file.open(QIODevice::WriteOnly);
        ExchangeFormat::ExportWriter writer(at(8), &file);
        for (int i = 0; i < 3000; ++i)
            writer.add(records.at(i % 3));
        QVERIFY(writer.finish());
        QList<DiscoveryIdWithNodes> many;
        for (int i = 0; i < 3000; ++i)
            many.append(records.at(i % 3));
        QCOMPARE(file.data(), ExchangeFormat::exportDocument(many, at(8)));
    }

    // Every value a store can hold, from this DiscoDesk or an older one, comes back
    // from the export file as it was: one refused value would block the whole import.
    void exportOfStorableExtremesParsesBackExactly()
    {
        QList<QList<DiscoveryIdWithNodes>> sets{ExtremeRecords::fixed()};
        for (quint32 seed = 1; seed <= 40; ++seed)
            sets.append(ExtremeRecords::random(seed, 25));
        const QList<Timestamp> exportTimes{Timestamp::fromMicroseconds(std::numeric_limits<qint64>::min()),
                                           Timestamp::now(),
                                           Timestamp::fromMicroseconds(std::numeric_limits<qint64>::max())};
        for (qsizetype i = 0; i < sets.size(); ++i) {
            const QByteArray file = ExchangeFormat::exportDocument(sets.at(i), exportTimes.at(i % exportTimes.size()));
            const auto parsed = ExchangeFormat::parseDocument(file);
            QVERIFY2(!parsed.error, parsed.error ? qPrintable(QStringLiteral("set %1: %2").arg(i).arg(parsed.error->toString())) : "");
            const QString difference = ExtremeRecords::difference(parsed.records, sets.at(i));
            QVERIFY2(difference.isEmpty(), qPrintable(QStringLiteral("set %1: %2").arg(i).arg(difference)));
        }
    }

    // Labels and addresses a user may type, through an export file into a new store.
    void exportOfAwkwardTextImportsExactly()
    {
        DISCODESK_OPEN_STORE(store, location());
        Clocked clocked(*store);
        DiscoveryService &service = clocked.service;
        const QStringList labels{QStringLiteral("say \"hi\""), QStringLiteral("C:\\temp\\"),
                                 QStringLiteral("caf\u00e9 \u65e5\u672c ") + QString::fromUcs4(U"\U0001F680"),
                                 QStringLiteral("</script>&amp;")};
        for (const QString &label : labels) {
            const QString id = service.createId(DiscoveryKind::Rqlite, label)->id;
            // registered_by is what the client's address was; any text must survive.
            QCOMPARE(service.registerNode(id, QStringLiteral("h1.example:4001"), label)->change,
                     NodeChange::Added);
        }
        const auto exported = clocked.service.exportIds({});
        QVERIFY(exported.ok());
        QByteArray file;
        ExchangeFormat::ExportWriter writer(at(0));
        const auto visited = store->exportIds({}, [&](const DiscoveryIdWithNodes &record) {
            writer.add(record);
            return true;
        });
        QCOMPARE(visited.value(), labels.size());
        writer.finish();
        file = writer.takeDocument();
        QCOMPARE(file, ExchangeFormat::exportDocument(exported.value(), at(0)));

        const auto parsed = ExchangeFormat::parseDocument(file);
        QVERIFY2(!parsed.error, parsed.error ? qPrintable(parsed.error->toString()) : "");
        DISCODESK_OPEN_STORE(target, emptyDatabase());
        QVERIFY(Clocked(*target).importAt(Timestamp::now(), parsed.records).ok());
        const auto imported = Clocked(*target).service.exportIds({}).value();
        QCOMPARE(ExchangeFormat::exportDocument(imported, at(0)), file);
        QStringList importedLabels;
        for (const DiscoveryIdWithNodes &record : imported) {
            importedLabels << record.id.label;
            QCOMPARE(record.nodes.constFirst().registeredBy, record.id.label);
        }
        importedLabels.sort();
        QStringList sorted = labels;
        sorted.sort();
        QCOMPARE(importedLabels, sorted);
    }

    // More IDs than a prune reports one by one or lists: the rules still pick exactly
    // the right rows, the counts are right, and listeners hear one "read again".
    void aBigPruneRemovesExactlyWhatItReports()
    {
        DISCODESK_OPEN_STORE(store, location());
        Clocked clocked(*store);
        const int count = 2 * int(Store::MaxPruneNotices) + 200;
        for (int i = 0; i < count; ++i) {
            DiscoveryId record;
            record.id = QStringLiteral("id%1").arg(i, 5, 10, QLatin1Char('0'));
            record.createdAt = at(i);
            QVERIFY(clocked.insert(record));
            if (i % 3 != 0) // every third has no nodes
                QCOMPARE(clocked.registerAt(i + 10, record.id, QStringLiteral("n:%1").arg(i), {})->change,
                         NodeChange::Added);
            if (i % 5 == 0)
                clocked.registerAt(1, record.id, QStringLiteral("old:%1").arg(i), {});
        }
        PruneRules rules;
        rules.createdBefore = at(count / 2); // the older half
        rules.noNodes = true;
        rules.notSeenSince = at(2);

        qsizetype expectedIds = 0;
        qint64 expectedNodes = 0;
        QStringList kept;
        for (int i = 0; i < count; ++i) {
            const int nodes = (i % 3 != 0) + (i % 5 == 0);
            if (i < count / 2 || nodes == 0) {
                ++expectedIds;
                expectedNodes += nodes;
            } else {
                expectedNodes += i % 5 == 0; // its stale node alone
                kept << QStringLiteral("id%1").arg(i, 5, 10, QLatin1Char('0'));
            }
        }
        const auto preview = clocked.pruneAt(100000, rules, true);
        QVERIFY2(preview.ok(), qPrintable(preview.error()));
        QCOMPARE(preview->idCount, expectedIds);
        QCOMPARE(preview->removedNodeCount(), expectedNodes);
        // A page of them listed, oldest first.
        QCOMPARE(preview->ids.size(), PruneResult::MaxListed);
        QCOMPARE(preview->ids.constFirst().id, QStringLiteral("id00000"));
        QVERIFY(!preview->listsAll());

        QSignalSpy spy(store.get(), &Store::changed);
        const auto pruned = clocked.pruneAt(100000, rules, false);
        QVERIFY2(pruned.ok(), qPrintable(pruned.error()));
        QCOMPARE(pruned->idCount, expectedIds);
        QCOMPARE(pruned->singleNodeCount, preview->singleNodeCount);
        QCOMPARE(pruned->removedNodeCount(), expectedNodes);
        QCOMPARE(spy.size(), 1);
        const StoreChanges changes = spy.at(0).at(0).value<StoreChanges>();
        QCOMPARE(changes.size(), 1);
        QCOMPARE(changes.constFirst().type, StoreChange::Type::ChangedElsewhere);

        QStringList left;
        const auto remaining = clocked.service.exportIds({});
        for (const DiscoveryIdWithNodes &record : remaining.value()) {
            left << record.id.id;
            const int i = record.id.id.mid(2).toInt();
            QCOMPARE(addresses(record), i % 3 != 0 ? QStringList{QStringLiteral("n:%1").arg(i)} : QStringList());
            if (i % 5 == 0)
                QCOMPARE(record.id.lastActivity, at(100000)); // it lost its stale node
        }
        QCOMPARE(left, kept);
        // Nothing more to prune: the same rules now find nothing.
        QCOMPARE(clocked.pruneAt(100001, rules, true)->removedNodeCount(), 0);
    }

    void importMergesIntoExistingIds()
    {
        DISCODESK_OPEN_STORE(store, location());
        Clocked clocked(*store);
        DiscoveryId local;
        local.id = QStringLiteral("shared");
        local.createdAt = at(200);
        QVERIFY(clocked.insert(local));
        clocked.registerAt(300, local.id, QStringLiteral("a:1"), QStringLiteral("local"));

        DiscoveryIdWithNodes incoming;
        incoming.id.id = local.id;
        incoming.id.createdAt = at(100);
        incoming.id.lastActivity = at(100);
        incoming.id.label = QStringLiteral("from file");
        incoming.nodes.append(Node{QStringLiteral("a:1"), at(50), at(250), 7, QStringLiteral("remote"), {}, 0});
        incoming.nodes.append(Node{QStringLiteral("b:1"), at(60), at(60), 1, QStringLiteral("remote"), {}, 0});

        const auto summary = Clocked(*store).importAt(at(400), {incoming});
        QCOMPARE(summary->idsMerged, 1);
        QCOMPARE(summary->nodesMerged, 1);
        QCOMPARE(summary->nodesAdded, 1);
        const auto merged = store->findIdWithNodes(local.id).value();
        QCOMPARE(merged->id.createdAt, at(100));            // the earlier
        QCOMPARE(merged->id.label, QStringLiteral("from file")); // local was empty
        const Node &a = merged->nodes.at(0);
        QCOMPARE(a.firstRegistered, at(50));
        QCOMPARE(a.lastSeen, at(300));
        QCOMPARE(a.registrations, 7);
        QCOMPARE(a.registeredBy, QStringLiteral("local"));
        QCOMPARE(addresses(*merged), (QStringList{QStringLiteral("a:1"), QStringLiteral("b:1")}));
    }

    void invalidImportFilesAreRefusedWithWhere()
    {
        QFETCH(QByteArray, file);
        QFETCH(QString, where);
        QFETCH(QString, message);
        const auto parsed = ExchangeFormat::parseDocument(file);
        QVERIFY(parsed.error);
        QVERIFY(parsed.records.isEmpty());
        QCOMPARE(parsed.error->where, where);
        QVERIFY2(parsed.error->message.contains(message), qPrintable(parsed.error->message));
    }
    void invalidImportFilesAreRefusedWithWhere_data()
    {
        QTest::addColumn<QByteArray>("file");
        QTest::addColumn<QString>("where");
        QTest::addColumn<QString>("message");
        const QByteArray head = R"({"format":"discodesk-export","format_version":1,"ids":)";
        const QByteArray good = R"({"id":"a","kind":"rqlite","created_at":"2026-01-01T00:00:00Z","nodes":[]})";
        QTest::newRow("syntax") << QByteArray("{\n  \"format\": ,\n}") << "line 2, column 14" << "not valid JSON";
        QTest::newRow("not object") << QByteArray("[1,2]") << "" << "JSON object";
        QTest::newRow("format") << QByteArray(R"({"format":"x","format_version":1,"ids":[]})") << "format" << "discodesk-export";
        QTest::newRow("newer version") << QByteArray(R"({"format":"discodesk-export","format_version":3,"ids":[]})")
                                       << "format_version" << "newer";
        QTest::newRow("no ids") << QByteArray(R"({"format":"discodesk-export","format_version":1})") << "ids" << "missing";
        QTest::newRow("kv value not base64")
            << QByteArray(R"({"format":"discodesk-export","format_version":2,"ids":[],"kv":[{"key":"k","value":"@@","created_at":"2024-01-01T00:00:00Z"}]})")
            << "kv[0].value" << "base64";
        QTest::newRow("kv key twice")
            << QByteArray(R"({"format":"discodesk-export","format_version":2,"ids":[],"kv":[{"key":"k","value":null,"created_at":"2024-01-01T00:00:00Z"},{"key":"k","value":null,"created_at":"2024-01-01T00:00:00Z"}]})")
            << "kv[1].key" << "twice";
        QTest::newRow("kv flags not a string of digits")
            << QByteArray(R"({"format":"discodesk-export","format_version":2,"ids":[],"kv":[{"key":"k","flags":"-1","created_at":"2024-01-01T00:00:00Z"}]})")
            << "kv[0].flags" << "whole number";
        QTest::newRow("bad id") << head + R"([{"id":"../etc","kind":"rqlite","created_at":"2026-01-01T00:00:00Z"}]})"
                                << "ids[0].id" << "not a valid discovery ID";
        QTest::newRow("reserved id") << head + R"([{"id":"healthz","kind":"rqlite","created_at":"2026-01-01T00:00:00Z"}]})"
                                     << "ids[0].id" << "reserved";
        QTest::newRow("kind") << head + R"([{"id":"a","kind":"zookeeper","created_at":"2026-01-01T00:00:00Z"}]})"
                              << "ids[0].kind" << "not a kind";
        QTest::newRow("time") << head + R"([{"id":"a","kind":"rqlite","created_at":"last tuesday"}]})"
                              << "ids[0].created_at" << "ISO 8601";
        QTest::newRow("duplicate id") << head + "[" + good + "," + good + "]}" << "ids[1].id" << "twice";
        QTest::newRow("node addr type")
            << head + R"([{"id":"a","kind":"rqlite","created_at":"2026-01-01T00:00:00Z","nodes":[{"addr":5,"first_registered":"2026-01-01T00:00:00Z"}]}]})"
            << "ids[0].nodes[0].addr" << "string";
        QTest::newRow("node count")
            << head + R"([{"id":"a","kind":"rqlite","created_at":"2026-01-01T00:00:00Z","nodes":[{"addr":"x:1","first_registered":"2026-01-01T00:00:00Z","registrations":0.5}]}]})"
            << "ids[0].nodes[0].registrations" << "whole number";
        QTest::newRow("time after year 9999 by its zone")
            << head + R"([{"id":"a","kind":"rqlite","created_at":"9999-12-31T23:59:59-14:00"}]})"
            << "ids[0].created_at" << "is after 9999-12-31T23:59:59.999999Z";
        QTest::newRow("time before year 1 by its zone")
            << head + R"([{"id":"a","kind":"rqlite","created_at":"2026-01-01T00:00:00Z","nodes":[{"addr":"x:1","first_registered":"0001-01-01T00:00:00+00:01"}]}]})"
            << "ids[0].nodes[0].first_registered" << "is before 0001-01-01T00:00:00.000000Z";
        QTest::newRow("time beyond what a store holds")
            << head + R"([{"id":"a","kind":"rqlite","created_at":"+294247-01-10T04:00:54.775808Z"}]})"
            << "ids[0].created_at" << "+294247-01-10T04:00:54.775807Z";
        QTest::newRow("registrations beyond 64 bits")
            << head + R"([{"id":"a","kind":"rqlite","created_at":"2026-01-01T00:00:00Z","nodes":[{"addr":"x:1","first_registered":"2026-01-01T00:00:00Z","registrations":9223372036854775808}]}]})"
            << "ids[0].nodes[0].registrations" << "from 1 to 9223372036854775807";
        QTest::newRow("etcd index beyond the largest")
            << head + R"([{"id":"t","kind":"etcd","created_at":"2026-01-01T00:00:00Z","nodes":[{"addr":"m1","first_registered":"2026-01-01T00:00:00Z","value":"m1=http://a:1","etcd_index":4611686018427387904}]}]})"
            << "ids[0].nodes[0].etcd_index" << "from 2 to 4611686018427387903";
        QTest::newRow("duplicate node")
            << head + R"([{"id":"a","kind":"rqlite","created_at":"2026-01-01T00:00:00Z","nodes":[{"addr":"x:1","first_registered":"2026-01-01T00:00:00Z"},{"addr":"x:1","first_registered":"2026-01-01T00:00:00Z"}]}]})"
            << "ids[0].nodes[1].addr" << "twice";
    }
};

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
