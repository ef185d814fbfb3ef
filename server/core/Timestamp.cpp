#include "Timestamp.h"

#include <QRegularExpression>

#include <chrono>
#include <limits>

namespace {

constexpr qint64 UsecPerSecond = 1'000'000;
constexpr qint64 SecondsPerDay = 86'400;

// The Gregorian calendar repeats every 400 years, which are 146097 days. std::chrono's
// years reach only to 32767, and a qint64 of microseconds to 294247: the calendar is
// asked about a date within one cycle and the cycles are counted here.
constexpr qint64 YearsPerCycle = 400;
constexpr qint64 DaysPerCycle = 146'097;

// Floor division, so that times before 1970 format correctly too.
constexpr qint64 floorDiv(qint64 a, qint64 b)
{
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

struct Date
{
    qint64 year; // 0 is 1 BC, as in ISO 8601
    unsigned month;
    unsigned day;
};

Date dateOfDay(qint64 daysSinceEpoch)
{
    using namespace std::chrono;
    const qint64 cycles = floorDiv(daysSinceEpoch, DaysPerCycle);
    const year_month_day date{sys_days{days{daysSinceEpoch - cycles * DaysPerCycle}}};
    return {int(date.year()) + cycles * YearsPerCycle, unsigned(date.month()), unsigned(date.day())};
}

// Days since 1970-01-01, or nothing for a date that does not exist (2026-02-30).
std::optional<qint64> dayOfDate(const Date &date)
{
    using namespace std::chrono;
    const qint64 cycles = floorDiv(date.year, YearsPerCycle);
    const year_month_day inCycle{year{int(date.year - cycles * YearsPerCycle)}, month{date.month}, day{date.day}};
    if (!inCycle.ok())
        return std::nullopt;
    return sys_days{inCycle}.time_since_epoch().count() + cycles * DaysPerCycle;
}

// seconds and a fraction from 0 to 999999 as microseconds; nothing where that is
// beyond a qint64. Either product is kept in range on its way there.
std::optional<qint64> toMicroseconds(qint64 seconds, qint64 fraction)
{
    constexpr qint64 Largest = std::numeric_limits<qint64>::max();
    constexpr qint64 Smallest = std::numeric_limits<qint64>::min();
    if (seconds >= 0) {
        if (seconds > Largest / UsecPerSecond)
            return std::nullopt;
        const qint64 whole = seconds * UsecPerSecond;
        return fraction <= Largest - whole ? std::optional(whole + fraction) : std::nullopt;
    }
    if (seconds < Smallest / UsecPerSecond - 1)
        return std::nullopt;
    const qint64 whole = (seconds + 1) * UsecPerSecond;
    const qint64 rest = UsecPerSecond - fraction;
    return whole >= Smallest + rest ? std::optional(whole - rest) : std::nullopt;
}

char *writeDigits(char *out, quint64 value, int width)
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
    // Floored, without the overflow of seconds * UsecPerSecond at the smallest qint64.
    qint64 seconds = usec / UsecPerSecond;
    qint64 fraction = usec % UsecPerSecond;
    if (fraction < 0) {
        fraction += UsecPerSecond;
        --seconds;
    }
    const qint64 day = floorDiv(seconds, SecondsPerDay);
    const qint64 daySeconds = seconds - day * SecondsPerDay;
    const Date date = dateOfDay(day);

    char *out = text;
    if (date.year >= 1 && date.year <= 9999) {
        out = writeDigits(out, quint64(date.year), 4);
    } else {
        // ISO 8601's expanded year, six digits as ECMAScript writes it: enough for
        // every qint64 of microseconds (years -290308 to 294247).
        *out++ = date.year < 0 ? '-' : '+';
        out = writeDigits(out, quint64(date.year < 0 ? -date.year : date.year), 6);
    }
    *out++ = '-';
    out = writeDigits(out, date.month, 2);
    *out++ = '-';
    out = writeDigits(out, date.day, 2);
    *out++ = dateTimeSeparator;
    out = writeDigits(out, quint64(daySeconds / 3600), 2);
    *out++ = ':';
    out = writeDigits(out, quint64(daySeconds / 60 % 60), 2);
    *out++ = ':';
    out = writeDigits(out, quint64(daySeconds % 60), 2);
    if (alwaysFraction || fraction != 0) {
        *out++ = '.';
        out = writeDigits(out, quint64(fraction), 6);
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

enum class Years { Accepted, Stored };

// Both forms toIso8601() writes, and offsets for the usual one. With Years::Stored, a
// time in the expanded form may be anything a store can hold; the usual form keeps
// to Earliest and Latest either way, so "9999-12-31T23:59:59-14:00" is refused.
std::optional<Timestamp> parse(QStringView text, Years years, QString *problem)
{
    auto refuse = [&](const QString &why) {
        if (problem)
            *problem = QStringLiteral("\"%1\" %2").arg(text.left(80), why);
        return std::nullopt;
    };
    const auto notATime = [&] {
        return refuse(QStringLiteral("is not an ISO 8601 time with a zone, such as 2026-11-23T21:04:05.123456Z"));
    };

    static const QRegularExpression pattern(QStringLiteral(
        R"(^(?:([0-9]{4})|([+-][0-9]{6}))-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2}):([0-9]{2}))"
        R"((?:\.([0-9]{1,9}))?(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))$)"));
    const QString subject = text.toString(); // match(QStringView) is deprecated from Qt 6.5
    const QRegularExpressionMatch match = pattern.match(subject);
    if (!match.hasMatch())
        return notATime();
    const auto number = [&](int group) { return match.capturedView(group).toLongLong(); };
    const bool expanded = match.hasCaptured(2);
    // "-000000" is no year (ISO 8601 and ECMAScript refuse it too); an expanded year
    // is written in UTC only.
    if (expanded && (match.capturedView(2) == u"-000000" || !match.hasCaptured(9)))
        return notATime();

    const qint64 hour = number(5);
    const qint64 minute = number(6);
    const qint64 second = number(7);
    const qint64 offsetHours = match.hasCaptured(10) ? number(11) : 0;
    const qint64 offsetMinutes = match.hasCaptured(10) ? number(12) : 0;
    const auto day = dayOfDate({expanded ? number(2) : number(1), unsigned(number(3)), unsigned(number(4))});
    if (!day || hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59)
        return notATime();

    const qint64 offset = (offsetHours * 3600 + offsetMinutes * 60) * (match.capturedView(10) == u"-" ? -1 : 1);
    const qint64 seconds = *day * SecondsPerDay + hour * 3600 + minute * 60 + second - offset;
    const qint64 fraction = match.capturedView(8).left(6).toString().leftJustified(6, u'0').toLongLong();
    const auto usec = toMicroseconds(seconds, fraction);

    if (years == Years::Stored && expanded) {
        if (!usec)
            return refuse(QStringLiteral("is beyond the times a store can hold, %1 to %2")
                              .arg(Timestamp::fromMicroseconds(std::numeric_limits<qint64>::min()).toIso8601(),
                                   Timestamp::fromMicroseconds(std::numeric_limits<qint64>::max()).toIso8601()));
        return Timestamp::fromMicroseconds(*usec);
    }
    if (!usec ? seconds > 0 : *usec > Timestamp::Latest.microseconds())
        return refuse(QStringLiteral("is after %1, the latest time DiscoDesk accepts").arg(Timestamp::Latest.toIso8601()));
    if (!usec || *usec < Timestamp::Earliest.microseconds())
        return refuse(QStringLiteral("is before %1, the earliest time DiscoDesk accepts").arg(Timestamp::Earliest.toIso8601()));
    return Timestamp::fromMicroseconds(*usec);
}

} // namespace

Timestamp Timestamp::now()
{
    const auto sinceEpoch = std::chrono::system_clock::now().time_since_epoch();
    return fromMicroseconds(std::chrono::duration_cast<std::chrono::microseconds>(sinceEpoch).count());
}

std::optional<Timestamp> Timestamp::fromIso8601(QStringView text, QString *problem)
{
    return parse(text, Years::Accepted, problem);
}

std::optional<Timestamp> Timestamp::fromExportedIso8601(QStringView text, QString *problem)
{
    return parse(text, Years::Stored, problem);
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
