#pragma once

#include "core/Records.h"

#include <random>

// Made-up but realistic discovery data for the scale benchmark: rqlite IDs and etcd
// tokens created evenly over a span of days, some with labels, nodes spread over the
// IDs at random (some IDs have none), addresses like 127.0.0.1:4001. The same seed
// gives the same data.
class ScaleData
{
public:
    ScaleData(qint64 idCount, qint64 nodeCount, Timestamp now, int spanDays, quint64 seed);

    qint64 idCount() const { return m_idCount; }
    // The next count IDs (fewer at the end), oldest first, with their nodes.
    QList<DiscoveryIdWithNodes> next(qint64 count);
    bool atEnd() const { return m_nextId >= m_idCount; }

private:
    QString randomHex(int digits);
    QString uuid();
    Timestamp randomTimeBetween(Timestamp from, Timestamp to);
    DiscoveryIdWithNodes makeId(qint64 index, int nodes);

    qint64 m_idCount;
    Timestamp m_now;
    qint64 m_spanMicroseconds;
    std::mt19937_64 m_random;
    QList<quint16> m_nodesOf; // how many nodes each ID gets
    qint64 m_nextId = 0;
};
