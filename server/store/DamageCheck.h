#pragma once

#include <QObject>
#include <QThread>

#include <memory>

// Reads a whole database for damage (Store::findDamage) on a thread and a read-only
// connection of its own, so that the server listens at once however big the file:
// a million IDs are 0.8 GB, which SQLite reads in about 2.5 s here. The server's
// writes go on meanwhile; the check reads the moment it began.
class DamageCheck : public QObject
{
    Q_OBJECT

public:
    // Starts the check of the database at location (as Store::open takes it).
    explicit DamageCheck(const QString &location, QObject *parent = nullptr);
    // Waits for a check still under way: it reads through a connection of its own.
    ~DamageCheck() override;

signals:
    // Queued to this object's thread: what is damaged (empty: nothing), why the file
    // could not be read for it (empty: it was read), and how long the check took.
    void finished(const QString &damage, const QString &unreadable, qint64 milliseconds);

private:
    std::unique_ptr<QThread> m_thread;
};
