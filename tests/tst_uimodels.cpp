// The window's models on their own: the IDs and nodes tables applying the store's
// changes in place (under QAbstractItemModelTester), the request log, the change
// batching, and the texts the window shows or copies.

#include "ChangeBatcher.h"
#include "service/ExportFiles.h"
#include "IdTableModel.h"
#include "NodeTableModel.h"
#include "RequestLogModel.h"
#include "StoreTotals.h"
#include "TimeText.h"
#include "support/TestServer.h"

#include <QAbstractItemModelTester>
#include <QColor>
#include <QIcon>
#include <QSet>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>
#include <QTimer>

namespace {

Timestamp at(qint64 seconds)
{
    return Timestamp::fromMicroseconds(seconds * 1'000'000);
}

DiscoveryId makeId(const QString &id, qint64 createdSeconds, const QString &label = {}, int nodes = 0)
{
    DiscoveryId record;
    record.id = id;
    record.createdAt = at(createdSeconds);
    record.lastActivity = at(createdSeconds);
    record.label = label;
    record.nodeCount = nodes;
    return record;
}

Node makeNode(const QString &address, qint64 seenSeconds, qint64 registrations = 1)
{
    Node node;
    node.address = address;
    node.firstRegistered = at(seenSeconds);
    node.lastSeen = at(seenSeconds);
    node.registrations = registrations;
    node.registeredBy = QStringLiteral("127.0.0.1");
    return node;
}

DiscoveryId makeEtcdToken(const QString &id, int size, int members = 0)
{
    DiscoveryId record = makeId(id, 0, {}, members);
    record.kind = DiscoveryKind::Etcd;
    record.expectedSize = size;
    return record;
}

// An etcd member as the store keeps it: its ID, what it registered, its createdIndex.
Node makeMember(const QString &memberId, const QString &name, qint64 etcdIndex)
{
    Node node = makeNode(memberId, etcdIndex);
    node.etcdValue = QStringLiteral("%1=http://127.0.0.1:%2").arg(name).arg(23800 + etcdIndex);
    node.etcdIndex = etcdIndex;
    return node;
}

StoreChange idChange(StoreChange::Type type, const DiscoveryId &id, qint64 when)
{
    return {type, id.id, at(when), id, {}};
}

StoreChange nodeChange(StoreChange::Type type, const QString &id, const Node &node, qint64 when)
{
    return {type, id, at(when), {}, node};
}

QString cell(const QAbstractItemModel &model, int row, int column, int role = Qt::DisplayRole)
{
    return model.index(row, column).data(role).toString();
}

// The store's side of paging, in memory, as Store::listIds does it: newest first,
// then by ID; the filter matches the ID or the label, ignoring case; the rows after
// an anchor, offset, limit and the total. A page is read when asked for and handed
// over on the next turn of the event loop, as the window's reader does.
class PagedIds
{
public:
    // IDs id-00001 to id-count, the newer the higher; createdEvery of them at a
    // time share a creation time.
    explicit PagedIds(int count, int createdEvery = 1)
    {
        for (int i = 1; i <= count; ++i)
            add(makeId(QStringLiteral("id-%1").arg(i, 5, 10, QLatin1Char('0')), (i + createdEvery - 1) / createdEvery, {}, 2));
    }

    void add(const DiscoveryId &id)
    {
        m_ids.insert(std::upper_bound(m_ids.begin(), m_ids.end(), id, comesBefore), id);
    }
    void remove(const QString &id)
    {
        m_ids.removeIf([&id](const DiscoveryId &stored) { return stored.id == id; });
    }
    DiscoveryId &at(int index) { return m_ids[index]; } // in the store's order
    QStringList ids() const
    {
        QStringList list;
        for (const DiscoveryId &id : m_ids)
            list << id.id;
        return list;
    }
    const QList<IdListQuery> &asked() const { return m_asked; }

    IdPage page(const IdListQuery &query) const
    {
        QList<DiscoveryId> matching;
        for (const DiscoveryId &id : m_ids) {
            if (query.filter.isEmpty() || id.id.contains(query.filter, Qt::CaseInsensitive)
                || id.label.contains(query.filter, Qt::CaseInsensitive))
                matching << id;
        }
        qsizetype first = query.offset;
        if (query.after) {
            DiscoveryId anchor;
            anchor.createdAt = query.after->createdAt;
            anchor.id = query.after->id;
            first += std::upper_bound(matching.cbegin(), matching.cend(), anchor, comesBefore) - matching.cbegin();
        }
        return {matching.size(), matching.mid(first, query.limit)};
    }

    // Answers only while model exists: a page still on its way when a test ends
    // is dropped with it.
    IdTableModel::PageReader reader(QObject *model)
    {
        return [this, model](const IdListQuery &query, IdTableModel::PageDone done) {
            m_asked << query;
            QTimer::singleShot(0, model, [done, page = page(query)] { done(page); });
        };
    }

    // Holds each page asked for until the test hands it over with answerHeld(): the
    // test, not the scheduler, decides when a page arrives.
    IdTableModel::PageReader heldReader()
    {
        return [this](const IdListQuery &query, IdTableModel::PageDone done) {
            m_asked << query;
            m_held.append({query, std::move(done)});
        };
    }
    // Hands the oldest held page to the model now, and returns it.
    IdPage answerHeld()
    {
        const auto [query, done] = m_held.takeFirst();
        const IdPage answer = page(query);
        done(answer);
        return answer;
    }

private:
    // The store's order: newest first, then by ID.
    static bool comesBefore(const DiscoveryId &a, const DiscoveryId &b)
    {
        return a.createdAt != b.createdAt ? a.createdAt > b.createdAt : a.id < b.id;
    }

    QList<DiscoveryId> m_ids;
    QList<IdListQuery> m_asked;
    QList<std::pair<IdListQuery, IdTableModel::PageDone>> m_held;
};

QStringList loadedIds(const IdTableModel &model)
{
    QStringList ids;
    for (int row = 0; row < model.rowCount(); ++row)
        ids << model.idAt(row).id;
    return ids;
}

} // namespace

class TestUiModels : public QObject
{
    Q_OBJECT

private slots:
    void relativeTimes_data();
    void relativeTimes();
    void absoluteTimeInUtc();

