#pragma once

#include <QObject>

// Turns SIGINT and SIGTERM (Ctrl+C and console close on Windows) into a clean
// QCoreApplication::quit() on the main thread. It also ignores SIGXFSZ, which would
// kill the process at a file-size limit: the write fails instead, the database
// reports it, and registrations get a 503 until there is room again.
class ShutdownSignals : public QObject
{
    Q_OBJECT

public:
    explicit ShutdownSignals(QObject *parent = nullptr);
};
