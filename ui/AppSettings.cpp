#include "AppSettings.h"

#include <QSettings>

namespace {

QHostAddress parseAddress(const QString &text)
{
    if (text.trimmed() == u"localhost")
        return QHostAddress(QHostAddress::LocalHost);
    return QHostAddress(text.trimmed());
}

} // namespace

ServerConfig AppSettings::serverConfig() const
{
    ServerConfig config;
    const QHostAddress address = parseAddress(bindAddress);
    if (!address.isNull())
        config.bindAddress = address;
    config.port = port;
    config.databasePath = databasePath;
    return config;
}

void AppSettings::takeWindowSettings(const AppSettings &from)
{
    timeZone = from.timeZone;
    closeToTray = from.closeToTray;
    rqlitedPath = from.rqlitedPath;
}

QString AppSettings::checkBindAddress() const
{
    if (parseAddress(bindAddress).isNull())
        return QStringLiteral("\"%1\" is not an IP address, such as 127.0.0.1 or ::1").arg(bindAddress);
    return {};
}

AppSettings AppSettings::load(QSettings &settings)
{
    AppSettings loaded;
    settings.beginGroup(QStringLiteral("server"));
    loaded.bindAddress = settings.value(QStringLiteral("bind"), loaded.bindAddress).toString();
    const uint port = settings.value(QStringLiteral("port"), loaded.port).toUInt();
    loaded.port = port <= 65535 ? quint16(port) : ServerConfig::DefaultPort;
    loaded.databasePath = settings.value(QStringLiteral("database")).toString();
    settings.endGroup();
    settings.beginGroup(QStringLiteral("window"));
    loaded.timeZone = settings.value(QStringLiteral("utc"), false).toBool() ? TimeZoneChoice::Utc
                                                                           : TimeZoneChoice::Local;
    loaded.closeToTray = settings.value(QStringLiteral("closeToTray"), loaded.closeToTray).toBool();
    settings.endGroup();
    loaded.rqlitedPath = settings.value(QStringLiteral("cluster/rqlited")).toString();
    return loaded;
}

void AppSettings::save(QSettings &settings) const
{
    settings.beginGroup(QStringLiteral("server"));
    settings.setValue(QStringLiteral("bind"), bindAddress);
    settings.setValue(QStringLiteral("port"), port);
    settings.setValue(QStringLiteral("database"), databasePath);
    settings.endGroup();
    settings.beginGroup(QStringLiteral("window"));
    settings.setValue(QStringLiteral("utc"), timeZone == TimeZoneChoice::Utc);
    settings.setValue(QStringLiteral("closeToTray"), closeToTray);
    settings.endGroup();
    settings.setValue(QStringLiteral("cluster/rqlited"), rqlitedPath);
}