    void idsAppearChangeAndGoInPlace();
    void idRecordsCountOnWithTheNodeChangesAfterThem();
    void createdAndDeletedInOneBatchNeverShows();
    void timesAreRelativeWithAbsoluteTooltip();
    void changedRowsLightUpThenFade();
    void filterMatchesIdAndLabel();
    void idsLoadPageByPage();
    void deepPagesKeepTheStoreOrderAtEqualTimes();
    void newIdComesFirstWhileDeepPagesLoad();
    void changeToAnIdNotLoadedWaitsForItsPage();
    void idsCreatedAndDeletedWhileLoadingShowOnce();
    void changesWhileAPageArrivesAreKept();
    void filterSearchesEveryIdInTheStore();
    void otherSortOrdersLoadEveryRow();
    void totalsFollowTheStoreWithoutLoadingIt();

    void nodesOfTheShownIdOnly();
    void staleNodeUpdateIsIgnored();
    void etcdTokenShowsProgressAndFull();
    void nodesColumnHasOneFormat();
    void etcdMembersShowNameAndPeerUrls();
    void etcdMembersBeyondSizeAreMarked();

    void requestLogIsNewestFirstAndCapped();
    void requestLogShowsControlCharactersEscaped();
    void batcherGroupsChangesAndFlushesOnAsk();

    void csvHasOneRowPerNode();
};

void TestUiModels::relativeTimes_data()
{
    QTest::addColumn<qint64>("ageSeconds");
    QTest::addColumn<QString>("text");
    QTest::newRow("now") << qint64(0) << "just now";
    QTest::newRow("seconds") << qint64(12) << "12 s ago";
    QTest::newRow("minutes") << qint64(5 * 60 + 59) << "5 min ago";
    QTest::newRow("hours") << qint64(3 * 3600) << "3 h ago";
    QTest::newRow("days") << qint64(2 * 86400 + 5) << "2 d ago";
    QTest::newRow("future") << qint64(-120) << "in 2 min";
}

void TestUiModels::relativeTimes()
{
    QFETCH(qint64, ageSeconds);
    QFETCH(QString, text);
    QCOMPARE(TimeText::relative(at(1'000'000 - ageSeconds), at(1'000'000)), text);
}

void TestUiModels::absoluteTimeInUtc()
{
    const Timestamp time = *Timestamp::fromIso8601(u"2026-11-23T21:04:05.5Z");
    QCOMPARE(TimeText::absolute(time, TimeZoneChoice::Utc), QStringLiteral("2026-11-23 21:04:05 UTC"));
    QCOMPARE(TimeText::clock(time, TimeZoneChoice::Utc), QStringLiteral("21:04:05.500"));
    QVERIFY(TimeText::absolute(time, TimeZoneChoice::Local).endsWith(QStringLiteral("local time")));
}

void TestUiModels::idsAppearChangeAndGoInPlace()
{
    IdTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setIds({makeId(QStringLiteral("a"), 100), makeId(QStringLiteral("b"), 200)});
    QCOMPARE(model.rowCount(), 2);

    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy inserts(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removals(&model, &QAbstractItemModel::rowsRemoved);

    DiscoveryId c = makeId(QStringLiteral("c"), 300, QStringLiteral("demo"));
    c.expectedSize = 3;
    DiscoveryId renamed = makeId(QStringLiteral("a"), 100, QStringLiteral("renamed"));
    model.applyChanges({
        {idChange(StoreChange::Type::IdCreated, c, 300)},
        {nodeChange(StoreChange::Type::NodeAdded, QStringLiteral("c"), makeNode(QStringLiteral("n1"), 301), 301)},
        {nodeChange(StoreChange::Type::NodeAdded, QStringLiteral("c"), makeNode(QStringLiteral("n2"), 302), 302)},
        {nodeChange(StoreChange::Type::NodeAdded, QStringLiteral("b"), makeNode(QStringLiteral("n3"), 303), 303)},
        {nodeChange(StoreChange::Type::NodeUpdated, QStringLiteral("b"), makeNode(QStringLiteral("n3"), 304, 2), 304)},
        {idChange(StoreChange::Type::IdUpdated, renamed, 305)},
        {nodeChange(StoreChange::Type::NodeAdded, QStringLiteral("a"), makeNode(QStringLiteral("n4"), 306), 306)},
        {nodeChange(StoreChange::Type::NodeRemoved, QStringLiteral("a"), makeNode(QStringLiteral("n4"), 0), 307)},
    });

    // One insert for the new ID, no reset: the table was updated in place.
    QCOMPARE(resets.size(), 0);
    QCOMPARE(inserts.size(), 1);
    QCOMPARE(removals.size(), 0);
    QCOMPARE(model.rowCount(), 3);
    const int rowC = model.rowOf(QStringLiteral("c"));
    QCOMPARE(cell(model, rowC, IdTableModel::LabelColumn), QStringLiteral("demo"));
    QCOMPARE(cell(model, rowC, IdTableModel::NodesColumn), QStringLiteral("2 of 3"));
    QCOMPARE(model.idAt(rowC).lastActivity, at(302));
    const int rowB = model.rowOf(QStringLiteral("b"));
    QCOMPARE(cell(model, rowB, IdTableModel::NodesColumn), QStringLiteral("1"));
    QCOMPARE(model.idAt(rowB).lastActivity, at(304));
    const int rowA = model.rowOf(QStringLiteral("a"));
    QCOMPARE(cell(model, rowA, IdTableModel::LabelColumn), QStringLiteral("renamed"));
    QCOMPARE(cell(model, rowA, IdTableModel::NodesColumn), QStringLiteral("0"));
    QCOMPARE(model.idAt(rowA).lastActivity, at(307));
    QCOMPARE(model.totalNodes(), 3);

    model.applyChanges({{idChange(StoreChange::Type::IdDeleted, makeId(QStringLiteral("b"), 0), 400),
                         idChange(StoreChange::Type::IdDeleted, makeId(QStringLiteral("a"), 0), 400)}});
    QCOMPARE(removals.size(), 1); // a and b are adjacent: one removal
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.idAt(0).id, QStringLiteral("c"));
    QCOMPARE(model.rowOf(QStringLiteral("a")), -1);
    QCOMPARE(model.totalNodes(), 2);
}

