#include "GroupCommit.h"

#include "store/Store.h"

GroupCommit::GroupCommit(QObject *parent) : QObject(parent), m_timer(this)
{
    // Zero: after every event already queued, the requests read in this pass.
    m_timer.setSingleShot(true);
    m_timer.setInterval(0);
    connect(&m_timer, &QTimer::timeout, this, &GroupCommit::commitNow);
}

void GroupCommit::setStore(Store *store)
{
    commitNow();
    if (m_store)
        disconnect(m_store, nullptr, this, nullptr);
    m_store = store;
    if (!m_store)
        return;
    m_store->setGroupCommit(true);
    connect(m_store, &Store::batchOpened, &m_timer, qOverload<>(&QTimer::start));
    connect(m_store, &QObject::destroyed, this, [this] { m_store = nullptr; });
}

GroupCommit::Ticket GroupCommit::ticket() const
{
    return m_store && m_store->isBatchOpen() ? m_store->batchUses() : 0;
}

bool GroupCommit::usedOpenBatch(Ticket ticket) const
{
    // Uses only grow while a batch is open, and no batch commits during a piece of
    // work: the work ran on this thread from its ticket to here.
    return m_store && m_store->isBatchOpen() && m_store->batchUses() != ticket;
}

void GroupCommit::afterCommit(Delivery deliver)
{
    m_waiting.append(std::move(deliver));
}

std::optional<QString> GroupCommit::commitNow()
{
    m_timer.stop();
    std::optional<QString> failure;
    if (m_store) {
        if (const auto committed = m_store->commitBatch(); !committed.ok())
            failure = committed.error();
    }
    if (failure)
        emit commitFailed(*failure);
    const QList<Delivery> waiting = std::exchange(m_waiting, {});
    for (const Delivery &deliver : waiting)
        deliver(failure);
    return failure;
}
