#include "DiscoveryServer.h"

#include "core/AdminToken.h"
#include "http/AdminApi.h"
#include "http/ConsulKvApi.h"
#include "http/EtcdApi.h"
#include "http/MetricsApi.h"
#include "http/RqliteApi.h"
#include "service/GroupCommit.h"
#include "service/KvService.h"
#include "store/BackgroundCount.h"
#include "store/DamageCheck.h"
#include "store/DatabaseLocation.h"
#include "store/PostgresStore.h"

#include <QDateTime>
#include <QFile>
#include <QSslKey>
#include <QSslSocket>
#include <QStandardPaths>

QString ServerConfig::defaultDatabasePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
        + QStringLiteral("/discodesk.sqlite");
}

// Built when the server starts, in this order, and gone when it stops.
struct DiscoveryServer::Running
{
    Running(std::unique_ptr<Store> opened, int maxNodesPerId, MetricsApi::Text metricsText)
        : store(std::move(opened)), service(*store), kv(*store), adminApi(service), etcdApi(service),
          kvApi(kv), metricsApi(std::move(metricsText)), rqliteApi(service)
    {
        service.setMaxNodesPerId(maxNodesPerId);
    }

    std::unique_ptr<Store> store;
    DiscoveryService service;
    KvService kv;
    AdminApi adminApi;
    EtcdApi etcdApi;
    ConsulKvApi kvApi;
    MetricsApi metricsApi;
    RqliteApi rqliteApi;
    GroupCommit commits;
    std::unique_ptr<ExpirySweeper> sweeper; // made once the commits are set up
    // First to go: they may still be reading.
    std::unique_ptr<BackgroundCount> count; // for /metrics, while one is under way
    bool countAgain = false;                // something changed while it counted
    std::unique_ptr<DamageCheck> damageCheck;
};

DiscoveryServer::DiscoveryServer(QObject *parent) : QObject(parent), m_http(this), m_recount(this)
{
    connect(&m_http, &HttpServer::requestFinished, this, &DiscoveryServer::requestFinished);
    connect(&m_http, &HttpServer::requestFinished, this,
            [this](const RequestLogEntry &entry) { m_metrics.noteRequest(entry); });
    m_recount.setSingleShot(true);
    connect(&m_recount, &QTimer::timeout, this, &DiscoveryServer::countForMetrics);
}

DiscoveryServer::~DiscoveryServer()
{
    stop();
}