void TestUiModels::idRecordsCountOnWithTheNodeChangesAfterThem()
{
    // A change's ID record is the ID as that change left it; the node changes after
    // it count on from there. An import reports a new ID, then its nodes.
    IdTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setIds({makeId(QStringLiteral("old"), 100, {}, 1)});
    model.applyChanges({{
        idChange(StoreChange::Type::IdCreated, makeId(QStringLiteral("new"), 50, {}, 0), 500),
        nodeChange(StoreChange::Type::NodeAdded, QStringLiteral("new"), makeNode(QStringLiteral("x"), 60), 500),
        nodeChange(StoreChange::Type::NodeAdded, QStringLiteral("new"), makeNode(QStringLiteral("y"), 61), 500),
        idChange(StoreChange::Type::IdUpdated, makeId(QStringLiteral("old"), 100, {}, 1), 500),
        nodeChange(StoreChange::Type::NodeAdded, QStringLiteral("old"), makeNode(QStringLiteral("z"), 62), 500),
    }});
    QCOMPARE(model.idAt(model.rowOf(QStringLiteral("new"))).nodeCount, 2);
    QCOMPARE(model.idAt(model.rowOf(QStringLiteral("old"))).nodeCount, 2);
    QCOMPARE(model.totalNodes(), 4);

    // One group commit: a label changed, then a node registered under the same ID.
    // The registration counts, though it comes after the ID's record.
    DiscoveryId relabelled = makeId(QStringLiteral("old"), 100, {}, 2);
    relabelled.label = QStringLiteral("renamed");
    model.applyChanges({{
        idChange(StoreChange::Type::IdUpdated, relabelled, 600),
        nodeChange(StoreChange::Type::NodeAdded, QStringLiteral("old"), makeNode(QStringLiteral("w"), 63), 600),
    }});
    QCOMPARE(model.idAt(model.rowOf(QStringLiteral("old"))).label, QStringLiteral("renamed"));
    QCOMPARE(model.idAt(model.rowOf(QStringLiteral("old"))).nodeCount, 3);
    QCOMPARE(model.totalNodes(), 5);
}

void TestUiModels::createdAndDeletedInOneBatchNeverShows()
{
    IdTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserts(&model, &QAbstractItemModel::rowsInserted);
    model.applyChanges({{idChange(StoreChange::Type::IdCreated, makeId(QStringLiteral("x"), 1), 1)},
                        {nodeChange(StoreChange::Type::NodeAdded, QStringLiteral("x"), makeNode(QStringLiteral("n"), 2), 2)},
                        {idChange(StoreChange::Type::IdDeleted, makeId(QStringLiteral("x"), 1), 3)}});
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(inserts.size(), 0);
}

void TestUiModels::timesAreRelativeWithAbsoluteTooltip()
{
    IdTableModel model;
    qint64 nowSeconds = 1'000'012;
    model.setClock([&nowSeconds] { return at(nowSeconds); });
    model.setTimeZone(TimeZoneChoice::Utc);
    model.setIds({makeId(QStringLiteral("a"), 1'000'000)});
    QCOMPARE(cell(model, 0, IdTableModel::CreatedColumn), QStringLiteral("12 s ago"));
    QCOMPARE(cell(model, 0, IdTableModel::CreatedColumn, Qt::ToolTipRole),
             TimeText::absolute(at(1'000'000), TimeZoneChoice::Utc));
    QVERIFY(cell(model, 0, IdTableModel::CreatedColumn, Qt::ToolTipRole).endsWith(QStringLiteral("UTC")));

    // The window refreshes once a second: the text moves on with the clock.
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    nowSeconds += 60;
    model.refreshTimes();
    QVERIFY(!changed.isEmpty());
    QCOMPARE(cell(model, 0, IdTableModel::CreatedColumn), QStringLiteral("1 min ago"));
    QCOMPARE(cell(model, 0, IdTableModel::LastActivityColumn), QStringLiteral("1 min ago"));

    model.setTimeZone(TimeZoneChoice::Local);
    QVERIFY(cell(model, 0, IdTableModel::CreatedColumn, Qt::ToolTipRole).endsWith(QStringLiteral("local time")));
}

void TestUiModels::changedRowsLightUpThenFade()
{
    IdTableModel model;
    model.setIds({makeId(QStringLiteral("a"), 1)});
    QVERIFY(!model.isHighlighted(0));
    QVERIFY(!model.index(0, 0).data(Qt::BackgroundRole).isValid());

    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.applyChanges({{nodeChange(StoreChange::Type::NodeAdded, QStringLiteral("a"), makeNode(QStringLiteral("n"), 2), 2)}});
    QVERIFY(model.isHighlighted(0));
    QVERIFY(model.index(0, IdTableModel::LabelColumn).data(Qt::BackgroundRole).isValid());
    // It fades on its own and the view is told to repaint the row.
    QTRY_VERIFY(!model.isHighlighted(0));
    QVERIFY(!model.index(0, 0).data(Qt::BackgroundRole).isValid());
    QVERIFY(changed.size() > 1);
}

void TestUiModels::filterMatchesIdAndLabel()
{
    IdTableModel model;
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setFilterRole(IdTableModel::FilterRole);
    proxy.setFilterKeyColumn(IdTableModel::IdColumn);
    proxy.setFilterCaseSensitivity(Qt::CaseInsensitive);
    proxy.setSortRole(LiveTableModel::SortRole);
    proxy.sort(IdTableModel::CreatedColumn, Qt::DescendingOrder);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);

    model.setIds({makeId(QStringLiteral("aaaa"), 1, QStringLiteral("Production")),
                  makeId(QStringLiteral("bbbb"), 2, QStringLiteral("staging")),
                  makeId(QStringLiteral("cccc"), 3)});
    QCOMPARE(cell(proxy, 0, IdTableModel::IdColumn), QStringLiteral("cccc")); // newest first
    proxy.setFilterFixedString(QStringLiteral("PROD"));
    QCOMPARE(proxy.rowCount(), 1);
    QCOMPARE(cell(proxy, 0, IdTableModel::IdColumn), QStringLiteral("aaaa"));
    proxy.setFilterFixedString(QStringLiteral("bbb"));
    QCOMPARE(proxy.rowCount(), 1);
    // "ago" is in every time cell, but times are not what the filter searches.
    proxy.setFilterFixedString(QStringLiteral("ago"));
    QCOMPARE(proxy.rowCount(), 0);

    proxy.setFilterFixedString({});
    model.applyChanges({{idChange(StoreChange::Type::IdCreated, makeId(QStringLiteral("dddd"), 4), 4)}});
    QCOMPARE(cell(proxy, 0, IdTableModel::IdColumn), QStringLiteral("dddd"));
}

