#include "AppController.h"

#include <QCoreApplication>

namespace {

bool sameServer(const ServerConfig &a, const ServerConfig &b)
{
    return a.bindAddress == b.bindAddress && a.port == b.port && a.databasePath == b.databasePath;
}

} // namespace

AppController::AppController(const AppSettings &settings, const ServerConfig &runConfig, QObject *parent)
    : QObject(parent), m_settings(settings), m_runConfig(runConfig), m_server(this), m_client(m_server, this)
{
    // Nothing started from the window outlives it; the window asked first.
    if (QCoreApplication *application = QCoreApplication::instance())
        connect(application, &QCoreApplication::aboutToQuit, &m_cluster, [this] { m_cluster.stopNow(); });
    connect(&m_server, &ServerThread::started, this, &AppController::onStarted);
    connect(&m_server, &ServerThread::failed, this, [this](const QString &reason) { // stopped, and why
        m_serverError = reason;
        emit serverChanged();
    });
}

void AppController::startServer()
{
    m_serverError.clear();
    m_server.start(m_runConfig);
    emit serverChanged(); // starting
}

void AppController::onStarted(const QString &error)
{
    if (const std::optional<Change> change = std::exchange(m_change, std::nullopt)) {
        if (!error.isEmpty() && m_server.isRunning()) {
            // The old address and database are still served: nothing changed.
            emit serverChanged();
            emit changeRefused(error);
            return;
        }
        m_settings = change->settings;
        m_runConfig = change->runConfig;
        emit settingsChanged(m_settings);
        if (error.isEmpty() && m_server.databasePath() != change->databaseBefore)
            emit databaseSwitched(change->databaseBefore, m_server.databasePath());
    }
    m_serverError = m_server.isRunning() ? QString() : error;
    emit serverChanged();
}

AppSettings AppController::settingsInUse() const
{
    AppSettings inUse = m_settings;
    if (m_settings.serverConfig().bindAddress != m_runConfig.bindAddress)
        inUse.bindAddress = m_runConfig.bindAddress.toString();
    inUse.port = m_runConfig.port;
    inUse.databasePath = m_runConfig.databasePath;
    return inUse;
}

QStringList AppController::commandLineOverrides() const
{
    const ServerConfig saved = m_settings.serverConfig();
    QStringList options;
    if (saved.bindAddress != m_runConfig.bindAddress)
        options << QStringLiteral("--bind %1").arg(m_runConfig.bindAddress.toString());
    if (saved.port != m_runConfig.port)
        options << QStringLiteral("--port %1").arg(m_runConfig.port);
    if (saved.databasePath != m_runConfig.databasePath)
        options << QStringLiteral("--db %1").arg(m_runConfig.databasePath);
    return options;
}

void AppController::applySettings(const AppSettings &chosen)
{
    const AppSettings inUse = settingsInUse();
    AppSettings settings = m_settings;
    settings.takeWindowSettings(chosen);
    ServerConfig runConfig = m_runConfig;
    const ServerConfig chosenConfig = chosen.serverConfig();
    if (chosen.bindAddress != inUse.bindAddress) {
        settings.bindAddress = chosen.bindAddress;
        runConfig.bindAddress = chosenConfig.bindAddress;
    }
    if (chosen.port != inUse.port) {
        settings.port = chosen.port;
        runConfig.port = chosen.port;
    }
    if (chosen.databasePath != inUse.databasePath) {
        settings.databasePath = chosen.databasePath;
        runConfig.databasePath = chosen.databasePath;
    }

    const bool moves = !sameServer(runConfig, m_runConfig);
    if (m_server.isRunning() && moves) {
        // The window's own settings now; the server's once it has moved.
        AppSettings windowOnly = m_settings;
        windowOnly.takeWindowSettings(settings);
        if (windowOnly != m_settings) {
            m_settings = windowOnly;
            emit settingsChanged(m_settings);
        }
        m_change = Change{settings, runConfig, m_server.databasePath()};
        m_server.start(runConfig);
        emit serverChanged(); // moving
        return;
    }
    m_settings = settings;
    m_runConfig = runConfig;
    emit settingsChanged(m_settings);
    if (!m_server.isRunning())
        startServer(); // this is how a user fixes what stopped it
}

QString AppController::databasePath() const
{
    return m_server.isRunning() ? m_server.databasePath() : databaseLocation();
}

QString AppController::databaseLocation() const
{
    return m_runConfig.databasePath.isEmpty() ? ServerConfig::defaultDatabasePath() : m_runConfig.databasePath;
}
