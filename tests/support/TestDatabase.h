#pragma once

#include <QString>

class TestPostgres;

// The database the store and HTTP suites run against. By default a SQLite file in
// the test's temporary folder; with DISCODESK_TEST_DATABASE=postgresql, a fresh
// database on a throwaway PostgreSQL server that the test executable starts on first
// use (TestPostgres) and stops when it ends. CTest runs those suites both ways.
namespace TestDatabase {

bool usesPostgreSql();
// "SQLite" or "PostgreSQL", for messages.
QString backendName();

// A new, empty database: a location for Store::open() and --db. For SQLite, the
// file path in folder (not created yet). Empty on failure, with *error saying why
// (a missing PostgreSQL fails the test: it is never skipped).
QString create(const QString &folder, QString *error);

// The server of this executable, started on first use; nullptr after an error.
TestPostgres *postgres(QString *error);

// Overwrites two pages of a closed SQLite file past its first three, inside the
// tables, as a failing disk might; false if the file is too small to have them.
bool damageSqlitePages(const QString &path);

} // namespace TestDatabase

// Opens location as `name`, a std::unique_ptr<Store>, or fails the test with the reason.
#define DISCODESK_OPEN_STORE(name, location)                                                   \
    QString name##Error;                                                                       \
    std::unique_ptr<Store> name = Store::open(location, &name##Error);                         \
    QVERIFY2(name, qPrintable(name##Error))
