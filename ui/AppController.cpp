#include "AppController.h"

namespace {

bool sameServer(const ServerConfig &a, const ServerConfig &b)
{
    return a.bindAddress == b.bindAddress && a.port == b.port && a.databasePath == b.databasePath;
}

} // namespace

AppController::AppController(const AppSettings &settings, const ServerConfig &runConfig, QObject *parent)
    : QObject(parent), m_settings(settings), m_runConfig(runConfig), m_server(this), m_client(m_server, this)
{
    connect(&m_server, &ServerThread::started, this, &AppController::onStarted);
    connect(&m_server, &ServerThread::failed, this, &AppController::onStarted); // stopped, and why
}

void AppController::startServer()
{
    m_serverError.clear();
    m_server.start(m_runConfig);
    emit serverChanged(); // starting
}

void AppController::onStarted(const QString &error)
{
    m_serverError = error;
    emit serverChanged();
}

void AppController::applySettings(const AppSettings &settings)
{
    const bool restart = !sameServer(settings.serverConfig(), m_settings.serverConfig()) || !m_server.isRunning();
    m_settings = settings;
    emit settingsChanged(m_settings);
    if (restart) {
        // The settings replace what the command line asked for this run.
        m_runConfig = settings.serverConfig();
        startServer();
    }
}

QString AppController::databasePath() const
{
    return m_server.isRunning() ? m_server.databasePath() : databaseLocation();
}

QString AppController::databaseLocation() const
{
    return m_runConfig.databasePath.isEmpty() ? ServerConfig::defaultDatabasePath() : m_runConfig.databasePath;
}
