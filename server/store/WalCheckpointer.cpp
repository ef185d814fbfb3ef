#include "WalCheckpointer.h"

#include <QAtomicInteger>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

namespace {

struct Checkpoint
{
    int logPages = 0;
    int copiedPages = 0;
    QString error;
};

// One PASSIVE checkpoint: it copies what no reader still needs and never waits for
// the writer or a reader.
Checkpoint checkpoint(const QString &connectionName, const QString &path)
{
    QSqlDatabase db = QSqlDatabase::database(connectionName, false);
    if (!db.isValid()) {
        db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connectionName);
        db.setDatabaseName(path);
    }
    if (!db.isOpen()) {
        if (!db.open())
            return {0, 0, db.lastError().text()};
        // The sync of the database file before the WAL may start over is the
        // checkpointing connection's: NORMAL makes it (OFF would not).
        QSqlQuery pragma(db);
        if (!pragma.exec(QStringLiteral("PRAGMA synchronous = NORMAL")))
            return {0, 0, pragma.lastError().text()};
    }
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)")) || !query.next())
        return {0, 0, query.lastError().text()};
    // busy, pages in the WAL, pages copied (-1 -1 when the file is not in WAL mode).
    return {query.value(1).toInt(), query.value(2).toInt(), {}};
}

} // namespace

WalCheckpointer::WalCheckpointer(const QString &path, QObject *parent)
    : QObject(parent), m_path(path), m_afterGap(this)
{
    static QAtomicInteger<quint64> counter;
    m_connectionName = QStringLiteral("discodesk-checkpoint-%1").arg(counter.fetchAndAddRelaxed(1));
    m_afterGap.setSingleShot(true);
    connect(&m_afterGap, &QTimer::timeout, this, &WalCheckpointer::start);
    m_thread.setObjectName(QStringLiteral("WalCheckpointer"));
    m_onThread.moveToThread(&m_thread);
    m_thread.start();
}

WalCheckpointer::~WalCheckpointer()
{
    // Closed on its thread, before the writer closes: the last connection to close
    // checkpoints and removes the WAL.
    const QString name = m_connectionName;
    QMetaObject::invokeMethod(
        &m_onThread,
        [name] {
            if (QSqlDatabase::contains(name)) {
                QSqlDatabase::database(name, false).close();
                QSqlDatabase::removeDatabase(name);
            }
        },
        Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait(); // before this object goes: a finished checkpoint posts to it
}

void WalCheckpointer::committed()
{
    if (m_running) {
        m_again = true;
        return;
    }
    if (m_afterGap.isActive())
        return;
    const qint64 sinceLast = m_lastStart.isValid() ? m_lastStart.elapsed() : MinGapMs;
    if (sinceLast >= MinGapMs)
        start();
    else
        m_afterGap.start(int(MinGapMs - sinceLast));
}

void WalCheckpointer::start()
{
    m_running = true;
    m_again = false;
    m_lastStart.start();
    QMetaObject::invokeMethod(&m_onThread, [this, name = m_connectionName, path = m_path] {
        const Checkpoint done = checkpoint(name, path);
        // Alive: the destructor waits for this thread before this object goes.
        QMetaObject::invokeMethod(
            this, [this, done] { onFinished(done.logPages, done.copiedPages, done.error); }, Qt::QueuedConnection);
    });
}

void WalCheckpointer::onFinished(int logPages, int copiedPages, const QString &error)
{
    m_running = false;
    if (!error.isEmpty())
        return emit failed(error);
    // Pages this checkpoint found that the last one did not (the WAL may have started over).
    const int newPages = logPages >= m_lastLogPages ? logPages - m_lastLogPages : logPages;
    m_lastLogPages = logPages;
    if (logPages >= RestartPages && copiedPages == logPages) { // a big WAL, copied whole
        m_again = false;
        if (newPages > CatchUpPages && logPages < 4 * RestartPages) {
            // Commits came all the while this one ran: another copies them here, now,
            // and leaves the writer less. Past four times the size the writer copies
            // whatever there is, so that the WAL stays bounded under any rate of writes.
            return start();
        }
        // The next starts after the writer's own checkpoint, which runs after its
        // next commit and then tells of that commit: two at once would slow both, and
        // the writer's would find the checkpoint lock taken.
        return emit caughtUp();
    }
    if (m_again)
        committed();
}
