#pragma once

#include <QString>

// "1 node", "3 nodes".
inline QString countOf(qint64 count, const QString &one, const QString &many)
{
    return QStringLiteral("%1 %2").arg(count).arg(count == 1 ? one : many);
}
