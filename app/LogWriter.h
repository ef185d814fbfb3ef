#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QTimer>

#include <cstdio>

// Writes lines to stdout or stderr. Request log lines are gathered and written a
// moment later (at most FlushDelay), so a busy server does not pay one system call
// per request; status lines, and everything at exit, are written at once.
class LogWriter : public QObject
{
public:
    static constexpr int FlushDelayMs = 50;

    explicit LogWriter(FILE *stream, QObject *parent = nullptr);
    ~LogWriter() override;

    void writeLine(const QString &line); // soon
    void writeLineNow(const QString &line);
    void flush();

private:
    FILE *m_stream;
    QByteArray m_pending;
    QTimer m_timer;
};
