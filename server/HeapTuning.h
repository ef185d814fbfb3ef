#pragma once

// How the process's memory allocator keeps memory it was given back: set once, first
// thing in main(), by every program that runs the server.
namespace HeapTuning {

// glibc gives memory freed at the top of the heap back to the kernel as soon as more
// than 128 KiB is free there. Each pass of the server's event loop allocates and frees
// that much (the requests read, their replies, SQLite's pages), so under load the heap
// shrank and grew again about once per request, and every page it grew by was a page
// fault: a third of a registration's CPU time. Freed memory is kept up to
// KeptFreeBytes instead; memory in use is unchanged. Does nothing outside glibc.
void keepFreedMemory();

// Gives every free page the heap holds back to the kernel, wherever it lies: after
// a burst that took far more than usual (a big prune's page cache), so that the
// process's memory falls back. Does nothing outside glibc.
void giveBackFreedMemory();

inline constexpr int KeptFreeBytes = 16 * 1024 * 1024;

} // namespace HeapTuning