QString DiscoveryServer::start(const ServerConfig &config)
{
    // A running server goes on serving until the new run is ready: a port that is
    // taken or a database that cannot be opened leaves it as it was.
    const QString path = config.databasePath.isEmpty() ? ServerConfig::defaultDatabasePath()
                                                       : config.databasePath;
    std::optional<QSslConfiguration> tls;
    if (!config.tlsCertificatePath.isEmpty() || !config.tlsKeyPath.isEmpty()) {
        QString error;
        tls = loadTls(config.tlsCertificatePath, config.tlsKeyPath, &error);
        if (!tls)
            return error;
    }
    QString error;
    const auto location = DatabaseLocation::parse(path, &error);
    if (!location)
        return error;

    // Loopback is the user's own machine; anything else needs the admin token.
    // A PostgreSQL database is no file to keep the token beside: it goes in the
    // program's folder, one for every PostgreSQL database used from this account.
    const bool postgres = location->kind == DatabaseLocation::Kind::PostgreSql;
    const QString tokenBeside = postgres
        ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/postgresql")
        : path;
    const QString tokenPath = config.adminTokenPath.isEmpty() ? AdminToken::defaultPathFor(tokenBeside)
                                                              : config.adminTokenPath;
    const AdminToken::Loaded token = AdminToken::loadOrCreate(tokenPath);
    const bool loopback = config.bindAddress.isLoopback();
    if (!loopback && token.token.isEmpty()) {
        return QStringLiteral("refusing to listen on %1 without an admin token: %2")
            .arg(config.bindAddress.toString(), token.error);
    }

    // Another database is opened beside the one in use; the same one (a file is
    // locked to one server) is opened again once the old run has closed it.
    const bool sameDatabase = m_running && path == m_databaseLocation;
    std::unique_ptr<Store> store;
    if (!sameDatabase) {
        store = Store::open(path, &error);
        if (!store)
            return error;
    }
    // A new listener opens before the old one closes, except on the same port, which
    // only one socket can hold: there new limits or TLS take the port over directly.
    const bool samePort = m_http.isListening() && config.bindAddress == m_config.bindAddress
        && (config.port == 0 ? m_config.port == 0 : config.port == m_http.port());
    const bool sameListener = samePort && config.limits == m_config.limits
        && config.tlsCertificatePath == m_config.tlsCertificatePath && config.tlsKeyPath == m_config.tlsKeyPath;
    if (!sameListener) {
        if (samePort)
            m_http.close();
        if (const QString error = m_http.listen(config.bindAddress, config.port, config.limits, tls);
            !error.isEmpty()) {
            if (samePort)
                stop(); // the old listener is gone: say so rather than half-run
            return error;
        }
    }

    // From here on the new run replaces the old one.
    retireRun();
    if (sameDatabase) {
        store = Store::open(path, &error);
        if (!store) {
            stop();
            return error;
        }
    }
    m_config = config;
    m_databaseLocation = path;
    m_adminTokenPath = tokenPath;
    m_adminToken = token.token;
    if (config.pollForChanges) {
        if (auto *shared = qobject_cast<PostgresStore *>(store.get()))
            shared->setPollForChanges(true);
    }

    m_running = std::make_unique<Running>(std::move(store), config.maxNodesPerId, [this] { return metricsText(); });
    Running &running = *m_running;
    running.adminApi.requireToken(loopback ? QString() : m_adminToken);
    running.kvApi.requireToken(loopback ? QString() : m_adminToken);
    running.metricsApi.requireToken(loopback ? QString() : m_adminToken);
    running.adminApi.setDatabaseLocation(path);
    running.etcdApi.setWaitTimeout(config.etcdWaitTimeout);
    // Order matters: /healthz, /api/v1, /new, /etcd/, /v1/kv/ and /metrics first;
    // rqlite's /{id} takes what is left.
    m_http.setHandlers({&running.adminApi, &running.etcdApi, &running.kvApi, &running.metricsApi, &running.rqliteApi});
    Store *opened = running.store.get();
    // Direct: the cache forgets a changed ID before the next request is read.
    connect(opened, &Store::changed, this, [this](const StoreChanges &changes) {
        m_running->rqliteApi.cache().forget(changes);
    });
    // Each pass's writes are one transaction, answered once it is saved; on PostgreSQL
    // too, where the other servers' changes arrive through the store as they commit.
    const QString durabilityError = running.commits.setStore(opened, config.durability);
    m_http.setGroupCommit(&running.commits);
    // It may hold records built from the lost writes.
    connect(&running.commits, &GroupCommit::commitFailed, this, [this] { m_running->rqliteApi.cache().clear(); });
    // What waits for changes or shows them hears of them once they are saved.
    connect(&running.commits, &GroupCommit::saved, &running.etcdApi, &EtcdApi::onStoreChanged);
    connect(&running.commits, &GroupCommit::saved, &running.kvApi, &ConsulKvApi::onStoreChanged);
    connect(&running.commits, &GroupCommit::saved, this, &DiscoveryServer::storeChanged);
    connect(&running.commits, &GroupCommit::saved, this, [this](const StoreChanges &changes) {
        m_metrics.noteSaved(changes);
        if (!m_recount.isActive())
            m_recount.start(m_config.metricsRecountDelay);
    });
    connect(&running.commits, &GroupCommit::committed, this,
            [this](int waiting, double seconds) { m_metrics.noteCommit(waiting, seconds); });
    connect(&running.commits, &GroupCommit::synced, this, [this](double seconds) { m_metrics.noteSync(seconds); });
    connect(opened, &Store::statementFailed, this, [this] { m_metrics.noteStoreError(); });
    connect(opened, &Store::reconnected, this, [this] { m_metrics.noteReconnect(); });
    // The first count once the server listens, not before: at a million IDs it takes a while.
    m_counts.reset();
    m_recount.start(0);
    if (!durabilityError.isEmpty()) {
        const QString name = opened->name();
        stop();
        return QStringLiteral("cannot set how %1 keeps writes: %2").arg(name, durabilityError);
    }
    // Cached replies need this server to make every change.
    running.rqliteApi.cache().setEnabled(!opened->othersMayWrite());

    if (config.expiry) {
        const auto stored = running.service.setExpiryRules(*config.expiry);
        const auto committed = running.commits.commitNow();
        if (!stored.ok() || committed) {
            stop();
            return QStringLiteral("cannot store the expiry rules: %1").arg(committed ? *committed : stored.error());
        }
    }
    running.sweeper = std::make_unique<ExpirySweeper>(running.service, running.commits, config.expirySchedule);
    connect(running.sweeper.get(), &ExpirySweeper::swept, this, [this](const ExpirySweep &sweep) {
        // Told once its removals are saved, as a write's answer is.
        m_running->commits.afterCommit([this, sweep](const std::optional<QString> &failure) {
            if (failure)
                return emit expiryFailed(*failure);
            m_metrics.noteExpirySweep(sweep);
            emit expirySwept(sweep);
        });
    });
    connect(running.sweeper.get(), &ExpirySweeper::sweepFailed, this, &DiscoveryServer::expiryFailed);

    if (!postgres) {
        // Damaged pages would fail requests and take writes: a file found damaged is
        // refused as at start, only later. Queued: stop() deletes the check.
        running.damageCheck = std::make_unique<DamageCheck>(path);
        connect(running.damageCheck.get(), &DamageCheck::finished, this,
                [this, path](const QString &damage, const QString &unreadable, qint64 milliseconds) {
                    if (!damage.isEmpty()) {
                        stop();
                        return emit failed(damage);
                    }
                    emit checkedForDamage(unreadable.isEmpty()
                        ? QStringLiteral("Read %1 through in %2 ms: nothing is damaged").arg(path).arg(milliseconds)
                        : QStringLiteral("Could not read %1 through for damage: %2").arg(path, unreadable));
                }, Qt::QueuedConnection);
    }
    return {};
}

