#include "DiscoveryServer.h"

#include "core/AdminToken.h"

#include <QFile>
#include <QSslKey>
#include <QSslSocket>
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
      m_http(this),
      m_commitTimer(this)
{
    // Order matters: /healthz, /api/v1, /new and /etcd/ first; rqlite's /{id} takes
    // what is left.
    m_http.addHandler(&m_adminApi);
    m_http.addHandler(&m_etcdApi);
    m_http.addHandler(&m_rqliteApi);
    connect(&m_store, &Store::changed, &m_etcdApi, &EtcdApi::onStoreChanged);
    // Direct: the cache forgets a changed ID before the next request is read.
    connect(&m_store, &Store::changed, this, [this](const StoreChanges &changes) {
        m_rqliteApi.cache().forget(changes);
    });
    connect(&m_http, &HttpServer::requestFinished, this, &DiscoveryServer::requestFinished);

    // Group commit: the writes of all the requests read in one pass of the event loop
    // share one SQLite transaction, committed right after that pass; their replies
    // wait for it, so a reply never reports a write that a crash could still lose.
    m_commitTimer.setSingleShot(true);
    m_commitTimer.setInterval(0);
    connect(&m_commitTimer, &QTimer::timeout, this, &DiscoveryServer::commitBatch);
    connect(&m_store, &Store::batchOpened, &m_commitTimer, qOverload<>(&QTimer::start));
    m_http.setHoldReplies([this] { return m_store.isBatchOpen(); });
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
    std::optional<QSslConfiguration> tls;
    if (!config.tlsCertificatePath.isEmpty() || !config.tlsKeyPath.isEmpty()) {
        QString error;
        tls = loadTls(config.tlsCertificatePath, config.tlsKeyPath, &error);
        if (!tls)
            return error;
    }
    if (const QString error = m_store.open(path); !error.isEmpty())
        return error;

    // Loopback is the user's own machine; anything else needs the admin token.
    // A PostgreSQL database is no file to keep the token beside: it goes in the
    // program's folder, one for every PostgreSQL database used from this account.
    const QString tokenBeside = m_store.isShared()
        ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/postgresql")
        : path;
    m_adminTokenPath = config.adminTokenPath.isEmpty() ? AdminToken::defaultPathFor(tokenBeside) : config.adminTokenPath;
    const AdminToken::Loaded token = AdminToken::loadOrCreate(m_adminTokenPath);
    m_adminToken = token.token;
    const bool loopback = config.bindAddress.isLoopback();
    if (!loopback && m_adminToken.isEmpty()) {
        m_store.close();
        return QStringLiteral("refusing to listen on %1 without an admin token: %2")
            .arg(config.bindAddress.toString(), token.error);
    }
    m_adminApi.requireToken(loopback ? QString() : m_adminToken);
    m_http.setTls(tls);
    m_etcdApi.setWaitTimeout(config.etcdWaitTimeout);
    m_http.setLimits(config.limits);
    m_store.setMaxNodesPerId(config.maxNodesPerId);
    // Group commit and cached replies need this server to make every change. Servers
    // sharing a PostgreSQL database commit each request on its own and always read.
    m_store.setGroupCommit(!m_store.isShared());
    m_rqliteApi.cache().setEnabled(!m_store.isShared());
    if (const QString error = m_http.listen(config.bindAddress, config.port); !error.isEmpty()) {
        m_store.close();
        return error;
    }
    return {};
}

HttpReply DiscoveryServer::handle(const HttpRequest &request)
{
    const HttpReply reply = m_http.dispatch(request);
    if (auto failure = commitOpenBatch())
        return *failure;
    return reply;
}

std::optional<HttpReply> DiscoveryServer::commitOpenBatch()
{
    m_commitTimer.stop();
    const auto committed = m_store.commitBatch();
    if (committed.ok())
        return std::nullopt;
    m_rqliteApi.cache().clear(); // it may hold records built from the lost writes
    return HttpReply::error(503, QStringLiteral("the database is unavailable: %1").arg(committed.error()));
}

void DiscoveryServer::commitBatch()
{
    // Held replies go out now, or the failure instead of each.
    m_http.releaseReplies(commitOpenBatch());
}

void DiscoveryServer::stop()
{
    commitBatch(); // what was answered "later" is saved and answered now
    m_http.close();
    m_store.close();
}

std::optional<QSslConfiguration> DiscoveryServer::loadTls(const QString &certificatePath, const QString &keyPath,
                                                          QString *error)
{
    if (certificatePath.isEmpty() || keyPath.isEmpty()) {
        *error = QStringLiteral("TLS needs both a certificate (--tls-cert) and its key (--tls-key)");
        return std::nullopt;
    }
    if (!QSslSocket::supportsSsl()) {
        *error = QStringLiteral("TLS is not available: Qt has no TLS backend here");
        return std::nullopt;
    }
    const QList<QSslCertificate> chain = QSslCertificate::fromPath(certificatePath, QSsl::Pem);
    if (chain.isEmpty()) {
        *error = QStringLiteral("%1 holds no PEM certificate").arg(certificatePath);
        return std::nullopt;
    }
    QFile keyFile(keyPath);
    if (!keyFile.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(keyPath, keyFile.errorString());
        return std::nullopt;
    }
    const QByteArray pem = keyFile.readAll();
    QSslKey key;
    for (const QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
        key = QSslKey(pem, algorithm, QSsl::Pem);
        if (!key.isNull())
            break;
    }
    if (key.isNull()) {
        *error = QStringLiteral("%1 holds no unencrypted PEM private key (RSA or EC)").arg(keyPath);
        return std::nullopt;
    }
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificateChain(chain);
    configuration.setPrivateKey(key);
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone); // clients need no certificate
    return configuration;
}

QUrl DiscoveryServer::url() const
{
    QUrl url;
    url.setScheme(m_http.usesTls() ? QStringLiteral("https") : QStringLiteral("http"));
    QHostAddress address = m_http.address();
    if (address == QHostAddress::Any || address == QHostAddress::AnyIPv4)
        address = QHostAddress::LocalHost;
    else if (address == QHostAddress::AnyIPv6)
        address = QHostAddress::LocalHostIPv6;
    url.setHost(address.toString());
    url.setPort(m_http.port());
    return url;
}
