#include "DiscoveryServer.h"

#include <QStandardPaths>

QString ServerConfig::defaultDatabasePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
        + QStringLiteral("/discodesk.sqlite");
}

DiscoveryServer::DiscoveryServer(QObject *parent)
    : QObject(parent),
      m_store(this), // children, so that moveToThread() takes them along
      m_service(m_store),
      m_adminApi(m_service),
      m_etcdApi(m_service, this),
      m_rqliteApi(m_service),
      m_http(this)
{
    // Order matters: /healthz, /api/v1, /new and /etcd/ first; rqlite's /{id} takes
    // what is left.
    m_http.addHandler(&m_adminApi);
    m_http.addHandler(&m_etcdApi);
    m_http.addHandler(&m_rqliteApi);
    connect(&m_store, &Store::changed, &m_etcdApi, &EtcdApi::onStoreChanged);
    connect(&m_http, &HttpServer::requestFinished, this, &DiscoveryServer::requestFinished);
    connect(&m_store, &Store::changed, this, &DiscoveryServer::storeChanged);
}

DiscoveryServer::~DiscoveryServer()
{
    stop();
}

QString DiscoveryServer::start(const ServerConfig &config)
{
    stop();
    const QString path = config.databasePath.isEmpty() ? ServerConfig::defaultDatabasePath()
                                                       : config.databasePath;
    if (const QString error = m_store.open(path); !error.isEmpty())
        return error;
    m_etcdApi.setWaitTimeout(config.etcdWaitTimeout);
    m_http.setLimits(config.limits);
    m_store.setMaxNodesPerId(config.maxNodesPerId);
    if (const QString error = m_http.listen(config.bindAddress, config.port); !error.isEmpty()) {
        m_store.close();
        return error;
    }
    return {};
}

void DiscoveryServer::stop()
{
    m_http.close();
    m_store.close();
}

QUrl DiscoveryServer::url() const
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    QHostAddress address = m_http.address();
    if (address == QHostAddress::Any || address == QHostAddress::AnyIPv4)
        address = QHostAddress::LocalHost;
    else if (address == QHostAddress::AnyIPv6)
        address = QHostAddress::LocalHostIPv6;
    url.setHost(address.toString());
    url.setPort(m_http.port());
    return url;
}
