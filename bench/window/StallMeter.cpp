#include "StallMeter.h"

#include <ctime>

namespace {

// CPU time this thread has used, in ns; -1 where the system does not say.
qint64 threadCpuNs()
{
#ifdef CLOCK_THREAD_CPUTIME_ID
    timespec now{};
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now) == 0)
        return qint64(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
#endif
    return -1;
}

} // namespace

StallMeter::StallMeter(QObject *parent) : QObject(parent)
{
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(IntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &StallMeter::tick);
}

void StallMeter::start()
{
    m_longestNs = 0;
    m_longestBusyNs = -1;
    m_stallsNs.clear();
    m_clock.start();
    m_lastNs = 0;
    m_lastCpuNs = threadCpuNs();
    m_timer.start();
}

int StallMeter::stallsOver(int ms) const
{
    return int(std::count_if(m_stallsNs.cbegin(), m_stallsNs.cend(),
                             [ms](qint64 ns) { return ns > qint64(ms) * 1'000'000; }));
}

void StallMeter::tick()
{
    const qint64 now = m_clock.nsecsElapsed();
    const qint64 cpu = threadCpuNs();
    const qint64 late = now - m_lastNs - qint64(IntervalMs) * 1'000'000;
    if (late > m_longestNs) {
        m_longestNs = late;
        m_longestBusyNs = cpu < 0 || m_lastCpuNs < 0 ? -1 : std::min(late, cpu - m_lastCpuNs);
    }
    m_lastNs = now;
    m_lastCpuNs = cpu;
    if (late > 10'000'000)
        m_stallsNs.append(late);
}