void TestUiModels::idsLoadPageByPage()
{
    PagedIds store(2500);
    IdTableModel model;
    model.setFirstPage(store.page(model.firstPageQuery()));
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    // The first page only, newest first.
    QCOMPARE(model.rowCount(), IdTableModel::FirstPageSize);
    QCOMPARE(model.idAt(0).id, QStringLiteral("id-02500"));
    QVERIFY(!model.hasAllRows());

    // The view reaches the end of what is loaded and asks for more.
    model.setPageReader(store.reader(&model));
    QVERIFY(model.canFetchMore({}));
    model.fetchMore({});
    QVERIFY(!model.canFetchMore({})); // one page on its way at a time
    QTRY_COMPARE(model.rowCount(), 2500);
    QVERIFY(!model.canFetchMore({}));
    QVERIFY(model.hasAllRows());
    QCOMPARE(loadedIds(model), store.ids()); // each once, in the store's order
    // The page was read on from the last row loaded, not from an offset.
    QCOMPARE(store.asked().size(), 1);
    QCOMPARE(store.asked().constFirst().offset, 0);
    QCOMPARE(store.asked().constFirst().after->id, QStringLiteral("id-01501"));
}

// Scrolls to the end of what is loaded, as soon as the model can fetch more, until
// it has every row.
static void fetchEveryPage(IdTableModel &model)
{
    while (!model.hasAllRows()) {
        QTRY_VERIFY(model.canFetchMore({}) || model.hasAllRows());
        if (model.canFetchMore({}))
            model.fetchMore({});
    }
    QTRY_VERIFY(!model.isLoading());
}

