#pragma once

#include "ServerThread.h"
#include "core/StoreResult.h"
#include "service/GroupCommit.h"
#include "service/KvService.h"

#include <QPointer>

#include <type_traits>

// How the window reads and changes data: asks DiscoveryService on the server's thread
// and gets the answer back on its own thread, through its event queue, never waiting
// for the server (which may be busy with requests, a prune or a commit).
//
// Answers are ordered with the store's change notices (ServerThread::storeChanged):
// an answer arrives after every change it includes and before every change it does
// not, and the answer to a write only once the write is committed, so the window can
// apply both to what it shows without counting anything twice.
class ServiceClient : public QObject
{
    Q_OBJECT

public:
    explicit ServiceClient(ServerThread &server, QObject *parent = nullptr) : QObject(parent), m_server(server) {}

    // Runs work(service), which returns a StoreResult, on the server's thread; done(result)
    // runs later on this object's thread, or not at all if this object is gone by then.
    // service is the DiscoveryService, or the KvService for work that takes one.
    // A server that is not running answers with a failure.
    template <typename Work, typename Done>
    void ask(Work work, Done done)
    {
        constexpr bool kv = std::is_invocable_v<Work, KvService &>;
        using Result = std::invoke_result_t<Work, std::conditional_t<kv, KvService, DiscoveryService> &>;
        DiscoveryServer *server = m_server.serverObject();
        if (!server) {
            QMetaObject::invokeMethod(this, [done] { done(Result::failure(notRunning())); }, Qt::QueuedConnection);
            return;
        }
        QPointer<ServiceClient> receiver(this);
        QMetaObject::invokeMethod(
            server,
            [server, receiver, work = std::move(work), done = std::move(done)]() mutable {
                auto reply = [receiver, done](const Result &result) {
                    if (receiver)
                        QMetaObject::invokeMethod(receiver, [done, result] { done(result); }, Qt::QueuedConnection);
                };
                if (!server->isRunning())
                    return reply(Result::failure(notRunning()));
                GroupCommit &commits = server->groupCommit();
                const GroupCommit::Ticket ticket = commits.ticket();
                Result result = [&] {
                    if constexpr (kv)
                        return work(server->kv());
                    else
                        return work(server->service());
                }();
                if (!commits.mustWait(ticket))
                    return reply(result); // the changes it saw have been handed on already
                // After the commit is saved, whose changes are handed on first.
                commits.afterCommit([reply, result](const std::optional<QString> &failure) {
                    reply(failure ? Result::failure(*failure) : result);
                });
            },
            Qt::QueuedConnection);
    }

    static QString notRunning() { return QStringLiteral("the server is not running"); }

private:
    ServerThread &m_server;
};
