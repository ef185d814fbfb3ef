#include "CommandLine.h"

#include <QJsonObject>

#include <algorithm>

ServerOptions::ServerOptions(QCommandLineParser &parser)
    : m_bind(QStringLiteral("bind"),
             QStringLiteral("Address to listen on (default 127.0.0.1; anything but loopback lets "
                            "other machines in)."),
             QStringLiteral("address")),
      m_port(QStringLiteral("port"),
             QStringLiteral("TCP port to listen on (default %1; 0 picks a free one).").arg(ServerConfig::DefaultPort),
             QStringLiteral("port")),
      m_db(QStringLiteral("db"),
           QStringLiteral("The database: a SQLite file (default %1), or a PostgreSQL database that several "
                          "servers share, postgresql://user@host:port/dbname (password from PGPASSWORD or "
                          "~/.pgpass).").arg(ServerConfig::defaultDatabasePath()),
           QStringLiteral("path or URL")),
      m_maxHeader(QStringLiteral("max-header-bytes"),
                  QStringLiteral("Largest request line plus headers; larger is answered 431 (default %1).")
                      .arg(HttpLimits().maxHeaderBytes), QStringLiteral("bytes")),
      m_maxBody(QStringLiteral("max-body-bytes"),
                QStringLiteral("Largest request body; larger is answered 413 before it is read (default %1).")
                    .arg(HttpLimits().maxBodyBytes), QStringLiteral("bytes")),
      m_idleTimeout(QStringLiteral("idle-timeout"),
                    QStringLiteral("Seconds a kept-alive connection may sit idle (default %1).")
                        .arg(HttpLimits().idleTimeout.count() / 1000), QStringLiteral("seconds")),
      m_requestTimeout(QStringLiteral("request-timeout"),
                       QStringLiteral("Seconds a client may take to send a whole request, from its first byte to "
                                      "its last; then 408 (default %1).")
                           .arg(HttpLimits().requestTimeout.count() / 1000), QStringLiteral("seconds")),
      m_maxConnections(QStringLiteral("max-connections"),
                       QStringLiteral("Connections open at once, TLS handshakes included; the next is answered "
                                      "503 (default %1; fewer where ulimit -n leaves too few files).")
                           .arg(HttpLimits().maxConnections), QStringLiteral("count")),
      m_maxNodes(QStringLiteral("max-nodes"),
                 QStringLiteral("Nodes one discovery ID may hold; more are answered 409 (default %1).")
                     .arg(DiscoveryService::DefaultMaxNodesPerId), QStringLiteral("count")),
      m_durability(QStringLiteral("durability"),
                   QStringLiteral("What a write's 200 survives: power-loss (default; each commit waits for the "
                                  "disk) or process-crash (a killed server loses nothing, a power cut may "
                                  "take back the last writes; faster)."),
                   QStringLiteral("power-loss|process-crash")),
      m_adminTokenFile(QStringLiteral("admin-token-file"),
                       QStringLiteral("File with the admin API's bearer token, made on first run (default: the "
                                      "database path plus .admin-token). Needed beyond loopback."),
                       QStringLiteral("path or URL")),
      m_tlsCert(QStringLiteral("tls-cert"), QStringLiteral("PEM certificate: serve HTTPS only (with --tls-key)."),
                QStringLiteral("path or URL")),
      m_tlsKey(QStringLiteral("tls-key"), QStringLiteral("PEM private key of --tls-cert, unencrypted."),
               QStringLiteral("path")),
      m_expireInactiveIds(QStringLiteral("expire-inactive-ids"),
                          QStringLiteral("Expiry: remove IDs with no activity (made, registered to) for this long, "
                                         "e.g. 30d. Any --expire option replaces the rules stored in the database; "
                                         "the others are then off."),
                          QStringLiteral("age")),
      m_expireEmptyIds(QStringLiteral("expire-empty-ids"),
                       QStringLiteral("Expiry: remove IDs without nodes that were made and last active this long "
                                      "ago, e.g. 1d."),
                       QStringLiteral("age")),
      m_expireNodes(QStringLiteral("expire-nodes"),
                    QStringLiteral("Expiry: remove nodes not registered again for this long, e.g. 7d. rqlite 6 "
                                   "nodes register once, at start: this removes them that long after."),
                    QStringLiteral("age")),
      m_expireKv(QStringLiteral("expire-kv"),
                 QStringLiteral("Expiry: remove Consul KV keys not written for this long, e.g. 1d (an rqlite "
                                "leader reports every 10 s)."),
                 QStringLiteral("age")),
      m_expireEvery(QStringLiteral("expire-every"),
                    QStringLiteral("Expiry: how often sweeps run, 1m to 7d (default 1h)."), QStringLiteral("interval")),
      m_noExpiry(QStringLiteral("no-expiry"), QStringLiteral("Turns expiry off in the database (the default until set)."))
{
    for (const QCommandLineOption *option : {&m_bind, &m_port, &m_db, &m_maxHeader, &m_maxBody, &m_idleTimeout,
                                             &m_requestTimeout, &m_maxConnections, &m_maxNodes, &m_durability,
                                             &m_adminTokenFile, &m_tlsCert, &m_tlsKey, &m_expireInactiveIds,
                                             &m_expireEmptyIds, &m_expireNodes, &m_expireKv, &m_expireEvery,
                                             &m_noExpiry})
        parser.addOption(*option);
}

