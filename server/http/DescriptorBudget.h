#pragma once

#include <QtGlobal>

// How many sockets the HTTP server may hold open at once, so that the process keeps
// file descriptors for its own work: the database's files, the connections of the
// damage check, the checkpointer and the counts, a new thread's wake-up descriptor,
// an export or a backup, and the window's own files. Out of them, SQLite cannot open
// a WAL and Qt aborts when a thread starts, so clients must not take the last ones.
struct DescriptorBudget
{
    // Descriptors kept back for that work beyond those open when counted: the server
    // needs some ten more at most, the window a few files at a time.
    static constexpr int Reserve = 32;

    qint64 openFileLimit = -1; // the process's limit on open files (ulimit -n); -1: none
    int openNow = 0;           // descriptors open when counted

    // What that leaves for sockets, at least 2 (one to serve, one to refuse); INT_MAX
    // without a limit.
    int forSockets() const;

    // This process's, now.
    static DescriptorBudget now();
};
