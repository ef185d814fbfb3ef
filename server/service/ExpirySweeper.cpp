#include "ExpirySweeper.h"

#include <algorithm>

ExpirySweeper::ExpirySweeper(DiscoveryService &service, Schedule schedule, QObject *parent)
    : QObject(parent), m_service(service), m_timer(this), m_schedule(schedule), m_nextSlice(this)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &ExpirySweeper::check);
    m_timer.start(m_schedule.firstCheck);
    m_nextSlice.setSingleShot(true);
    m_nextSlice.setInterval(0);
    connect(&m_nextSlice, &QTimer::timeout, this, &ExpirySweeper::sweepSlice);
}

void ExpirySweeper::check()
{
    m_timer.start(m_schedule.checkInterval);
    if (m_run)
        return; // still sweeping
    const auto begun = m_service.beginSweepIfDue();
    if (!begun.ok())
        return fail(begun.error());
    m_run = begun.value();
    if (m_run) {
        m_sweepTime.start();
        m_nextSlice.start();
    }
}

void ExpirySweeper::sweepSlice()
{
    QElapsedTimer slice;
    slice.start();
    if (const auto swept = m_service.sweepSlice(*m_run); !swept.ok())
        return fail(swept.error());
    m_run->sweep.longestSliceMs = std::max(m_run->sweep.longestSliceMs, double(slice.nsecsElapsed()) / 1e6);
    if (!m_run->done)
        return m_nextSlice.start();
    m_run->sweep.durationMs = double(m_sweepTime.nsecsElapsed()) / 1e6;
    const auto finished = m_service.finishSweep(*m_run);
    const ExpirySweep sweep = m_run->sweep;
    m_run.reset();
    if (!finished.ok())
        return fail(finished.error());
    emit swept(sweep);
}

void ExpirySweeper::fail(const QString &reason)
{
    // What went so far stays gone; the rest waits for the next interval.
    m_run.reset();
    emit sweepFailed(reason);
}
