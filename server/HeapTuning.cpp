#include "HeapTuning.h"

#include <cstdlib> // defines __GLIBC__ where the C library is glibc

#if defined(__GLIBC__)
#include <malloc.h>
#endif

void HeapTuning::keepFreedMemory()
{
#if defined(__GLIBC__)
    mallopt(M_TRIM_THRESHOLD, KeptFreeBytes);
    // Setting the trim threshold also fixes the size from which glibc maps each block
    // on its own (128 KiB) instead of raising it as it sees big blocks freed: raise it
    // once here, so that a megabyte-sized reply is not a map and an unmap each time.
    mallopt(M_MMAP_THRESHOLD, 4 * 1024 * 1024);
#endif
}

void HeapTuning::giveBackFreedMemory()
{
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}
