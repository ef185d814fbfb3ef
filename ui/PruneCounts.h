#pragma once

#include "core/ExpiryRules.h"
#include "core/Records.h"

#include <QCoreApplication>
#include <QString>

// How much a prune removes, and the words the dialog and the window say it in.
struct PruneCounts
{
    Q_DECLARE_TR_FUNCTIONS(PruneCounts)

public:
    qint64 ids = 0;
    qint64 nodesOfIds = 0;    // the nodes that go with those IDs
    qint64 singleNodes = 0;   // nodes removed from IDs that stay
    qint64 singleNodeIds = 0; // the IDs they are removed from
    qint64 kvKeys = 0;

    static PruneCounts of(const PruneResult &result);
    static PruneCounts of(const ExpirySweep &sweep);
    bool isEmpty() const { return ids == 0 && singleNodes == 0 && kvKeys == 0; }
    // "2 IDs (with 4 nodes), 6 nodes of 3 other IDs and 1 Consul KV key", each part
    // only when it is not zero; empty when nothing is removed.
    QString text() const;
};
