#include "DatabaseFileLock.h"

#include <QFile>

#if defined(Q_OS_WIN)
#include <QDir>
#include <windows.h>
#else
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(Q_OS_LINUX)
#include <sys/file.h>
#include <sys/sysmacros.h>
#endif
#endif

namespace {

// holder: the process that has the file, 0 when the system does not say.
QString inUse(const QString &path, qint64 holder)
{
    return QStringLiteral("%1 is in use by another DiscoDesk%2; stop it or choose another database")
        .arg(path, holder > 0 ? QStringLiteral(" (process %1)").arg(holder) : QString());
}

#if !defined(Q_OS_LINUX)
// Where a byte-range lock is taken: far past anything a database holds (SQLite's
// largest is 2^48 bytes), so it never meets SQLite's own locks or its reads.
constexpr qint64 LockOffset = qint64(1) << 62;
#endif

} // namespace

#if defined(Q_OS_WIN)

// Not built here: written to the Win32 documentation. A byte-range lock belongs to
// the file, whatever path opened it, and goes when its handle closes or the process
// ends.
QString DatabaseFileLock::lock(const QString &path)
{
    unlock();
    // OPEN_ALWAYS creates a missing file empty before SQLite opens it; the share
    // modes let SQLite and readers open it as well.
    const HANDLE handle = ::CreateFileW(reinterpret_cast<const wchar_t *>(QDir::toNativeSeparators(path).utf16()),
                                        GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                                        nullptr, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (handle == INVALID_HANDLE_VALUE)
        return QStringLiteral("cannot open %1: %2").arg(path, qt_error_string(int(::GetLastError())));
    if (::GetFileType(handle) != FILE_TYPE_DISK) {
        ::CloseHandle(handle);
        return QStringLiteral("%1 is not a file").arg(path);
    }
    OVERLAPPED at = {};
    at.Offset = DWORD(LockOffset & 0xffffffff);
    at.OffsetHigh = DWORD(LockOffset >> 32);
    if (!::LockFileEx(handle, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &at)) {
        const DWORD error = ::GetLastError();
        ::CloseHandle(handle);
        if (error == ERROR_LOCK_VIOLATION)
            return inUse(path, 0); // Windows does not tell who holds a lock
        return QStringLiteral("cannot lock %1: %2").arg(path, qt_error_string(int(error)));
    }
    m_handle = handle;
    return {};
}

void DatabaseFileLock::unlock()
{
    if (m_handle) {
        ::CloseHandle(m_handle);
        m_handle = nullptr;
    }
}

bool DatabaseFileLock::isLocked() const
{
    return m_handle != nullptr;
}

#else

namespace {

#if defined(Q_OS_LINUX)

// flock(2) locks are apart from the POSIX byte-range locks SQLite takes, so one on
// the whole file is in none of SQLite's ways.
bool tryLock(int fd)
{
    return ::flock(fd, LOCK_EX | LOCK_NB) == 0;
}

// The process that holds the file's flock, as /proc/locks tells, in lines such as
// "1: FLOCK  ADVISORY  WRITE 1234 fe:00:5368033 0 EOF"; 0 when it does not.
qint64 holder(int, const struct stat &file)
{
    QFile locks(QStringLiteral("/proc/locks"));
    if (!locks.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray identity = QStringLiteral("%1:%2:%3")
                                    .arg(major(file.st_dev), 2, 16, QLatin1Char('0'))
                                    .arg(minor(file.st_dev), 2, 16, QLatin1Char('0'))
                                    .arg(qulonglong(file.st_ino))
                                    .toLatin1();
    for (const QByteArray &line : locks.readAll().split('\n')) {
        const QList<QByteArray> fields = line.simplified().split(' ');
        if (fields.size() > 5 && fields.at(1) == "FLOCK" && fields.at(3) == "WRITE" && fields.at(5) == identity)
            return fields.at(4).toLongLong();
    }
    return 0;
}

#else

// Not built here. BSD kernels (macOS) keep flock(2) locks and SQLite's POSIX locks
// in one table, where a flock covers the whole file and would shut SQLite out: one
// byte far past the data is locked instead. An open file description's lock
// belongs to the descriptor, as a flock does; a plain POSIX lock, where there is
// no other, is the process's and goes when it closes any descriptor of the file,
// as SQLite does when it reconnects.
struct flock lockedByte(short type)
{
    struct flock range = {};
    range.l_type = type;
    range.l_whence = SEEK_SET;
    range.l_start = off_t(LockOffset);
    range.l_len = 1;
    return range;
}

bool tryLock(int fd)
{
#if defined(F_OFD_SETLK)
    const int command = F_OFD_SETLK;
#else
    const int command = F_SETLK;
#endif
    // A write lock needs a descriptor open for writing; a read lock still keeps out
    // every store that could write.
    const bool writable = (::fcntl(fd, F_GETFL) & O_ACCMODE) != O_RDONLY;
    struct flock range = lockedByte(writable ? F_WRLCK : F_RDLCK);
    return ::fcntl(fd, command, &range) == 0;
}

qint64 holder(int fd, const struct stat &)
{
    struct flock range = lockedByte(F_WRLCK);
    return ::fcntl(fd, F_GETLK, &range) == 0 && range.l_type != F_UNLCK ? qint64(range.l_pid) : 0;
}

#endif

// A missing file is created empty, which SQLite takes for a new database: then the
// lock is held before SQLite first opens the file, and nothing of the store reads or
// writes it unlocked. O_NONBLOCK: a FIFO in the file's place does not hang the open.
// O_CLOEXEC: a child process never inherits the lock and keeps it past our end.
int openToLock(const QString &path)
{
    const QByteArray name = QFile::encodeName(path);
    constexpr int flags = O_CREAT | O_NONBLOCK | O_CLOEXEC;
    const int fd = ::open(name.constData(), O_RDWR | flags, 0644);
    if (fd >= 0 || (errno != EACCES && errno != EROFS))
        return fd;
    return ::open(name.constData(), O_RDONLY | flags, 0644); // a read-only file is still served
}

} // namespace

QString DatabaseFileLock::lock(const QString &path)
{
    unlock();
    const int fd = openToLock(path);
    if (fd < 0)
        return QStringLiteral("cannot open %1: %2").arg(path, qt_error_string(errno));
    struct stat file = {};
    if (::fstat(fd, &file) != 0 || !S_ISREG(file.st_mode)) {
        ::close(fd);
        return QStringLiteral("%1 is not a file").arg(path);
    }
    if (!tryLock(fd)) {
        const int error = errno;
        // EACCES: how some systems' fcntl says EAGAIN.
        const bool taken = error == EWOULDBLOCK || error == EAGAIN || error == EACCES;
        const qint64 pid = taken ? holder(fd, file) : 0;
        ::close(fd);
        return taken ? inUse(path, pid) : QStringLiteral("cannot lock %1: %2").arg(path, qt_error_string(error));
    }
    m_fd = fd;
    return {};
}

void DatabaseFileLock::unlock()
{
    if (m_fd >= 0) {
        ::close(m_fd); // the kernel releases the lock with the last descriptor
        m_fd = -1;
    }
}

bool DatabaseFileLock::isLocked() const
{
    return m_fd >= 0;
}

#endif