namespace {

// Reads a whole number from min to max, if the option was given.
QString readNumber(const QCommandLineParser &parser, const QCommandLineOption &option, qint64 min, qint64 max,
                   qint64 *value)
{
    if (!parser.isSet(option))
        return {};
    bool ok = false;
    const qint64 number = parser.value(option).toLongLong(&ok);
    if (!ok || number < min || number > max)
        return QStringLiteral("--%1: \"%2\" is not a whole number from %3 to %4")
            .arg(option.names().constFirst(), parser.value(option)).arg(min).arg(max);
    *value = number;
    return {};
}

} // namespace

QString ServerOptions::applyExpiry(const QCommandLineParser &parser, ServerConfig &config) const
{
    const std::pair<const QCommandLineOption *, std::optional<ExpiryRules::Age> ExpiryRules::*> rules[] = {
        {&m_expireInactiveIds, &ExpiryRules::idsInactiveFor},
        {&m_expireEmptyIds, &ExpiryRules::emptyIdsAfter},
        {&m_expireNodes, &ExpiryRules::nodesNotSeenFor},
        {&m_expireKv, &ExpiryRules::kvNotReportedFor},
    };
    const bool anyRule = std::any_of(std::begin(rules), std::end(rules),
                                     [&](const auto &rule) { return parser.isSet(*rule.first); });
    if (parser.isSet(m_noExpiry)) {
        if (anyRule || parser.isSet(m_expireEvery))
            return QStringLiteral("--no-expiry and the --expire options exclude each other");
        config.expiry = ExpiryRules{};
        return {};
    }
    if (!anyRule) {
        if (parser.isSet(m_expireEvery))
            return QStringLiteral("--expire-every needs a rule: --expire-inactive-ids, --expire-empty-ids, "
                                  "--expire-nodes or --expire-kv");
        return {}; // the rules stored in the database stay
    }
    QJsonObject object;
    const auto name = [](const QCommandLineOption &option) { return option.names().constFirst(); };
    const QStringList keys = ExpiryRules::fieldNames().first(4); // in the order of rules above
    for (qsizetype i = 0; i < keys.size(); ++i) {
        if (parser.isSet(*rules[i].first))
            object.insert(keys.at(i), parser.value(*rules[i].first));
    }
    if (parser.isSet(m_expireEvery))
        object.insert(QStringLiteral("every"), parser.value(m_expireEvery));
    QString error;
    const auto parsed = ExpiryRules::fromJson(object, &error);
    if (!parsed) {
        // "nodes_not_seen_for: ..." names the option as typed instead.
        for (qsizetype i = 0; i < keys.size(); ++i)
            error.replace(keys.at(i) + u':', QStringLiteral("--") + name(*rules[i].first) + u':');
        error.replace(ExpiryRules::fieldNames().constLast() + u':', QStringLiteral("--expire-every:"));
        return error;
    }
    config.expiry = parsed;
    return {};
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
            return QStringLiteral("--db: the database is empty: give a file path or a postgresql:// URL");
        config.databasePath = parser.value(m_db);
    }

    HttpLimits &limits = config.limits;
    qint64 idleSeconds = limits.idleTimeout.count() / 1000;
    qint64 requestSeconds = limits.requestTimeout.count() / 1000;
    qint64 connections = limits.maxConnections;
    qint64 nodes = config.maxNodesPerId;
    for (const QString &error : {readNumber(parser, m_maxHeader, 1024, 1 << 20, &limits.maxHeaderBytes),
                                 readNumber(parser, m_maxBody, 1024, 64 << 20, &limits.maxBodyBytes),
                                 readNumber(parser, m_idleTimeout, 1, 3600, &idleSeconds),
                                 readNumber(parser, m_requestTimeout, 1, 3600, &requestSeconds),
                                 readNumber(parser, m_maxConnections, 1, 100000, &connections),
                                 readNumber(parser, m_maxNodes, 1, 1000000, &nodes)}) {
        if (!error.isEmpty())
            return error;
    }
    if (parser.isSet(m_durability)) {
        const QString text = parser.value(m_durability);
        if (text == u"power-loss")
            config.durability = Durability::PowerLoss;
        else if (text == u"process-crash")
            config.durability = Durability::ProcessCrash;
        else
            return QStringLiteral("--durability: \"%1\" is neither power-loss nor process-crash").arg(text);
    }
    if (parser.isSet(m_adminTokenFile))
        config.adminTokenPath = parser.value(m_adminTokenFile);
    if (parser.isSet(m_tlsCert) != parser.isSet(m_tlsKey))
        return QStringLiteral("--tls-cert and --tls-key go together");
    config.tlsCertificatePath = parser.value(m_tlsCert);
    config.tlsKeyPath = parser.value(m_tlsKey);
    if (const QString error = applyExpiry(parser, config); !error.isEmpty())
        return error;
    limits.idleTimeout = std::chrono::seconds(idleSeconds);
    limits.requestTimeout = std::chrono::seconds(requestSeconds);
    limits.maxConnections = int(connections);
    config.maxNodesPerId = int(nodes);
    return {};
}
