#pragma once

#include <QString>

class QAbstractItemModel;
class QLabel;
class QTableView;

// A table as the window shows every one: whole rows selected, no grid, one line per
// row, left-aligned headers, the actions added to it as its context menu.
QTableView *makeTable(QAbstractItemModel *model, const QString &name);
// The bold line of plain text above a table that says what it shows.
QLabel *makeTableTitle(const QString &name);
