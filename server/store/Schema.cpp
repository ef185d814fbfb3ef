#include "Schema.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>

#include <optional>

namespace {

struct Migration
{
    int version;
    QStringList statements;
    // Set: PostgreSQL's own statements, run there instead.
    std::optional<QStringList> postgres = std::nullopt;
};

// Timestamps are integers: microseconds since the Unix epoch, UTC.
// nodes.seq records registration order: %SEQUENCE% is each database's own way of
// numbering rows as they come.
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
                            " seq %SEQUENCE%,"
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
        // The window's order, newest first then by ID: its pages (keyset paging) read
        // straight from this index at any depth. It serves created_at ranges (prune)
        // too, so it replaces the plain one.
        {3,
         {
             QStringLiteral("CREATE INDEX discovery_ids_newest_first ON discovery_ids (created_at DESC, id)"),
             QStringLiteral("DROP INDEX IF EXISTS discovery_ids_created_at"),
         }},
        // SQLite keeps nodes in one b-tree keyed by ID and address (WITHOUT ROWID): a
        // registration writes one tree, not three (rows, the unique key, last_seen),
        // and an ID's nodes lie together, so a prune removes them in runs. No index on
        // last_seen: only a prune by it reads it, and a scan of every node is quick
        // for something that rare. No foreign key: the store removes an ID's nodes
        // itself before the ID, and checking it cost a prune half its time.
        // seq keeps numbering nodes in registration order, now within their ID; on
        // PostgreSQL it stops being the key and its own counter.
        {4,
         {
             QStringLiteral("CREATE TABLE nodes_by_id ("
                            " discovery_id TEXT NOT NULL,"
                            " address TEXT NOT NULL,"
                            " seq INTEGER NOT NULL,"
                            " first_registered BIGINT NOT NULL,"
                            " last_seen BIGINT NOT NULL,"
                            " registrations BIGINT NOT NULL,"
                            " registered_by TEXT NOT NULL,"
                            " etcd_value TEXT NOT NULL DEFAULT '',"
                            " etcd_index BIGINT NOT NULL DEFAULT 0,"
                            " PRIMARY KEY (discovery_id, address)) WITHOUT ROWID"),
             QStringLiteral("INSERT INTO nodes_by_id (discovery_id, address, seq, first_registered, last_seen,"
                            " registrations, registered_by, etcd_value, etcd_index)"
                            " SELECT discovery_id, address, seq, first_registered, last_seen, registrations,"
                            " registered_by, etcd_value, etcd_index FROM nodes"),
             QStringLiteral("DROP TABLE nodes"),
             QStringLiteral("ALTER TABLE nodes_by_id RENAME TO nodes"),
         },
         QStringList{
             QStringLiteral("ALTER TABLE nodes DROP CONSTRAINT nodes_pkey"),
             QStringLiteral("ALTER TABLE nodes ALTER COLUMN seq DROP IDENTITY"),
         }},
        // Consul's KV API (rqlite 7 and later). Keys are compared byte by byte on
        // both engines, so a prefix and its order are Consul's. kv_index holds the last index handed out, so that indexes never
        // go backwards, across restarts too; it starts at 1, the index a reply reports
        // before any write, so that the first write is past it. kv_askers: who read a key or lost a
        // CAS for it (the voters waiting to join), a bounded few per key.
        {5,
         {
             QStringLiteral("CREATE TABLE kv_entries ("
                            " key TEXT %BYTEWISE% PRIMARY KEY,"
                            " value %BYTES%,"
                            " flags BIGINT NOT NULL,"
                            " create_index BIGINT NOT NULL,"
                            " modify_index BIGINT NOT NULL,"
                            " created_at BIGINT NOT NULL,"
                            " modified_at BIGINT NOT NULL,"
                            " reported_at BIGINT NOT NULL)"),
             QStringLiteral("CREATE TABLE kv_index (last_index BIGINT NOT NULL)"),
             QStringLiteral("INSERT INTO kv_index (last_index) VALUES (1)"),
             QStringLiteral("CREATE TABLE kv_askers ("
                            " key TEXT %BYTEWISE% NOT NULL,"
                            " address TEXT NOT NULL,"
                            " first_asked BIGINT NOT NULL,"
                            " last_asked BIGINT NOT NULL,"
                            " asks BIGINT NOT NULL,"
                            " offered %BYTES%,"
                            " PRIMARY KEY (key, address)) %WITHOUT_ROWID%"),
         }},
        // Settings that every server on the database shares, by name, as JSON: the
        // expiry rules, and the last expiry sweep (which one server runs per interval).
        {6,
         {
             QStringLiteral("CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)"),
         }},
    };
    return list;
}

// %SEQUENCE%: numbering rows as they come. %BYTES%: bytes kept as they are.
// %BYTEWISE%: text compared byte by byte (SQLite's own way). %WITHOUT_ROWID%: a
// table stored in its primary key's tree, where SQLite can.
QString forDialect(QString statement, Schema::Dialect dialect)
{
    const bool sqlite = dialect == Schema::Dialect::Sqlite;
    return statement
        .replace(QStringLiteral("%SEQUENCE%"), sqlite ? QStringLiteral("INTEGER PRIMARY KEY AUTOINCREMENT")
                                                      : QStringLiteral("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"))
        .replace(QStringLiteral("%BYTES%"), sqlite ? QStringLiteral("BLOB") : QStringLiteral("BYTEA"))
        .replace(QStringLiteral("%BYTEWISE%"), sqlite ? QString() : QStringLiteral("COLLATE \"C\""))
        .replace(QStringLiteral("%WITHOUT_ROWID%"), sqlite ? QStringLiteral("WITHOUT ROWID") : QString());
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

QString readVersion(QSqlDatabase &db, Dialect dialect, int *version)
{
    QSqlQuery tables(db);
    const QString listTables = dialect == Dialect::Sqlite
        ? QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        : QStringLiteral("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()");
    if (!tables.exec(listTables))
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

QString migrate(QSqlDatabase &db, Dialect dialect, int fromVersion)
{
    if (fromVersion >= latestVersion())
        return {};

    QSqlQuery query(db);
    // PostgreSQL changes its schema transactionally too; plain BEGIN is its form.
    if (!query.exec(dialect == Dialect::Sqlite ? QStringLiteral("BEGIN IMMEDIATE") : QStringLiteral("BEGIN")))
        return describe(query.lastError());

    auto fail = [&](const QSqlQuery &failed) {
        const QString message = describe(failed.lastError());
        db.rollback();
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
        const QStringList &statements = dialect == Dialect::PostgreSql && migration.postgres
            ? *migration.postgres
            : migration.statements;
        for (const QString &statement : statements) {
            if (!query.exec(forDialect(statement, dialect)))
                return fail(query);
        }
        if (!query.exec(QStringLiteral("UPDATE discodesk_schema SET version = %1").arg(migration.version)))
            return fail(query);
    }
    // commit(), not exec("COMMIT"): on PostgreSQL the latter reports success for a
    // transaction the server rolled back.
    if (!db.commit())
        return describe(db.lastError());
    return {};
}

} // namespace Schema
