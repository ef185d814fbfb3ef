#include "LocalClusterModel.h"

#include "LocalCluster.h"
#include "Plural.h"

#include <QColor>

namespace {

// The signals a member is likely to die of, by name.
QString signalName(int signal)
{
    switch (signal) {
    case 1: return QStringLiteral("SIGHUP");
    case 2: return QStringLiteral("SIGINT");
    case 3: return QStringLiteral("SIGQUIT");
    case 6: return QStringLiteral("SIGABRT");
    case 9: return QStringLiteral("SIGKILL");
    case 11: return QStringLiteral("SIGSEGV");
    case 15: return QStringLiteral("SIGTERM");
    default: return {};
    }
}

} // namespace

LocalClusterModel::LocalClusterModel(LocalCluster &cluster, QObject *parent)
    : QAbstractTableModel(parent), m_cluster(cluster), m_rows(cluster.count())
{
    connect(&m_cluster, &LocalCluster::reset, this, [this] {
        beginResetModel();
        m_rows = m_cluster.count();
        endResetModel();
    });
    connect(&m_cluster, &LocalCluster::memberAdded, this, [this](int index) {
        beginInsertRows({}, index, index);
        m_rows = m_cluster.count();
        endInsertRows();
    });
    connect(&m_cluster, &LocalCluster::memberChanged, this, [this](int index) {
        if (index < m_rows)
            emit dataChanged(this->index(index, 0), this->index(index, ColumnCount - 1));
    });
    connect(&m_cluster, &LocalCluster::memberLogged, this, [this](int index) {
        if (index < m_rows)
            emit dataChanged(this->index(index, LastLineColumn), this->index(index, LastLineColumn));
    });
}

QString LocalClusterModel::stateText(const ClusterMember &member)
{
    const QString note = member.note();
    switch (member.state()) {
    case ClusterMember::State::Waiting:
        return tr("Waiting for the first to lead");
    case ClusterMember::State::Starting:
        return note.isEmpty() ? tr("Starting") : tr("Starting: %1").arg(note);
    case ClusterMember::State::Running:
        return note.isEmpty() ? tr("Running") : tr("Running: %1").arg(note);
    case ClusterMember::State::Stopping:
        return tr("Stopping");
    case ClusterMember::State::Stopped:
        return tr("Stopped");
    case ClusterMember::State::Exited:
        return tr("Exited with status %1").arg(member.exitCode());
    case ClusterMember::State::Crashed: {
        const QString name = signalName(member.exitCode());
        return name.isEmpty() ? tr("Crashed: signal %1").arg(member.exitCode())
                              : tr("Crashed: signal %1 (%2)").arg(member.exitCode()).arg(name);
    }
    case ClusterMember::State::FailedToStart:
        return tr("Could not start: %1").arg(member.error());
    }
    return {};
}

QString LocalClusterModel::countText(ClusterRecipe::Kind kind, int count)
{
    return kind == ClusterRecipe::Kind::Rqlite ? countOf(count, tr("node"), tr("nodes"))
                                               : countOf(count, tr("member"), tr("members"));
}

bool LocalClusterModel::endedBadly(const ClusterMember &member)
{
    switch (member.state()) {
    case ClusterMember::State::Exited:
    case ClusterMember::State::Crashed:
    case ClusterMember::State::FailedToStart:
        return true;
    default:
        return false;
    }
}

QString LocalClusterModel::portsText(const ClusterMember &member)
{
    QStringList ports;
    for (const MemberPort &port : member.ports())
        ports << QString::number(port.port);
    return ports.join(QStringLiteral(" \u00B7 "));
}

int LocalClusterModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int LocalClusterModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LocalClusterModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows)
        return {};
    const ClusterMember &member = *m_cluster.member(index.row());
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case MemberColumn: return member.name();
        case StateColumn: return stateText(member);
        case PortsColumn: return portsText(member);
        case PidColumn: return member.pid() > 0 ? QVariant(member.pid()) : QVariant();
        case LastLineColumn: return member.log().lastLines(1);
        }
    } else if (role == Qt::ToolTipRole) {
        switch (index.column()) {
        case MemberColumn: return member.command().shellLine();
        case StateColumn: return stateText(member);
        case PortsColumn: {
            QStringList ports;
            for (const MemberPort &port : member.ports())
                ports << tr("%1 on 127.0.0.1:%2").arg(port.name).arg(port.port);
            return ports.join(u'\n');
        }
        case LastLineColumn: return member.log().lastLines(1);
        default: return {};
        }
    } else if (role == Qt::ForegroundRole && index.column() == StateColumn) {
        if (endedBadly(member))
            return QColor(0xc6, 0x28, 0x28);
        if (member.state() == ClusterMember::State::Running)
            return QColor(0x2e, 0x7d, 0x32);
    }
    return {};
}

QVariant LocalClusterModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case MemberColumn:
        return m_cluster.recipe() && m_cluster.recipe()->kind() == ClusterRecipe::Kind::Rqlite ? tr("Node")
                                                                                               : tr("Member");
    case StateColumn: return tr("State");
    case PortsColumn: {
        // "Client · peer ports", "HTTP · Raft ports": the recipe's names, in the cells' order.
        if (!m_cluster.recipe())
            return tr("Ports");
        QStringList names;
        for (const MemberPort &port : m_cluster.recipe()->wantedPorts(1))
            names << port.name;
        QString text = tr("%1 ports").arg(names.join(QStringLiteral(" \u00B7 ")));
        text[0] = text[0].toUpper();
        return text;
    }
    case PidColumn: return tr("PID");
    case LastLineColumn: return tr("Last line of its log");
    }
    return {};
}