QString DiscoveryServer::connectionLimitNote() const
{
    const int allowed = m_http.maxConnections();
    if (!isRunning() || allowed >= m_config.limits.maxConnections)
        return {};
    return QStringLiteral("At most %1 connections at once, not %2: this process may open only %3 files "
                          "(ulimit -n) and keeps some for its own work")
        .arg(allowed).arg(m_config.limits.maxConnections).arg(m_http.openFileLimit());
}

HttpReply DiscoveryServer::handle(const HttpRequest &request)
{
    const HttpReply reply = m_http.dispatch(request);
    if (const auto failure = m_running->commits.commitNow())
        return HttpReply::unavailable(*failure);
    return reply;
}

DiscoveryService &DiscoveryServer::service()
{
    Q_ASSERT(m_running);
    return m_running->service;
}

GroupCommit &DiscoveryServer::groupCommit()
{
    Q_ASSERT(m_running);
    return m_running->commits;
}

int DiscoveryServer::openEtcdWaits() const
{
    return m_running ? m_running->etcdApi.openWaitCount() : 0;
}

int DiscoveryServer::openKvWaits() const
{
    return m_running ? m_running->kvApi.openWaitCount() : 0;
}

QByteArray DiscoveryServer::metricsText() const
{
    ServerMetrics::Now now;
    now.openConnections = m_http.openConnections();
    now.maxConnections = m_http.maxConnections();
    now.refusedConnections = m_http.refusedConnections();
    now.etcdWaits = openEtcdWaits();
    now.kvWaits = openKvWaits();
    now.counts = m_counts;
    now.countedAtMs = m_countedAtMs;
    return m_metrics.text(now);
}

void DiscoveryServer::countForMetrics()
{
    if (!m_running)
        return;
    Running &running = *m_running;
    if (running.count) {
        running.countAgain = true; // it may have begun before the change
        return;
    }
    running.count = std::make_unique<BackgroundCount>(m_databaseLocation);
    connect(running.count.get(), &BackgroundCount::finished, this,
            [this](const KindCounts &counts, const QString &error) {
                Running &running = *m_running;
                if (error.isEmpty()) {
                    m_counts = counts;
                    m_countedAtMs = QDateTime::currentMSecsSinceEpoch();
                } else {
                    m_metrics.noteStoreError(); // the next change tries again
                }
                running.count.release()->deleteLater(); // not from inside its own signal
                if (std::exchange(running.countAgain, false))
                    countForMetrics();
            });
}

KvService &DiscoveryServer::kv()
{
    Q_ASSERT(m_running);
    return m_running->kv;
}

QString DiscoveryServer::databasePath() const
{
    return m_running ? m_running->store->name() : QString();
}

void DiscoveryServer::stop()
{
    m_recount.stop();
    retireRun();
    m_http.close();
    m_config = {};
    m_databaseLocation.clear();
}

void DiscoveryServer::retireRun()
{
    if (m_running) {
        m_running->kvApi.flushAskers();
        m_running->commits.finish(); // what waits for the commit is saved and answered now
    }
    m_http.dropHeldReplies();
    m_http.setHandlers({});
    m_http.setGroupCommit(nullptr);
    m_running.reset();
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
