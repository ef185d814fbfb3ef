#pragma once

#include "core/StoreChange.h"

#include <QObject>
#include <QTimer>

// Collects the store's change notifications and hands them on together, at most
// every IntervalMs: a busy cluster registering thousands of times a second would
// otherwise make the window update one row per request (see the Qt 6.4 notes).
// Each transaction's changes stay together; some rules depend on it.
class ChangeBatcher : public QObject
{
    Q_OBJECT

public:
    static constexpr int IntervalMs = 50;

    explicit ChangeBatcher(QObject *parent = nullptr);

public slots:
    void add(const StoreChanges &changes);
    // Hands on what is pending now instead of waiting for the timer.
    void flush();

signals:
    void changesReady(const QList<StoreChanges> &transactions);

private:
    QTimer m_timer;
    QList<StoreChanges> m_pending;
};
