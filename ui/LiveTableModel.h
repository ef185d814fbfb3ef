#pragma once

#include "RowHighlights.h"
#include "TimeText.h"

#include <QAbstractTableModel>
#include <QTimer>

#include <functional>

// What the IDs and nodes tables share: times shown relative to a clock that keeps
// ticking ("12 s ago", absolute in the tooltip, local time or UTC), and rows that
// light up briefly when they appear or change.
class LiveTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    // For sorting: times as microseconds, counts as numbers.
    static constexpr int SortRole = Qt::UserRole + 1;

    using Clock = std::function<Timestamp()>;

    // Tests pass a fixed clock; the window uses the real one.
    void setClock(Clock clock) { m_clock = std::move(clock); }
    Timestamp now() const { return m_clock(); }

    void setTimeZone(TimeZoneChoice zone);
    TimeZoneChoice timeZone() const { return m_zone; }

    // Re-renders the relative times; the window calls it once a second.
    void refreshTimes();

    bool isHighlighted(int row) const;

protected:
    LiveTableModel(QList<int> timeColumns, QObject *parent);

    // Each row's stable key (an ID, a node address), and the row of a key or -1.
    virtual QString rowKey(int row) const = 0;
    virtual int rowOfKey(const QString &key) const = 0;

    // Tells the views that these rows changed, one dataChanged per run of adjacent
    // rows: a single range from the first to the last would make a sorting proxy
    // look at every row in between, which in a table of 100,000 rows is a stall.
    void rowsChanged(QList<int> rows, const QList<int> &roles = {});

    void highlight(const QString &key);
    void forgetHighlight(const QString &key) { m_highlights.forget(key); }
    void clearHighlights() { m_highlights.clear(); }
    QVariant highlightBackground(int row) const;

    // A time cell for role: relative text, absolute tooltip, raw sort value.
    QVariant timeData(Timestamp time, int role) const;

private:
    void fadeHighlights();

    QList<int> m_timeColumns;
    Clock m_clock = &Timestamp::now;
    TimeZoneChoice m_zone = TimeZoneChoice::Local;
    RowHighlights m_highlights;
    QTimer m_fadeTimer;
};
