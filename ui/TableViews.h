#pragma once

#include <QPersistentModelIndex>
#include <QTableView>

class QLabel;

// A table as the window shows every one: whole rows selected, no grid, one line per
// row, left-aligned headers, the actions added to it as its context menu. Tab leaves
// it for the next part of the window (arrows move between rows), and rows inserted
// above the current row do not move that row on screen: live inserts at the top of
// a long list leave what the user looks at where it is.
//
// Its model may load rows lazily (canFetchMore): Ctrl+End, or the scroll bar taken
// to the bottom, then asks for the rest with endWanted(); whoever loads them says so
// with rowsLoaded() and the table goes on to the true end.
class DataTableView : public QTableView
{
    Q_OBJECT

public:
    explicit DataTableView(QWidget *parent = nullptr);

    void setModel(QAbstractItemModel *model) override;

    // Rows arrived after endWanted(); allRows once nothing is left to load. The table
    // follows the end, and at the last row makes it current if Ctrl+End asked.
    void rowsLoaded(bool allRows);

signals:
    void endWanted();

protected:
    QModelIndex moveCursor(CursorAction cursorAction, Qt::KeyboardModifiers modifiers) override;

private:
    enum class End { NotWanted, Show, MakeCurrent };

    void rememberCurrentRowPosition();
    void keepCurrentRowPosition();
    void wantEnd(End how);

    // The current row and its distance from the viewport's top before an insert.
    QPersistentModelIndex m_anchor;
    int m_anchorY = 0;
    End m_end = End::NotWanted;
};

// A table for the window's parts: a DataTableView named name (for tests) on model.
DataTableView *makeTable(QAbstractItemModel *model, const QString &name);
// The bold line of plain text above a table that says what it shows.
QLabel *makeTableTitle(const QString &name);
