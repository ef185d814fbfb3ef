#include "ChangeBatcher.h"

ChangeBatcher::ChangeBatcher(QObject *parent) : QObject(parent)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(IntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &ChangeBatcher::flush);
}

void ChangeBatcher::add(const StoreChanges &changes)
{
    if (changes.isEmpty())
        return;
    m_pending.append(changes);
    // Started by the first change of a batch, not restarted by later ones: a steady
    // stream still shows up every IntervalMs.
    if (!m_timer.isActive())
        m_timer.start();
}

void ChangeBatcher::flush()
{
    m_timer.stop();
    if (m_pending.isEmpty())
        return;
    emit changesReady(std::exchange(m_pending, {}));
}
