#include "ExportStream.h"

#include "core/ExchangeFormat.h"
#include "service/DiscoveryService.h"
#include "store/Store.h"

#include <QIODevice>
#include <QMutex>
#include <QQueue>
#include <QThread>
#include <QWaitCondition>

// What the reader thread and the taker share, under one lock.
struct ExportStream::Shared
{
    mutable QMutex lock;
    QWaitCondition taken; // a piece was taken, or the export was called off
    QQueue<QByteArray> pieces;
    qsizetype queuedBytes = 0;
    bool waitingForTaker = false;
    bool finished = false; // the reader is done: the last piece is queued, or it failed
    bool calledOff = false;
    QString error;

    // Blocks while too much waits untaken. False once the export is called off.
    bool push(QByteArray piece)
    {
        QMutexLocker locker(&lock);
        while (queuedBytes >= MaxQueuedBytes && !calledOff) {
            waitingForTaker = true;
            taken.wait(&lock);
        }
        waitingForTaker = false;
        if (calledOff)
            return false;
        queuedBytes += piece.size();
        pieces.enqueue(std::move(piece));
        return true;
    }
};

namespace {

// Where ExportWriter writes: into the shared queue, a piece at a time.
class PieceDevice : public QIODevice
{
public:
    // push queues a piece, or says false once the export is called off.
    explicit PieceDevice(std::function<bool(QByteArray)> push) : m_push(std::move(push))
    {
        open(QIODevice::WriteOnly | QIODevice::Unbuffered);
    }

protected:
    qint64 readData(char *, qint64) override { return -1; }
    qint64 writeData(const char *data, qint64 size) override
    {
        for (qint64 at = 0; at < size; at += ExportStream::PieceBytes) {
            if (!m_push(QByteArray(data + at, std::min(size - at, ExportStream::PieceBytes))))
                return -1;
        }
        return size;
    }

private:
    std::function<bool(QByteArray)> m_push;
};

} // namespace

ExportStream::ExportStream(const QString &location, Timestamp exportedAt, QObject *parent)
    : QObject(parent), m_shared(std::make_shared<Shared>())
{
    // Queued to this object: dropped by Qt if it is gone by then.
    auto notify = [this] { QMetaObject::invokeMethod(this, &ExportStream::readable, Qt::QueuedConnection); };
    m_thread = QThread::create([shared = m_shared, location, exportedAt, notify] {
        // Opened, used and closed on this thread: a connection belongs to its thread.
        QString error;
        if (std::unique_ptr<Store> store = Store::open(location, &error, Store::Mode::ReadOnly)) {
            DiscoveryService service(*store);
            PieceDevice device([&](QByteArray piece) {
                if (!shared->push(std::move(piece)))
                    return false;
                notify();
                return true;
            });
            ExchangeFormat::ExportWriter writer(exportedAt, &device);
            const auto exported = service.exportIds({}, [&](const DiscoveryIdWithNodes &record) {
                writer.add(record);
                QMutexLocker locker(&shared->lock);
                return !shared->calledOff;
            });
            if (!exported.ok())
                error = exported.error();
            else if (!writer.finish())
                error = QStringLiteral("the export was called off");
        }
        {
            QMutexLocker locker(&shared->lock);
            shared->finished = true;
            shared->error = error;
        }
        notify();
    });
    m_thread->setObjectName(QStringLiteral("DiscoDesk export"));
    m_thread->start();
}

ExportStream::~ExportStream()
{
    {
        QMutexLocker locker(&m_shared->lock);
        m_shared->calledOff = true;
        m_shared->taken.wakeAll();
    }
    m_thread->wait();
    delete m_thread;
}

QByteArray ExportStream::take()
{
    QMutexLocker locker(&m_shared->lock);
    if (m_shared->pieces.isEmpty())
        return {};
    QByteArray piece = m_shared->pieces.dequeue();
    m_shared->queuedBytes -= piece.size();
    m_shared->taken.wakeAll();
    return piece;
}

bool ExportStream::atEnd() const
{
    QMutexLocker locker(&m_shared->lock);
    return m_shared->finished && m_shared->error.isEmpty() && m_shared->pieces.isEmpty();
}

QString ExportStream::error() const
{
    QMutexLocker locker(&m_shared->lock);
    return m_shared->error;
}

bool ExportStream::isWaitingForTaker() const
{
    QMutexLocker locker(&m_shared->lock);
    return m_shared->waitingForTaker;
}

qsizetype ExportStream::queuedBytes() const
{
    QMutexLocker locker(&m_shared->lock);
    return m_shared->queuedBytes;
}
