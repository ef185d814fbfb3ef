#include "TestServer.h"

#include "support/TestDatabase.h"

#include <QTest>

TestServer::TestServer()
{
    m_database = TestDatabase::create(m_dir.path(), &m_databaseError);
}

bool TestServer::start()
{
    if (m_database.isEmpty()) {
        qWarning("no %s database for the server: %s", qPrintable(TestDatabase::backendName()),
                 qPrintable(m_databaseError));
        return false;
    }
    ServerConfig config = m_config;
    config.port = 0;
    config.databasePath = databasePath();
    const QString error = m_thread.start(config);
    if (!error.isEmpty()) {
        qWarning("server failed to start: %s", qPrintable(error));
        return false;
    }
    return true;
}

QByteArray TestServer::createId()
{
    const HttpResponse response = client().post("/");
    if (response.status != 200)
        return {};
    return response.json().value(QStringLiteral("disco_id")).toString().toUtf8();
}
