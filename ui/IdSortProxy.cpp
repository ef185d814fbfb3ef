#include "IdSortProxy.h"

#include "IdTableModel.h"

bool IdSortProxy::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    if (left.column() == IdTableModel::LabelColumn) {
        const bool leftEmpty = left.data(sortRole()).toString().isEmpty();
        const bool rightEmpty = right.data(sortRole()).toString().isEmpty();
        if (leftEmpty != rightEmpty) {
            // Descending order reverses what lessThan says: empty must then be "less".
            return sortOrder() == Qt::AscendingOrder ? rightEmpty : leftEmpty;
        }
    }
    return QSortFilterProxyModel::lessThan(left, right);
}
