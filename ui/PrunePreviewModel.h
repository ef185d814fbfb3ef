#pragma once

#include "PruneCounts.h"
#include "TimeText.h"
#include "core/Records.h"

#include <QAbstractTableModel>
#include <QSet>

// What a prune would remove, as a table: a row per listed ID, node and Consul KV key,
// each with why a rule matches it and a tick (ticked: removed). An unticked row is
// kept: keeping() adds it to the rules, and counts() leaves it out. The rows are
// what the store listed, at most PruneResult::MaxListed of each kind; the counts
// are of everything.
class PrunePreviewModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { RemoveColumn, KindColumn, NameColumn, LabelColumn, CreatedColumn, NodesColumn, WhyColumn, ColumnCount };

    // Why a row matches, in the form's words: "created more than 7 days ago".
    struct Reasons
    {
        QString createdBefore;
        QString inactiveSince;
        QString noNodes;
        QString notSeenSince;
        QString kvNotReportedSince;
    };

    explicit PrunePreviewModel(QObject *parent = nullptr);

    // Shows what the rules match, at now. A row unticked before stays unticked when
    // it is listed again.
    void setPreview(const PruneResult &preview, const PruneRules &rules, const Reasons &reasons, Timestamp now);
    void setTimeZone(TimeZoneChoice zone);

    bool isRemoved(int row) const;
    // What goes: the preview's counts less the unticked rows.
    PruneCounts counts() const;
    // The rules, with the unticked rows kept.
    PruneRules keeping(PruneRules rules) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

signals:
    void countsChanged();

private:
    // Rows are the preview's IDs, then its nodes, then its keys.
    enum class Kind { Id, Node, KvKey };
    Kind kindOf(int row) const;
    const DiscoveryId &idAt(int row) const { return m_preview.ids.at(row); }
    const PrunedNode &nodeAt(int row) const { return m_preview.nodes.at(row - m_preview.ids.size()); }
    const KvEntry &keyAt(int row) const
    {
        return m_preview.kvKeys.at(row - m_preview.ids.size() - m_preview.nodes.size());
    }
    QVariant display(int row, int column) const;
    QVariant toolTip(int row, int column) const;
    QString whyIdMatches(const DiscoveryId &id) const;

    PruneResult m_preview;
    PruneRules m_rules;
    Reasons m_reasons;
    Timestamp m_now;
    TimeZoneChoice m_zone = TimeZoneChoice::Local;
    QSet<QString> m_keptIds;
    QSet<PruneRules::NodeRef> m_keptNodes;
    QSet<QString> m_keptKvKeys;
};
