#include "LiveTableModel.h"

#include <algorithm>

LiveTableModel::LiveTableModel(QList<int> timeColumns, QObject *parent)
    : QAbstractTableModel(parent), m_timeColumns(std::move(timeColumns))
{
    // About 12 steps per fade: smooth enough, and cheap.
    m_fadeTimer.setInterval(120);
    connect(&m_fadeTimer, &QTimer::timeout, this, &LiveTableModel::fadeHighlights);
}

void LiveTableModel::setTimeZone(TimeZoneChoice zone)
{
    if (zone == m_zone)
        return;
    m_zone = zone;
    refreshTimes();
}

void LiveTableModel::refreshTimes()
{
    const int rows = rowCount();
    if (rows == 0)
        return;
    for (int column : std::as_const(m_timeColumns))
        emit dataChanged(index(0, column), index(rows - 1, column), {Qt::DisplayRole, Qt::ToolTipRole});
}

bool LiveTableModel::isHighlighted(int row) const
{
    return m_highlights.isHighlighted(rowKey(row));
}

void LiveTableModel::rowsChanged(QList<int> rows, const QList<int> &roles)
{
    std::sort(rows.begin(), rows.end());
    qsizetype i = 0;
    while (i < rows.size()) {
        const int first = rows.at(i);
        int last = first;
        while (++i < rows.size() && rows.at(i) <= last + 1)
            last = rows.at(i);
        emit dataChanged(index(first, 0), index(last, columnCount() - 1), roles);
    }
}

void LiveTableModel::highlight(const QString &key)
{
    m_highlights.mark(key);
    if (!m_fadeTimer.isActive())
        m_fadeTimer.start();
}

QVariant LiveTableModel::highlightBackground(int row) const
{
    return m_highlights.background(rowKey(row));
}

QVariant LiveTableModel::timeData(Timestamp time, int role) const
{
    switch (role) {
    case Qt::DisplayRole:
        return TimeText::relative(time, now());
    case Qt::ToolTipRole:
        return TimeText::absolute(time, m_zone);
    case SortRole:
        return time.microseconds();
    default:
        return {};
    }
}

void LiveTableModel::fadeHighlights()
{
    // Repaint the rows still fading, and once more those that just ended.
    QList<int> rows;
    for (const QString &key : m_highlights.keys()) {
        const int row = rowOfKey(key);
        if (row < 0) {
            m_highlights.forget(key);
            continue;
        }
        rows.append(row);
    }
    m_highlights.dropExpired();
    rowsChanged(rows, {Qt::BackgroundRole});
    if (m_highlights.isEmpty())
        m_fadeTimer.stop();
}
