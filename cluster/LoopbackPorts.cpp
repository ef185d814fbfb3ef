#include "LoopbackPorts.h"

#include <QTcpServer>

LoopbackPorts::LoopbackPorts(QSet<quint16> avoid) : m_avoid(std::move(avoid)) {}

LoopbackPorts::~LoopbackPorts() = default;

std::unique_ptr<QTcpServer> LoopbackPorts::hold(quint16 port)
{
    auto server = std::make_unique<QTcpServer>();
    if (!server->listen(QHostAddress::LocalHost, port))
        return nullptr;
    return server;
}

LoopbackPorts::Choice LoopbackPorts::take(quint16 wanted)
{
    if (wanted != 0 && !m_avoid.contains(wanted)) {
        if (auto held = hold(wanted)) {
            m_avoid.insert(wanted);
            m_held.push_back(std::move(held));
            return {wanted, false};
        }
    }
    // Port 0: the system's choice, which is free and not one held here.
    auto held = hold(0);
    if (!held)
        return {0, wanted != 0};
    const quint16 port = held->serverPort();
    m_avoid.insert(port);
    m_held.push_back(std::move(held));
    return {port, wanted != 0};
}

void LoopbackPorts::release()
{
    m_held.clear();
}

bool LoopbackPorts::isFree(quint16 port)
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, port);
}
