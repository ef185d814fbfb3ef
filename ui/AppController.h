#pragma once

#include "AppSettings.h"
#include "LocalCluster.h"
#include "ServerThread.h"
#include "ServiceClient.h"

#include <QObject>

#include <optional>

// The program around the window: the saved settings and this run's configuration, the
// server, which it starts and restarts when its settings change, and the local cluster
// the user started, whose members end when the program quits. The window shows what
// this holds and asks the service through client(); it never waits for the server.
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
    // Takes what the user chose in Settings, compared with settingsInUse(): the
    // window's own settings are saved at once. A changed address, port or database
    // moves the running server, which serves as before until the new one listens:
    // the change is saved once it does (settingsChanged, and databaseSwitched when the
    // database is another), or refused with the reason while the old one goes on
    // (changeRefused). Values the user left as they were stay as they are: a run's
    // command-line --db is never swapped for the saved one behind the user's back.
    void applySettings(const AppSettings &chosen);

    // The saved settings.
    const AppSettings &settings() const { return m_settings; }
    // What this run uses: the saved settings with the command line's --bind, --port
    // and --db over them. What Settings shows.
    AppSettings settingsInUse() const;
    // The command-line options that differ from the saved settings, as typed
    // ("--db demo.sqlite"): Settings says that they are this run's own.
    QStringList commandLineOverrides() const;

    ServerThread &server() { return m_server; }
    const ServerThread &server() const { return m_server; }
    ServiceClient &client() { return m_client; }
    // The etcd or rqlited members started from the window, DiscoDesk's children.
    LocalCluster &localCluster() { return m_cluster; }
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
    // A change of address, port or database could not be made (why); the server goes
    // on as it was, and nothing was saved of that change.
    void changeRefused(const QString &reason);
    // The server now uses another database: the window shows its IDs.
    void databaseSwitched(const QString &from, const QString &to);

private:
    void onStarted(const QString &error);

    // A change of the server under way: what is saved and run once it listens.
    struct Change
    {
        AppSettings settings;
        ServerConfig runConfig;
        QString databaseBefore; // as shown
    };

    AppSettings m_settings;
    ServerConfig m_runConfig;
    ServerThread m_server;
    ServiceClient m_client;
    LocalCluster m_cluster;
    QString m_serverError;
    std::optional<Change> m_change;
};
