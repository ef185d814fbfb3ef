#include "ClusterMember.h"

#include <QFileInfo>

#ifdef Q_OS_LINUX
#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>
#endif

ClusterMember::ClusterMember(QString name, QList<MemberPort> ports, MemberCommand command, QString dataDir,
                             QList<LogSign> signs, QObject *parent)
    : QObject(parent), m_name(std::move(name)), m_ports(std::move(ports)), m_command(std::move(command)),
      m_dataDir(std::move(dataDir)), m_signs(std::move(signs))
{
    m_hasReadySign = std::any_of(m_signs.cbegin(), m_signs.cend(), [](const LogSign &sign) { return sign.ready; });
    // Both channels in one log, in the order the member wrote them.
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.setWorkingDirectory(QFileInfo(m_dataDir).absolutePath());
#ifdef Q_OS_LINUX
    // A child that outlives DiscoDesk would keep its ports: if DiscoDesk dies
    // without stopping it (killed, crashed), the kernel sends it SIGTERM.
    const pid_t discoDesk = getpid();
    m_process.setChildProcessModifier([discoDesk] {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != discoDesk) // died already, before the line above
            _exit(1);
    });
#endif
    m_killTimer.setSingleShot(true);
    connect(&m_killTimer, &QTimer::timeout, &m_process, &QProcess::kill);
    connect(&m_process, &QProcess::started, this, [this] {
        m_pid = m_process.processId();
        if (!m_hasReadySign)
            setState(State::Running);
    });
    connect(&m_process, &QProcess::readyReadStandardOutput, this, &ClusterMember::readOutput);
    connect(&m_process, &QProcess::finished, this, &ClusterMember::onFinished);
    connect(&m_process, &QProcess::errorOccurred, this, &ClusterMember::onError);
}

ClusterMember::~ClusterMember()
{
    // Nothing may be told any more; the process must still end.
    m_process.disconnect(this);
    if (m_process.state() != QProcess::NotRunning) {
        m_process.terminate();
        if (!m_process.waitForFinished(int(m_stopGrace.count()))) {
            m_process.kill();
            m_process.waitForFinished(-1);
        }
    }
}

bool ClusterMember::isLive() const
{
    switch (m_state) {
    case State::Waiting:
    case State::Starting:
    case State::Running:
    case State::Stopping:
        return true;
    default:
        return false;
    }
}

bool ClusterMember::isSettling() const
{
    return m_state == State::Waiting || m_state == State::Starting || m_state == State::Stopping;
}

void ClusterMember::start()
{
    if (m_state != State::Waiting)
        return;
    setState(State::Starting); // before start(): a missing program fails inside it
    m_process.start(m_command.program, m_command.arguments);
}

void ClusterMember::stop()
{
    if (m_state == State::Waiting)
        return setState(State::Stopped);
    if (m_process.state() == QProcess::NotRunning || m_stopAsked)
        return;
    m_stopAsked = true;
    setState(State::Stopping);
    m_process.terminate();
    m_killTimer.start(m_stopGrace);
}

void ClusterMember::stopNow(std::chrono::steady_clock::time_point deadline)
{
    if (m_state == State::Waiting)
        return setState(State::Stopped);
    if (m_process.state() == QProcess::NotRunning)
        return;
    if (!m_stopAsked) {
        m_stopAsked = true;
        setState(State::Stopping);
        m_process.terminate();
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (!m_process.waitForFinished(int(std::max<qint64>(left.count(), 1)))) {
        m_process.kill();
        m_process.waitForFinished(-1); // SIGKILL cannot be refused: this returns
    }
}

void ClusterMember::setState(State state)
{
    if (state == m_state)
        return;
    m_state = state;
    emit stateChanged();
}

void ClusterMember::readOutput()
{
    const QStringList lines = m_log.append(m_process.readAllStandardOutput());
    if (lines.isEmpty())
        return;
    noteSigns(lines);
    emit logged(lines);
}

void ClusterMember::noteSigns(const QStringList &lines)
{
    for (const QString &line : lines) {
        for (const LogSign &sign : std::as_const(m_signs)) {
            if (!line.contains(sign.text))
                continue;
            const bool noteChanged = m_note != sign.meaning;
            m_note = sign.meaning;
            if (sign.ready && m_state == State::Starting)
                setState(State::Running); // says so
            else if (noteChanged)
                emit stateChanged();
        }
    }
}

void ClusterMember::onFinished(int exitCode, QProcess::ExitStatus status)
{
    m_killTimer.stop();
    readOutput();
    if (const QStringList last = m_log.finish(); !last.isEmpty()) {
        noteSigns(last);
        emit logged(last);
    }
    m_pid = 0;
    m_exitCode = exitCode; // after a crash, Qt gives the signal here
    if (m_stopAsked)
        setState(State::Stopped);
    else
        setState(status == QProcess::CrashExit ? State::Crashed : State::Exited);
}

void ClusterMember::onError(QProcess::ProcessError error)
{
    if (error != QProcess::FailedToStart)
        return; // the others end in finished()
    m_error = m_process.errorString();
    setState(State::FailedToStart);
}
