#pragma once

#include <QSortFilterProxyModel>

// The IDs table's sorting and filtering: as QSortFilterProxyModel, except that IDs
// without a label sort last in either order. Thousands of unlabelled IDs would
// otherwise come first whenever the user sorts by label to find the named ones.
class IdSortProxy : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

protected:
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;
};
