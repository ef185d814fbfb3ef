#pragma once

#include "ServerThread.h"

#include <QPointer>

#include <functional>

// Reads the store on the server's thread without making the window wait, where
// ServerThread::call blocks until the work has run (behind every request the server
// is busy with). The result comes back on this object's thread through its event
// queue, the way the store's change notifications do: it arrives after every change
// it includes and before every change it does not.
class StoreReader : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;

    // After each start of the server: the server object to queue the work on.
    void attach(ServerThread &server);
    // Before the server stops: its object is deleted then.
    void detach() { m_server = nullptr; }

    // Runs post on the server's thread once every change that reads can see has
    // been handed on: at once, or while a group-commit batch is open (reads see its
    // writes, its changes go out when it commits) right after the server commits it.
    static void afterChangesHandedOn(DiscoveryServer &server, std::function<void()> post);

    // Queues work(server) on the server's thread; done(result) runs later on this
    // object's thread. Returns false, and does nothing, when no server is attached.
    // Work queued when the server stops is dropped with it. This object must outlive
    // the server (the window stops the server first).
    template <typename Work, typename Done>
    bool read(Work work, Done done)
    {
        // Only ServerThread::stop, on this thread, deletes the server: it cannot go
        // between this check and the post.
        DiscoveryServer *server = m_server.data();
        if (!server)
            return false;
        QMetaObject::invokeMethod(
            server,
            [server, receiver = this, work = std::move(work), done = std::move(done)]() mutable {
                afterChangesHandedOn(*server, [receiver, done = std::move(done), result = work(*server)] {
                    QMetaObject::invokeMethod(receiver, [done, result] { done(result); }, Qt::QueuedConnection);
                });
            },
            Qt::QueuedConnection);
        return true;
    }

private:
    QPointer<DiscoveryServer> m_server;
};
