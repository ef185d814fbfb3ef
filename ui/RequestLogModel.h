#pragma once

#include "TimeText.h"
#include "http/HttpTypes.h"

#include <QAbstractTableModel>
#include <QTimer>

// The latest requests the server answered, newest first, at most Capacity of them:
// the log must not grow for as long as the window stays open. Requests arrive one
// signal each and are added in batches.
class RequestLogModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    static constexpr int Capacity = 500;
    static constexpr int IntervalMs = 100;

    enum Column { TimeColumn, MethodColumn, PathColumn, StatusColumn, ProblemColumn, DurationColumn, RemoteColumn,
                  ColumnCount };

    explicit RequestLogModel(QObject *parent = nullptr);

    void setTimeZone(TimeZoneChoice zone);
    void clear();
    const RequestLogEntry &entryAt(int row) const { return m_rows.at(row); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

public slots:
    void add(const RequestLogEntry &entry);
    void flush();

private:
    QList<RequestLogEntry> m_rows;    // newest first
    QList<RequestLogEntry> m_pending; // oldest first
    QTimer m_timer;
    TimeZoneChoice m_zone = TimeZoneChoice::Local;
};
