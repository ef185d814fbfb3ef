#include "Schema.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>

namespace {

struct Migration
{
    int version;
    QStringList statements;
};

// Timestamps are integers: microseconds since the Unix epoch, UTC.
// nodes.seq records registration order.
const QList<Migration> &migrations()
{
    static const QList<Migration> list = {
        {1,
         {
             QStringLiteral("CREATE TABLE discovery_ids ("
                            " id TEXT PRIMARY KEY,"
                            " kind TEXT NOT NULL,"
                            " created_at BIGINT NOT NULL,"
                            " expected_size INTEGER,"
                            " label TEXT NOT NULL DEFAULT '',"
                            " last_activity BIGINT NOT NULL)"),
             QStringLiteral("CREATE INDEX discovery_ids_created_at ON discovery_ids (created_at)"),
             QStringLiteral("CREATE INDEX discovery_ids_last_activity ON discovery_ids (last_activity)"),
             QStringLiteral("CREATE TABLE nodes ("
                            " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
                            " discovery_id TEXT NOT NULL REFERENCES discovery_ids (id) ON DELETE CASCADE,"
                            " address TEXT NOT NULL,"
                            " first_registered BIGINT NOT NULL,"
                            " last_seen BIGINT NOT NULL,"
                            " registrations BIGINT NOT NULL,"
                            " registered_by TEXT NOT NULL,"
                            " UNIQUE (discovery_id, address))"),
             QStringLiteral("CREATE INDEX nodes_last_seen ON nodes (last_seen)"),
         }},
        // etcd tokens: the token's index counter, each member's value and createdIndex.
        {2,
         {
             QStringLiteral("ALTER TABLE discovery_ids ADD COLUMN etcd_index BIGINT NOT NULL DEFAULT 0"),
             QStringLiteral("ALTER TABLE nodes ADD COLUMN etcd_value TEXT NOT NULL DEFAULT ''"),
             QStringLiteral("ALTER TABLE nodes ADD COLUMN etcd_index BIGINT NOT NULL DEFAULT 0"),
         }},
    };
    return list;
}

QString describe(const QSqlError &error)
{
    return error.databaseText().isEmpty() ? error.text() : error.databaseText();
}

} // namespace

namespace Schema {

int latestVersion()
{
    return migrations().constLast().version;
}

QString readVersion(QSqlDatabase &db, int *version)
{
    QSqlQuery tables(db);
    if (!tables.exec(QStringLiteral(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")))
        return describe(tables.lastError());
    bool hasSchemaTable = false;
    bool hasOtherTables = false;
    while (tables.next()) {
        if (tables.value(0).toString() == u"discodesk_schema")
            hasSchemaTable = true;
        else
            hasOtherTables = true;
    }
    tables.finish();

    if (!hasSchemaTable) {
        *version = hasOtherTables ? -1 : 0;
        return {};
    }

    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("SELECT version FROM discodesk_schema")) || !query.next())
        return QStringLiteral("cannot read the schema version: %1").arg(describe(query.lastError()));
    *version = query.value(0).toInt();
    return {};
}

QString migrate(QSqlDatabase &db, int fromVersion)
{
    if (fromVersion >= latestVersion())
        return {};

    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("BEGIN IMMEDIATE")))
        return describe(query.lastError());

    auto fail = [&](const QSqlQuery &failed) {
        const QString message = describe(failed.lastError());
        QSqlQuery(db).exec(QStringLiteral("ROLLBACK"));
        return message;
    };

    if (fromVersion == 0) {
        if (!query.exec(QStringLiteral("CREATE TABLE discodesk_schema (version INTEGER NOT NULL)"))
            || !query.exec(QStringLiteral("INSERT INTO discodesk_schema (version) VALUES (0)")))
            return fail(query);
    }
    for (const Migration &migration : migrations()) {
        if (migration.version <= fromVersion)
            continue;
        for (const QString &statement : migration.statements) {
            if (!query.exec(statement))
                return fail(query);
        }
        if (!query.exec(QStringLiteral("UPDATE discodesk_schema SET version = %1").arg(migration.version)))
            return fail(query);
    }
    if (!query.exec(QStringLiteral("COMMIT")))
        return fail(query);
    return {};
}

} // namespace Schema
