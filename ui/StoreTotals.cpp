#include "StoreTotals.h"

#include "IdTableModel.h"

StoreTotals::StoreTotals(QObject *parent) : QObject(parent)
{
}

void StoreTotals::set(std::optional<qint64> ids, std::optional<qint64> nodes)
{
    ++m_generation;
    m_counting = false;
    m_ids = ids;
    m_nodes = nodes;
    emit changed();
}

void StoreTotals::recount()
{
    // A count already on its way includes every change that reaches this object
    // before it does.
    if (m_counting || !m_counter)
        return;
    m_counting = true;
    const int generation = m_generation;
    m_counter([this, generation](const StoreResult<Counts> &counts) {
        if (generation != m_generation)
            return;
        m_counting = false;
        if (!counts.ok())
            return; // the status bar keeps what it had; the next change asks again
        m_ids = counts->ids;
        m_nodes = counts->nodes;
        emit changed();
    });
}

void StoreTotals::applyChanges(const QList<StoreChanges> &transactions, const IdTableModel &loaded)
{
    if (!m_ids && !m_nodes)
        return; // a count is on its way and will include these
    bool uncounted = false;
    // Node counts of IDs this batch touched, as they are after each change.
    // (Another server's changes that this store could not hear make everything
    // uncounted.)
    QHash<QString, qint64> nodesOf;
    auto knownNodes = [&](const QString &id) -> std::optional<qint64> {
        if (const auto it = nodesOf.constFind(id); it != nodesOf.cend())
            return *it;
        if (const DiscoveryId *record = loaded.loadedId(id))
            return record->nodeCount;
        return std::nullopt;
    };
    auto addNodes = [&](const QString &id, qint64 delta) {
        if (m_nodes)
            *m_nodes += delta;
        if (const auto known = knownNodes(id))
            nodesOf.insert(id, std::max<qint64>(0, *known + delta));
    };

    for (const StoreChanges &transaction : transactions) {
        for (const StoreChange &change : transaction) {
            switch (change.type) {
            case StoreChange::Type::IdCreated:
                if (m_ids)
                    ++*m_ids;
                nodesOf.insert(change.discoveryId, 0); // its nodes follow as NodeAdded
                break;
            case StoreChange::Type::IdDeleted:
                if (m_ids)
                    --*m_ids;
                if (const auto known = knownNodes(change.discoveryId); known && m_nodes)
                    *m_nodes -= *known;
                else
                    uncounted = true;
                nodesOf.insert(change.discoveryId, 0);
                break;
            case StoreChange::Type::NodeAdded:
                addNodes(change.discoveryId, 1);
                break;
            case StoreChange::Type::NodeRemoved:
                addNodes(change.discoveryId, -1);
                break;
            case StoreChange::Type::ChangedElsewhere: // anything may differ
                uncounted = true;
                break;
            case StoreChange::Type::IdUpdated:
            case StoreChange::Type::NodeUpdated:
                break;
            case StoreChange::Type::KvWritten: // Consul KV: not an ID's
            case StoreChange::Type::KvReported:
            case StoreChange::Type::KvDeleted:
            case StoreChange::Type::KvAsked:
                break;
            }
        }
    }
    emit changed();
    if (uncounted)
        recount();
}
