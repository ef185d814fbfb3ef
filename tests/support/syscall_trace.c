// Loaded with LD_PRELOAD into the real discodesk-server, this records, in the order
// they happen, what the process writes (to files and sockets) and every fsync and
// fdatasync. tst_durability reads the record to see whether a reply went out before
// the data it reports was on stable storage.
//
// The record goes to the file named by DISCODESK_SYSCALL_TRACE, one entry per call:
//   kind (1 byte), the path of the descriptor (readlink of /proc/self/fd/N: a file, or
//   "socket:[inode]") as a 4-byte length and its bytes, then the bytes written as a
//   4-byte length and the bytes (none for a sync).
// Each entry errs on the side that makes a reply look early, so that a passing order
// is a real one:
//   'W' a write to a file, recorded once it has returned;
//   'N' a write to a socket, recorded before it is made (what it was asked to send);
//   's' a sync about to start, 'S' a sync that has returned success.
// Entries are written under one lock, so threads never interleave within one.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

static int traceFd = -1;
static pthread_mutex_t traceLock = PTHREAD_MUTEX_INITIALIZER;

__attribute__((constructor)) static void openTrace(void)
{
    const char *path = getenv("DISCODESK_SYSCALL_TRACE");
    if (path)
        traceFd = (int)syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
}

// Straight to the kernel: the record must not record itself.
static void putAll(const void *data, size_t size)
{
    const char *bytes = data;
    while (size > 0) {
        const long written = syscall(SYS_write, traceFd, bytes, size);
        if (written <= 0)
            return;
        bytes += written;
        size -= (size_t)written;
    }
}

typedef struct
{
    char text[512];
    uint32_t length;
} Path;

static Path pathOf(int fd)
{
    Path path = {{0}, 0};
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    const long size = syscall(SYS_readlinkat, AT_FDCWD, link, path.text, sizeof path.text);
    path.length = size > 0 ? (uint32_t)size : 0;
    return path;
}

static int isSocket(const Path *path)
{
    return path->length >= 7 && memcmp(path->text, "socket:", 7) == 0;
}

static void note(char kind, const Path *path, const struct iovec *parts, int count)
{
    if (traceFd < 0)
        return;
    uint32_t dataLength = 0;
    for (int i = 0; i < count; ++i)
        dataLength += (uint32_t)parts[i].iov_len;
    pthread_mutex_lock(&traceLock);
    putAll(&kind, 1);
    putAll(&path->length, sizeof path->length);
    putAll(path->text, path->length);
    putAll(&dataLength, sizeof dataLength);
    for (int i = 0; i < count; ++i)
        putAll(parts[i].iov_base, parts[i].iov_len);
    pthread_mutex_unlock(&traceLock);
}

// A write of parts[0..count), of which written bytes went out (-1: none): to a socket
// recorded before it is made, to a file after. Both calls bracket the real one.
typedef struct
{
    Path path;
    int traced;
} Write;

static Write beforeWrite(int fd, const struct iovec *parts, int count)
{
    Write write = {pathOf(fd), traceFd >= 0 && fd != traceFd};
    if (write.traced && isSocket(&write.path))
        note('N', &write.path, parts, count);
    return write;
}

static void afterWrite(const Write *write, const struct iovec *parts, int count, long written)
{
    if (!write->traced || isSocket(&write->path) || written <= 0)
        return;
    for (int i = 0; i < count && written > 0; ++i) {
        const long size = (long)parts[i].iov_len < written ? (long)parts[i].iov_len : written;
        const struct iovec part = {parts[i].iov_base, (size_t)size};
        note('W', &write->path, &part, 1);
        written -= size;
    }
}

#define REAL(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

#define TRACED_WRITE(fd, data, size, call)                                                                             \
    const struct iovec part = {(void *)(data), (size)};                                                               \
    const Write traced = beforeWrite((fd), &part, 1);                                                                  \
    const ssize_t written = (call);                                                                                    \
    afterWrite(&traced, &part, 1, written);                                                                            \
    return written

ssize_t write(int fd, const void *data, size_t size)
{
    TRACED_WRITE(fd, data, size, REAL(write)(fd, data, size));
}

ssize_t pwrite(int fd, const void *data, size_t size, off_t offset)
{
    TRACED_WRITE(fd, data, size, REAL(pwrite)(fd, data, size, offset));
}

ssize_t pwrite64(int fd, const void *data, size_t size, off64_t offset)
{
    TRACED_WRITE(fd, data, size, REAL(pwrite64)(fd, data, size, offset));
}

ssize_t send(int fd, const void *data, size_t size, int flags)
{
    TRACED_WRITE(fd, data, size, REAL(send)(fd, data, size, flags));
}

ssize_t sendto(int fd, const void *data, size_t size, int flags, const struct sockaddr *to, socklen_t toSize)
{
    TRACED_WRITE(fd, data, size, REAL(sendto)(fd, data, size, flags, to, toSize));
}

ssize_t writev(int fd, const struct iovec *parts, int count)
{
    const Write traced = beforeWrite(fd, parts, count);
    const ssize_t written = REAL(writev)(fd, parts, count);
    afterWrite(&traced, parts, count, written);
    return written;
}

ssize_t sendmsg(int fd, const struct msghdr *message, int flags)
{
    const Write traced = beforeWrite(fd, message->msg_iov, (int)message->msg_iovlen);
    const ssize_t written = REAL(sendmsg)(fd, message, flags);
    afterWrite(&traced, message->msg_iov, (int)message->msg_iovlen, written);
    return written;
}

#define TRACED_SYNC(fd, call)                                                                                          \
    const Path path = pathOf(fd);                                                                                      \
    note('s', &path, NULL, 0);                                                                                         \
    const int result = (call);                                                                                         \
    if (result == 0)                                                                                                   \
        note('S', &path, NULL, 0);                                                                                     \
    return result

int fsync(int fd)
{
    TRACED_SYNC(fd, REAL(fsync)(fd));
}

int fdatasync(int fd)
{
    TRACED_SYNC(fd, REAL(fdatasync)(fd));
}
