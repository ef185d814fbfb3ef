#include "IdTableModel.h"

#include "Icons.h"

#include <QColor>
#include <QElapsedTimer>
#include <QSet>
#include <QTimer>

#include <limits>

IdTableModel::IdTableModel(QObject *parent)
    : LiveTableModel({CreatedColumn, LastActivityColumn}, parent)
{
    m_filterTimer.setSingleShot(true);
    m_filterTimer.setInterval(FilterDelayMs);
    connect(&m_filterTimer, &QTimer::timeout, this, &IdTableModel::readFilteredPage);
}

IdListQuery IdTableModel::firstPageQuery() const
{
    IdListQuery query;
    query.filter = m_filter;
    query.sort = IdListQuery::Sort::NewestFirst;
    query.limit = FirstPageSize;
    return query;
}

void IdTableModel::setFirstPage(const IdPage &page)
{
    ++m_generation;
    m_reading = false;
    replaceRows(page, FirstPageSize);
    loadEverythingIfWanted();
}

void IdTableModel::setIds(const QList<DiscoveryId> &ids)
{
    ++m_generation;
    m_reading = false;
    replaceRows(IdPage{ids.size(), ids}, std::numeric_limits<int>::max());
}

void IdTableModel::replaceRows(const IdPage &page, int limit)
{
    clearArriving();
    beginResetModel();
    m_rows = page.ids;
    m_frontier = m_rows.isEmpty() ? std::nullopt : std::optional(m_rows.constLast());
    m_complete = m_rows.size() < limit || m_rows.size() >= page.total;
    m_matching = page.total;
    clearHighlights();
    reindex();
    endResetModel();
    emit totalsChanged();
}

void IdTableModel::setFilter(const QString &text)
{
    m_nextFilter = text;
    if (!m_reader) {
        m_filter = text;
        return;
    }
    m_filterTimer.start();
}

void IdTableModel::readFilteredPage()
{
    if (m_nextFilter == m_filter)
        return emit filterApplied(); // typed and taken back
    m_filter = m_nextFilter;
    ++m_generation;
    const IdListQuery query = firstPageQuery();
    readPage(query, [this, query](const IdPage &page) {
        replaceRows(page, query.limit);
        emit filterApplied();
        loadEverythingIfWanted();
    });
}

void IdTableModel::readPage(const IdListQuery &query, std::function<void(const IdPage &)> use)
{
    const int generation = m_generation;
    m_reading = true;
    m_reader(query, [this, generation, use = std::move(use)](const StoreResult<IdPage> &page) {
        if (generation != m_generation)
            return; // the rows were replaced, or the filter changed, meanwhile
        m_reading = false;
        if (!page.ok())
            return emit loadFailed(page.error());
        use(page.value());
    });
}

void IdTableModel::setLoadEverything(bool on)
{
    m_loadEverything = on;
    loadEverythingIfWanted();
}

void IdTableModel::fetchAll()
{
    if (canFetchMore({}))
        readNextPage(std::numeric_limits<int>::max());
}

qint64 IdTableModel::matchingCount() const
{
    if (m_complete)
        return m_rows.size() + (m_arriving.size() - m_arrivingNext);
    return m_matching;
}

void IdTableModel::loadEverythingIfWanted()
{
    if (m_loadEverything)
        fetchAll();
}

bool IdTableModel::canFetchMore(const QModelIndex &parent) const
{
    // While a page's rows are still arriving, the next page may be read: the store
    // reads it while this thread inserts rows.
    return !parent.isValid() && !m_complete && !m_reading && !m_filterTimer.isActive() && m_reader;
}

void IdTableModel::fetchMore(const QModelIndex &parent)
{
    if (canFetchMore(parent))
        readNextPage(std::clamp(int(m_rows.size()), PageSize, MaxPageSize));
}

void IdTableModel::readNextPage(int limit)
{
    // On from the last row read (keyset paging): as quick at row 100,000 as at the
    // top, and neither new IDs (they come first, and are loaded live) nor deletions
    // shift where the page starts.
    IdListQuery query = firstPageQuery();
    query.limit = limit;
    if (m_frontier)
        query.after = IdListQuery::After{m_frontier->createdAt, m_frontier->id};

    readPage(query, [this, query](const IdPage &page) { addPage(query, page); });
}

