#pragma once

#include "core/StoreResult.h"
#include "core/StoreChange.h"

#include <QObject>

#include <functional>
#include <optional>

class IdTableModel;

// How many IDs and nodes the whole store holds, for the status bar, while the IDs
// table holds only the rows loaded so far. Set from a count of the store, then kept
// current from the change notifications. An ID deleted before it was ever loaded
// takes an unknown number of nodes with it: then the store is counted again.
class StoreTotals : public QObject
{
    Q_OBJECT

public:
    using Counts = StoreCounts;
    using CountDone = std::function<void(const StoreResult<Counts> &)>;
    // Counts the store and calls done later on this thread, ordered with the changes
    // like IdTableModel's pages.
    using Counter = std::function<void(CountDone done)>;

    explicit StoreTotals(QObject *parent = nullptr);

    void setCounter(Counter counter) { m_counter = std::move(counter); }

    // Known exactly now (every ID is loaded, say), or not known at all.
    void set(std::optional<qint64> ids, std::optional<qint64> nodes);
    // Asks the store; the counts arrive with changed().
    void recount();

    std::optional<qint64> ids() const { return m_ids; }
    std::optional<qint64> nodes() const { return m_nodes; }

    // Applies committed transactions. Call it before the IDs table applies them: it
    // takes the node counts of deleted IDs from there.
    void applyChanges(const QList<StoreChanges> &transactions, const IdTableModel &loaded);

signals:
    void changed();

private:
    Counter m_counter;
    std::optional<qint64> m_ids;
    std::optional<qint64> m_nodes;
    bool m_counting = false;
    int m_generation = 0; // counts asked before set() are dropped
};
