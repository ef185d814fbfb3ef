#include "ExpirySweeper.h"

#include "service/DiscoveryService.h"

ExpirySweeper::ExpirySweeper(DiscoveryService &service, Schedule schedule, QObject *parent)
    : QObject(parent), m_service(service), m_timer(this), m_schedule(schedule)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &ExpirySweeper::check);
    m_timer.start(m_schedule.firstCheck);
}

void ExpirySweeper::check()
{
    const auto sweep = m_service.sweepIfDue();
    m_timer.start(m_schedule.checkInterval);
    if (!sweep.ok())
        return emit sweepFailed(sweep.error());
    if (sweep.value())
        emit swept(*sweep.value());
}