void IdTableModel::addPage(const IdListQuery &query, const IdPage &page)
{
    // Room for every row at once: a big list or hash that grows by doubling stalls
    // the window each time it crosses a power of two.
    if (page.total > m_rows.capacity()) {
        m_rows.reserve(page.total);
        m_rowOf.reserve(page.total);
    }
    // The rows arrive a slice at a time; each is looked at when its slice comes.
    // The next page may be read meanwhile, and then queues behind this one.
    const bool inserting = isInserting();
    if (m_arrivingIndexed) {
        for (qsizetype i = 0; i < page.ids.size(); ++i)
            m_arrivingAt.insert(page.ids.at(i).id, m_arriving.size() + i);
    }
    m_arriving.append(page.ids);
    if (!page.ids.isEmpty())
        m_frontier = page.ids.constLast();
    m_complete = page.ids.size() < query.limit;
    if (!inserting)
        insertArrivingSlice();
}

void IdTableModel::insertArrivingSlice()
{
    QElapsedTimer clock;
    clock.start();
    QList<DiscoveryId> slice;
    QList<int> updated;
    while (m_arrivingNext < m_arriving.size() && slice.size() < m_sliceRows) {
        const DiscoveryId &id = m_arriving.at(m_arrivingNext++);
        if (m_arrivingIndexed && !m_arrivingAt.remove(id.id))
            continue; // deleted while it waited
        if (const int row = rowOf(id.id); row >= 0) {
            // Loaded live (an imported ID sorts among old ones): the page is newer.
            m_rows[row] = id;
            updated.append(row);
            continue;
        }
        slice.append(id);
    }
    rowsChanged(updated);
    if (!slice.isEmpty()) {
        const int first = int(m_rows.size());
        beginInsertRows({}, first, first + int(slice.size()) - 1);
        for (DiscoveryId &id : slice) {
            m_rowOf.insert(id.id, int(m_rows.size()));
            m_rows.append(std::move(id));
        }
        endInsertRows();
        // Aim the next slice at the budget, from how long this one took; grow slowly,
        // as one quick slice may just have been lucky.
        const qint64 tookNs = std::max<qint64>(1, clock.nsecsElapsed());
        const qint64 aimed = qint64(m_sliceRows) * SliceBudgetMs * 1'000'000 / tookNs;
        m_sliceRows = int(std::clamp<qint64>(aimed, 100, std::min(2 * m_sliceRows, MaxSliceRows)));
    }
    if (isInserting()) {
        QTimer::singleShot(0, this, [this, generation = m_generation] {
            if (generation == m_generation)
                insertArrivingSlice();
        });
        return;
    }
    clearArriving();
    emit totalsChanged();
    loadEverythingIfWanted();
}

void IdTableModel::clearArriving()
{
    m_arriving.clear();
    m_arrivingAt.clear();
    m_arrivingIndexed = false;
    m_arrivingNext = 0;
}

void IdTableModel::indexArriving() const
{
    // Only needed when changes come while rows arrive: usually they do not.
    if (m_arrivingIndexed)
        return;
    m_arrivingAt.reserve(m_arriving.size() - m_arrivingNext);
    for (qsizetype i = m_arrivingNext; i < m_arriving.size(); ++i)
        m_arrivingAt.insert(m_arriving.at(i).id, i);
    m_arrivingIndexed = true;
}

const DiscoveryId *IdTableModel::loadedId(const QString &id) const
{
    if (const int row = rowOf(id); row >= 0)
        return &m_rows.at(row);
    if (!isInserting())
        return nullptr;
    indexArriving();
    if (const auto it = m_arrivingAt.constFind(id); it != m_arrivingAt.cend())
        return &m_arriving.at(*it);
    return nullptr;
}

bool IdTableModel::matchesFilter(const DiscoveryId &id) const
{
    return m_filter.isEmpty() || id.id.contains(m_filter, Qt::CaseInsensitive)
           || id.label.contains(m_filter, Qt::CaseInsensitive);
}

