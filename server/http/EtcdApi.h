#pragma once

#include "http/HttpTypes.h"
#include "core/StoreChange.h"

#include <QObject>
#include <QPointer>

#include <chrono>

class DiscoveryService;
class PendingReply;

// etcd's v2 discovery protocol, exactly as shared/protocols/etcd-v2-discovery.md says.
// Tokens live under /etcd/, so they cannot collide with rqlite's /{id}:
//
//   GET /new?size=N                         -> text/plain "http://HOST:PORT/etcd/<token>"
//   GET /etcd/<token>/_config/size          the size, as a JSON string
//   GET /etcd/<token>                       the members, by createdIndex
//   PUT /etcd/<token>/<member>?prevExist=false  value=name=peerURL,...  -> 201, or 412/105
//   GET /etcd/<token>/<member>              one member
//   ...?wait=true&waitIndex=N               the first member creation at index >= N:
//                                           at once from history, else held open
//
// Every reply carries X-Etcd-Index. Errors are etcd's {"errorCode", "message", "cause",
// "index"}. A held wait ends with the event, or after waitTimeout with an empty 200
// (etcd asks again); a client that leaves or a server that stops leaves nothing behind.
class EtcdApi : public QObject, public RequestHandler
{
    Q_OBJECT

public:
    static constexpr int DefaultSize = 3;

    explicit EtcdApi(DiscoveryService &service, QObject *parent = nullptr);

    std::optional<HttpReply> handle(const HttpRequest &request) override;

    void setWaitTimeout(std::chrono::milliseconds timeout) { m_waitTimeout = timeout; }
    int openWaitCount() const;

    // Wakes waits that a committed change (here or on another server) answers.
    void onStoreChanged(const StoreChanges &changes);

private:
    struct Wait
    {
        QString token;
        QString memberId; // empty: a recursive wait on the whole token
        qint64 waitIndex = 0;
        QString directory; // the key prefix the client used
        QPointer<PendingReply> reply;
    };

    HttpReply createToken(const HttpRequest &request);
    HttpReply getSize(const QString &directory, const QString &token);
    HttpReply getOrWait(const HttpRequest &request, const QString &directory, const QString &token,
                        const QString &memberId);
    HttpReply createMember(const HttpRequest &request, const QString &directory, const QString &token,
                           const QString &memberId);
    void answerWaitsFromHistory(const QString &token);

    DiscoveryService &m_service;
    std::chrono::milliseconds m_waitTimeout{30000};
    QList<Wait> m_waits;
};
