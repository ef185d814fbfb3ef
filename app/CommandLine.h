#pragma once

#include "DiscoveryServer.h"

#include <QCommandLineParser>

// The options both programs share: --bind, --port, --db, --durability, the limits and
// the expiry rules.
class ServerOptions
{
public:
    explicit ServerOptions(QCommandLineParser &parser);

    // Reads the options into config (leaving what was not given as it is). Returns an
    // empty string, or what is wrong with the given values.
    QString apply(const QCommandLineParser &parser, ServerConfig &config) const;

private:
    QString applyExpiry(const QCommandLineParser &parser, ServerConfig &config) const;

    QCommandLineOption m_bind;
    QCommandLineOption m_port;
    QCommandLineOption m_db;
    QCommandLineOption m_maxHeader;
    QCommandLineOption m_maxBody;
    QCommandLineOption m_idleTimeout;
    QCommandLineOption m_requestTimeout;
    QCommandLineOption m_maxConnections;
    QCommandLineOption m_maxNodes;
    QCommandLineOption m_durability;
    QCommandLineOption m_adminTokenFile;
    QCommandLineOption m_tlsCert;
    QCommandLineOption m_tlsKey;
    QCommandLineOption m_expireInactiveIds;
    QCommandLineOption m_expireEmptyIds;
    QCommandLineOption m_expireNodes;
    QCommandLineOption m_expireKv;
    QCommandLineOption m_expireEvery;
    QCommandLineOption m_noExpiry;
};