void IdTableModel::applyChanges(const QList<StoreChanges> &transactions)
{
    // First work out where every ID the batch touched ends up, then change the table
    // in three steps: remove rows, update rows in place, append new rows.
    if (isInserting())
        indexArriving(); // rows on their way take changes too
    QHash<QString, DiscoveryId> updated; // the latest state of touched IDs
    QStringList added;                   // IDs that have no row yet, in creation order
    QSet<QString> deleted;               // IDs whose rows go

    for (const StoreChanges &transaction : transactions) {
        // A change's ID record is the ID as that change left it; the node changes
        // after it in the list count on from there.
        for (const StoreChange &change : transaction) {
            const QString &id = change.discoveryId;
            switch (change.type) {
            case StoreChange::Type::IdCreated:
            case StoreChange::Type::IdUpdated:
                deleted.remove(id);
                // A new ID the filter does not match stays out; one that is not
                // loaded yet comes with its page.
                if (!loadedId(id) && !updated.contains(id) && change.type == StoreChange::Type::IdCreated
                    && matchesFilter(change.discovery))
                    added.append(id);
                updated.insert(id, change.discovery);
                break;
            case StoreChange::Type::IdDeleted:
                updated.remove(id);
                added.removeAll(id);
                if (rowOf(id) >= 0)
                    deleted.insert(id);
                if (m_arrivingAt.remove(id) && rowOf(id) < 0) // it will not arrive
                    --m_matching;
                break;
            case StoreChange::Type::NodeAdded:
            case StoreChange::Type::NodeUpdated:
            case StoreChange::Type::NodeRemoved: {
                if (deleted.contains(id))
                    break;
                if (!updated.contains(id)) {
                    const DiscoveryId *loaded = loadedId(id);
                    if (!loaded)
                        break; // not loaded: its page brings it as it is
                    updated.insert(id, *loaded);
                }
                DiscoveryId &record = updated[id];
                if (change.type == StoreChange::Type::NodeAdded)
                    ++record.nodeCount;
                else if (change.type == StoreChange::Type::NodeRemoved)
                    record.nodeCount = std::max(0, record.nodeCount - 1);
                record.lastActivity = std::max(record.lastActivity, change.at);
                break;
            }
            case StoreChange::Type::ChangedElsewhere: // the window reads the rows again
                break;
            case StoreChange::Type::KvWritten: // Consul KV: not an ID's
            case StoreChange::Type::KvReported:
            case StoreChange::Type::KvDeleted:
            case StoreChange::Type::KvAsked:
                break;
            }
        }
    }

    m_matching += added.size() - deleted.size();
    if (!deleted.isEmpty()) {
        QList<int> rows;
        for (const QString &id : std::as_const(deleted)) {
            rows.append(rowOf(id));
            forgetHighlight(id);
        }
        removeRows(rows);
    }

    QList<int> changedRows;
    for (auto it = updated.cbegin(); it != updated.cend(); ++it) {
        const int row = rowOf(it.key());
        if (const auto arriving = m_arrivingAt.constFind(it.key()); row < 0 && arriving != m_arrivingAt.cend())
            m_arriving[*arriving] = it.value();
        if (row < 0)
            continue;
        m_rows[row] = it.value();
        highlight(it.key());
        changedRows.append(row);
    }
    rowsChanged(changedRows);

    if (!added.isEmpty()) {
        const int firstNew = int(m_rows.size());
        beginInsertRows({}, firstNew, firstNew + int(added.size()) - 1);
        for (const QString &id : std::as_const(added)) {
            m_rowOf.insert(id, int(m_rows.size()));
            m_rows.append(updated.value(id));
            highlight(id);
        }
        endInsertRows();
    }

    if (!deleted.isEmpty() || !updated.isEmpty())
        emit totalsChanged();
}

void IdTableModel::removeRows(QList<int> rows)
{
    // From the bottom up, one beginRemoveRows per run of adjacent rows.
    std::sort(rows.begin(), rows.end(), std::greater<>());
    qsizetype i = 0;
    while (i < rows.size()) {
        const int last = rows.at(i);
        int first = last;
        while (i + 1 < rows.size() && rows.at(i + 1) == first - 1)
            first = rows.at(++i);
        ++i;
        beginRemoveRows({}, first, last);
        m_rows.remove(first, last - first + 1);
        endRemoveRows();
    }
    reindex();
}

