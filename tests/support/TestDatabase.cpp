#include "TestDatabase.h"

#include "support/TestPostgres.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>

namespace {

TestPostgres *sharedServer = nullptr;
QString startError;
int databaseCount = 0;

} // namespace

namespace TestDatabase {

bool usesPostgreSql()
{
    return qEnvironmentVariable("DISCODESK_TEST_DATABASE").compare(QStringLiteral("postgresql"), Qt::CaseInsensitive)
        == 0;
}

QString backendName()
{
    return usesPostgreSql() ? QStringLiteral("PostgreSQL") : QStringLiteral("SQLite");
}

TestPostgres *postgres(QString *error)
{
    if (!sharedServer && startError.isEmpty()) {
        auto *server = new TestPostgres;
        startError = server->start();
        if (!startError.isEmpty()) {
            delete server;
        } else {
            sharedServer = server;
            // Stopped with the application, while its event loop machinery still exists.
            qAddPostRoutine([] {
                delete sharedServer;
                sharedServer = nullptr;
            });
        }
    }
    *error = startError;
    return sharedServer;
}

QString create(const QString &folder, QString *error)
{
    if (!usesPostgreSql())
        return QDir(folder).filePath(QStringLiteral("discodesk-%1.sqlite").arg(++databaseCount));
    TestPostgres *server = postgres(error);
    if (!server)
        return {};
    const QString url = server->createDatabase();
    if (url.isEmpty())
        *error = server->lastError();
    return url;
}

bool damageSqlitePages(const QString &path)
{
    QFile file(path);
    if (file.size() <= 6 * 4096 || !file.open(QIODevice::ReadWrite) || !file.seek(3 * 4096))
        return false;
    return file.write(QByteArray(2 * 4096, '\x5a')) == 2 * 4096;
}

} // namespace TestDatabase
