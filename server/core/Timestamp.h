#pragma once

#include <QDateTime>
#include <QTimeZone>
#include <QString>

#include <compare>
#include <optional>

// A point in time in UTC with microsecond precision. QDateTime keeps only
// milliseconds, and the rqlite wire format and the store both carry microseconds.
class Timestamp
{
public:
    constexpr Timestamp() = default;

    static Timestamp now();
    static constexpr Timestamp fromMicroseconds(qint64 usecSinceEpoch)
    {
        Timestamp t;
        t.m_usec = usecSinceEpoch;
        return t;
    }
    // Accepts RFC 3339 / ISO 8601: "2026-11-23T21:04:05.123456Z" or with an offset
    // ("+02:00"); the fraction is optional (up to 9 digits, kept to microseconds).
    // A time without a zone is rejected: it would be ambiguous.
    static std::optional<Timestamp> fromIso8601(QStringView text);

    constexpr qint64 microseconds() const { return m_usec; }

    // "2026-11-23T21:04:05.123456Z": the admin API and export format.
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
