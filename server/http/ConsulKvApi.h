#pragma once

#include "core/StoreChange.h"
#include "core/Validation.h"
#include "http/HttpTypes.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <chrono>

class KvService;
class PendingReply;

// Consul's KV HTTP API under /v1/kv/, as shared/protocols/consul-kv.md says: what
// rqlite 7 and later (-disco-mode consul-kv) and other Consul clients send.
//
//   GET    /v1/kv/<key>[?raw]            [{"LockIndex","Key","Flags","Value","CreateIndex","ModifyIndex"}], or 404
//   GET    /v1/kv/<prefix>?recurse       every entry under the prefix
//   GET    /v1/kv/<prefix>?keys[&separator=/]  their keys
//   ...&index=N[&wait=5m]                held until the result's index passes N (blocking read)
//   PUT    /v1/kv/<key>[?cas=N][&flags=F]  body: the value        -> true / false
//   DELETE /v1/kv/<key>[?cas=N | ?recurse]                      -> true / false
//
// GETs carry X-Consul-Index (never below 1), X-Consul-Knownleader and
// X-Consul-Lastcontact; errors are Consul's plain-text ones. dc, ns and partition
// are accepted and ignored: one keyspace. Beyond loopback every request needs the
// admin token, as ?token=, X-Consul-Token or "Authorization: Bearer".
class ConsulKvApi : public QObject, public RequestHandler
{
    Q_OBJECT

public:
    static constexpr std::chrono::minutes DefaultWait{5};
    static constexpr std::chrono::minutes MaxWait{10};
    // Who asked is written once a second, never on a read's own path.
    static constexpr std::chrono::milliseconds AskerFlushInterval{1000};
    static constexpr qsizetype MaxPendingAskers = 1000;
    static constexpr qsizetype MaxKeyLength = Validation::MaxKvKeyLength;

    explicit ConsulKvApi(KvService &service, QObject *parent = nullptr);

    std::optional<HttpReply> handle(const HttpRequest &request) override;

    // Empty: open (loopback). Else every request must present this token.
    void requireToken(const QString &token) { m_token = token; }
    int openWaitCount() const;

    // Wakes blocked reads that a committed change (here or on another server) answers.
    void onStoreChanged(const StoreChanges &changes);
    // Writes who asked since the last time: at once, as the server stops too.
    void flushAskers();

private:
    enum class Listing { One, Recurse, Keys };
    struct Read
    {
        QString key; // a prefix for Recurse and Keys
        Listing listing = Listing::One;
        bool raw = false;
        bool pretty = false;
        QString separator;
    };
    struct Wait
    {
        Read read;
        qint64 index = 0;
        QPointer<PendingReply> reply;
    };

    HttpReply get(const HttpRequest &request, const QString &key);
    HttpReply put(const HttpRequest &request, const QString &key);
    HttpReply remove(const HttpRequest &request, const QString &key);
    // The reply to read now and the index it reports; nullopt with a 5xx in failure.
    std::optional<std::pair<HttpReply, qint64>> answer(const Read &read, HttpReply *failure);
    void noteAsker(const QString &key, const QString &address, const QByteArray &offered = {});

    KvService &m_service;
    QString m_token;
    QList<Wait> m_waits;
    struct PendingAsker
    {
        QString key;
        QString address;
        QByteArray offered;
        qint64 asks = 1; // since the last write of them
    };
    QList<PendingAsker> m_pendingAskers;
    QTimer m_askerTimer;
};
