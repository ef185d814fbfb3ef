// discodesk-server: the discovery service without a window.

#include "CommandLine.h"
#include "DiscoveryServer.h"
#include "ShutdownSignals.h"
#include "Version.h"

#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>

namespace {

void printLine(FILE *stream, const QString &line)
{
    std::fputs(qPrintable(line + u'\n'), stream);
    std::fflush(stream);
}

} // namespace

int main(int argc, char *argv[])
{
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

    ServerConfig config;
    if (const QString error = options.apply(parser, config); !error.isEmpty()) {
        printLine(stderr, QStringLiteral("discodesk-server: %1").arg(error));
        return 2;
    }

    ShutdownSignals signalHandler;
    DiscoveryServer server;
    QObject::connect(&server, &DiscoveryServer::requestFinished, [](const RequestLogEntry &entry) {
        printLine(stdout, entry.toLogLine());
    });
    if (const QString error = server.start(config); !error.isEmpty()) {
        printLine(stderr, QStringLiteral("discodesk-server: %1").arg(error));
        return 1;
    }
    printLine(stdout, QStringLiteral("DiscoDesk %1 listening on %2 (database %3)")
                          .arg(QStringLiteral(DISCODESK_VERSION), server.url().toString(), server.databasePath()));
    if (!config.bindAddress.isLoopback())
        printLine(stdout, QStringLiteral("The admin API needs \"Authorization: Bearer <token>\"; the token is in %1")
                              .arg(server.adminTokenPath()));

    const int code = app.exec();
    server.stop();
    printLine(stdout, QStringLiteral("DiscoDesk stopped"));
    return code;
}
