#pragma once

#include <QList>
#include <QThread>

#include <atomic>
#include <memory>
#include <vector>

// A TCP load balancer on loopback, as operators put in front of several servers:
// each new connection goes to the next backend in turn, and bytes are relayed both
// ways until either side closes. It runs on a thread of its own, so a test that
// blocks (waiting for a process, say) does not stall the clients behind it.
class LoadBalancer
{
public:
    explicit LoadBalancer(const QList<quint16> &backendPorts);
    ~LoadBalancer();

    // The port clients connect to; 0 if it could not listen.
    quint16 port() const { return m_port; }
    // How many connections each backend has been given, in the order passed in.
    QList<int> connectionsPerBackend() const;

private:
    class Relay;
    QThread m_thread;
    Relay *m_relay = nullptr;
    quint16 m_port = 0;
    std::vector<std::unique_ptr<std::atomic<int>>> m_connections;
};
