#pragma once

#include <QList>
#include <QSet>
#include <QtGlobal>

#include <memory>
#include <vector>

class QTcpServer;

// Chooses the 127.0.0.1 ports of a local cluster's members. Each port it gives is
// held (listened on) until release(), so that no port is given twice and a member
// still starting does not lose its port to the next; release() just before the
// members start and bind them. A port is taken when anything listens on it, on
// 127.0.0.1 or on every address.
class LoopbackPorts
{
public:
    // Ports this chooser must not give even if they look free: those of members
    // that may not have bound them yet.
    explicit LoopbackPorts(QSet<quint16> avoid = {});
    ~LoopbackPorts();

    struct Choice
    {
        quint16 port = 0; // 0: none could be had
        bool wantedWasTaken = false;
    };
    // wanted if it is free, else a free one the system picks.
    Choice take(quint16 wanted);

    // Lets every port go.
    void release();

    // Whether a program could listen on 127.0.0.1:port now.
    static bool isFree(quint16 port);

private:
    std::unique_ptr<QTcpServer> hold(quint16 port);

    QSet<quint16> m_avoid;
    std::vector<std::unique_ptr<QTcpServer>> m_held;
};
