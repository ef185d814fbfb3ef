#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QThread>
#include <QTimer>

// Checkpoints a SQLite file's WAL (copies its pages into the database file and syncs
// that file) on a thread and a connection of its own. SQLite's automatic checkpoint
// runs in the commit that takes the WAL past 1000 pages, on the writer's thread: 20-30
// ms of syncing the database file here, several times a second under load and more
// while an expiry sweep removes nodes, with every request waiting.
//
// The writer tells this object of its commits; a checkpoint runs at most every minGap.
// The WAL starts over when the writer begins a write and finds every page in it
// copied, which happens after a pause in the writes. Under writes without a pause the
// writer always commits while a checkpoint runs, so the WAL would only grow: once it
// holds RestartPages, caughtUp() asks the writer to checkpoint the few pages since the
// last checkpoint itself (one sync of each file, a few milliseconds to a few tens),
// and its next write starts the WAL over. "Few": a checkpoint that copied more than
// CatchUpPages new pages took long enough for many commits to come meanwhile (during
// an expiry sweep of a million IDs the writer's own then took 114-118 ms, median),
// so another runs here first, copying those, until one copies no more than that
// (the writer's: 36 ms, median).
class WalCheckpointer : public QObject
{
    Q_OBJECT

public:
    static constexpr int MinGapMs = 200;
    // 64 MiB of 4 KiB pages: at most one pause of the writer per 64 MiB written.
    static constexpr int RestartPages = 16384;
    static constexpr int CatchUpPages = 512;

    // path: the database file, served in WAL mode by the writer that owns this object.
    explicit WalCheckpointer(const QString &path, QObject *parent = nullptr);
    // Waits for a checkpoint under way and closes the connection.
    ~WalCheckpointer() override;

    // The writer committed: a checkpoint starts now, or after the gap, or after the
    // one under way.
    void committed();

signals:
    // A checkpoint copied every page of a WAL of RestartPages or more, and more
    // writes may have come meanwhile.
    void caughtUp();
    // A checkpoint failed: the writer should checkpoint on its own again.
    void failed(const QString &error);

private:
    void start();
    void onFinished(int logPages, int copiedPages, const QString &error);

    const QString m_path;
    QThread m_thread;
    QObject m_onThread; // lives on m_thread, with the connection
    QString m_connectionName;
    QTimer m_afterGap;
    QElapsedTimer m_lastStart;
    bool m_running = false;
    bool m_again = false; // commits came while one ran
    int m_lastLogPages = 0; // the WAL's pages at the last checkpoint
};