void TestUiModels::deepPagesKeepTheStoreOrderAtEqualTimes()
{
    // Seven IDs at a time share a creation time, so pages end inside such a group.
    // (No model tester here: over thousands of rows it makes the test take seconds.)
    PagedIds store(12'000, 7);
    IdTableModel model;
    model.setPageReader(store.heldReader());
    model.setFirstPage(store.page(model.firstPageQuery()));

    // The view scrolls on as soon as it can. A page becomes rows a slice at a time
    // (at most MaxSliceRows before the event loop turns), and the test hands each
    // page over itself: so on any machine, however quick, the next page is asked
    // for while rows of the last are still arriving.
    int overlapping = 0;
    QString registered;
    while (!model.hasAllRows()) {
        QVERIFY(model.canFetchMore({})); // also while rows are arriving
        if (model.isLoading())
            ++overlapping;
        model.fetchMore({});
        const IdPage page = store.answerHeld();
        if (registered.isEmpty() && !page.ids.isEmpty()) {
            // A node registers under an ID read from the store but not a row yet.
            registered = page.ids.constLast().id;
            QVERIFY(model.loadedId(registered));
            QCOMPARE(model.rowOf(registered), -1);
            ++store.at(int(store.ids().indexOf(registered))).nodeCount;
            model.applyChanges({{nodeChange(StoreChange::Type::NodeAdded, registered,
                                            makeNode(QStringLiteral("n:1"), 9000), 9000)}});
        }
    }
    QTRY_VERIFY(!model.isLoading());
    // The store read the next page while this thread inserted rows of the last.
    QVERIFY(overlapping > 0);
    QCOMPARE(cell(model, model.rowOf(registered), IdTableModel::NodesColumn), QStringLiteral("3"));

    // Every ID once, in the store's order down to the last row.
    QCOMPARE(loadedIds(model), store.ids());
    QCOMPARE(model.idAt(model.rowCount() - 1).id, QStringLiteral("id-00007")); // the oldest seven, by ID
    // Each page read on from the last row before it.
    QVERIFY(store.asked().size() >= 3);
    for (const IdListQuery &query : store.asked()) {
        QCOMPARE(query.offset, 0);
        QVERIFY(query.after);
    }
}

void TestUiModels::newIdComesFirstWhileDeepPagesLoad()
{
    PagedIds store(12'000);
    IdTableModel model;
    QSortFilterProxyModel view; // as the window sorts: newest first
    view.setSourceModel(&model);
    view.setSortRole(LiveTableModel::SortRole);
    view.sort(IdTableModel::CreatedColumn, Qt::DescendingOrder);
    model.setPageReader(store.reader(&model));
    model.setFirstPage(store.page(model.firstPageQuery()));

    // A new ID registers while a deep page's rows are still arriving.
    model.fetchMore({});
    QTRY_VERIFY(!model.isLoading());
    const DiscoveryId created = makeId(QStringLiteral("new"), 90'000);
    bool added = false;
    connect(&model, &QAbstractItemModel::rowsInserted, &model, [&] {
        if (std::exchange(added, true))
            return;
        QTimer::singleShot(0, &model, [&] {
            QVERIFY(model.isLoading());
            store.add(created);
            model.applyChanges({{idChange(StoreChange::Type::IdCreated, created, 90'000)}});
        });
    });
    fetchEveryPage(model);
    if (QTest::currentTestFailed())
        return;

    QVERIFY(added);
    QCOMPARE(cell(view, 0, IdTableModel::IdColumn), created.id);
    QCOMPARE(cell(view, 1, IdTableModel::IdColumn), QStringLiteral("id-12000"));
    QCOMPARE(cell(view, view.rowCount() - 1, IdTableModel::IdColumn), QStringLiteral("id-00001"));
    QStringList shown = loadedIds(model);
    QStringList stored = store.ids();
    shown.sort();
    stored.sort();
    QCOMPARE(shown, stored); // each once
}

void TestUiModels::changeToAnIdNotLoadedWaitsForItsPage()
{
    PagedIds store(2500);
    IdTableModel model;
    model.setFirstPage(store.page(model.firstPageQuery()));
    // The tester fetches more on its own: it comes after the first page and before
    // the reader, so that no page is read before the change below.
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const qint64 nodesLoaded = model.totalNodes();

    // A node registers under an old ID the table has not loaded: nothing to show yet.
    DiscoveryId &old = store.at(2000);
    ++old.nodeCount;
    old.lastActivity = at(9000);
    model.applyChanges({{nodeChange(StoreChange::Type::NodeAdded, old.id, makeNode(QStringLiteral("n:1"), 9000), 9000)}});
    QCOMPARE(model.rowCount(), IdTableModel::FirstPageSize);
    QCOMPARE(model.rowOf(old.id), -1);
    QCOMPARE(model.totalNodes(), nodesLoaded);

    // Its page brings it as the store has it: the node counted once.
    model.setPageReader(store.reader(&model));
    model.fetchMore({});
    QTRY_VERIFY(model.hasAllRows() && !model.isLoading());
    const int row = model.rowOf(old.id);
    QVERIFY(row >= 0);
    QCOMPARE(cell(model, row, IdTableModel::NodesColumn), QStringLiteral("3"));
    QCOMPARE(model.idAt(row).lastActivity, at(9000));

    // From now on it changes in place like any row.
    model.applyChanges({{nodeChange(StoreChange::Type::NodeAdded, old.id, makeNode(QStringLiteral("n:2"), 9001), 9001)}});
    QCOMPARE(cell(model, row, IdTableModel::NodesColumn), QStringLiteral("4"));
}

void TestUiModels::idsCreatedAndDeletedWhileLoadingShowOnce()
{
    PagedIds store(2500);
    IdTableModel model;
    model.setFirstPage(store.page(model.firstPageQuery()));
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);

    // Three new IDs arrive live: they come first in the store, shifting its pages.
    QList<StoreChanges> created;
    for (int i = 1; i <= 3; ++i) {
        const DiscoveryId id = makeId(QStringLiteral("new-%1").arg(i), 10'000 + i);
        store.add(id);
        created << StoreChanges{idChange(StoreChange::Type::IdCreated, id, 10'000 + i)};
    }
    model.applyChanges(created);
    QCOMPARE(model.rowCount(), IdTableModel::FirstPageSize + 3);

    // 150 loaded IDs, the last one loaded among them, are deleted in the store just
    // before the next page is read; their deletions reach the table after that.
    QList<StoreChanges> deleted;
    for (int i = 0; i < 150; ++i) {
        const QString id = model.idAt(IdTableModel::FirstPageSize - 150 + i).id;
        store.remove(id);
        deleted << StoreChanges{idChange(StoreChange::Type::IdDeleted, makeId(id, 0), 20'000)};
    }
    model.setPageReader(store.reader(&model));
    model.fetchMore({});
    model.applyChanges(deleted);

    QTRY_VERIFY(model.hasAllRows() && !model.isLoading());
    // The page started after the last row loaded, gone as it was.
    QCOMPARE(store.asked().size(), 1);
    // Every ID of the store exactly once: none skipped, none twice.
    QStringList shown = loadedIds(model);
    QStringList stored = store.ids();
    QCOMPARE(shown.size(), stored.size());
    shown.sort();
    stored.sort();
    QCOMPARE(shown, stored);
}

void TestUiModels::changesWhileAPageArrivesAreKept()
{
    PagedIds store(2500);
    IdTableModel model;
    model.setFirstPage(store.page(model.firstPageQuery()));
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPageReader(store.reader(&model));

    // A big page becomes rows a slice at a time. Right after the first slice, a node
    // registers under an ID still on its way and another such ID is deleted.
    const QString registered = store.at(2400).id;
    const QString deleted = store.at(2450).id;
    bool changed = false;
    connect(&model, &QAbstractItemModel::rowsInserted, &model, [&] {
        if (std::exchange(changed, true))
            return;
        QVERIFY(model.rowOf(registered) < 0); // not a row yet
        QTimer::singleShot(0, &model, [&] {
            model.applyChanges(
                {{nodeChange(StoreChange::Type::NodeAdded, registered, makeNode(QStringLiteral("n:1"), 9000), 9000)},
                 {idChange(StoreChange::Type::IdDeleted, makeId(deleted, 0), 9001)}});
        });
    });
    model.fetchMore({});
    QTRY_VERIFY(model.hasAllRows() && !model.isLoading());
    QVERIFY(changed);
    QCOMPARE(model.rowCount(), 2499);
    QCOMPARE(model.rowOf(deleted), -1);
    QCOMPARE(cell(model, model.rowOf(registered), IdTableModel::NodesColumn), QStringLiteral("3"));
}

void TestUiModels::filterSearchesEveryIdInTheStore()
{
    PagedIds store(2500);
    for (int index : {10, 1500, 2400})
        store.at(index).label = QStringLiteral("the needle %1").arg(index);
    IdTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPageReader(store.reader(&model));
    model.setFirstPage(store.page(model.firstPageQuery()));

    // Two of them are not loaded; the store finds them all.
    model.setFilter(QStringLiteral("NEEDLE"));
    QTRY_VERIFY(!model.isLoading());
    QCOMPARE(store.asked().constLast().filter, QStringLiteral("NEEDLE"));
    QCOMPARE(loadedIds(model), QStringList({store.at(10).id, store.at(1500).id, store.at(2400).id}));
    QVERIFY(model.hasAllRows());

    // A new ID shows only when it matches.
    DiscoveryId other = makeId(QStringLiteral("other"), 30'000);
    DiscoveryId needle = makeId(QStringLiteral("new-needle"), 30'001);
    model.applyChanges({{idChange(StoreChange::Type::IdCreated, other, 30'000)},
                        {idChange(StoreChange::Type::IdCreated, needle, 30'001)}});
    QCOMPARE(model.rowCount(), 4);
    QVERIFY(model.rowOf(QStringLiteral("new-needle")) >= 0);

    // Without a filter, the newest IDs again, from the first page on.
    model.setFilter({});
    QTRY_VERIFY(!model.isLoading());
    QVERIFY(model.rowCount() >= IdTableModel::FirstPageSize);
    QCOMPARE(model.idAt(0).id, store.at(0).id);
    QVERIFY(!model.idAt(1).label.contains(QStringLiteral("needle")));
}

void TestUiModels::otherSortOrdersLoadEveryRow()
{
    PagedIds store(2500);
    IdTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPageReader(store.reader(&model));
    model.setFirstPage(store.page(model.firstPageQuery()));
    // Sorted by label, say: the rows that are not loaded would be missing from it.
    model.setLoadEverything(true);
    QTRY_COMPARE(model.rowCount(), 2500);
    QVERIFY(model.hasAllRows());
    QCOMPARE(loadedIds(model), store.ids());
}

void TestUiModels::totalsFollowTheStoreWithoutLoadingIt()
{
    PagedIds store(2500); // two nodes each
    IdTableModel model;
    model.setFirstPage(store.page(model.firstPageQuery()));
    StoreTotals totals;
    int counted = 0;
    totals.setCounter([&](StoreTotals::CountDone done) {
        ++counted;
        QTimer::singleShot(0, &totals, [done] { done(StoreTotals::Counts{2499, 4998}); });
    });
    totals.set(2500, 5000);
    auto apply = [&](const QList<StoreChanges> &transactions) {
        totals.applyChanges(transactions, model); // before the rows, as the window does
        model.applyChanges(transactions);
    };

    const QString unloaded = store.at(2000).id;
    const QString loaded = store.at(5).id;
    apply({{nodeChange(StoreChange::Type::NodeAdded, unloaded, makeNode(QStringLiteral("n:1"), 1), 1)}});
    QCOMPARE(totals.nodes(), 5001);

    const DiscoveryId created = makeId(QStringLiteral("new"), 40'000);
    apply({{idChange(StoreChange::Type::IdCreated, created, 40'000)},
           {nodeChange(StoreChange::Type::NodeAdded, created.id, makeNode(QStringLiteral("n:1"), 2), 2)}});
    QCOMPARE(totals.ids(), 2501);
    QCOMPARE(totals.nodes(), 5002);

    // A loaded ID goes with its two nodes, and the one added just before in the batch.
    apply({{nodeChange(StoreChange::Type::NodeAdded, loaded, makeNode(QStringLiteral("n:9"), 3), 3)},
           {idChange(StoreChange::Type::IdDeleted, makeId(loaded, 0), 4)}});
    QCOMPARE(totals.ids(), 2500);
    QCOMPARE(totals.nodes(), 5000);
    QCOMPARE(counted, 0);

    // An ID never loaded goes with nodes nobody counted: the store is asked.
    apply({{idChange(StoreChange::Type::IdDeleted, makeId(store.at(2400).id, 0), 5)}});
    QCOMPARE(counted, 1);
    QTRY_COMPARE(totals.nodes(), 4998);
    QCOMPARE(totals.ids(), 2499);

    // Another server changed the shared database in ways nobody heard: counted again.
    apply({{StoreChange{StoreChange::Type::ChangedElsewhere, {}, at(6), {}, {}}}});
    QCOMPARE(counted, 2);
}

void TestUiModels::nodesOfTheShownIdOnly()
{
    NodeTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setNodes(QStringLiteral("a"), {makeNode(QStringLiteral("localhost:4001"), 10)});
    model.setTimeZone(TimeZoneChoice::Utc);
    QCOMPARE(model.rowCount(), 1);

    model.applyChanges({
        {nodeChange(StoreChange::Type::NodeAdded, QStringLiteral("other"), makeNode(QStringLiteral("x:1"), 11), 11)},
        {nodeChange(StoreChange::Type::NodeAdded, QStringLiteral("a"), makeNode(QStringLiteral("localhost:4003"), 12), 12)},
        {nodeChange(StoreChange::Type::NodeUpdated, QStringLiteral("a"), makeNode(QStringLiteral("localhost:4001"), 13, 2), 13)},
    });
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(cell(model, 1, NodeTableModel::AddressColumn), QStringLiteral("localhost:4003"));
    QCOMPARE(cell(model, 0, NodeTableModel::RegistrationsColumn), QStringLiteral("2"));
    QCOMPARE(cell(model, 0, NodeTableModel::RegisteredByColumn), QStringLiteral("127.0.0.1"));
    QVERIFY(model.isHighlighted(1));

    model.applyChanges({{nodeChange(StoreChange::Type::NodeRemoved, QStringLiteral("a"), makeNode(QStringLiteral("localhost:4001"), 0), 14)}});
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.nodeAt(0).address, QStringLiteral("localhost:4003"));

    // Deleting the ID takes its nodes with it.
    model.applyChanges({{StoreChange{StoreChange::Type::IdDeleted, QStringLiteral("a"), at(15), {}, {}}}});
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(model.discoveryId().isEmpty());
}

void TestUiModels::staleNodeUpdateIsIgnored()
{
    NodeTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setNodes(QStringLiteral("a"), {makeNode(QStringLiteral("n"), 100, 5)});
    model.applyChanges({{nodeChange(StoreChange::Type::NodeUpdated, QStringLiteral("a"), makeNode(QStringLiteral("n"), 90, 4), 90)}});
    QCOMPARE(model.nodeAt(0).registrations, 5);
}

void TestUiModels::etcdTokenShowsProgressAndFull()
{
    IdTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const DiscoveryId token = makeEtcdToken(QStringLiteral("0123456789abcdef0123456789abcdef"), 3);
    model.setIds({token, makeId(QStringLiteral("rq"), 1)});
    auto nodes = [&](int role = Qt::DisplayRole) { return model.index(0, IdTableModel::NodesColumn).data(role); };
    QCOMPARE(nodes().toString(), QStringLiteral("0 of 3"));
    QCOMPARE(cell(model, 0, IdTableModel::KindColumn), QStringLiteral("etcd"));
    QCOMPARE(cell(model, 1, IdTableModel::NodesColumn), QStringLiteral("0")); // rqlite: a plain count

    QStringList shown;
    for (qint64 i = 1; i <= 3; ++i) {
        QVERIFY(!nodes(Qt::DecorationRole).isValid()); // not full yet
        QVERIFY(!nodes(Qt::ForegroundRole).isValid());
        QVERIFY(nodes(Qt::ToolTipRole).toString().contains(QStringLiteral("each member waits until all 3")));
        model.applyChanges({{nodeChange(StoreChange::Type::NodeAdded, token.id,
                                        makeMember(QStringLiteral("member%1").arg(i), QStringLiteral("m%1").arg(i), i),
                                        10 + i)}});
        shown << nodes().toString();
    }
    QCOMPARE(shown, QStringList({QStringLiteral("1 of 3"), QStringLiteral("2 of 3"), QStringLiteral("3 of 3")}));
    // Full: a green mark with an icon, and the tooltip says so.
    QCOMPARE(nodes(Qt::ToolTipRole).toString(), QStringLiteral("full: 3 of 3 members"));
    QCOMPARE(nodes(Qt::ForegroundRole).value<QColor>(), QColor(0x2e, 0x7d, 0x32));
    QVERIFY(!nodes(Qt::DecorationRole).value<QIcon>().isNull());
    QVERIFY(IdTableModel::isFullEtcdToken(model.idAt(0)));
    QVERIFY(!model.index(1, IdTableModel::NodesColumn).data(Qt::DecorationRole).isValid());

    // A fourth member: over its size is a warning in another colour, never the full mark.
    const QImage fullMark = nodes(Qt::DecorationRole).value<QIcon>().pixmap(16).toImage();
    model.applyChanges({{nodeChange(StoreChange::Type::NodeAdded, token.id,
                                    makeMember(QStringLiteral("member4"), QStringLiteral("m4"), 4), 20)}});
    QCOMPARE(nodes().toString(), QStringLiteral("4 of 3"));
    QVERIFY(nodes(Qt::ToolTipRole).toString().startsWith(QStringLiteral("over its size: 4 members for a cluster of 3")));
    QVERIFY(nodes(Qt::ForegroundRole).value<QColor>() != QColor(0x2e, 0x7d, 0x32));
    const QIcon warning = nodes(Qt::DecorationRole).value<QIcon>();
    QVERIFY(!warning.isNull());
    QVERIFY(warning.pixmap(16).toImage() != fullMark);
}

// rqlite IDs and etcd tokens read alike in the Nodes column: a count, or "n of size".
void TestUiModels::nodesColumnHasOneFormat()
{
    IdTableModel model;
    DiscoveryId sized = makeId(QStringLiteral("sized"), 1);
    sized.expectedSize = 3;
    sized.nodeCount = 2;
    DiscoveryId over = makeId(QStringLiteral("over"), 2);
    over.expectedSize = 3;
    over.nodeCount = 5;
    DiscoveryId plain = makeId(QStringLiteral("plain"), 3);
    plain.nodeCount = 3;
    DiscoveryId token = makeEtcdToken(QStringLiteral("0123456789abcdef0123456789abcdef"), 5);
    token.nodeCount = 2;
    model.setIds({sized, over, plain, token});
    auto nodes = [&](const QString &id, int role = Qt::DisplayRole) {
        return model.index(model.rowOf(id), IdTableModel::NodesColumn).data(role);
    };
    QCOMPARE(nodes(sized.id).toString(), QStringLiteral("2 of 3"));
    QCOMPARE(nodes(over.id).toString(), QStringLiteral("5 of 3"));
    QCOMPARE(nodes(plain.id).toString(), QStringLiteral("3"));
    QCOMPARE(nodes(token.id).toString(), QStringLiteral("2 of 5"));
    QVERIFY(nodes(over.id, Qt::ToolTipRole).toString().startsWith(QStringLiteral("over its size")));
    QVERIFY(!nodes(over.id, Qt::DecorationRole).value<QIcon>().isNull());
}

void TestUiModels::etcdMembersShowNameAndPeerUrls()
{
    NodeTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    Node member = makeMember(QStringLiteral("7044d85b7e4db59d"), QStringLiteral("m1"), 2);
    member.etcdValue = QStringLiteral("m1=http://127.0.0.1:23801,m1=http://10.0.0.1:2380");
    model.setNodes(QStringLiteral("tok"), {member}, DiscoveryKind::Etcd, 3);
    QCOMPARE(model.headerData(NodeTableModel::AddressColumn, Qt::Horizontal).toString(), QStringLiteral("Member ID"));
    QCOMPARE(cell(model, 0, NodeTableModel::AddressColumn), QStringLiteral("7044d85b7e4db59d"));
    QCOMPARE(cell(model, 0, NodeTableModel::NameColumn), QStringLiteral("m1"));
    QCOMPARE(cell(model, 0, NodeTableModel::PeerUrlsColumn),
             QStringLiteral("http://127.0.0.1:23801, http://10.0.0.1:2380"));
    QVERIFY(!model.isBeyondSize(0));
    QVERIFY(!model.index(0, NodeTableModel::AddressColumn).data(Qt::ForegroundRole).isValid());

    // An rqlite ID: the address column says so, and there is no name.
    model.setNodes(QStringLiteral("rq"), {makeNode(QStringLiteral("localhost:4001"), 1)});
    QCOMPARE(model.kind(), DiscoveryKind::Rqlite);
    QCOMPARE(model.headerData(NodeTableModel::AddressColumn, Qt::Horizontal).toString(), QStringLiteral("Address"));
    QCOMPARE(cell(model, 0, NodeTableModel::NameColumn), QString());
    QCOMPARE(cell(model, 0, NodeTableModel::PeerUrlsColumn), QString());
}

void TestUiModels::etcdMembersBeyondSizeAreMarked()
{
    NodeTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    // Listed out of createdIndex order: etcd counts by createdIndex, so "late" (5)
    // is the one beyond a size of 2, although it is listed first.
    model.setNodes(QStringLiteral("tok"),
                   {makeMember(QStringLiteral("late"), QStringLiteral("m3"), 5),
                    makeMember(QStringLiteral("first"), QStringLiteral("m1"), 2),
                    makeMember(QStringLiteral("second"), QStringLiteral("m2"), 3)},
                   DiscoveryKind::Etcd, 2);
    QVERIFY(model.isBeyondSize(0));
    QVERIFY(!model.isBeyondSize(1));
    QVERIFY(!model.isBeyondSize(2));
    QCOMPARE(model.index(0, NodeTableModel::NameColumn).data(Qt::ForegroundRole).value<QColor>(),
             QColor(0xe6, 0x51, 0x00));
    QVERIFY(!model.index(0, NodeTableModel::AddressColumn).data(Qt::DecorationRole).value<QIcon>().isNull());
    const QString tip = cell(model, 0, NodeTableModel::AddressColumn, Qt::ToolTipRole);
    QVERIFY2(tip.contains(QStringLiteral("proxy")) && tip.contains(QStringLiteral("--discovery-fallback exit")),
             qPrintable(tip));
    QVERIFY(cell(model, 1, NodeTableModel::AddressColumn, Qt::ToolTipRole).startsWith(QStringLiteral("m1=")));

    // Another late one registers live: marked too.
    model.applyChanges({{nodeChange(StoreChange::Type::NodeAdded, QStringLiteral("tok"),
                                    makeMember(QStringLiteral("later"), QStringLiteral("m4"), 6), 6)}});
    QVERIFY(model.isBeyondSize(3));

    // The first member is removed: the oldest of the late ones moves up into the size.
    model.applyChanges({{nodeChange(StoreChange::Type::NodeRemoved, QStringLiteral("tok"),
                                    makeNode(QStringLiteral("first"), 0), 7)}});
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.nodeAt(0).address, QStringLiteral("late"));
    QVERIFY(!model.isBeyondSize(0));
    QVERIFY(!model.index(0, NodeTableModel::NameColumn).data(Qt::ForegroundRole).isValid());
    QVERIFY(model.isBeyondSize(2));
}

void TestUiModels::requestLogIsNewestFirstAndCapped()
{
    RequestLogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setTimeZone(TimeZoneChoice::Utc);
    for (int i = 0; i < RequestLogModel::Capacity + 100; ++i) {
        RequestLogEntry entry;
        entry.at = at(1000 + i);
        entry.method = QStringLiteral("POST");
        entry.path = QStringLiteral("/id-%1").arg(i);
        entry.status = i % 2 ? 200 : 404;
        entry.remoteAddress = QStringLiteral("127.0.0.1");
        model.add(entry);
    }
    // Added in a batch, not one row per request.
    QCOMPARE(model.rowCount(), 0);
    QTRY_COMPARE(model.rowCount(), RequestLogModel::Capacity);
    QCOMPARE(cell(model, 0, RequestLogModel::PathColumn), QStringLiteral("/id-%1").arg(RequestLogModel::Capacity + 99));
    QCOMPARE(cell(model, RequestLogModel::Capacity - 1, RequestLogModel::PathColumn), QStringLiteral("/id-100"));
    QCOMPARE(cell(model, 0, RequestLogModel::StatusColumn), QStringLiteral("200"));
    QVERIFY(model.index(1, RequestLogModel::StatusColumn).data(Qt::ForegroundRole).isValid()); // 404 stands out

    RequestLogEntry more;
    more.path = QStringLiteral("/latest");
    model.add(more);
    model.flush();
    QCOMPARE(model.rowCount(), RequestLogModel::Capacity);
    QCOMPARE(cell(model, 0, RequestLogModel::PathColumn), QStringLiteral("/latest"));
}

// A refused request's raw line, as a real server reports it: the Requests dock shows
// its control characters (C0, DEL, C1) as \xNN, and obeys none of them.
void TestUiModels::requestLogShowsControlCharactersEscaped()
{
    TestServer server;
    QVERIFY(server.start());
    RequestLogModel model;
    connect(&server.thread(), &ServerThread::requestFinished, &model, &RequestLogModel::add);
    const HttpResponse response = server.client().raw("G\x1b[31mET /a\x1b[2J\rb\x7f\x9b HTTP/1.1 extra\r\n\r\n");
    QCOMPARE(response.status, 400);
    QTRY_COMPARE(model.rowCount(), 1);
    QCOMPARE(cell(model, 0, RequestLogModel::MethodColumn), QStringLiteral("G\\x1b[31mET"));
    QCOMPARE(cell(model, 0, RequestLogModel::PathColumn), QStringLiteral("/a\\x1b[2J\\x0db\\x7f\\x9b"));
    QCOMPARE(cell(model, 0, RequestLogModel::StatusColumn), QStringLiteral("400"));
}

void TestUiModels::batcherGroupsChangesAndFlushesOnAsk()
{
    ChangeBatcher batcher;
    QSignalSpy ready(&batcher, &ChangeBatcher::changesReady);
    const StoreChange change = idChange(StoreChange::Type::IdCreated, makeId(QStringLiteral("a"), 1), 1);
    for (int i = 0; i < 100; ++i)
        batcher.add({change});
    QCOMPARE(ready.size(), 0);
    QTRY_COMPARE(ready.size(), 1);
    QCOMPARE(ready.at(0).at(0).value<QList<StoreChanges>>().size(), 100);

    // An answer from the server hands on what waits first: at once, not at the timer.
    batcher.add({change});
    batcher.flush();
    QCOMPARE(ready.size(), 2);
    QCOMPARE(ready.at(1).at(0).value<QList<StoreChanges>>().size(), 1);
}

void TestUiModels::csvHasOneRowPerNode()
{
    DiscoveryId withNodes = makeId(QStringLiteral("id1"), 0, QStringLiteral("a \"quoted\", label"));
    withNodes.expectedSize = 3;
    const DiscoveryId empty = makeId(QStringLiteral("id2"), 60);
    const DiscoveryId token = makeEtcdToken(QStringLiteral("tok"), 3, 1);
    Node member = makeMember(QStringLiteral("7044d85b7e4db59d"), QStringLiteral("m1"), 2);
    member.etcdValue = QStringLiteral("m1=http://127.0.0.1:23801,m1=http://127.0.0.1:23811");
    const QByteArray csv = ExportFiles::csvDocument(
        {{withNodes, {makeNode(QStringLiteral("localhost:4001"), 1), makeNode(QStringLiteral("localhost:4003"), 2, 3)}},
         {empty, {}},
         {token, {member}}});
    const QList<QByteArray> lines = csv.split('\n');
    QCOMPARE(lines.size(), 6); // header, 2 nodes, 1 empty ID, 1 etcd member, and the end
    QCOMPARE(lines.at(0), QByteArray("id,kind,label,created_at,expected_size,last_activity,node_count,addr,"
                                     "first_registered,last_seen,registrations,registered_by,etcd_name,etcd_value\r"));
    QCOMPARE(lines.at(1), QByteArray("id1,rqlite,\"a \"\"quoted\"\", label\",1970-01-01T00:00:00.000000Z,3,"
                                     "1970-01-01T00:00:00.000000Z,2,localhost:4001,1970-01-01T00:00:01.000000Z,"
                                     "1970-01-01T00:00:01.000000Z,1,127.0.0.1,,\r"));
    QVERIFY(lines.at(2).startsWith("id1,"));
    QVERIFY(lines.at(2).contains(",localhost:4003,"));
    QVERIFY(lines.at(2).endsWith(",3,127.0.0.1,,\r"));
    QCOMPARE(lines.at(3), QByteArray("id2,rqlite,,1970-01-01T00:01:00.000000Z,,1970-01-01T00:01:00.000000Z,0,,,,,,,\r"));
    QCOMPARE(lines.at(4), QByteArray("tok,etcd,,1970-01-01T00:00:00.000000Z,3,1970-01-01T00:00:00.000000Z,1,"
                                     "7044d85b7e4db59d,1970-01-01T00:00:02.000000Z,1970-01-01T00:00:02.000000Z,1,"
                                     "127.0.0.1,m1,\"m1=http://127.0.0.1:23801,m1=http://127.0.0.1:23811\"\r"));
    QCOMPARE(lines.at(5), QByteArray());
}

QTEST_MAIN(TestUiModels)
#include "tst_uimodels.moc"
