#include "Timestamp.h"

#include <QRegularExpression>

#include <chrono>
#include <cstdio>

namespace {

constexpr qint64 UsecPerSecond = 1'000'000;

// Floor division, so that times before 1970 format correctly too.
qint64 floorDiv(qint64 a, qint64 b)
{
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

char *writeDigits(char *out, unsigned value, int width)
{
    for (int i = width - 1; i >= 0; --i, value /= 10)
        out[i] = char('0' + value % 10);
    return out + width;
}

// By hand rather than through QDateTime: the request log formats a time for every
// request, and QDateTime's formatting went through the locale machinery each time.
// text holds Timestamp::MaxTextLength characters; returns the length.
int formatUtc(char *text, qint64 usec, char dateTimeSeparator, bool alwaysFraction, bool zulu)
{
    using namespace std::chrono;
    const qint64 seconds = floorDiv(usec, UsecPerSecond);
    const qint64 fraction = usec - seconds * UsecPerSecond;
    const qint64 daySeconds = seconds - floorDiv(seconds, 86400) * 86400;
    const year_month_day date{sys_days{days{floorDiv(seconds, 86400)}}};

    char *out = text;
    const int year = int(date.year());
    if (year >= 0 && year <= 9999)
        out = writeDigits(out, unsigned(year), 4);
    else
        out += std::snprintf(out, 12, "%04d", year);
    *out++ = '-';
    out = writeDigits(out, unsigned(date.month()), 2);
    *out++ = '-';
    out = writeDigits(out, unsigned(date.day()), 2);
    *out++ = dateTimeSeparator;
    out = writeDigits(out, unsigned(daySeconds / 3600), 2);
    *out++ = ':';
    out = writeDigits(out, unsigned(daySeconds / 60 % 60), 2);
    *out++ = ':';
    out = writeDigits(out, unsigned(daySeconds % 60), 2);
    if (alwaysFraction || fraction != 0) {
        *out++ = '.';
        out = writeDigits(out, unsigned(fraction), 6);
    }
    if (zulu)
        *out++ = 'Z';
    return int(out - text);
}

QString formatUtc(qint64 usec, char dateTimeSeparator, bool alwaysFraction, bool zulu)
{
    char text[Timestamp::MaxTextLength];
    return QString::fromLatin1(text, formatUtc(text, usec, dateTimeSeparator, alwaysFraction, zulu));
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
    return formatUtc(m_usec, 'T', true, true);
}

int Timestamp::writeIso8601(char *text) const
{
    return formatUtc(text, m_usec, 'T', true, true);
}

QString Timestamp::toRqliteFormat() const
{
    return formatUtc(m_usec, ' ', false, false);
}

QDateTime Timestamp::toDateTime() const
{
    return QDateTime::fromMSecsSinceEpoch(floorDiv(m_usec, 1000), QTimeZone::utc());
}
