#include "TestServer.h"

#include "support/TestDatabase.h"

#include <QProcess>
#include <QSignalSpy>
#include <QTest>

TestServer::TestServer()
{
    m_database = TestDatabase::create(m_dir.path(), &m_databaseError);
}

bool TestServer::start()
{
    if (m_database.isEmpty()) {
        qWarning("no %s database for the server: %s", qPrintable(TestDatabase::backendName()),
                 qPrintable(m_databaseError));
        return false;
    }
    ServerConfig config = m_config;
    config.port = 0;
    config.databasePath = databasePath();
    const QString error = startAndWait(m_thread, config);
    if (!error.isEmpty()) {
        qWarning("server failed to start: %s", qPrintable(error));
        return false;
    }
    return true;
}

QString TestServer::startAndWait(ServerThread &thread, const ServerConfig &config)
{
    QSignalSpy started(&thread, &ServerThread::started);
    thread.start(config);
    if (!started.wait(30000))
        return QStringLiteral("the server did not report its start within 30 s");
    return started.constFirst().constFirst().toString();
}

QByteArray TestServer::createId()
{
    const HttpResponse response = client().post("/");
    if (response.status != 200)
        return {};
    return response.json().value(QStringLiteral("disco_id")).toString().toUtf8();
}

QString TestServer::useTls()
{
    const QString certificate = m_dir.filePath(QStringLiteral("cert.pem"));
    const QString key = m_dir.filePath(QStringLiteral("key.pem"));
    if (const QString error = makeCertificate(certificate, key); !error.isEmpty())
        return error;
    m_config.tlsCertificatePath = certificate;
    m_config.tlsKeyPath = key;
    return {};
}

QString TestServer::makeCertificate(const QString &certificatePath, const QString &keyPath)
{
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                   QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                   QStringLiteral("-keyout"), keyPath, QStringLiteral("-out"), certificatePath, QStringLiteral("-days"),
                   QStringLiteral("1"), QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1")});
    if (!openssl.waitForFinished(20000) || openssl.exitStatus() != QProcess::NormalExit || openssl.exitCode() != 0)
        return QStringLiteral("openssl is missing or failed: run scripts/install-deps --test");
    return {};
}
