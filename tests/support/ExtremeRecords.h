#pragma once

#include "core/Records.h"

#include <QList>
#include <QString>

// Records with the extreme values a store can hold, as this DiscoDesk or an older one
// could have written them: times at both ends of qint64 microseconds and just outside
// the years 1 to 9999 (the year-10000 time an offset made), registration counts
// beyond 32 bits up to the 64-bit column's largest, the largest etcd indexes, the
// longest IDs, labels, addresses and values, empty labels, IDs without nodes, a node
// last seen before its first registration (a clock set back), two members of a token
// with the same etcd index (two stores merged by import).
namespace ExtremeRecords {

// A few records, each as Store::importIds leaves it (last_activity no earlier than
// the creation or any node's last_seen, a token's etcd_index its members' largest), so
// that a store given them exports them unchanged.
QList<DiscoveryIdWithNodes> fixed();

// count records with values drawn from those whole ranges, the same for the same seed.
QList<DiscoveryIdWithNodes> random(quint32 seed, int count);

// The first place where a and b differ, as "[1].nodes[0].registrations: 5, not 6";
// empty when they are the same.
QString difference(const QList<DiscoveryIdWithNodes> &actual, const QList<DiscoveryIdWithNodes> &expected);

} // namespace ExtremeRecords
