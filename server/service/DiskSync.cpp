#include "DiskSync.h"

#include <QFile>

#ifdef Q_OS_LINUX
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#endif

namespace {

QString syncFile(const QString &path)
{
#ifdef Q_OS_LINUX
    // Opened anew each time: SQLite deletes the WAL when its last connection closes
    // and makes a new one when a connection opens, so a descriptor kept open could
    // sync a file that is gone. fdatasync syncs the file, whichever descriptor asks.
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        // No WAL: SQLite removed it after copying everything into the database file,
        // which it synced first.
        if (errno == ENOENT)
            return {};
        return QStringLiteral("cannot open %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno)));
    }
    const int result = ::fdatasync(fd);
    const int error = errno;
    ::close(fd);
    if (result != 0) {
        return QStringLiteral("the disk did not confirm the write of %1: %2")
            .arg(path, QString::fromLocal8Bit(std::strerror(error)));
    }
    return {};
#else
    Q_UNUSED(path);
    return QStringLiteral("syncing a file is only done here on Linux");
#endif
}

} // namespace

DiskSync::DiskSync(const QString &path, QObject *parent) : QObject(parent), m_path(path)
{
    m_thread.setObjectName(QStringLiteral("DiskSync"));
    m_onSyncThread.moveToThread(&m_thread);
    m_thread.start();
}

DiskSync::~DiskSync()
{
    m_thread.quit();
    m_thread.wait(); // before this object goes: a finished sync posts to it
}

void DiskSync::start(quint64 round)
{
    QMetaObject::invokeMethod(&m_onSyncThread, [this, round] {
        const QString error = syncFile(m_path);
        // Alive: the destructor waits for this thread before this object goes.
        QMetaObject::invokeMethod(this, [this, round, error] { emit synced(round, error); }, Qt::QueuedConnection);
    });
}

QString DiskSync::syncHere() const
{
    return syncFile(m_path);
}
