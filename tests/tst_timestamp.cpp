#include "core/Timestamp.h"

#include <QTest>

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
    }

    void rejectsAmbiguousOrBrokenTimes()
    {
        for (const char *text : {"2017-02-20T01:25:45", "2017-02-20", "yesterday", "", "2017-13-40T01:25:45Z",
                                 "2017-02-20T01:25:45.Z", "2017-02-20T01:25:45Z trailing"})
            QVERIFY2(!Timestamp::fromIso8601(QString::fromLatin1(text)), text);
    }

    void roundTripsThroughIso()
    {
        const Timestamp now = Timestamp::now();
        QCOMPARE(Timestamp::fromIso8601(now.toIso8601()), std::optional<Timestamp>(now));
    }
};

QTEST_GUILESS_MAIN(TestTimestamp)
#include "tst_timestamp.moc"
