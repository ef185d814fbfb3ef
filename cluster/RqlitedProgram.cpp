#include "RqlitedProgram.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTimer>

#include <memory>

namespace RqlitedProgram {

QString find(const QString &chosen)
{
    if (!chosen.trimmed().isEmpty())
        return chosen.trimmed();
    return QStandardPaths::findExecutable(QStringLiteral("rqlited"));
}

void readVersion(const QString &path, QObject *context, std::function<void(const Found &)> done,
                 std::chrono::milliseconds timeout)
{
    auto *process = new QProcess(context);
    process->setProcessChannelMode(QProcess::MergedChannels); // 6.x prints it to stdout, 7 and later to stderr
    auto *timer = new QTimer(process);
    timer->setSingleShot(true);
    // Whichever comes first answers; the process goes with its answer.
    auto answered = std::make_shared<bool>(false);
    auto answer = [process, path, done, answered](const QString &problem) {
        if (std::exchange(*answered, true))
            return;
        Found found{path, std::nullopt, problem};
        if (problem.isEmpty()) {
            const QByteArray output = process->readAll();
            found.version = RqliteVersion::parse(output);
            if (!found.version) {
                found.problem = QStringLiteral("%1 -version did not name an rqlited release: %2")
                                    .arg(path, QString::fromUtf8(output.left(200)).trimmed());
            }
        }
        process->disconnect();
        process->kill(); // after a timeout; a no-op once it has ended
        process->deleteLater();
        done(found);
    };
    QObject::connect(process, &QProcess::finished, process, [answer] { answer({}); });
    QObject::connect(process, &QProcess::errorOccurred, process, [answer, process, path](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            answer(QStringLiteral("cannot run %1: %2").arg(path, process->errorString()));
    });
    QObject::connect(timer, &QTimer::timeout, process, [answer, path, timeout] {
        answer(QStringLiteral("%1 -version did not answer within %2 s").arg(path).arg(timeout.count() / 1000.0));
    });
    timer->start(timeout);
    process->start(path, {QStringLiteral("-version")});
}

} // namespace RqlitedProgram
