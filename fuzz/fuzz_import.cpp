// Import files: parsing and validation, then (for the rare valid one) the merge into
// a real store, twice, which must change nothing the second time.

#include "core/ExchangeFormat.h"
#include "service/DiscoveryService.h"
#include "store/Store.h"

#include <QCoreApplication>
#include <QTemporaryDir>

#include <cstdint>

namespace {

// One store for the whole run, never destroyed: at exit, Qt's SQL registry may be
// gone before any static object here would be.
Store *store()
{
    static Store *instance = [] {
        static int argc = 1;
        static char name[] = "fuzz_import";
        static char *argv[] = {name, nullptr};
        static auto *app = new QCoreApplication(argc, argv);
        static auto *dir = new QTemporaryDir; // in $TMPDIR: scripts/fuzz removes it
        Q_UNUSED(app);
        QString error;
        std::unique_ptr<Store> opened = Store::open(dir->filePath(QStringLiteral("fuzz.sqlite")), &error);
        if (!opened)
            __builtin_trap();
        return opened.release();
    }();
    return instance;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    const ExchangeFormat::ParsedImport parsed = ExchangeFormat::parseDocument(input);
    if (parsed.error) {
        if (!parsed.records.isEmpty() || parsed.error->message.isEmpty())
            __builtin_trap(); // an error gives no records, and says what is wrong
        return 0;
    }
    DiscoveryService service(*store());
    service.importIds(parsed.records);
    const auto again = service.importIds(parsed.records);
    if (again.ok() && !again->refused && again->summary.idsAdded + again->summary.nodesAdded != 0)
        __builtin_trap(); // importing the same file twice adds nothing the second time
    return 0;
}