void IdTableModel::reindex()
{
    m_rowOf.clear();
    for (int row = 0; row < m_rows.size(); ++row)
        m_rowOf.insert(m_rows.at(row).id, row);
}

qint64 IdTableModel::totalNodes() const
{
    qint64 total = 0;
    for (const DiscoveryId &id : m_rows)
        total += id.nodeCount;
    return total;
}

int IdTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int IdTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant IdTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const DiscoveryId &id = m_rows.at(index.row());

    if (role == Qt::BackgroundRole)
        return highlightBackground(index.row());
    if (role == DiscoveryIdRole)
        return id.id;
    if (role == FilterRole)
        return index.column() == IdColumn ? QVariant(id.id + u' ' + id.label) : QVariant();

    switch (index.column()) {
    case IdColumn:
        if (role == Qt::DisplayRole || role == SortRole)
            return id.id;
        if (role == Qt::ToolTipRole) {
            return id.kind == DiscoveryKind::Etcd
                       ? tr("Every member's --discovery URL ends with this token (Copy Discovery URL)")
                       : tr("Give this ID to every node of the cluster (-disco-id)");
        }
        break;
    case KindColumn:
        if (role == Qt::DisplayRole || role == SortRole)
            return kindName(id.kind);
        break;
    case LabelColumn:
        if (role == Qt::DisplayRole || role == SortRole)
            return id.label;
        break;
    case CreatedColumn:
        return timeData(id.createdAt, role);
    case NodesColumn:
        return nodesData(id, role);
    case LastActivityColumn:
        return timeData(id.lastActivity, role);
    }
    return {};
}

QVariant IdTableModel::nodesData(const DiscoveryId &id, int role) const
{
    // One format for every kind: "3", or "2 of 5" once a size is known. Exactly the
    // size gets the full mark; more than the size is a warning, never a tick.
    if (role == SortRole)
        return id.nodeCount;
    if (role == Qt::TextAlignmentRole)
        return int(Qt::AlignCenter);
    if (!id.expectedSize) {
        if (role == Qt::DisplayRole)
            return QString::number(id.nodeCount);
        return {};
    }
    const qint64 size = *id.expectedSize;
    const bool etcd = id.kind == DiscoveryKind::Etcd;
    const QString what = etcd ? tr("members") : tr("nodes");
    switch (role) {
    case Qt::DisplayRole:
        return tr("%1 of %2").arg(id.nodeCount).arg(size);
    case Qt::ForegroundRole:
        if (id.nodeCount == size)
            return QColor(0x2e, 0x7d, 0x32);
        return id.nodeCount > size ? QVariant(QColor(0xb2, 0x54, 0x00)) : QVariant();
    case Qt::DecorationRole:
        if (id.nodeCount == size)
            return Icons::own(QStringLiteral("full.svg"));
        return id.nodeCount > size ? QVariant(Icons::own(QStringLiteral("warning.svg"))) : QVariant();
    case Qt::ToolTipRole:
        if (id.nodeCount < size) {
            return etcd ? tr("%1 of %2 members registered; each member waits until all %2 have")
                              .arg(id.nodeCount).arg(size)
                        : tr("%1 of %2 expected nodes registered").arg(id.nodeCount).arg(size);
        }
        if (id.nodeCount == size)
            return tr("full: %1 of %1 %2").arg(QString::number(size), what);
        return etcd ? tr("over its size: %1 members for a cluster of %2; etcd formed it from the first %2, "
                         "the other %3 became proxies or exited (--discovery-fallback)")
                          .arg(id.nodeCount).arg(size).arg(id.nodeCount - size)
                    : tr("over its size: %1 nodes registered, %2 expected").arg(id.nodeCount).arg(size);
    }
    return {};
}

bool IdTableModel::isFullEtcdToken(const DiscoveryId &id)
{
    return id.kind == DiscoveryKind::Etcd && id.expectedSize && id.nodeCount >= *id.expectedSize;
}

QVariant IdTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case IdColumn: return tr("Discovery ID");
    case KindColumn: return tr("Kind");
    case LabelColumn: return tr("Label");
    case CreatedColumn: return tr("Created");
    case NodesColumn: return tr("Nodes");
    case LastActivityColumn: return tr("Last activity");
    }
    return {};
}
