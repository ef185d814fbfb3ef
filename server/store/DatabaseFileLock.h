#pragma once

#include <QString>

// One DiscoDesk per SQLite file: an exclusive lock on the file itself, not on its
// name, so that a symbolic or hard link to the file meets the same lock. The
// kernel drops it when the process ends, however it ends (SIGKILL included): a
// lock is never stale. Only a store that owns the database takes it; other
// connections to the file, reading or not, never ask for it.
class DatabaseFileLock
{
public:
    DatabaseFileLock() = default;
    ~DatabaseFileLock() { unlock(); }
    DatabaseFileLock(const DatabaseFileLock &) = delete;
    DatabaseFileLock &operator=(const DatabaseFileLock &) = delete;

    // Locks the file at path without waiting, creating it empty (as SQLite would)
    // when it is missing. Returns an empty string on success, otherwise a one-line
    // reason: another DiscoDesk has it, it is not a file, or it cannot be opened.
    QString lock(const QString &path);
    // Closing any descriptor of a file drops the POSIX locks this process holds on
    // it, SQLite's among them: unlock only after the store's connection is closed.
    // (A refused lock() closes one too, so a second store in a process that has the
    // file open would cost the first its SQLite locks: one store per process.)
    void unlock();
    bool isLocked() const;

private:
#ifdef Q_OS_WIN
    void *m_handle = nullptr; // a HANDLE
#else
    int m_fd = -1;
#endif
};
