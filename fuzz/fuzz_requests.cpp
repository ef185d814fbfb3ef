// Whole requests through every API (rqlite, etcd, admin, health), against a real
// store. Input: "METHOD TARGET" on the first line, an optional
// "Authorization: ..." line, then the body.

#include "DiscoveryServer.h"

#include <QCoreApplication>
#include <QTemporaryDir>

#include <cstdint>

namespace {

// One server for the whole run, never destroyed: at exit, Qt's SQL registry may be
// gone before any static object here would be.
DiscoveryServer *server()
{
    static DiscoveryServer *instance = [] {
        static int argc = 1;
        static char name[] = "fuzz_requests";
        static char *argv[] = {name, nullptr};
        static auto *app = new QCoreApplication(argc, argv);
        static auto *dir = new QTemporaryDir; // in $TMPDIR: scripts/fuzz removes it
        Q_UNUSED(app);
        auto *created = new DiscoveryServer;
        ServerConfig config;
        config.port = 0;
        config.databasePath = dir->filePath(QStringLiteral("fuzz.sqlite"));
        // No event loop runs here to hear the WAL's syncs; what is fuzzed is what
        // the requests do, answered once committed.
        config.durability = Durability::ProcessCrash;
        if (!created->start(config).isEmpty())
            __builtin_trap();
        return created;
    }();
    return instance;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    qsizetype lineEnd = input.indexOf('\n');
    if (lineEnd < 0)
        lineEnd = input.size();
    const QList<QByteArray> requestLine = input.left(lineEnd).split(' ');
    QByteArray rest = input.mid(lineEnd + 1);
    QByteArray authorization;
    if (rest.startsWith("Authorization: ")) {
        const qsizetype end = rest.indexOf('\n');
        authorization = rest.mid(15, end < 0 ? -1 : end - 15);
        rest = end < 0 ? QByteArray() : rest.mid(end + 1);
    }
    // As QHttpServer builds it: the target, then the Host header's authority.
    QUrl url = QUrl::fromEncoded(requestLine.value(1));
    url.setAuthority(QStringLiteral("127.0.0.1:4011"));
    url.setScheme(QStringLiteral("http"));
    const HttpRequest request = HttpRequest::make(requestLine.value(0), url, rest, authorization,
                                                  QStringLiteral("127.0.0.1"));
    const HttpReply reply = server()->handle(request);
    if (reply.status < 200 || reply.status > 599 || reply.contentType.isEmpty())
        __builtin_trap(); // every request gets a real answer with a type
    return 0;
}
