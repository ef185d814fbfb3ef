#pragma once

#include "AppSettings.h"
#include "ServerThread.h"
#include "ServiceClient.h"

#include <QObject>

// The program around the window: the saved settings and this run's configuration, and
// the server, which it starts and restarts when its settings change. The window shows
// what this holds and asks the service through client(); it never waits for the
// server.
class AppController : public QObject
{
    Q_OBJECT

public:
    // settings: the saved settings; runConfig: what this run uses (the settings,
    // overridden by the command line).
    AppController(const AppSettings &settings, const ServerConfig &runConfig, QObject *parent = nullptr);

    // Starts (or restarts) the server with the run's configuration; serverChanged()
    // follows once it listens or failed.
    void startServer();
    // Takes new settings: saves them (settingsChanged) and restarts the server in place
    // when its address, port or database changed, or when it is not running.
    void applySettings(const AppSettings &settings);

    const AppSettings &settings() const { return m_settings; }
    ServerThread &server() { return m_server; }
    const ServerThread &server() const { return m_server; }
    ServiceClient &client() { return m_client; }
    // Why the server is not running: empty while it runs or starts.
    QString serverError() const { return m_serverError; }
    // The database this run uses, even when the server is not running: as shown
    // (a URL without its password), and as opened.
    QString databasePath() const;
    QString databaseLocation() const;

signals:
    void settingsChanged(const AppSettings &settings);
    // The server started, failed to, or is starting again.
    void serverChanged();

private:
    void onStarted(const QString &error);

    AppSettings m_settings;
    ServerConfig m_runConfig;
    ServerThread m_server;
    ServiceClient m_client;
    QString m_serverError;
};
