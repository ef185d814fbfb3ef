#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

// Measures how long the event loop of this thread goes without turning: a timer
// that should fire every IntervalMs notes how late it is. While the loop is stuck,
// input, painting and live updates wait just as long. Where the system tells, it
// also notes how much of the longest stall the thread spent running: the rest it
// waited, for a core (other busy processes) or for a lock.
class StallMeter : public QObject
{
    Q_OBJECT

public:
    static constexpr int IntervalMs = 5;

    explicit StallMeter(QObject *parent = nullptr);

    // Starts measuring afresh.
    void start();
    void stop() { m_timer.stop(); }

    // The longest wait beyond the interval since start(), in milliseconds.
    double longestMs() const { return double(m_longestNs) / 1e6; }
    // How much of that the thread ran; -1 where the system cannot tell.
    double longestBusyMs() const { return m_longestBusyNs < 0 ? -1 : double(m_longestBusyNs) / 1e6; }
    // How many waits were longer than ms.
    int stallsOver(int ms) const;

private:
    void tick();

    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_lastNs = 0;
    qint64 m_lastCpuNs = 0;
    qint64 m_longestNs = 0;
    qint64 m_longestBusyNs = -1;
    QList<qint64> m_stallsNs; // waits over 10 ms
};
