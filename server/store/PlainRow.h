#pragma once

#include <QString>

// One row of a statement, read as plain values while the statement runs: what
// Store::runPlain() hands its reader, whichever way the engine ran it.
class PlainRow
{
public:
    virtual bool isNull(int column) const = 0;
    virtual qint64 integer(int column) const = 0;
    virtual QString text(int column) const = 0;

protected:
    ~PlainRow() = default;
};
