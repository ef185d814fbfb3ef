#include "DamageCheck.h"

#include "store/Store.h"

#include <QElapsedTimer>

DamageCheck::DamageCheck(const QString &location, QObject *parent) : QObject(parent)
{
    m_thread.reset(QThread::create([this, location] {
        QElapsedTimer clock;
        clock.start();
        // A file that cannot be opened a second time is no sign of damage: the
        // server's own requests say what is wrong then.
        QString unreadable;
        const std::unique_ptr<Store> store = Store::open(location, &unreadable, Store::Mode::ReadOnly);
        const QString damage = store ? store->findDamage(&unreadable) : QString();
        const qint64 milliseconds = clock.elapsed();
        // Alive: the destructor waits for this thread. A call posted to an object
        // deleted before it runs is dropped.
        QMetaObject::invokeMethod(this, [this, damage, unreadable, milliseconds] {
            emit finished(damage, unreadable, milliseconds);
        }, Qt::QueuedConnection);
    }));
    m_thread->setObjectName(QStringLiteral("DamageCheck"));
    m_thread->start(QThread::LowPriority);
}

DamageCheck::~DamageCheck()
{
    m_thread->wait();
}
