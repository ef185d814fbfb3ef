#pragma once

#include "TimeText.h"
#include "core/Records.h"

#include <QAbstractTableModel>

// Consul KV's keys as the window lists them: for rqlite 7 and later one key per
// cluster, "<disco-key>/leader", whose value names the leader. Loaded whole (the
// service keeps at most KvService::MaxKeys) and read again when a key changes.
class KvTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { ClusterColumn, LeaderColumn, ApiColumn, RaftColumn, ClaimedColumn, ReportedColumn, ColumnCount };
    // rqlite's leader reports every 10 s: a report older than this is stale.
    static constexpr qint64 StaleAfterSeconds = 30;

    explicit KvTableModel(QObject *parent = nullptr);

    void setEntries(const QList<KvEntry> &entries);
    const KvEntry &entryAt(int row) const { return m_rows.at(row); }
    int rowOf(const QString &key) const;
    void setTimeZone(TimeZoneChoice zone);
    // Moves "4 s ago" on; the clock is the test's to set.
    void setNow(Timestamp now);

    // What -disco-key rqlite was given for this key: the key without "/leader".
    static QString discoKeyOf(const QString &key);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<KvEntry> m_rows;
    QList<RqliteLeaderValue> m_leaders; // decoded once, one per row
    TimeZoneChoice m_zone = TimeZoneChoice::Local;
    Timestamp m_now = Timestamp::now();
};

// Who read a key or lost a CAS for it: for rqlite, the voters waiting to join.
class KvAskerTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { AddressColumn, NodeColumn, AsksColumn, FirstAskedColumn, LastAskedColumn, ColumnCount };

    explicit KvAskerTableModel(QObject *parent = nullptr);

    void setAskers(const QString &key, const QList<KvAsker> &askers);
    const QString &key() const { return m_key; }
    const KvAsker &askerAt(int row) const { return m_rows.at(row); }
    const QList<KvAsker> &askers() const { return m_rows; }
    void setTimeZone(TimeZoneChoice zone);
    void setNow(Timestamp now);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QString m_key;
    QList<KvAsker> m_rows;
    TimeZoneChoice m_zone = TimeZoneChoice::Local;
    Timestamp m_now = Timestamp::now();
};
