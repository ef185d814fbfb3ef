#include "GroupCommit.h"

#include "service/DiskSync.h"
#include "store/Store.h"

GroupCommit::GroupCommit(QObject *parent) : QObject(parent), m_timer(this)
{
    // Zero: after every event already queued, the requests read in this pass.
    m_timer.setSingleShot(true);
    m_timer.setInterval(0);
    connect(&m_timer, &QTimer::timeout, this, &GroupCommit::commitNow);
}

GroupCommit::~GroupCommit() = default;

QString GroupCommit::setStore(Store *store, Durability durability)
{
    finish();
    if (m_store)
        disconnect(m_store, nullptr, this, nullptr);
    m_disk.reset();
    m_store = store;
    if (!m_store)
        return {};
    m_store->setGroupCommit(true);
    connect(m_store, &Store::batchOpened, &m_timer, qOverload<>(&QTimer::start));
    connect(m_store, &Store::changed, this, &GroupCommit::onChanged);
    connect(m_store, &QObject::destroyed, this, [this] { m_store = nullptr; });
    const QString log = m_store->logFile();
    if (durability == Durability::PowerLoss && DiskSync::isAvailable() && !log.isEmpty()) {
        // The store's commits need not wait for the disk: the log is synced here,
        // off this thread, before anything it covers is let out.
        m_disk = std::make_unique<DiskSync>(log);
        connect(m_disk.get(), &DiskSync::synced, this, &GroupCommit::onSynced);
        return m_store->setDurability(Durability::ProcessCrash);
    }
    return m_store->setDurability(durability);
}

GroupCommit::Ticket GroupCommit::ticket() const
{
    return m_store && m_store->isBatchOpen() ? m_store->batchUses() : 0;
}

bool GroupCommit::mustWait(Ticket ticket) const
{
    // Uses only grow while a batch is open, and no batch commits during a piece of
    // work: the work ran on this thread from its ticket to here.
    const bool usedOpenBatch = m_store && m_store->isBatchOpen() && m_store->batchUses() != ticket;
    return usedOpenBatch || m_next.committed || m_inFlight.committed;
}

void GroupCommit::afterCommit(Delivery deliver)
{
    if (m_store && m_store->isBatchOpen())
        m_waiting.append(std::move(deliver));
    else if (m_next.committed)
        m_next.answers.append(std::move(deliver));
    else if (m_inFlight.committed)
        m_inFlight.answers.append(std::move(deliver));
    else
        deliver(std::nullopt);
}

std::optional<QString> GroupCommit::commitNow()
{
    m_timer.stop();
    const bool batchWasOpen = m_store && m_store->isBatchOpen();
    std::optional<QString> failure;
    QElapsedTimer commitTime;
    commitTime.start();
    if (m_store) {
        if (const auto committed = m_store->commitBatch(); !committed.ok())
            failure = committed.error();
    }
    QList<Delivery> waiting = std::exchange(m_waiting, {});
    if (batchWasOpen && !failure)
        emit committed(int(waiting.size()), double(commitTime.nsecsElapsed()) / 1e9);
    if (failure) {
        emit commitFailed(*failure);
    } else if (m_disk) {
        m_next.committed = m_next.committed || batchWasOpen;
        m_next.answers += std::move(waiting);
        startSync();
        return failure;
    }
    for (const Delivery &deliver : waiting)
        deliver(failure);
    return failure;
}

void GroupCommit::finish()
{
    commitNow();
    if (!m_disk || (!m_inFlight.committed && !m_next.committed))
        return;
    // One sync here covers the one under way, whose result is then ignored.
    const QString error = m_disk->syncHere();
    ++m_round;
    Unsynced all = std::exchange(m_inFlight, {});
    Unsynced next = std::exchange(m_next, {});
    all.answers += std::move(next.answers);
    all.changes += std::move(next.changes);
    release(std::move(all), error);
}

void GroupCommit::onChanged(const StoreChanges &changes)
{
    if (m_disk)
        m_next.changes += changes; // committed by the batch that is committing now
    else
        emit saved(changes);
}

void GroupCommit::startSync()
{
    if (m_inFlight.committed || !m_next.committed)
        return;
    m_inFlight = std::exchange(m_next, {});
    m_syncTime.start();
    m_disk->start(++m_round);
}

void GroupCommit::onSynced(quint64 round, const QString &error)
{
    if (round != m_round || !m_inFlight.committed)
        return; // finish() synced past it
    emit synced(double(m_syncTime.nsecsElapsed()) / 1e9);
    release(std::exchange(m_inFlight, {}), error);
    startSync();
}

void GroupCommit::release(Unsynced done, const QString &error)
{
    // The data is in the database whatever the disk said: show it as reads will.
    if (!done.changes.isEmpty())
        emit saved(done.changes);
    const std::optional<QString> failure = error.isEmpty() ? std::nullopt : std::optional<QString>(error);
    for (const Delivery &deliver : done.answers)
        deliver(failure);
}
