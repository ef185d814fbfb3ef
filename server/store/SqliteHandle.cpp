#include "SqliteHandle.h"

#include <QSqlDatabase>
#include <QSqlDriver>
#include <QVarLengthArray>

#ifdef DISCODESK_SQLITE_HANDLE
#include <sqlite3.h>
#endif

#ifdef DISCODESK_SQLITE_HANDLE

namespace {

QString lastError(sqlite3 *db)
{
    return QString::fromUtf8(sqlite3_errmsg(db));
}

// SQLITE_STATIC: the values outlive the statement's run, which resets it. Text is
// bound as UTF-8, the database's encoding: bound as UTF-16, SQLite converted it
// itself, at three times the cost of Qt's conversion.
int bind(sqlite3_stmt *statement, int index, const QVariant &value, QByteArray *keep)
{
    if (value.isNull())
        return sqlite3_bind_null(statement, index);
    switch (value.metaType().id()) {
    case QMetaType::QString:
        *keep = static_cast<const QString *>(value.constData())->toUtf8();
        return sqlite3_bind_text(statement, index, keep->constData(), int(keep->size()), SQLITE_STATIC);
    case QMetaType::QByteArray: {
        const QByteArray &bytes = *static_cast<const QByteArray *>(value.constData());
        return sqlite3_bind_blob(statement, index, bytes.constData(), int(bytes.size()), SQLITE_STATIC);
    }
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
    case QMetaType::Bool:
        return sqlite3_bind_int64(statement, index, value.toLongLong());
    case QMetaType::Double:
        return sqlite3_bind_double(statement, index, value.toDouble());
    default:
        *keep = value.toString().toUtf8();
        return sqlite3_bind_text(statement, index, keep->constData(), int(keep->size()), SQLITE_STATIC);
    }
}

} // namespace

SqliteHandle::SqliteHandle(const QSqlDatabase &db)
{
    const QVariant handle = db.isOpen() ? db.driver()->handle() : QVariant();
    if (handle.isValid() && qstrcmp(handle.typeName(), "sqlite3*") == 0)
        m_db = *static_cast<sqlite3 *const *>(handle.constData());
}

SqliteHandle::~SqliteHandle()
{
    for (sqlite3_stmt *statement : std::as_const(m_statements))
        sqlite3_finalize(statement);
}

QString SqliteHandle::run(const QString &sql, const QVariantList &values, const RowReader &onRow,
                          qint64 *changedRows)
{
    if (!m_db)
        return QStringLiteral("the database is not open");
    sqlite3_stmt *statement = m_statements.value(sql);
    if (!statement) {
        const QByteArray text = sql.toUtf8();
        if (sqlite3_prepare_v3(m_db, text.constData(), int(text.size()), SQLITE_PREPARE_PERSISTENT, &statement,
                               nullptr) != SQLITE_OK) {
            const QString error = lastError(m_db);
            sqlite3_finalize(statement);
            return error;
        }
        m_statements.insert(sql, statement);
    }
    QVarLengthArray<QByteArray, 4> kept(values.size());
    for (int i = 0; i < values.size(); ++i) {
        if (bind(statement, i + 1, values.at(i), &kept[i]) != SQLITE_OK) {
            const QString error = lastError(m_db);
            sqlite3_reset(statement);
            sqlite3_clear_bindings(statement);
            return error;
        }
    }
    int step;
    while ((step = sqlite3_step(statement)) == SQLITE_ROW) {
        if (onRow)
            onRow(Row(statement));
    }
    const QString error = step == SQLITE_DONE ? QString() : lastError(m_db);
    if (error.isEmpty() && changedRows)
        *changedRows = sqlite3_changes(m_db); // not changes64: SQLite before 3.37 has no such call
    sqlite3_reset(statement);
    sqlite3_clear_bindings(statement);
    return error;
}

bool SqliteHandle::Row::isNull(int column) const
{
    return sqlite3_column_type(m_statement, column) == SQLITE_NULL;
}

qint64 SqliteHandle::Row::integer(int column) const
{
    return sqlite3_column_int64(m_statement, column);
}

QString SqliteHandle::Row::text(int column) const
{
    const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(m_statement, column));
    return QString::fromUtf8(text, sqlite3_column_bytes(m_statement, column));
}

#else // Qt's driver may bring a SQLite of its own: everything goes through QtSql.

SqliteHandle::SqliteHandle(const QSqlDatabase &) {}
SqliteHandle::~SqliteHandle() = default;

QString SqliteHandle::run(const QString &, const QVariantList &, const RowReader &, qint64 *)
{
    return QStringLiteral("SQLite's handle is not used in this build");
}

bool SqliteHandle::Row::isNull(int) const { return true; }
qint64 SqliteHandle::Row::integer(int) const { return 0; }
QString SqliteHandle::Row::text(int) const { return {}; }

#endif
