#pragma once

#include <QDateTime>
#include <QTimeZone>
#include <QString>

#include <compare>
#include <optional>

// A point in time in UTC with microsecond precision. QDateTime keeps only
// milliseconds, and the rqlite wire format and the store both carry microseconds.
//
// DiscoDesk accepts times from Earliest to Latest (the years 1 to 9999 in UTC), once
// a time's zone is applied. The store holds any qint64 of microseconds, though, and an
// older DiscoDesk took times beyond (such as "9999-12-31T23:59:59-14:00", which is in
// the year 10000): those are written with a signed six-digit year, ISO 8601's expanded
// form ("+010000-01-01T13:59:59.000000Z"), and an import reads them back exactly.
// Not clamped: a restore gives back what was there, and the form says it is unusual.
class Timestamp
{
public:
    constexpr Timestamp() = default;

    static const Timestamp Earliest; // 0001-01-01T00:00:00Z
    static const Timestamp Latest;   // 9999-12-31T23:59:59.999999Z

    static Timestamp now();
    static constexpr Timestamp fromMicroseconds(qint64 usecSinceEpoch)
    {
        Timestamp t;
        t.m_usec = usecSinceEpoch;
        return t;
    }
    // Accepts RFC 3339 / ISO 8601: "2026-11-23T21:04:05.123456Z" or with an offset
    // ("+02:00"); the fraction is optional (up to 9 digits, kept to microseconds).
    // A time without a zone is refused: it would be ambiguous. So is one outside
    // Earliest to Latest; problem, if given, then says why, quoting text.
    static std::optional<Timestamp> fromIso8601(QStringView text, QString *problem = nullptr);
    // fromIso8601(), and also the expanded form toIso8601() writes for a time outside
    // Earliest to Latest, for any time a store can hold: what an export holds. A time
    // in the usual form keeps to Earliest and Latest here too.
    static std::optional<Timestamp> fromExportedIso8601(QStringView text, QString *problem = nullptr);

    constexpr qint64 microseconds() const { return m_usec; }

    // "2026-11-23T21:04:05.123456Z": the admin API and export format; a year outside
    // 1 to 9999 as a sign and six digits ("+010000-...", "-000001-...").
    QString toIso8601() const;
    // toIso8601() as Latin-1 into text, which holds MaxTextLength characters; returns
    // the length. No allocation: an export writes a million of them.
    static constexpr int MaxTextLength = 48;
    int writeIso8601(char *text) const;
    // "2026-11-23 21:04:05.123456", or without the fraction when it is zero:
    // the rqlite discovery service's created_at.
    QString toRqliteFormat() const;
    // Millisecond precision, for display.
    QDateTime toDateTime() const;

    constexpr auto operator<=>(const Timestamp &) const = default;

private:
    qint64 m_usec = 0;
};

inline constexpr Timestamp Timestamp::Earliest = Timestamp::fromMicroseconds(-62'135'596'800'000'000);
inline constexpr Timestamp Timestamp::Latest = Timestamp::fromMicroseconds(253'402'300'799'999'999);
