#include "core/Timestamp.h"

#include <QRandomGenerator64>
#include <QTest>

#include <limits>

namespace {

constexpr qint64 Earliest = -62'135'596'800'000'000; // 0001-01-01T00:00:00Z
constexpr qint64 Latest = 253'402'300'799'999'999;   // 9999-12-31T23:59:59.999999Z

} // namespace

class TestTimestamp : public QObject
{
    Q_OBJECT

private slots:
    void rqliteFormatHasMicroseconds()
    {
        // 2017-02-20 01:25:45.589277 UTC, the protocol document's example.
        const auto t = Timestamp::fromMicroseconds(1487553945589277);
        QCOMPARE(t.toRqliteFormat(), QStringLiteral("2017-02-20 01:25:45.589277"));
    }

    void rqliteFormatDropsZeroFraction()
    {
        QCOMPARE(Timestamp::fromMicroseconds(1487553945000000).toRqliteFormat(),
                 QStringLiteral("2017-02-20 01:25:45"));
        QCOMPARE(Timestamp::fromMicroseconds(1487553945000001).toRqliteFormat(),
                 QStringLiteral("2017-02-20 01:25:45.000001"));
    }

    void isoFormatIsUtcWithMicroseconds()
    {
        QCOMPARE(Timestamp::fromMicroseconds(1487553945000000).toIso8601(),
                 QStringLiteral("2017-02-20T01:25:45.000000Z"));
        QCOMPARE(Timestamp::fromMicroseconds(-1).toIso8601(), QStringLiteral("1969-12-31T23:59:59.999999Z"));
    }

