#pragma once

#include "core/Records.h"

#include <QSet>
#include <QString>
#include <QVariantList>

// A piece of a WHERE clause and the values of its placeholders, in order.
struct SqlCondition
{
    QString sql; // empty: no condition
    QVariantList values;

    void append(const SqlCondition &other)
    {
        sql += other.sql;
        values += other.values;
    }
};

// " AND column NOT IN (?, ...)": leaves out what a prune keeps. Empty when nothing
// is kept, so that a prune without exceptions runs the statements it always ran.
SqlCondition leavingOut(const QString &column, const QSet<QString> &kept);
// The same for nodes: " AND (idColumn, addressColumn) NOT IN (VALUES (?, ?), ...)".
SqlCondition leavingOut(const QString &idColumn, const QString &addressColumn,
                        const QSet<PruneRules::NodeRef> &kept);
