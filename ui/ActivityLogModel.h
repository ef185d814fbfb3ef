#pragma once

#include "TimeText.h"
#include "core/Timestamp.h"

#include <QAbstractTableModel>

// What the window told the user, newest first: the results of deletes, prunes,
// exports and imports, database switches and refused changes stay readable here
// after the status line has moved on. At most Capacity entries.
class ActivityLogModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    static constexpr int Capacity = 500;

    enum Column { TimeColumn, MessageColumn, ColumnCount };

    explicit ActivityLogModel(QObject *parent = nullptr);

    void add(const QString &message, Timestamp at = Timestamp::now());
    void setTimeZone(TimeZoneChoice zone);
    QString messageAt(int row) const { return m_rows.at(row).message; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Entry
    {
        Timestamp at;
        QString message;
    };
    QList<Entry> m_rows; // newest first
    TimeZoneChoice m_zone = TimeZoneChoice::Local;
};
