#pragma once

#include "ClusterRecipe.h"
#include "LogTail.h"

#include <QObject>
#include <QProcess>
#include <QTimer>

#include <chrono>

// One member of a local cluster: its process, a child of DiscoDesk (on Linux it is
// also told to stop when DiscoDesk dies), what state it is in and the last lines it
// wrote (both output channels).
class ClusterMember : public QObject
{
    Q_OBJECT

public:
    enum class State {
        Waiting,       // not started yet (the first member's head start)
        Starting,      // running, and has not said that it serves
        Running,       // running and serving, as its log said (or it has no such line)
        Stopping,      // asked to stop
        Stopped,       // stopped when asked, or never started
        Exited,        // ended on its own: exitCode()
        Crashed,       // killed by a signal nobody here sent: exitCode() is the signal
        FailedToStart, // the program could not be run: error()
    };

    // How long a member has to stop after SIGTERM before it is killed.
    static constexpr std::chrono::milliseconds DefaultStopGrace{5000};

    ClusterMember(QString name, QList<MemberPort> ports, MemberCommand command, QString dataDir,
                  QList<LogSign> signs, QObject *parent = nullptr);
    ~ClusterMember() override;

    QString name() const { return m_name; }
    QList<MemberPort> ports() const { return m_ports; }
    const MemberCommand &command() const { return m_command; }
    QString dataDir() const { return m_dataDir; }

    State state() const { return m_state; }
    // Neither ended nor stopped: it runs, or is about to.
    bool isLive() const;
    // Waiting, starting or stopping: the state will change without being asked.
    bool isSettling() const;
    // The process's ID while it runs; 0 otherwise.
    qint64 pid() const { return m_pid; }
    // After Exited: the exit status; after Crashed: the signal.
    int exitCode() const { return m_exitCode; }
    // After FailedToStart: why.
    QString error() const { return m_error; }
    // What the last telling log line said ("serving clients"), if any.
    QString note() const { return m_note; }
    const LogTail &log() const { return m_log; }

    void setStopGrace(std::chrono::milliseconds grace) { m_stopGrace = grace; }

    void start();
    // SIGTERM, then SIGKILL once the grace has passed; stateChanged() when it ended.
    void stop();
    // For quitting: ends the process, waiting at most until deadline for SIGTERM to
    // work, then kills it and waits for that. Blocks.
    void stopNow(std::chrono::steady_clock::time_point deadline);

signals:
    void stateChanged();
    // New complete lines in log().
    void logged(const QStringList &lines);

private:
    void setState(State state);
    void readOutput();
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void onError(QProcess::ProcessError error);
    void noteSigns(const QStringList &lines);

    QString m_name;
    QList<MemberPort> m_ports;
    MemberCommand m_command;
    QString m_dataDir;
    QList<LogSign> m_signs;
    bool m_hasReadySign = false;

    QProcess m_process;
    QTimer m_killTimer;
    std::chrono::milliseconds m_stopGrace = DefaultStopGrace;
    State m_state = State::Waiting;
    bool m_stopAsked = false;
    qint64 m_pid = 0;
    int m_exitCode = 0;
    QString m_error;
    QString m_note;
    LogTail m_log;
};
