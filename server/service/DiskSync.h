#pragma once

#include <QObject>
#include <QThread>

// Puts what has been written to a file on stable storage (fdatasync) on a thread of
// its own, so that the server thread goes on with the next batch of requests while
// the disk works: GroupCommit syncs SQLite's WAL with it after each commit. Linux
// only (isAvailable()); elsewhere SQLite syncs at every commit itself.
class DiskSync : public QObject
{
    Q_OBJECT

public:
    static constexpr bool isAvailable()
    {
#ifdef Q_OS_LINUX
        return true;
#else
        return false;
#endif
    }

    explicit DiskSync(const QString &path, QObject *parent = nullptr);
    // Waits for a sync in flight to end.
    ~DiskSync() override;

    // Syncs, on the sync thread, everything written to the file before this call;
    // synced(round, error) follows on this object's thread.
    void start(quint64 round);
    // The same on the calling thread, returning the error (empty on success).
    QString syncHere() const;

signals:
    void synced(quint64 round, const QString &error);

private:
    QString m_path;
    QThread m_thread;
    QObject m_onSyncThread; // the context that runs work there
};
