#pragma once

#include "DiscoveryServer.h"
#include "TimeText.h"

class QSettings;

// What the user chose in the settings dialog, kept with QSettings.
struct AppSettings
{
    QString bindAddress = QStringLiteral("127.0.0.1");
    quint16 port = ServerConfig::DefaultPort;
    QString databasePath; // empty: ServerConfig::defaultDatabasePath()
    TimeZoneChoice timeZone = TimeZoneChoice::Local;
    bool closeToTray = false; // closing the window keeps the server running in the tray
    QString rqlitedPath;      // for local rqlite clusters; empty: rqlited on PATH

    ServerConfig serverConfig() const;
    // Takes from's settings that leave the server where it is: the window's own.
    void takeWindowSettings(const AppSettings &from);
    // Empty, or what is wrong with the bind address.
    QString checkBindAddress() const;

    static AppSettings load(QSettings &settings);
    void save(QSettings &settings) const;

    bool operator==(const AppSettings &) const = default;
};
