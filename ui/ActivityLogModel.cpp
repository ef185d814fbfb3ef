#include "ActivityLogModel.h"

ActivityLogModel::ActivityLogModel(QObject *parent) : QAbstractTableModel(parent) {}

void ActivityLogModel::add(const QString &message, Timestamp at)
{
    beginInsertRows({}, 0, 0);
    m_rows.prepend({at, message});
    endInsertRows();
    if (m_rows.size() > Capacity) {
        beginRemoveRows({}, Capacity, int(m_rows.size()) - 1);
        m_rows.resize(Capacity);
        endRemoveRows();
    }
}

void ActivityLogModel::setTimeZone(TimeZoneChoice zone)
{
    m_zone = zone;
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, TimeColumn), index(int(m_rows.size()) - 1, TimeColumn));
}

int ActivityLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ActivityLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ActivityLogModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Entry &entry = m_rows.at(index.row());
    if (role == Qt::DisplayRole)
        return index.column() == TimeColumn ? TimeText::clock(entry.at, m_zone) : entry.message;
    if (role == Qt::ToolTipRole)
        return index.column() == TimeColumn ? TimeText::absolute(entry.at, m_zone) : entry.message;
    return {};
}

QVariant ActivityLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    return section == TimeColumn ? tr("Time") : tr("What happened");
}
