#include "ExpirySweeper.h"

#include <algorithm>
#include <cmath>

ExpirySweeper::ExpirySweeper(DiscoveryService &service, GroupCommit &commits, Schedule schedule, QObject *parent)
    : QObject(parent), m_service(service), m_commits(commits), m_timer(this), m_schedule(schedule), m_nextSlice(this)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &ExpirySweeper::check);
    m_timer.start(m_schedule.firstCheck);
    m_nextSlice.setSingleShot(true);
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
        m_run->sliceIds = FirstSliceIds;
        m_nextSlice.start(0);
    }
}

void ExpirySweeper::sweepSlice()
{
    // A slice is committed alone: the requests read meanwhile are committed before
    // it and the ones after it wait for the next batch, so a registration never
    // shares a commit (or a savepoint's copies of pages) with thousands of deletions.
    m_commits.commitNow();
    QElapsedTimer slice;
    slice.start();
    const auto sliced = m_service.sweepSlice(*m_run);
    m_commits.commitNow();
    if (!sliced.ok())
        return fail(sliced.error());
    const double tookMs = double(slice.nsecsElapsed()) / 1e6;
    m_run->sweep.longestSliceMs = std::max(m_run->sweep.longestSliceMs, tookMs);
    if (!m_run->done) {
        // The next slice is sized to take about sliceTarget, and waits three times
        // as long as this one took: requests get at least three quarters of the
        // thread and of the disk, whatever the machine and the store.
        const double scale = std::clamp(double(m_schedule.sliceTarget.count()) / std::max(tookMs, 0.1), 0.5, 2.0);
        m_run->sliceIds = std::clamp(int(m_run->sliceIds * scale), MinSliceIds, MaxSliceIds);
        m_nextSlice.start(std::chrono::milliseconds(qRound64(std::ceil(PauseFactor * tookMs))));
        return;
    }
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
