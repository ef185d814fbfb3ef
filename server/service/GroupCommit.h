#pragma once

#include "core/Durability.h"
#include "core/StoreChange.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>

class DiskSync;
class Store;

// Group commit, in one place: the writes of all the work done in one pass of the
// event loop (HTTP requests, the window's calls) share one transaction, committed
// right after that pass. Work that read or wrote through the open transaction has its
// answer delivered only once the commit is saved as the durability asks, or the
// failure instead: an answer never reports data a crash could still take back, and a
// failed commit fails exactly the work that was in it.
//
// Saved against power loss, on Linux: the commit itself does not wait for the disk;
// a DiskSync then syncs SQLite's WAL on its own thread while this thread goes on with
// the next batch, and what the sync covers (answers, and the changes for whoever shows
// or waits for them) is let out when it returns. Work that read data not yet synced
// waits for that sync too.
//
// Only for a store this server alone writes to (a locked SQLite file); elsewhere each
// write commits on its own and nothing waits here.
class GroupCommit : public QObject
{
    Q_OBJECT

public:
    explicit GroupCommit(QObject *parent = nullptr);
    ~GroupCommit() override;

    // The store whose writes are grouped (null: none), and what its commits must
    // survive. Turns its group commit on. Empty, or why the store could not be set so.
    QString setStore(Store *store, Durability durability);

    // Noted before a piece of work runs; mustWait() tells afterwards whether its
    // answer must wait: it used the open batch, or it may have read data that is
    // committed but not yet synced.
    using Ticket = quint64;
    Ticket ticket() const;
    bool mustWait(Ticket ticket) const;

    // Runs deliver once what the work saw is saved, with failure set to the reason
    // when it was not. Deliveries run in the order they were given.
    using Delivery = std::function<void(const std::optional<QString> &failure)>;
    void afterCommit(Delivery deliver);

    // Commits the open batch now; returns the reason the commit failed. What waited
    // for it is delivered now, or once its sync returns.
    std::optional<QString> commitNow();
    // Commits, syncs on this thread and delivers everything that waits: before the
    // server stops.
    void finish();

signals:
    // A commit failed: whatever was built from its writes (a cached reply) is wrong.
    void commitFailed(const QString &reason);
    // Changes that are saved as the durability asks: for whatever shows them or
    // answers with them on its own (the window, etcd's waits).
    void saved(const StoreChanges &changes);
    // A batch was committed: how many pieces of work waited for it, and how long the
    // commit took; then a sync of the log, and how long it took (for /metrics).
    void committed(int waiting, double seconds);
    void synced(double seconds);

private:
    // What a sync covers: the answers and changes of the commits before it began.
    struct Unsynced
    {
        bool committed = false; // it holds commits: a sync is owed (next) or under way (in flight)
        QList<Delivery> answers;
        StoreChanges changes;
    };
    void onChanged(const StoreChanges &changes);
    void startSync();
    void onSynced(quint64 round, const QString &error);
    void release(Unsynced done, const QString &error);

    Store *m_store = nullptr;
    QTimer m_timer; // commits once the event loop has read what came
    QList<Delivery> m_waiting; // for the open batch's commit
    std::unique_ptr<DiskSync> m_disk; // null: a commit is saved when it returns
    Unsynced m_next;     // for the next sync
    Unsynced m_inFlight; // for the sync under way, if its committed is set
    quint64 m_round = 0; // of the sync under way; a later one's result is not its
    QElapsedTimer m_syncTime; // of the sync under way
};
