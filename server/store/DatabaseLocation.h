#pragma once

#include <QString>

#include <optional>

// Where a store keeps its data, as the user gives it (--db, the window's settings):
// a SQLite file path, or a PostgreSQL database as a URL,
//   postgresql://user[:password]@host[:port]/dbname[?option=value&...]
// whose options are libpq's (sslmode, connect_timeout, ...). A password may also
// come from PGPASSWORD or ~/.pgpass, as with every libpq program.
struct DatabaseLocation
{
    enum class Kind { SqliteFile, PostgreSql };

    Kind kind = Kind::SqliteFile;
    QString filePath; // SqliteFile
    QString host;     // PostgreSql
    int port = 5432;
    QString user;
    QString password;
    QString database;
    QString options;  // "key=value;key=value", as QSqlDatabase::setConnectOptions() takes them

    // Anything that does not start with postgresql:// or postgres:// is a file path.
    // Returns nullopt with error set for a URL it cannot use.
    static std::optional<DatabaseLocation> parse(const QString &text, QString *error);

    // What to show and log: the path, or the URL without its password.
    QString displayName() const;
};
