#include "RequestLogModel.h"

#include "core/Validation.h"

#include <QColor>

RequestLogModel::RequestLogModel(QObject *parent) : QAbstractTableModel(parent)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(IntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &RequestLogModel::flush);
}

void RequestLogModel::setTimeZone(TimeZoneChoice zone)
{
    m_zone = zone;
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, TimeColumn), index(int(m_rows.size()) - 1, TimeColumn));
}

void RequestLogModel::clear()
{
    m_pending.clear();
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

void RequestLogModel::add(const RequestLogEntry &entry)
{
    m_pending.append(entry);
    // A flood keeps only what can be shown.
    if (m_pending.size() > Capacity)
        m_pending.remove(0, m_pending.size() - Capacity);
    if (!m_timer.isActive())
        m_timer.start();
}

void RequestLogModel::flush()
{
    m_timer.stop();
    if (m_pending.isEmpty())
        return;
    const int count = int(m_pending.size());
    beginInsertRows({}, 0, count - 1);
    for (const RequestLogEntry &entry : std::as_const(m_pending))
        m_rows.prepend(entry);
    endInsertRows();
    m_pending.clear();

    if (m_rows.size() > Capacity) {
        beginRemoveRows({}, Capacity, int(m_rows.size()) - 1);
        m_rows.resize(Capacity);
        endRemoveRows();
    }
}

int RequestLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RequestLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RequestLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RequestLogEntry &entry = m_rows.at(index.row());
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case TimeColumn: return TimeText::clock(entry.at, m_zone);
        // What a client sent, with its control characters shown, not obeyed.
        case MethodColumn: return Validation::escapeControlCharacters(entry.method);
        case PathColumn: return Validation::escapeControlCharacters(entry.path);
        case StatusColumn: return entry.status;
        case ProblemColumn: return Validation::escapeControlCharacters(entry.problem);
        case DurationColumn: return QStringLiteral("%1 ms").arg(entry.durationMs, 0, 'f', 1);
        case RemoteColumn: return entry.remoteAddress;
        }
    }
    if (role == Qt::ToolTipRole && index.column() == TimeColumn)
        return TimeText::absolute(entry.at, m_zone);
    if (role == Qt::ToolTipRole && index.column() == ProblemColumn && !entry.problem.isEmpty())
        return Validation::escapeControlCharacters(entry.problem);
    if (role == Qt::ForegroundRole && index.column() == StatusColumn) {
        if (entry.status >= 500)
            return QColor(0xc6, 0x28, 0x28);
        if (entry.status >= 400)
            return QColor(0xd9, 0x77, 0x06);
    }
    if (role == Qt::TextAlignmentRole && (index.column() == StatusColumn || index.column() == DurationColumn))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant RequestLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn: return tr("Time");
    case MethodColumn: return tr("Method");
    case PathColumn: return tr("Path");
    case StatusColumn: return tr("Status");
    case ProblemColumn: return tr("Why refused");
    case DurationColumn: return tr("Duration");
    case RemoteColumn: return tr("Remote");
    }
    return {};
}
