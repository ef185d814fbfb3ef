#pragma once

#include "core/Records.h"

#include <QObject>
#include <QThread>

#include <memory>

// Counts a database's IDs, nodes and Consul KV keys by kind (Store::countByKind) on a
// thread and a read-only connection of its own, for /metrics: the count reads whole
// tables (about 0.1 s at 100,000 IDs and 500,000 nodes here), which registrations
// must not wait for.
class BackgroundCount : public QObject
{
    Q_OBJECT

public:
    // Starts counting the database at location (as Store::open takes it).
    explicit BackgroundCount(const QString &location, QObject *parent = nullptr);
    // Waits for a count still under way: it reads through a connection of its own.
    ~BackgroundCount() override;

signals:
    // Queued to this object's thread: the counts, or why there are none.
    void finished(const KindCounts &counts, const QString &error);

private:
    std::unique_ptr<QThread> m_thread;
};
