// Who may do what: registration is open to anyone who knows an ID; the admin API
// needs the bearer token once the server listens beyond loopback. And TLS.
// (Listening on 0.0.0.0 is how a user opens the server to others; these tests still
// send every request to 127.0.0.1.)

#include "support/TestServer.h"

#include <QFile>
#include <QProcess>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace {

HttpResponse withToken(HttpClient client, const QByteArray &method, const QByteArray &path, const QByteArray &token,
                       quint16 port)
{
    return client.raw(method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port)
                      + "\r\nAuthorization: Bearer " + token + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
}

} // namespace

class TestAccessControl : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_server;

    QString tokenPath() const { return m_server->databasePath() + QStringLiteral(".admin-token"); }

private slots:
    void init() { m_server = std::make_unique<TestServer>(); }
    void cleanup() { m_server.reset(); }

    void loopbackNeedsNoTokenButOneIsMade()
    {
        QVERIFY(m_server->start());
        QCOMPARE(m_server->client().get("/api/v1/ids").status, 200);
        QFile file(tokenPath());
        QVERIFY(file.exists());
        QCOMPARE(file.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::WriteGroup
                                       | QFileDevice::WriteOther), QFileDevice::Permissions());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(QRegularExpression(QStringLiteral("^[0-9a-f]{64}\\n$")).match(QString::fromLatin1(file.readAll())).hasMatch());
        // The same token on the next start.
        const QString first = m_server->thread().adminToken();
        QVERIFY(!first.isEmpty());
        m_server->stop();
        QVERIFY(m_server->start());
        QCOMPARE(m_server->thread().adminToken(), first);
    }

    void beyondLoopbackTheAdminApiNeedsTheToken()
    {
        m_server->config().bindAddress = QHostAddress(QHostAddress::AnyIPv4);
        QVERIFY(m_server->start());
        const QByteArray token = m_server->thread().adminToken().toLatin1();
        HttpClient client = m_server->client();
        const quint16 port = m_server->port();

        const HttpResponse refused = client.get("/api/v1/ids");
        QCOMPARE(refused.status, 401);
        QCOMPARE(refused.headers.value("www-authenticate"), QByteArray("Bearer"));
        QVERIFY(refused.json().value(QStringLiteral("error")).toString().contains(QStringLiteral("Bearer")));
        QByteArray wrong = token;
        wrong[0] = token.at(0) == '0' ? '1' : '0'; // one character off
        QCOMPARE(withToken(client, "GET", "/api/v1/ids", wrong, port).status, 401);
        QCOMPARE(withToken(client, "GET", "/api/v1/ids", token.left(32), port).status, 401);
        QCOMPARE(withToken(client, "GET", "/api/v1/ids", token, port).status, 200);
        QCOMPARE(withToken(client, "POST", "/api/v1/prune", token, port).status, 400); // let in, then judged

        // Every admin action is closed without it.
        for (const QByteArray &path : {QByteArray("/api/v1/export"), QByteArray("/api/v1/ids/x"), QByteArray("/api/v1/nothing")})
            QCOMPARE(client.get(path).status, 401);
        QCOMPARE(client.post("/api/v1/import", "{}").status, 401);
        QCOMPARE(client.del("/api/v1/ids/x").status, 401);

        // Registration stays open: knowing the ID is the key.
        const QByteArray id = m_server->createId();
        QCOMPARE(client.post("/" + id, R"({"addr":"localhost:4001"})").status, 200);
        QCOMPARE(client.get("/new").status, 200);
        QCOMPARE(client.get("/healthz").status, 200);
    }

    // Consul KV beyond loopback: the admin token, as Consul clients send one, or
    // Consul's 403 shapes; python-consul's ?token= works too.
    void beyondLoopbackConsulKvNeedsTheToken()
    {
        m_server->config().bindAddress = QHostAddress(QHostAddress::AnyIPv4);
        QVERIFY(m_server->start());
        const QByteArray token = m_server->thread().adminToken().toLatin1();
        HttpClient client = m_server->client();
        const QByteArray host = "Host: 127.0.0.1:" + QByteArray::number(m_server->port()) + "\r\n";

        const HttpResponse anonymous = client.send("PUT", "/v1/kv/rqlite/leader?cas=0", "v", "application/octet-stream");
        QCOMPARE(anonymous.status, 403);
        QCOMPARE(anonymous.body, QByteArray("Permission denied: token with AccessorID "
                                            "'00000000-0000-0000-0000-000000000002' lacks permission 'key:write' "
                                            "on \"rqlite/leader\""));
        QCOMPARE(client.raw("GET /v1/kv/k HTTP/1.1\r\n" + host + "X-Consul-Token: wrong\r\n\r\n").body,
                 QByteArray("ACL not found"));
        QCOMPARE(client.get("/v1/kv/k?token=wrong").status, 403);

        const HttpResponse stored = client.raw("PUT /v1/kv/k HTTP/1.1\r\n" + host + "X-Consul-Token: " + token
                                               + "\r\nContent-Length: 1\r\n\r\nv");
        QCOMPARE(stored.body, QByteArray("true"));
        QCOMPARE(client.get("/v1/kv/k?raw&token=" + token).body, QByteArray("v"));
        QCOMPARE(withToken(client, "GET", "/v1/kv/k?raw", token, m_server->port()).body, QByteArray("v"));

        QProcess python;
        python.setProcessChannelMode(QProcess::MergedChannels);
        python.start(QStringLiteral("/usr/bin/python3"), {QStringLiteral(DISCODESK_CONSUL_CLIENT_PATH),
                                                          QString::number(m_server->port()), QString::fromLatin1(token)});
        QVERIFY2(python.waitForFinished(60'000), "python-consul did not finish");
        QVERIFY2(python.exitCode() == 0, python.readAll().constData());
    }

    // Who may write the token may choose it: group or other permission of any kind
    // but execute is refused, 0620 as much as 0644.
    void aTokenFileOthersMayReadOrWriteIsRefused_data()
    {
        QTest::addColumn<int>("permissions");
        QTest::newRow("0620 group may write") << int(QFileDevice::WriteGroup);
        QTest::newRow("0602 others may write") << int(QFileDevice::WriteOther);
        QTest::newRow("0640 group may read") << int(QFileDevice::ReadGroup);
        QTest::newRow("0604 others may read") << int(QFileDevice::ReadOther);
    }
    void aTokenFileOthersMayReadOrWriteIsRefused()
    {
        QFETCH(int, permissions);
        QFile file(tokenPath());
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(64, 'a'));
        file.close();
        QVERIFY(file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                    | QFileDevice::Permissions(permissions)));

        m_server->config().bindAddress = QHostAddress(QHostAddress::AnyIPv4);
        m_server->config().port = 0;
        m_server->config().databasePath = m_server->databasePath();
        ServerThread thread;
        const QString error = TestServer::startAndWait(thread, m_server->config());
        QVERIFY2(error.startsWith(QStringLiteral("refusing to listen on 0.0.0.0 without an admin token")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("read or written by other users")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("chmod 600")), qPrintable(error));
        QVERIFY(!thread.isRunning());

        // On loopback the token is not needed, so the server starts.
        m_server->config().bindAddress = QHostAddress(QHostAddress::LocalHost);
        QVERIFY(m_server->start());
    }

    // The scheme's name is case-insensitive (RFC 9110, 11.1); the token is not.
    void bearerSchemeInAnyCase()
    {
        m_server->config().bindAddress = QHostAddress(QHostAddress::AnyIPv4);
        QVERIFY(m_server->start());
        const QByteArray token = m_server->thread().adminToken().toLatin1();
        const auto get = [&](const QByteArray &authorization) {
            return m_server->client().raw("GET /api/v1/ids HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + authorization
                                          + "\r\nConnection: close\r\n\r\n").status;
        };
        QCOMPARE(get("bearer " + token), 200);
        QCOMPARE(get("BEARER " + token), 200);
        QCOMPARE(get("BeArEr   " + token), 200);
        QCOMPARE(get("Bearer " + token.toUpper()), token == token.toUpper() ? 200 : 401);
        QCOMPARE(get("Basic " + token), 401);
        QCOMPARE(get("Bearer" + token), 401);
        QCOMPARE(get("Bearers " + token), 401);
    }

    void tlsServesHttpsOnly()
    {
        QTemporaryDir dir;
        const QString cert = dir.filePath(QStringLiteral("cert.pem"));
        const QString key = dir.filePath(QStringLiteral("key.pem"));
        const QString error = TestServer::makeCertificate(cert, key);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_server->config().tlsCertificatePath = cert;
        m_server->config().tlsKeyPath = key;
        QVERIFY(m_server->start());
        QCOMPARE(m_server->thread().url().scheme(), QStringLiteral("https"));

        QSslSocket socket;
        socket.setPeerVerifyMode(QSslSocket::VerifyNone); // our own self-signed certificate
        socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_server->port());
        QVERIFY2(socket.waitForEncrypted(10000), qPrintable(socket.errorString()));
        socket.write("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n");
        QByteArray reply;
        while (!reply.contains("\"disco_id\"") && socket.waitForReadyRead(5000))
            reply += socket.readAll();
        QVERIFY2(reply.startsWith("HTTP/1.1 200"), reply.constData());

        // Plain HTTP gets no answer on a TLS port.
        QCOMPARE(m_server->client().get("/healthz").status, 0);
    }

    void brokenTlsFilesAreExplained()
    {
        QTemporaryDir dir;
        const QString junk = dir.filePath(QStringLiteral("junk.pem"));
        QFile file(junk);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("not a certificate\n");
        file.close();
        QString error;
        QVERIFY(!DiscoveryServer::loadTls(junk, junk, &error));
        QVERIFY2(error.contains(QStringLiteral("no PEM certificate")), qPrintable(error));
        QVERIFY(!DiscoveryServer::loadTls(dir.filePath(QStringLiteral("missing.pem")), junk, &error));
        QVERIFY(!DiscoveryServer::loadTls(junk, QString(), &error));
        QVERIFY2(error.contains(QStringLiteral("--tls-key")), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestAccessControl)
#include "tst_accesscontrol.moc"
