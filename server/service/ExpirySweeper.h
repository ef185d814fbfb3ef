#pragma once

#include "core/ExpiryRules.h"

#include <QObject>
#include <QTimer>

#include <chrono>

class DiscoveryService;

// Runs expiry sweeps on schedule: it looks shortly after the server starts and then
// every checkInterval whether a sweep is due (DiscoveryService::sweepIfDue decides,
// from the rules and the last sweep in the database, so rules set through another
// server or the window apply here too), and runs it on the server's thread.
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

    // Looks now whether a sweep is due, and runs it if so.
    void check();

signals:
    void swept(const ExpirySweep &sweep);
    void sweepFailed(const QString &reason);

private:
    DiscoveryService &m_service;
    QTimer m_timer;
    Schedule m_schedule;
};
