#pragma once

#include "store/PlainRow.h"

#include <QHash>
#include <QString>
#include <QVariantList>

#include <functional>

class QSqlDatabase;
struct sqlite3;
struct sqlite3_stmt;

// Statements run straight through the sqlite3 handle of a QSqlDatabase connection,
// each prepared once. For the few statements every request runs: there QtSql's
// binding (a placeholder name made per value) and its row cache cost more than
// SQLite's own work. Only where Qt's SQLite driver uses the very SQLite library
// this program links (DISCODESK_SQLITE_HANDLE, set by CMake when the driver needs
// the system's libsqlite3, as on Debian); elsewhere isAvailable() is false and
// callers go through QtSql.
class SqliteHandle
{
public:
    // One row of a statement, read while it runs.
    class Row final : public PlainRow
    {
    public:
        explicit Row(sqlite3_stmt *statement) : m_statement(statement) {}
        bool isNull(int column) const override;
        qint64 integer(int column) const override;
        QString text(int column) const override;

    private:
        sqlite3_stmt *m_statement;
    };
    using RowReader = std::function<void(const PlainRow &)>;

    // The handle of db's open connection, if this build may use it.
    explicit SqliteHandle(const QSqlDatabase &db);
    ~SqliteHandle(); // finalizes the statements: before the connection closes
    SqliteHandle(const SqliteHandle &) = delete;
    SqliteHandle &operator=(const SqliteHandle &) = delete;

    bool isAvailable() const { return m_db != nullptr; }
    // Runs sql with values bound in order (null, integers, text, bytes) and calls
    // onRow for each row. Empty on success, else SQLite's message; either way the
    // statement is reset, so it holds no lock afterwards. *changedRows: the rows
    // it inserted, updated or deleted.
    QString run(const QString &sql, const QVariantList &values = {}, const RowReader &onRow = {},
                qint64 *changedRows = nullptr);

private:
    sqlite3 *m_db = nullptr;
    QHash<QString, sqlite3_stmt *> m_statements;
};
