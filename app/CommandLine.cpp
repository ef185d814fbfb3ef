#include "CommandLine.h"

ServerOptions::ServerOptions(QCommandLineParser &parser)
    : m_bind(QStringLiteral("bind"),
             QStringLiteral("Address to listen on (default 127.0.0.1; anything but loopback lets "
                            "other machines in)."),
             QStringLiteral("address")),
      m_port(QStringLiteral("port"),
             QStringLiteral("TCP port to listen on (default %1; 0 picks a free one).").arg(ServerConfig::DefaultPort),
             QStringLiteral("port")),
      m_db(QStringLiteral("db"),
           QStringLiteral("SQLite database file (default %1).").arg(ServerConfig::defaultDatabasePath()),
           QStringLiteral("path"))
{
    parser.addOption(m_bind);
    parser.addOption(m_port);
    parser.addOption(m_db);
}

QString ServerOptions::apply(const QCommandLineParser &parser, ServerConfig &config) const
{
    if (parser.isSet(m_bind)) {
        const QString text = parser.value(m_bind);
        QHostAddress address;
        if (text == u"localhost")
            address = QHostAddress(QHostAddress::LocalHost);
        else if (!address.setAddress(text))
            return QStringLiteral("--bind: \"%1\" is not an IP address, such as 127.0.0.1 or ::1").arg(text);
        config.bindAddress = address;
    }
    if (parser.isSet(m_port)) {
        bool ok = false;
        const uint port = parser.value(m_port).toUInt(&ok);
        if (!ok || port > 65535)
            return QStringLiteral("--port: \"%1\" is not a port number from 0 to 65535").arg(parser.value(m_port));
        config.port = quint16(port);
    }
    if (parser.isSet(m_db)) {
        if (parser.value(m_db).isEmpty())
            return QStringLiteral("--db: the path is empty");
        config.databasePath = parser.value(m_db);
    }
    return {};
}
