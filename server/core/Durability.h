#pragma once

// What a committed write survives, and so what a write's 200 promises.
enum class Durability {
    // A commit returns only once its data is on stable storage: SQLite syncs its WAL
    // at every commit (one sync per group commit), as etcd syncs its own. A power cut
    // or a kernel crash cannot take an answered write back.
    PowerLoss,
    // A commit returns once the operating system has the data: a killed DiscoDesk
    // loses nothing, but a power cut may take back the last commits. No wait for the
    // disk.
    ProcessCrash,
};
