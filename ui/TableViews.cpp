#include "TableViews.h"

#include <QHeaderView>
#include <QLabel>
#include <QScrollBar>

DataTableView::DataTableView(QWidget *parent)
    : QTableView(parent)
{
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setTabKeyNavigation(false);
    setAlternatingRowColors(true);
    setShowGrid(false);
    setWordWrap(false);
    verticalHeader()->hide();
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 10);
    horizontalHeader()->setHighlightSections(false);
    horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    setContextMenuPolicy(Qt::ActionsContextMenu);

    // The thumb let go at the bottom: the user wants the last row of all, not the
    // last one loaded.
    connect(verticalScrollBar(), &QScrollBar::sliderReleased, this, [this] {
        if (verticalScrollBar()->value() == verticalScrollBar()->maximum())
            wantEnd(End::Show);
    });
}

void DataTableView::setModel(QAbstractItemModel *newModel)
{
    if (model())
        disconnect(model(), nullptr, this, nullptr);
    QTableView::setModel(newModel);
    if (!newModel)
        return;
    // Connected after the view's and its header's own: by rowsInserted the header
    // knows the new rows' places.
    connect(newModel, &QAbstractItemModel::rowsAboutToBeInserted, this, &DataTableView::rememberCurrentRowPosition);
    connect(newModel, &QAbstractItemModel::rowsInserted, this, &DataTableView::keepCurrentRowPosition);
}

void DataTableView::rememberCurrentRowPosition()
{
    const QModelIndex current = currentIndex();
    const bool onScreen = current.isValid() && selectionModel()->isRowSelected(current.row(), current.parent())
        && viewport()->rect().intersects(visualRect(current));
    m_anchor = onScreen ? QPersistentModelIndex(current) : QPersistentModelIndex();
    m_anchorY = onScreen ? rowViewportPosition(current.row()) : 0;
}

void DataTableView::keepCurrentRowPosition()
{
    if (!m_anchor.isValid())
        return;
    const int row = m_anchor.row();
    m_anchor = QPersistentModelIndex();
    executeDelayedItemsLayout(); // the scroll bar's range takes the new rows in
    const int moved = rowViewportPosition(row) - m_anchorY;
    if (moved == 0)
        return;
    QScrollBar *bar = verticalScrollBar();
    if (verticalScrollMode() == ScrollPerPixel)
        bar->setValue(bar->value() + moved);
    else
        bar->setValue(bar->value() + moved / std::max(1, rowHeight(row)));
}

QModelIndex DataTableView::moveCursor(CursorAction cursorAction, Qt::KeyboardModifiers modifiers)
{
    if (cursorAction == MoveEnd && model() && model()->canFetchMore({}))
        wantEnd(End::MakeCurrent);
    return QTableView::moveCursor(cursorAction, modifiers);
}

void DataTableView::wantEnd(End how)
{
    if (!model() || !model()->canFetchMore({}))
        return;
    m_end = std::max(m_end, how);
    emit endWanted();
}

void DataTableView::rowsLoaded(bool allRows)
{
    if (m_end == End::NotWanted)
        return;
    executeDelayedItemsLayout();
    scrollToBottom();
    if (!allRows)
        return;
    const int last = model()->rowCount() - 1;
    if (m_end == End::MakeCurrent && last >= 0) {
        const QModelIndex index = model()->index(last, currentIndex().isValid() ? currentIndex().column() : 0);
        selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        scrollTo(index);
    }
    m_end = End::NotWanted;
}

DataTableView *makeTable(QAbstractItemModel *model, const QString &name)
{
    auto *view = new DataTableView;
    view->setObjectName(name);
    view->setModel(model);
    return view;
}

QLabel *makeTableTitle(const QString &name)
{
    auto *title = new QLabel;
    title->setObjectName(name);
    title->setTextFormat(Qt::PlainText);
    QFont font = title->font();
    font.setBold(true);
    title->setFont(font);
    return title;
}
