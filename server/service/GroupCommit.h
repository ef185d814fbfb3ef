#pragma once

#include <QObject>
#include <QTimer>

#include <functional>
#include <optional>

class Store;

// Group commit, in one place: the writes of all the work done in one pass of the
// event loop (HTTP requests, the window's calls) share one transaction, committed
// right after that pass. Work that read or wrote through the open transaction has its
// answer delivered only after the commit, or the failure instead: an answer never
// reports data a crash could still take back, and a failed commit fails exactly the
// work that was in it.
//
// Only for a store this server alone writes to (a locked SQLite file); elsewhere each
// write commits on its own and nothing waits here.
class GroupCommit : public QObject
{
    Q_OBJECT

public:
    explicit GroupCommit(QObject *parent = nullptr);

    // The store whose writes are grouped (null: none). Turns its group commit on.
    void setStore(Store *store);

    // Noted before a piece of work runs; usedOpenBatch() tells afterwards whether
    // its answer must wait for the commit.
    using Ticket = quint64;
    Ticket ticket() const;
    bool usedOpenBatch(Ticket ticket) const;

    // Runs deliver once the open transaction has committed, with failure set to the
    // reason when it did not (everything in it is lost). Deliveries run in the order
    // they were given.
    using Delivery = std::function<void(const std::optional<QString> &failure)>;
    void afterCommit(Delivery deliver);

    // Commits now and delivers what waited; returns the reason the commit failed.
    std::optional<QString> commitNow();

signals:
    // A commit failed: whatever was built from its writes (a cached reply) is wrong.
    void commitFailed(const QString &reason);

private:
    Store *m_store = nullptr;
    QTimer m_timer; // commits once the event loop has read what came
    QList<Delivery> m_waiting;
};
