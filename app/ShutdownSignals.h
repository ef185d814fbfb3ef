#pragma once

#include <QObject>

// Turns SIGINT and SIGTERM (Ctrl+C and console close on Windows) into a clean
// QCoreApplication::quit() on the main thread.
class ShutdownSignals : public QObject
{
    Q_OBJECT

public:
    explicit ShutdownSignals(QObject *parent = nullptr);
};
