#pragma once

#include <QSqlDatabase>
#include <QString>

// The database schema and its migrations. Every schema change is a new numbered
// migration appended to the list in Schema.cpp; a released migration is never edited.
namespace Schema {

enum class Dialect { Sqlite, PostgreSql };

// The newest schema version this program knows.
int latestVersion();

// The version stored in db: 0 for an empty database, -1 if it holds tables that are
// not DiscoDesk's. Reading only: a newer or foreign database is never written.
// Returns an error message (empty on success).
QString readVersion(QSqlDatabase &db, Dialect dialect, int *version);

// Applies every migration after fromVersion, in one transaction.
QString migrate(QSqlDatabase &db, Dialect dialect, int fromVersion);

} // namespace Schema