    void parsesIso8601()
    {
        QFETCH(QString, text);
        QFETCH(qint64, usec);
        const auto parsed = Timestamp::fromIso8601(text);
        QVERIFY2(parsed.has_value(), qPrintable(text));
        QCOMPARE(parsed->microseconds(), usec);
    }
    void parsesIso8601_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("usec");
        QTest::newRow("Z with micros") << "2017-02-20T01:25:45.589277Z" << qint64(1487553945589277);
        QTest::newRow("no fraction") << "2017-02-20T01:25:45Z" << qint64(1487553945000000);
        QTest::newRow("millis") << "2017-02-20T01:25:45.5Z" << qint64(1487553945500000);
        QTest::newRow("nanos truncated") << "2017-02-20T01:25:45.123456789Z" << qint64(1487553945123456);
        QTest::newRow("offset") << "2017-02-20T03:25:45.589277+02:00" << qint64(1487553945589277);
        QTest::newRow("space separator") << "2017-02-20 01:25:45Z" << qint64(1487553945000000);
        // The times DiscoDesk accepts run from 0001-01-01T00:00:00Z to
        // 9999-12-31T23:59:59.999999Z once the zone is applied, ends included.
        QTest::newRow("earliest") << "0001-01-01T00:00:00Z" << Earliest;
        QTest::newRow("earliest by its zone") << "0001-01-01T14:00:00+14:00" << Earliest;
        QTest::newRow("year 0 brought into range by its zone") << "0000-12-31T23:00:00-01:00" << Earliest;
        QTest::newRow("latest") << "9999-12-31T23:59:59.999999Z" << Latest;
        QTest::newRow("latest, nanoseconds cut") << "9999-12-31T23:59:59.999999999Z" << Latest;
        QTest::newRow("latest by its zone") << "9999-12-31T09:59:59.999999-14:00" << Latest;
        QTest::newRow("before 1970") << "1969-12-31T23:59:59.999999Z" << qint64(-1);
        QTest::newRow("a zone that crosses into 1970") << "1969-12-31T23:00:00-01:00" << qint64(0);
        QTest::newRow("leap day") << "2000-02-29T00:00:00Z" << qint64(951782400) * 1'000'000;
    }

    void rejectsAmbiguousBrokenOrOutOfRangeTimes()
    {
        for (const char *text : {"2017-02-20T01:25:45", "2017-02-20", "yesterday", "", "2017-13-40T01:25:45Z",
                                 "2017-02-20T01:25:45.Z", "2017-02-20T01:25:45Z trailing", "1900-02-29T00:00:00Z",
                                 "2026-01-01T24:00:00Z", "2026-01-01T00:00:00+24:00",
                                 // Beyond the years 1 to 9999 once the zone is applied.
                                 "9999-12-31T23:59:59-14:00", "9999-12-31T23:59:59-00:01", "0001-01-01T00:00:00+00:01",
                                 "0001-01-01T13:59:59.999999+14:00", "0000-12-31T23:59:59Z", "+010000-01-01T00:00:00Z",
                                 "-000001-01-01T00:00:00Z"})
            QVERIFY2(!Timestamp::fromIso8601(QString::fromLatin1(text)), text);
    }

    // Every time a store can hold (any qint64 of microseconds) is written in a form
    // that reads back: years 1 to 9999 as usual, the others with a sign and six digits.
    void writesEveryStorableTime()
    {
        QFETCH(qint64, usec);
        QFETCH(QString, text);
        QCOMPARE(Timestamp::fromMicroseconds(usec).toIso8601(), text);
    }
    void writesEveryStorableTime_data()
    {
        QTest::addColumn<qint64>("usec");
        QTest::addColumn<QString>("text");
        QTest::newRow("smallest") << std::numeric_limits<qint64>::min() << "-290308-12-21T19:59:05.224192Z";
        QTest::newRow("JavaScript's earliest") << qint64(-8'640'000'000'000'000'000) << "-271821-04-20T00:00:00.000000Z";
        QTest::newRow("year -1") << Earliest - qint64(366 + 365) * 86'400'000'000 << "-000001-01-01T00:00:00.000000Z";
        QTest::newRow("just before year 1") << Earliest - 1 << "+000000-12-31T23:59:59.999999Z";
        QTest::newRow("earliest") << Earliest << "0001-01-01T00:00:00.000000Z";
        QTest::newRow("before 1970") << qint64(-1) << "1969-12-31T23:59:59.999999Z";
        QTest::newRow("latest") << Latest << "9999-12-31T23:59:59.999999Z";
        QTest::newRow("just after year 9999") << Latest + 1 << "+010000-01-01T00:00:00.000000Z";
        QTest::newRow("year 10000 from a -14:00 zone") << Latest + qint64(14 * 3600) * 1'000'000
                                                     << "+010000-01-01T13:59:59.999999Z";
        QTest::newRow("JavaScript's latest") << qint64(8'640'000'000'000'000'000) << "+275760-09-13T00:00:00.000000Z";
        QTest::newRow("largest") << std::numeric_limits<qint64>::max() << "+294247-01-10T04:00:54.775807Z";
    }

    // What is refused says why, with the limit it is beyond.
    void refusalsSayWhy()
    {
        QFETCH(QString, text);
        QFETCH(QString, problem);
        QString why;
        QVERIFY(!Timestamp::fromIso8601(text, &why));
        QCOMPARE(why, problem);
        QVERIFY(!Timestamp::fromExportedIso8601(text, &why));
        QCOMPARE(why, problem);
    }
    void refusalsSayWhy_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("problem");
        QTest::newRow("after") << "9999-12-31T23:59:59-14:00"
                               << "\"9999-12-31T23:59:59-14:00\" is after 9999-12-31T23:59:59.999999Z, "
                                  "the latest time DiscoDesk accepts";
        QTest::newRow("before") << "0001-01-01T00:00:00+00:01"
                                << "\"0001-01-01T00:00:00+00:01\" is before 0001-01-01T00:00:00.000000Z, "
                                   "the earliest time DiscoDesk accepts";
        // No zone; an expanded year with an offset; the year -0, which ISO 8601 has not.
        for (const char *text : {"2026-11-23T21:04:05", "+010000-01-01T00:00:00+01:00", "-000000-01-01T00:00:00Z"})
            QTest::newRow(text) << QString::fromLatin1(text)
                                << QStringLiteral("\"%1\" is not an ISO 8601 time with a zone, such as "
                                                  "2026-11-23T21:04:05.123456Z").arg(QLatin1String(text));
    }

    void theRangeIsTheYears1To9999()
    {
        QCOMPARE(Timestamp::Earliest.microseconds(), Earliest);
        QCOMPARE(Timestamp::Latest.microseconds(), Latest);
        QCOMPARE(Timestamp::Earliest.toIso8601(), QStringLiteral("0001-01-01T00:00:00.000000Z"));
        QCOMPARE(Timestamp::Latest.toIso8601(), QStringLiteral("9999-12-31T23:59:59.999999Z"));
    }

    // An export's reader takes back every time a store can hold, exactly; the
    // expanded form is what it adds, and only for times a qint64 holds.
    void exportedTimesReadBackExactly()
    {
        constexpr qint64 smallest = std::numeric_limits<qint64>::min();
        constexpr qint64 largest = std::numeric_limits<qint64>::max();
        QList<qint64> times{smallest, smallest + 1, Earliest - 1, Earliest, -1, 0, 1, Latest, Latest + 1,
                            largest - 1, largest};
        QRandomGenerator64 random(2026); // the same times each run
        for (int i = 0; i < 10000; ++i)
            times.append(qint64(random.generate64()));
        for (const qint64 usec : std::as_const(times)) {
            const QString text = Timestamp::fromMicroseconds(usec).toIso8601();
            QString problem;
            const auto parsed = Timestamp::fromExportedIso8601(text, &problem);
            QVERIFY2(parsed, qPrintable(problem));
            QCOMPARE(parsed->microseconds(), usec);
        }

        QString problem;
        for (const char *beyond : {"+294247-01-10T04:00:54.775808Z", "-290308-12-21T19:59:05.224191Z",
                                   "+999999-12-31T23:59:59.999999Z", "-999999-01-01T00:00:00Z"}) {
            QVERIFY2(!Timestamp::fromExportedIso8601(QString::fromLatin1(beyond), &problem), beyond);
            QVERIFY2(problem.endsWith(QStringLiteral("is beyond the times a store can hold, "
                                                     "-290308-12-21T19:59:05.224192Z to +294247-01-10T04:00:54.775807Z")),
                     qPrintable(problem));
        }
        for (const char *text : {"+1000000-01-01T00:00:00Z", "+10000-01-01T00:00:00Z", "10000-01-01T00:00:00Z",
                                 "+010000-02-30T00:00:00Z"})
            QVERIFY2(!Timestamp::fromExportedIso8601(QString::fromLatin1(text)), text);
    }

    void roundTripsThroughIso()
    {
        const Timestamp now = Timestamp::now();
        QCOMPARE(Timestamp::fromIso8601(now.toIso8601()), std::optional<Timestamp>(now));
    }
};

QTEST_GUILESS_MAIN(TestTimestamp)
#include "tst_timestamp.moc"
