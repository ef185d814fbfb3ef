#pragma once

#include "core/ExpiryRules.h"
#include "service/DiscoveryService.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <chrono>

// Runs expiry sweeps on schedule: it looks shortly after the server starts and then
// every checkInterval whether a sweep is due (DiscoveryService::beginSweepIfDue
// decides, from the rules and the last sweep in the database, so rules set through
// another server or the window apply here too), and runs it on the server's thread a
// slice of IDs per pass of the event loop, so requests are answered in between.
class ExpirySweeper : public QObject
{
    Q_OBJECT

public:
    struct Schedule
    {
        std::chrono::milliseconds firstCheck{10'000};
        std::chrono::milliseconds checkInterval{60'000};
    };

    ExpirySweeper(DiscoveryService &service, Schedule schedule, QObject *parent = nullptr);

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
    QTimer m_timer;
    Schedule m_schedule;
    std::optional<DiscoveryService::ExpiryRun> m_run; // the sweep under way
    QTimer m_nextSlice; // zero: after what the event loop has read meanwhile
    QElapsedTimer m_sweepTime;
};
