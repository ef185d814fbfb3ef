#pragma once

#include "core/ExpiryRules.h"
#include "service/DiscoveryService.h"
#include "service/GroupCommit.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <chrono>

// Runs expiry sweeps on schedule: it looks shortly after the server starts and then
// every checkInterval whether a sweep is due (DiscoveryService::beginSweepIfDue
// decides, from the rules and the last sweep in the database, so rules set through
// another server or the window apply here too), and runs it on the server's thread a
// slice of IDs at a time, each committed on its own, sized to take about sliceTarget
// and followed by a pause three times as long, so requests are answered in between
// and the sweep's writes leave the disk to them for most of the time.
class ExpirySweeper : public QObject
{
    Q_OBJECT

public:
    struct Schedule
    {
        std::chrono::milliseconds firstCheck{10'000};
        std::chrono::milliseconds checkInterval{60'000};
        // How long a slice should hold the server's thread (its removals and commit).
        std::chrono::milliseconds sliceTarget{10};
    };
    // Slices are sized by what the last one took; the first is a guess.
    static constexpr int FirstSliceIds = 20;
    static constexpr int MinSliceIds = 10;
    static constexpr int MaxSliceIds = 5000;
    // After a slice, the sweep waits this many times as long as the slice took.
    static constexpr int PauseFactor = 3;

    ExpirySweeper(DiscoveryService &service, GroupCommit &commits, Schedule schedule, QObject *parent = nullptr);

    // Looks now whether a sweep is due, and begins it if so.
    void check();
    bool isSweeping() const { return m_run.has_value(); }

signals:
    void swept(const ExpirySweep &sweep);
    void sweepFailed(const QString &reason);

private:
    void sweepSlice();
    void fail(const QString &reason);

    DiscoveryService &m_service;
    GroupCommit &m_commits;
    QTimer m_timer;
    Schedule m_schedule;
    std::optional<DiscoveryService::ExpiryRun> m_run; // the sweep under way
    QTimer m_nextSlice; // after the pause that follows a slice
    QElapsedTimer m_sweepTime;
};
