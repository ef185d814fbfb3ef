#include "Timestamp.h"

#include <QRegularExpression>

#include <chrono>

namespace {

constexpr qint64 UsecPerSecond = 1'000'000;

// Floor division, so that times before 1970 format correctly too.
qint64 floorDiv(qint64 a, qint64 b)
{
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

QString formatUtc(qint64 usec, QStringView dateTimeSeparator, bool alwaysFraction, QStringView suffix)
{
    const qint64 seconds = floorDiv(usec, UsecPerSecond);
    const qint64 fraction = usec - seconds * UsecPerSecond;
    const QDateTime dt = QDateTime::fromSecsSinceEpoch(seconds, QTimeZone::utc());
    QString text = dt.toString(QStringLiteral("yyyy-MM-dd"));
    text += dateTimeSeparator;
    text += dt.toString(QStringLiteral("HH:mm:ss"));
    if (alwaysFraction || fraction != 0)
        text += QLatin1Char('.') + QString::number(fraction).rightJustified(6, QLatin1Char('0'));
    text += suffix;
    return text;
}

} // namespace

Timestamp Timestamp::now()
{
    const auto sinceEpoch = std::chrono::system_clock::now().time_since_epoch();
    return fromMicroseconds(std::chrono::duration_cast<std::chrono::microseconds>(sinceEpoch).count());
}

std::optional<Timestamp> Timestamp::fromIso8601(QStringView text)
{
    static const QRegularExpression pattern(QStringLiteral(
        R"(^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$)"));
    const auto match = pattern.match(text);
    if (!match.hasMatch())
        return std::nullopt;

    QString zone = match.captured(4).toUpper();
    const QString base = match.captured(1) + QLatin1Char('T') + match.captured(2) + zone;
    const QDateTime dt = QDateTime::fromString(base, Qt::ISODate);
    if (!dt.isValid())
        return std::nullopt;

    qint64 fraction = 0;
    if (const QString digits = match.captured(3); !digits.isEmpty())
        fraction = digits.left(6).leftJustified(6, QLatin1Char('0')).toLongLong();
    return fromMicroseconds(dt.toSecsSinceEpoch() * UsecPerSecond + fraction);
}

QString Timestamp::toIso8601() const
{
    return formatUtc(m_usec, u"T", true, u"Z");
}

QString Timestamp::toRqliteFormat() const
{
    return formatUtc(m_usec, u" ", false, u"");
}

QDateTime Timestamp::toDateTime() const
{
    return QDateTime::fromMSecsSinceEpoch(floorDiv(m_usec, 1000), QTimeZone::utc());
}
