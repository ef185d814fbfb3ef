// A served SQLite file's WAL checkpoints (store/WalCheckpointer): they run on a thread
// of their own, so the writer's thread, which answers every request, never waits for
// the database file's sync; and the WAL still starts over under writes that never
// pause, so it stays bounded.
//
// This executable defines fdatasync and fsync itself: SQLite, loaded as a shared
// library, calls these, which note the file and whether the writer's thread called.

#include "core/Records.h"
#include "store/Store.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <dlfcn.h>
#include <mutex>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

namespace {

struct Sync
{
    QString file;
    bool onWritersThread; // the test's main thread writes
};

std::mutex syncsLock;
std::vector<Sync> syncs;

void noteSync(int fd)
{
    const QString file = QFileInfo(QStringLiteral("/proc/self/fd/%1").arg(fd)).symLinkTarget();
    const bool onMainThread = ::syscall(SYS_gettid) == ::getpid();
    const std::lock_guard lock(syncsLock);
    syncs.push_back({file, onMainThread});
}

// How many syncs of file the writer's thread made, and the other threads.
std::pair<int, int> syncsOf(const QString &file)
{
    const std::lock_guard lock(syncsLock);
    int writer = 0, others = 0;
    for (const Sync &sync : syncs) {
        if (sync.file == file)
            ++(sync.onWritersThread ? writer : others);
    }
    return {writer, others};
}

} // namespace

extern "C" int fdatasync(int fd)
{
    static const auto real = reinterpret_cast<int (*)(int)>(::dlsym(RTLD_NEXT, "fdatasync"));
    noteSync(fd);
    return real(fd);
}

extern "C" int fsync(int fd)
{
    static const auto real = reinterpret_cast<int (*)(int)>(::dlsym(RTLD_NEXT, "fsync"));
    noteSync(fd);
    return real(fd);
}

class CheckpointsTest : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void checkpointsLeaveTheWritersThread();
    void theLogStartsOverUnderWritesThatNeverPause();

private:
    // One committed write of a Consul KV key with a value of size bytes.
    void write(const QString &key, qsizetype size);
    qint64 logSize() const { return QFileInfo(m_path + QStringLiteral("-wal")).size(); }

    QTemporaryDir m_dir;
    QString m_path;
    std::unique_ptr<Store> m_store;
    qint64 m_index = 0;
};

void CheckpointsTest::init()
{
    m_store.reset();
    // As /proc names it, links resolved.
    m_path = QStringLiteral("%1/%2.sqlite")
                 .arg(QFileInfo(m_dir.path()).canonicalFilePath(), QString::fromLatin1(QTest::currentTestFunction()));
    QString error;
    m_store = Store::open(m_path, &error);
    QVERIFY2(m_store, qPrintable(error));
    const std::lock_guard lock(syncsLock);
    syncs.clear();
}

void CheckpointsTest::write(const QString &key, qsizetype size)
{
    Store::Transaction transaction(*m_store, Store::Access::Write);
    QVERIFY2(transaction.error().isEmpty(), qPrintable(transaction.error()));
    KvEntry entry;
    entry.key = key;
    entry.value = QByteArray(size, char('a' + m_index % 26));
    entry.createIndex = entry.modifyIndex = ++m_index;
    entry.createdAt = entry.modifiedAt = entry.reportedAt = Timestamp::now();
    const auto written = m_store->writeKv(entry, true);
    QVERIFY2(written.ok(), qPrintable(written.error()));
    const auto committed = transaction.commit();
    QVERIFY2(committed.ok(), qPrintable(committed.error()));
}

void CheckpointsTest::checkpointsLeaveTheWritersThread()
{
    // 12 MiB in 48 commits: SQLite's own checkpoints would run three times, each in
    // the commit that took the WAL past 1000 pages, syncing the database file there.
    for (int i = 0; i < 48; ++i) {
        write(QStringLiteral("big/%1").arg(i), 256 * 1024);
        QCoreApplication::processEvents();
    }
    // Checkpointed in the background: the database file holds the values.
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(m_path).size() > 12 * 1024 * 1024, 30'000);
    const auto [writer, others] = syncsOf(m_path);
    QCOMPARE(writer, 0);
    QVERIFY(others > 0);
    const auto found = m_store->findKv(QStringLiteral("big/47"));
    QVERIFY(found.ok() && found.value());
    QCOMPARE(found.value()->value->size(), 256 * 1024);
}

void CheckpointsTest::theLogStartsOverUnderWritesThatNeverPause()
{
    // Over 64 MiB (RestartPages) into the WAL without a pause, then small writes
    // without a pause until it starts over: SQLite cuts it back to its size limit,
    // 64 MiB, when it does. A checkpoint on another connection alone would never let
    // it: the writer always commits while one runs.
    for (int i = 0; i < 320; ++i)
        write(QStringLiteral("big/%1").arg(i % 16), 256 * 1024);
    const qint64 grown = logSize();
    QVERIFY2(grown > 64 * 1024 * 1024, qPrintable(QString::number(grown)));
    QDeadlineTimer deadline(60'000);
    int writes = 0;
    while (logSize() > 64 * 1024 * 1024 && !deadline.hasExpired()) {
        write(QStringLiteral("small"), 100);
        QCoreApplication::processEvents();
        ++writes;
    }
    QVERIFY2(logSize() <= 64 * 1024 * 1024,
             qPrintable(QStringLiteral("the WAL is still %1 bytes after %2 more writes").arg(logSize()).arg(writes)));
    // Nothing was lost when it started over.
    const auto found = m_store->findKv(QStringLiteral("big/15"));
    QVERIFY(found.ok() && found.value());
    QCOMPARE(found.value()->value->size(), 256 * 1024);
}

QTEST_GUILESS_MAIN(CheckpointsTest)
#include "tst_checkpoints.moc"
