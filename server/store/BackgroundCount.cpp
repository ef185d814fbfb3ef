#include "BackgroundCount.h"

#include "store/Store.h"

BackgroundCount::BackgroundCount(const QString &location, QObject *parent) : QObject(parent)
{
    m_thread.reset(QThread::create([this, location] {
        QString error;
        KindCounts counts;
        if (const std::unique_ptr<Store> store = Store::open(location, &error, Store::Mode::ReadOnly)) {
            const auto counted = store->countByKind();
            if (counted.ok())
                counts = counted.value();
            else
                error = counted.error();
        }
        // Alive: the destructor waits for this thread. A call posted to an object
        // deleted before it runs is dropped.
        QMetaObject::invokeMethod(this, [this, counts, error] { emit finished(counts, error); },
                                  Qt::QueuedConnection);
    }));
    m_thread->setObjectName(QStringLiteral("BackgroundCount"));
    m_thread->start(QThread::LowPriority);
}

BackgroundCount::~BackgroundCount()
{
    m_thread->wait();
}
