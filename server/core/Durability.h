#pragma once

// What an answered write survives, and so what a write's 200 promises.
enum class Durability {
    // Answered only once its data is on stable storage, as etcd answers only after
    // syncing its WAL: a power cut or a kernel crash cannot take it back. (GroupCommit
    // syncs SQLite's WAL after each group commit; a store on its own syncs inside
    // each commit.)
    PowerLoss,
    // Answered once the operating system has the data: a killed DiscoDesk loses
    // nothing, but a power cut may take back the last commits. No wait for the disk.
    ProcessCrash,
};
