// discodesk-server: the discovery service without a window.

#include "CommandLine.h"
#include "DiscoveryServer.h"
#include "HeapTuning.h"
#include "LogWriter.h"
#include "ShutdownSignals.h"
#include "Version.h"

#include <QCoreApplication>
int main(int argc, char *argv[])
{
    HeapTuning::keepFreedMemory();
    // Qt's own event loop rather than GLib's, as on every platform without GLib: with
    // GLib, each reply's socket write turned its socket's write notifier on and off
    // again, and GLib wakes its loop for each such change, two more system calls per
    // request (a lookup took three instead of one, and 20% more of the CPU). The window
    // keeps GLib's, which its platform integration may need.
    qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    // The same names as the window's, so both find the same default database.
    QCoreApplication::setApplicationName(QStringLiteral("DiscoDesk"));
    QCoreApplication::setOrganizationName(QStringLiteral("DiscoDesk"));
    QCoreApplication::setApplicationVersion(QStringLiteral(DISCODESK_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "DiscoDesk's discovery service for rqlite (-disco-url) without a window.\n"
        "Logs one line per request: time, method, path, status, duration, remote address."));
    parser.addHelpOption();
    parser.addVersionOption();
    const ServerOptions options(parser);
    parser.process(app);

    LogWriter out(stdout);
    LogWriter err(stderr);
    ServerConfig config;
    if (const QString error = options.apply(parser, config); !error.isEmpty()) {
        err.writeLineNow(QStringLiteral("discodesk-server: %1").arg(error));
        return 2;
    }

    ShutdownSignals signalHandler;
    DiscoveryServer server;
    QObject::connect(&server, &DiscoveryServer::requestFinished, &out, [&out](const RequestLogEntry &entry) {
        out.writeLine(entry.toLogLine());
    });
    if (const QString error = server.start(config); !error.isEmpty()) {
        err.writeLineNow(QStringLiteral("discodesk-server: %1").arg(error));
        return 1;
    }
    QObject::connect(&server, &DiscoveryServer::failed, &app, [&err](const QString &reason) {
        err.writeLineNow(QStringLiteral("discodesk-server: %1").arg(reason));
        QCoreApplication::exit(1);
    });
    QObject::connect(&server, &DiscoveryServer::checkedForDamage, &app, [&out](const QString &outcome) {
        out.writeLineNow(outcome);
    });
    QObject::connect(&server, &DiscoveryServer::expirySwept, &app, [&out](const ExpirySweep &sweep) {
        out.writeLineNow(QStringLiteral("Expiry sweep at %1: %2").arg(sweep.at.toIso8601(), sweep.summary()));
    });
    QObject::connect(&server, &DiscoveryServer::expiryFailed, &app, [&err](const QString &reason) {
        err.writeLineNow(QStringLiteral("discodesk-server: an expiry sweep failed: %1").arg(reason));
    });
    out.writeLineNow(QStringLiteral("DiscoDesk %1 listening on %2 (database %3)")
                         .arg(QStringLiteral(DISCODESK_VERSION), server.url().toString(), server.databasePath()));
    if (const QString note = server.connectionLimitNote(); !note.isEmpty())
        out.writeLineNow(note);
    if (!config.bindAddress.isLoopback())
        out.writeLineNow(QStringLiteral("The admin API needs \"Authorization: Bearer <token>\"; the token is in %1")
                             .arg(server.adminTokenPath()));

    const int code = app.exec();
    server.stop();
    out.writeLineNow(QStringLiteral("DiscoDesk stopped"));
    return code;
}
