#include "TimeText.h"

namespace {

QDateTime inZone(Timestamp time, TimeZoneChoice zone)
{
    const QDateTime utc = time.toDateTime();
    return zone == TimeZoneChoice::Utc ? utc : utc.toLocalTime();
}

QString amount(qint64 seconds)
{
    if (seconds < 60)
        return QStringLiteral("%1 s").arg(seconds);
    if (seconds < 3600)
        return QStringLiteral("%1 min").arg(seconds / 60);
    if (seconds < 86400)
        return QStringLiteral("%1 h").arg(seconds / 3600);
    return QStringLiteral("%1 d").arg(seconds / 86400);
}

} // namespace

namespace TimeText {

QString relative(Timestamp time, Timestamp now)
{
    const qint64 seconds = (now.microseconds() - time.microseconds()) / 1000000;
    if (seconds == 0)
        return QStringLiteral("just now");
    if (seconds < 0)
        return QStringLiteral("in %1").arg(amount(-seconds));
    return QStringLiteral("%1 ago").arg(amount(seconds));
}

QString absolute(Timestamp time, TimeZoneChoice zone)
{
    const QString text = inZone(time, zone).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    return zone == TimeZoneChoice::Utc ? text + QStringLiteral(" UTC") : text + QStringLiteral(" local time");
}

QString clock(Timestamp time, TimeZoneChoice zone)
{
    return inZone(time, zone).toString(QStringLiteral("HH:mm:ss.zzz"));
}

} // namespace TimeText
