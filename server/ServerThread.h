#pragma once

#include "DiscoveryServer.h"

#include <QObject>
#include <QThread>

#include <optional>
#include <type_traits>

// Runs a DiscoveryServer on a worker thread of its own, so that HTTP requests and
// SQLite writes never wait for the thread that owns this object (the window's), and
// the window never waits for them. Signals arrive queued on the owner's thread.
class ServerThread : public QObject
{
    Q_OBJECT

public:
    explicit ServerThread(QObject *parent = nullptr);
    ~ServerThread() override;

    // Starts the server and waits until it listens or failed; returns the failure's
    // one-line reason, or an empty string.
    QString start(const ServerConfig &config);
    // Stops the server and waits for its thread to finish.
    void stop();

    bool isRunning() const { return m_server != nullptr; }

    // Runs work(server) on the server's thread and waits for its result: how the
    // window reads and changes data without touching SQL or HTTP. Keep the work
    // short, call it only while running, and never from the server's own thread.
    template <typename Work>
    auto call(Work work) -> std::invoke_result_t<Work, DiscoveryServer &>
    {
        using Result = std::invoke_result_t<Work, DiscoveryServer &>;
        Q_ASSERT(m_server && QThread::currentThread() != &m_thread);
        if constexpr (std::is_void_v<Result>) {
            QMetaObject::invokeMethod(m_server, [&] { work(*m_server); }, Qt::BlockingQueuedConnection);
        } else {
            std::optional<Result> result;
            QMetaObject::invokeMethod(m_server, [&] { result.emplace(work(*m_server)); },
                                      Qt::BlockingQueuedConnection);
            return std::move(*result);
        }
    }
    QUrl url() const { return m_url; }
    QString databasePath() const { return m_databasePath; }

signals:
    void requestFinished(const RequestLogEntry &entry);
    void storeChanged(const StoreChanges &changes);

private:
    QThread m_thread;
    DiscoveryServer *m_server = nullptr; // lives on m_thread
    QUrl m_url;
    QString m_databasePath;
};
