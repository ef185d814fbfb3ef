#pragma once

#include "store/Store.h"

// Runs work in one transaction and commits what it wrote; when work or the commit
// fails, nothing of it is saved. Work that refuses (an unknown ID) has written
// nothing, so committing it changes nothing. For the services' writes.
template <typename Work>
auto inTransaction(Store &store, Store::Access access, Work work) -> decltype(work())
{
    using Result = decltype(work());
    Store::Transaction transaction(store, access);
    if (!transaction.error().isEmpty())
        return Result::failure(transaction.error());
    Result result = work();
    if (!result.ok())
        return result;
    if (const auto committed = transaction.commit(); !committed.ok())
        return Result::failure(committed.error());
    return result;
}
