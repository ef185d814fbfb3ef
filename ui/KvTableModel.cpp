#include "KvTableModel.h"

#include "core/Validation.h"

#include <QBrush>
#include <QColor>

namespace {

const QString LeaderSuffix = QStringLiteral("/leader");

// What a client sent, as the window shows it: no control character reaches the screen.
QString shown(const QString &text)
{
    return text.isEmpty() ? QStringLiteral("\u2014") : Validation::escapeControlCharacters(text);
}

} // namespace

// --- KvTableModel ----------------------------------------------------------------------

KvTableModel::KvTableModel(QObject *parent) : QAbstractTableModel(parent) {}

QString KvTableModel::discoKeyOf(const QString &key)
{
    return key.endsWith(LeaderSuffix) ? key.chopped(LeaderSuffix.size()) : key;
}

void KvTableModel::setEntries(const QList<KvEntry> &entries)
{
    beginResetModel();
    m_rows = entries;
    m_leaders.clear();
    for (const KvEntry &entry : entries)
        m_leaders.append(RqliteLeaderValue::parse(entry.value.value_or(QByteArray())));
    endResetModel();
}

int KvTableModel::rowOf(const QString &key) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).key == key)
            return row;
    }
    return -1;
}

void KvTableModel::setTimeZone(TimeZoneChoice zone)
{
    m_zone = zone;
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, ClaimedColumn), index(rowCount() - 1, ReportedColumn), {Qt::ToolTipRole});
}

void KvTableModel::setNow(Timestamp now)
{
    m_now = now;
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, ClaimedColumn), index(rowCount() - 1, ReportedColumn));
}

int KvTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int KvTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant KvTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const KvEntry &entry = m_rows.at(index.row());
    const RqliteLeaderValue &leader = m_leaders.at(index.row());
    const bool stale = (m_now.microseconds() - entry.reportedAt.microseconds()) > StaleAfterSeconds * 1'000'000;
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case ClusterColumn:
            return shown(discoKeyOf(entry.key));
        case LeaderColumn:
            return leader.isValid() ? shown(leader.nodeId) : tr("(not an rqlite leader)");
        case ApiColumn:
            return shown(leader.apiAddress);
        case RaftColumn:
            return shown(leader.raftAddress);
        case ClaimedColumn:
            return TimeText::relative(entry.createdAt, m_now);
        case ReportedColumn:
            return stale ? tr("%1 (stale)").arg(TimeText::relative(entry.reportedAt, m_now))
                         : TimeText::relative(entry.reportedAt, m_now);
        }
    } else if (role == Qt::ToolTipRole) {
        switch (index.column()) {
        case ClusterColumn:
            return tr("Key %1, ModifyIndex %2").arg(shown(entry.key)).arg(entry.modifyIndex);
        case ClaimedColumn:
            return TimeText::absolute(entry.createdAt, m_zone);
        case ReportedColumn:
            return tr("%1\nrqlite's leader reports every 10 s; after %2 s without a report it is shown as stale.")
                .arg(TimeText::absolute(entry.reportedAt, m_zone))
                .arg(StaleAfterSeconds);
        default:
            return {};
        }
    } else if (role == Qt::ForegroundRole && index.column() == ReportedColumn && stale) {
        return QBrush(QColor(0xb0, 0x20, 0x20));
    }
    return {};
}

QVariant KvTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case ClusterColumn: return tr("Cluster (-disco-key)");
    case LeaderColumn: return tr("Leader");
    case ApiColumn: return tr("HTTP API");
    case RaftColumn: return tr("Raft address");
    case ClaimedColumn: return tr("Claimed");
    case ReportedColumn: return tr("Leader reported");
    }
    return {};
}

// --- KvAskerTableModel -----------------------------------------------------------------

KvAskerTableModel::KvAskerTableModel(QObject *parent) : QAbstractTableModel(parent) {}

void KvAskerTableModel::setAskers(const QString &key, const QList<KvAsker> &askers)
{
    beginResetModel();
    m_key = key;
    m_rows = askers;
    endResetModel();
}

void KvAskerTableModel::setTimeZone(TimeZoneChoice zone)
{
    m_zone = zone;
}

void KvAskerTableModel::setNow(Timestamp now)
{
    m_now = now;
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, FirstAskedColumn), index(rowCount() - 1, LastAskedColumn));
}

int KvAskerTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int KvAskerTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant KvAskerTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const KvAsker &asker = m_rows.at(index.row());
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case AddressColumn:
            return shown(asker.address);
        case NodeColumn: {
            if (asker.offered.isEmpty())
                return tr("(read the key)");
            const RqliteLeaderValue offered = RqliteLeaderValue::parse(asker.offered);
            return offered.isValid() ? tr("%1 (Raft %2)").arg(shown(offered.nodeId), shown(offered.raftAddress))
                                     : tr("(offered a value)");
        }
        case AsksColumn:
            return asker.asks;
        case FirstAskedColumn:
            return TimeText::relative(asker.firstAsked, m_now);
        case LastAskedColumn:
            return TimeText::relative(asker.lastAsked, m_now);
        }
    } else if (role == Qt::ToolTipRole) {
        if (index.column() == FirstAskedColumn)
            return TimeText::absolute(asker.firstAsked, m_zone);
        if (index.column() == LastAskedColumn)
            return TimeText::absolute(asker.lastAsked, m_zone);
        if (index.column() == NodeColumn && !asker.offered.isEmpty())
            return shown(QString::fromUtf8(asker.offered.left(1024)));
    }
    return {};
}

QVariant KvAskerTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case AddressColumn: return tr("Asked from");
    case NodeColumn: return tr("Node that lost the claim");
    case AsksColumn: return tr("Asks");
    case FirstAskedColumn: return tr("First asked");
    case LastAskedColumn: return tr("Last asked");
    }
    return {};
}
