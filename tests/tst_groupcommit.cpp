// GroupCommit on a real SQLite file: when answers and change notices may go out. With
// the WAL synced on DiskSync's thread, the sync's result can only arrive through this
// thread's event loop, so right after commitNow() the sync is still owed: every step
// below is deterministic.

#include "support/TestDatabase.h"
#include "service/DiscoveryService.h"
#include "service/GroupCommit.h"
#include "store/Store.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

class TestGroupCommit : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    // Each test's own file, its writes grouped to be saved against power loss.
    std::unique_ptr<Store> m_store;
    std::unique_ptr<GroupCommit> m_commits;
    std::unique_ptr<DiscoveryService> m_service;

private slots:
    void init()
    {
        DISCODESK_OPEN_STORE(store, m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction()) + ".sqlite"));
        m_store = std::move(store);
        m_commits = std::make_unique<GroupCommit>();
        QCOMPARE(m_commits->setStore(m_store.get(), Durability::PowerLoss), QString());
        m_service = std::make_unique<DiscoveryService>(*m_store);
    }
    void cleanup()
    {
        m_service.reset();
        m_commits.reset();
        m_store.reset();
    }

    void answersAndNoticesWaitForTheSync()
    {
        GroupCommit &commits = *m_commits;
        DiscoveryService &service = *m_service;
        QSignalSpy saved(&commits, &GroupCommit::saved);
        QStringList events; // what went out, in order
        connect(&commits, &GroupCommit::saved, this, [&events] { events << QStringLiteral("saved"); });

        const GroupCommit::Ticket ticket = commits.ticket();
        QVERIFY(service.createId(DiscoveryKind::Rqlite, QStringLiteral("a")).ok());
        QVERIFY(commits.mustWait(ticket));
        commits.afterCommit([&events](const std::optional<QString> &failure) {
            events << (failure ? *failure : QStringLiteral("answered"));
        });
        QCOMPARE(commits.commitNow(), std::nullopt);
        // Committed, readable, but not yet synced: nothing has gone out.
        QCOMPARE(service.countIdsAndNodes().value().ids, 1);
        QVERIFY(events.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(events, (QStringList{QStringLiteral("saved"), QStringLiteral("answered")}), 30000);
        QCOMPARE(saved.size(), 1);
    }

    // A prune or an import that opens the batch runs without a savepoint (SQLite would
    // copy every page it changes). Its answer still waits for the batch, and the
    // writes after it in the same pass join it.
    void aPruneThatOpensTheBatchIsSavedWithIt()
    {
        GroupCommit &commits = *m_commits;
        DiscoveryService &service = *m_service;
        QVERIFY(service.createId(DiscoveryKind::Rqlite, QStringLiteral("empty")).ok());
        QCOMPARE(commits.commitNow(), std::nullopt);
        commits.finish();

        const GroupCommit::Ticket ticket = commits.ticket();
        PruneRules rules;
        rules.noNodes = true;
        QCOMPARE(service.prune(rules).value().idCount, 1);
        QVERIFY(m_store->isBatchOpen());
        QVERIFY(commits.mustWait(ticket));
        QVERIFY(service.createId(DiscoveryKind::Rqlite, QStringLiteral("after")).ok());
        QCOMPARE(commits.commitNow(), std::nullopt);
        commits.finish();
        const auto page = service.listIds({});
        QCOMPARE(page.value().ids.size(), 1);
        QCOMPARE(page.value().ids.constFirst().label, QStringLiteral("after"));
    }

    // One that fails leaves no batch behind: its refusal need not wait for a commit, and
    // the next write opens a batch of its own.
    void aRefusedImportThatOpenedTheBatchLeavesNone()
    {
        GroupCommit &commits = *m_commits;
        DiscoveryService &service = *m_service;
        const QString id = service.createId(DiscoveryKind::Rqlite, {})->id;
        QCOMPARE(commits.commitNow(), std::nullopt);
        commits.finish();

        const GroupCommit::Ticket ticket = commits.ticket();
        DiscoveryIdWithNodes other;
        other.id.id = id;
        other.id.kind = DiscoveryKind::Etcd; // the store has it as rqlite: refused
        other.id.createdAt = other.id.lastActivity = Timestamp::now();
        const auto imported = service.importIds({other});
        QVERIFY(imported.ok());
        QVERIFY(imported.value().refused);
        QVERIFY(!m_store->isBatchOpen());
        QVERIFY(!commits.mustWait(ticket));
        QVERIFY(service.createId(DiscoveryKind::Rqlite, QStringLiteral("next")).ok());
        QCOMPARE(commits.commitNow(), std::nullopt);
        commits.finish();
        QCOMPARE(service.countIdsAndNodes().value().ids, 2);
    }

    void aReadOfDataNotYetSyncedWaitsForTheSync()
    {
        GroupCommit &commits = *m_commits;
        DiscoveryService &service = *m_service;
        QVERIFY(service.createId(DiscoveryKind::Rqlite, QStringLiteral("a")).ok());
        QCOMPARE(commits.commitNow(), std::nullopt);

        // No batch is open, but the read sees the commit the sync under way covers.
        const GroupCommit::Ticket ticket = commits.ticket();
        QCOMPARE(service.countIdsAndNodes().value().ids, 1);
        QVERIFY(commits.mustWait(ticket));
        bool answered = false;
        commits.afterCommit([&answered](const std::optional<QString> &failure) { answered = !failure; });
        QVERIFY(!answered);
        QTRY_VERIFY_WITH_TIMEOUT(answered, 30000);

        // Everything synced: a read goes out at once.
        const GroupCommit::Ticket later = commits.ticket();
        QCOMPARE(service.countIdsAndNodes().value().ids, 1);
        QVERIFY(!commits.mustWait(later));
    }

    void finishSyncsAndDeliversEverything()
    {
        GroupCommit &commits = *m_commits;
        DiscoveryService &service = *m_service;
        int answered = 0;
        for (int i = 0; i < 3; ++i) {
            const GroupCommit::Ticket ticket = commits.ticket();
            QVERIFY(service.createId(DiscoveryKind::Rqlite, QString::number(i)).ok());
            QVERIFY(commits.mustWait(ticket));
            commits.afterCommit([&answered](const std::optional<QString> &failure) { answered += failure ? 0 : 1; });
            if (i < 2)
                QCOMPARE(commits.commitNow(), std::nullopt); // one sync under way, one owed
        }
        // As the server stops: nothing is left waiting.
        commits.finish();
        QCOMPARE(answered, 3);
    }

    void processCrashAnswersAtTheCommit()
    {
        GroupCommit &commits = *m_commits;
        QCOMPARE(commits.setStore(m_store.get(), Durability::ProcessCrash), QString());
        DiscoveryService &service = *m_service;
        QSignalSpy saved(&commits, &GroupCommit::saved);
        const GroupCommit::Ticket ticket = commits.ticket();
        QVERIFY(service.createId(DiscoveryKind::Rqlite, QStringLiteral("a")).ok());
        QVERIFY(commits.mustWait(ticket));
        bool answered = false;
        commits.afterCommit([&answered](const std::optional<QString> &failure) { answered = !failure; });
        QCOMPARE(commits.commitNow(), std::nullopt);
        QVERIFY(answered);
        QCOMPARE(saved.size(), 1);
        const GroupCommit::Ticket later = commits.ticket();
        QCOMPARE(service.countIdsAndNodes().value().ids, 1);
        QVERIFY(!commits.mustWait(later));
    }
};

QTEST_GUILESS_MAIN(TestGroupCommit)
#include "tst_groupcommit.moc"
