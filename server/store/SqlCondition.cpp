#include "SqlCondition.h"

#include <QStringList>

namespace {

// rows: one value per column each. The list is padded to a power of two with its
// first row again: lists of any length then share a handful of prepared statements
// (Store::run keeps one per text), and a repeated row changes nothing.
SqlCondition notIn(const QString &columns, const QList<QVariantList> &rows)
{
    SqlCondition condition;
    if (rows.isEmpty())
        return condition;
    qsizetype padded = 1;
    while (padded < rows.size())
        padded *= 2;
    const qsizetype width = rows.constFirst().size();
    const QString row = width == 1 ? QStringLiteral("?")
                                   : u'(' + QStringList(width, QStringLiteral("?")).join(QStringLiteral(", ")) + u')';
    condition.sql = QStringLiteral(" AND %1 NOT IN (%2%3)")
                        .arg(columns, width == 1 ? QString() : QStringLiteral("VALUES "),
                             QStringList(padded, row).join(QStringLiteral(", ")));
    for (qsizetype i = 0; i < padded; ++i)
        condition.values += rows.at(i < rows.size() ? i : 0);
    return condition;
}

} // namespace

SqlCondition leavingOut(const QString &column, const QSet<QString> &kept)
{
    QList<QVariantList> rows;
    rows.reserve(kept.size());
    for (const QString &value : kept)
        rows.append({value});
    return notIn(column, rows);
}

SqlCondition leavingOut(const QString &idColumn, const QString &addressColumn,
                        const QSet<PruneRules::NodeRef> &kept)
{
    QList<QVariantList> rows;
    rows.reserve(kept.size());
    for (const auto &[id, address] : kept)
        rows.append({id, address});
    return notIn(QStringLiteral("(%1, %2)").arg(idColumn, addressColumn), rows);
}
