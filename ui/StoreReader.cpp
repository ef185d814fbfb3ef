#include "StoreReader.h"

#include <QTimer>

void StoreReader::attach(ServerThread &server)
{
    m_server = server.isRunning() ? server.call([](DiscoveryServer &running) { return &running; }) : nullptr;
}

void StoreReader::afterChangesHandedOn(DiscoveryServer &server, std::function<void()> post)
{
    // The server's commit timer started when the batch opened, so this one, of the
    // same zero interval, fires after it.
    if (server.store().isBatchOpen())
        QTimer::singleShot(0, &server, std::move(post));
    else
        post();
}
