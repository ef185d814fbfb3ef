#pragma once

#include "LiveTableModel.h"
#include "core/StoreResult.h"
#include "core/StoreChange.h"

#include <QHash>

#include <functional>
#include <optional>

// The discovery IDs, one row each: ID, kind, label, created, nodes, last activity.
// A store can hold 100,000 IDs, so the rows are loaded lazily, the way DB Browser for
// SQLite loads a big table: the first page at once, newest first, then a page more
// each time the view scrolls to the end of what is loaded (canFetchMore/fetchMore),
// read on from the last row read, so a page deep down is as quick as the first.
// Loaded rows are kept current by applying the store's changes in place; a change
// to an ID not loaded yet is left to the page that brings it. The filter goes to
// the store, so it searches every ID. The nodes column shows the count, and "2 of 3"
// once a size is known: marked full at the size, and a warning beyond it.
class IdTableModel : public LiveTableModel
{
    Q_OBJECT

public:
    enum Column { IdColumn, KindColumn, LabelColumn, CreatedColumn, NodesColumn, LastActivityColumn, ColumnCount };
    // The text the filter box matches: the ID and its label.
    static constexpr int FilterRole = Qt::UserRole + 2;
    static constexpr int DiscoveryIdRole = Qt::UserRole + 3;

    // Rows read when the window opens or the filter changes, and at each fetchMore
    // after that: the first page must be quick, the later ones few. A later page is
    // as big as what is loaded, from PageSize to MaxPageSize: a user far down wants
    // more, and each page is one more trip through the server's thread.
    static constexpr int FirstPageSize = 1000;
    static constexpr int PageSize = 5000;
    static constexpr int MaxPageSize = 20000;

    using PageDone = std::function<void(const StoreResult<IdPage> &)>;
    // Reads a page of IDs from the store and calls done with it later, on this
    // model's thread, after every store change older than the page has been applied
    // and before any newer one: then no change is applied twice or lost.
    using PageReader = std::function<void(const IdListQuery &query, PageDone done)>;

    explicit IdTableModel(QObject *parent = nullptr);

    // Without a reader the model holds what setIds or setFirstPage gave it.
    void setPageReader(PageReader reader) { m_reader = std::move(reader); }

    // The first page with the current filter: the window reads it when the server
    // (re)starts and hands it to setFirstPage.
    IdListQuery firstPageQuery() const;
    // Replaces every row with the first page of the store's IDs, newest first.
    void setFirstPage(const IdPage &page);
    // Replaces every row with all the IDs there are: nothing more to load.
    void setIds(const QList<DiscoveryId> &ids);

    // Shows the IDs whose ID or label contains text, ignoring case: once typing has
    // paused for FilterDelayMs, reads the first page of them from the store, and
    // replaces the rows with it when it arrives. Meanwhile no more rows are fetched:
    // they would be of the old filter.
    static constexpr int FilterDelayMs = 200;
    void setFilter(const QString &text);
    QString filter() const { return m_filter; }
    // Loads every remaining row at once instead of page by page, and keeps doing so
    // after the filter changes: for sorting all rows by a column the store does not
    // sort by.
    void setLoadEverything(bool on);

    // Loads every remaining row now, once (Ctrl+End, the scroll bar at the bottom).
    void fetchAll();

    // Every ID that matches the filter is loaded.
    bool hasAllRows() const { return m_complete; }
    // How many IDs match the filter: exact once all are loaded; before, the store's
    // count when the filter was applied, kept up with the IDs created and deleted since.
    qint64 matchingCount() const;
    // A page is being read or its rows are arriving, or the filter waits to be asked for.
    bool isLoading() const { return m_reading || isInserting() || m_filterTimer.isActive(); }

    // Applies committed transactions to the loaded rows in place, in order.
    void applyChanges(const QList<StoreChanges> &transactions);

    const DiscoveryId &idAt(int row) const { return m_rows.at(row); }
    int rowOf(const QString &id) const { return m_rowOf.value(id, -1); }
    // The ID as loaded (a row, or read and about to become one), or nullptr.
    const DiscoveryId *loadedId(const QString &id) const;
    // The nodes of the loaded rows.
    qint64 totalNodes() const;

    // An etcd token that has as many members as its size, or more: etcd forms the
    // cluster from the first ones, and later members cannot join.
    static bool isFullEtcdToken(const DiscoveryId &id);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

signals:
    // The number of IDs or nodes may have changed.
    void totalsChanged();
    // Reading a page failed; the rows stay as they were.
    void loadFailed(const QString &error);
    // The rows show the filter now: the store answered, or the text came back to
    // what was shown.
    void filterApplied();

protected:
    QString rowKey(int row) const override { return m_rows.at(row).id; }
    int rowOfKey(const QString &key) const override { return rowOf(key); }

private:
    // Rows of a page become rows of the table a slice per turn of the event loop,
    // each slice sized to take about this long (a sorting proxy and the view react
    // to every insertion): the window stays responsive while a big page arrives.
    static constexpr qint64 SliceBudgetMs = 8;
    static constexpr int MaxSliceRows = 2000;

    void replaceRows(const IdPage &page, int limit);
    void readFilteredPage();
    void readNextPage(int limit);
    // Reads a page and hands it to use, unless the rows were replaced meanwhile; a
    // failure is reported as loadFailed().
    void readPage(const IdListQuery &query, std::function<void(const IdPage &)> use);
    void addPage(const IdListQuery &query, const IdPage &page);
    void insertArrivingSlice();
    bool isInserting() const { return m_arrivingNext < m_arriving.size(); }
    void clearArriving();
    void indexArriving() const;
    void loadEverythingIfWanted();
    bool matchesFilter(const DiscoveryId &id) const;
    QVariant nodesData(const DiscoveryId &id, int role) const;
    void removeRows(QList<int> rows);
    void reindex();

    QList<DiscoveryId> m_rows;
    QHash<QString, int> m_rowOf;
    PageReader m_reader;
    QString m_filter;
    QString m_nextFilter; // typed, waiting for a pause
    QTimer m_filterTimer;
    std::optional<DiscoveryId> m_frontier; // the last row read: the next page starts after it
    // The rows read but not inserted yet (from m_arrivingNext on); a page read
    // meanwhile joins them at the end. Changes apply to them as to rows, through
    // m_arrivingAt, made when the first change comes.
    QList<DiscoveryId> m_arriving;
    qsizetype m_arrivingNext = 0;
    mutable QHash<QString, qsizetype> m_arrivingAt;
    mutable bool m_arrivingIndexed = false;
    int m_sliceRows = 1000;
    qint64 m_matching = 0; // see matchingCount()
    bool m_complete = true;
    bool m_reading = false; // a page is on its way from the store
    bool m_loadEverything = false;
    int m_generation = 0; // pages read for older rows or another filter are dropped
};
