#include "ExportStream.h"

#include "core/ExchangeFormat.h"
#include "service/DiscoveryService.h"
#include "store/Store.h"

#include <QIODevice>
#include <QMutex>
#include <QQueue>
#include <QThread>
#include <QWaitCondition>

#include <optional>

namespace {

// Items handed from one thread to another, at most `limit` of cost waiting: the
// giver waits for the taker beyond that. It ends when the giver finishes (with an
// error, if it failed) or the taker calls it off.
template <typename T>
class Handoff
{
public:
    explicit Handoff(qsizetype limit) : m_limit(limit) {}

    // Waits while too much waits untaken; false once called off.
    bool give(T item, qsizetype cost)
    {
        QMutexLocker locker(&m_lock);
        while (m_queuedCost >= m_limit && !m_calledOff) {
            m_giverWaits = true;
            m_changed.wait(&m_lock);
        }
        m_giverWaits = false;
        if (m_calledOff)
            return false;
        m_queuedCost += cost;
        m_items.enqueue({std::move(item), cost});
        m_changed.wakeAll();
        return true;
    }
    // The next item; with wait, waits for one, and is empty only at the end.
    std::optional<T> take(bool wait)
    {
        QMutexLocker locker(&m_lock);
        while (wait && m_items.isEmpty() && !m_finished && !m_calledOff)
            m_changed.wait(&m_lock);
        if (m_items.isEmpty())
            return std::nullopt;
        auto [item, cost] = m_items.dequeue();
        m_queuedCost -= cost;
        m_changed.wakeAll();
        return std::move(item);
    }
    void finish(const QString &error)
    {
        QMutexLocker locker(&m_lock);
        m_finished = true;
        m_error = error;
        m_changed.wakeAll();
    }
    void callOff()
    {
        QMutexLocker locker(&m_lock);
        m_calledOff = true;
        m_changed.wakeAll();
    }
    bool isCalledOff() const { QMutexLocker locker(&m_lock); return m_calledOff; }
    // Finished, and every item taken.
    bool isDrained() const { QMutexLocker locker(&m_lock); return m_finished && m_items.isEmpty(); }
    QString error() const { QMutexLocker locker(&m_lock); return m_error; }
    bool giverWaits() const { QMutexLocker locker(&m_lock); return m_giverWaits; }
    qsizetype queuedCost() const { QMutexLocker locker(&m_lock); return m_queuedCost; }

private:
    mutable QMutex m_lock;
    QWaitCondition m_changed;
    QQueue<std::pair<T, qsizetype>> m_items;
    const qsizetype m_limit;
    qsizetype m_queuedCost = 0;
    bool m_giverWaits = false;
    bool m_finished = false;
    bool m_calledOff = false;
    QString m_error;
};

// Where ExportWriter writes: pieces handed on as they are made.
class PieceDevice : public QIODevice
{
public:
    // give hands a piece on, or says false once the export is called off.
    explicit PieceDevice(std::function<bool(QByteArray)> give) : m_give(std::move(give))
    {
        open(QIODevice::WriteOnly | QIODevice::Unbuffered);
    }

protected:
    qint64 readData(char *, qint64) override { return -1; }
    qint64 writeData(const char *data, qint64 size) override
    {
        for (qint64 at = 0; at < size; at += ExportStream::PieceBytes) {
            if (!m_give(QByteArray(data + at, std::min(size - at, ExportStream::PieceBytes))))
                return -1;
        }
        return size;
    }

private:
    std::function<bool(QByteArray)> m_give;
};

// IDs, then Consul KV keys: a batch holds some of one or the other.
struct Batch
{
    QList<DiscoveryIdWithNodes> ids;
    QList<KvEntry> kv;

    qsizetype size() const { return ids.size() + kv.size(); }
    bool isEmpty() const { return size() == 0; }
};
constexpr qsizetype BatchIds = 256;
constexpr qsizetype BatchKeys = 16; // values may be up to 512 KiB each
constexpr qsizetype MaxQueuedBatches = 4;

} // namespace

// Two threads: one reads the store, one writes the document, so that on two cores
// SQLite's work and the JSON's overlap. Records pass from the first to the second in
// batches, the text from the second to the taker in pieces.
struct ExportStream::Shared
{
    Handoff<Batch> batches{MaxQueuedBatches};
    Handoff<QByteArray> pieces{MaxQueuedBytes};

    void callOff()
    {
        batches.callOff();
        pieces.callOff();
    }
};

ExportStream::ExportStream(const QString &location, Timestamp exportedAt, QObject *parent)
    : QObject(parent), m_shared(std::make_shared<Shared>())
{
    m_reader = QThread::create([shared = m_shared, location] {
        // Opened, used and closed on this thread: a connection belongs to its thread.
        QString error;
        if (std::unique_ptr<Store> store = Store::open(location, &error, Store::Mode::ReadOnly)) {
            DiscoveryService service(*store);
            Batch batch;
            auto handOn = [&] { return shared->batches.give(std::exchange(batch, {}), 1); };
            auto exported = service.exportIds({}, [&](const DiscoveryIdWithNodes &record) {
                batch.ids.append(record);
                return batch.size() < BatchIds || handOn();
            });
            if (exported.ok() && !batch.isEmpty())
                handOn();
            if (exported.ok() && !shared->batches.isCalledOff()) {
                exported = service.exportKv([&](const KvEntry &entry) {
                    batch.kv.append(entry);
                    return batch.size() < BatchKeys || handOn();
                });
            }
            if (!exported.ok())
                error = exported.error();
            else if (!batch.isEmpty())
                handOn();
        }
        shared->batches.finish(error);
    });
    // Queued to this object: dropped by Qt if it is gone by then.
    auto notify = [this] { QMetaObject::invokeMethod(this, &ExportStream::readable, Qt::QueuedConnection); };
    m_writer = QThread::create([shared = m_shared, exportedAt, notify] {
        PieceDevice device([&](QByteArray piece) {
            const qsizetype size = piece.size();
            if (!shared->pieces.give(std::move(piece), size))
                return false;
            notify();
            return true;
        });
        ExchangeFormat::ExportWriter writer(exportedAt, &device);
        while (const std::optional<Batch> batch = shared->batches.take(true)) {
            for (const DiscoveryIdWithNodes &record : batch->ids)
                writer.add(record);
            for (const KvEntry &entry : batch->kv)
                writer.addKv(entry);
        }
        QString error = shared->batches.error();
        if (error.isEmpty() && (shared->batches.isCalledOff() || !writer.finish()))
            error = QStringLiteral("the export was called off");
        shared->pieces.finish(error);
        notify();
    });
    m_reader->setObjectName(QStringLiteral("DiscoDesk export reader"));
    m_writer->setObjectName(QStringLiteral("DiscoDesk export writer"));
    m_reader->start();
    m_writer->start();
}

ExportStream::~ExportStream()
{
    m_shared->callOff();
    for (QThread *thread : {m_reader, m_writer}) {
        thread->wait();
        delete thread;
    }
}

QByteArray ExportStream::take()
{
    return m_shared->pieces.take(false).value_or(QByteArray());
}

bool ExportStream::atEnd() const
{
    return m_shared->pieces.isDrained() && m_shared->pieces.error().isEmpty();
}

QString ExportStream::error() const
{
    return m_shared->pieces.error();
}

bool ExportStream::isWaitingForTaker() const
{
    return m_shared->pieces.giverWaits();
}

qsizetype ExportStream::queuedBytes() const
{
    return m_shared->pieces.queuedCost();
}
