// The JSON encoding and the HTTP hot paths that need no database: the rqlite record
// (written by hand, and the same through QJsonDocument for comparison), the export
// document, the request framer, the request log line and timestamps.
#include "BenchSupport.h"

#include "core/ExchangeFormat.h"
#include "http/HttpTypes.h"
#include "http/RequestFramer.h"
#include "http/RqliteApi.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace BenchSupport;

namespace {

RqliteRecord recordWith(int addresses)
{
    RqliteRecord record;
    record.id = idOf(0);
    record.createdAt = at(589277);
    for (int k = 0; k < addresses; ++k)
        record.addresses.append(QStringLiteral("localhost:%1").arg(4001 + 2 * k)); // rqlited's HTTP ports
    return record;
}

// The same bytes as RqliteApi::recordJson, the way Qt would write them.
QByteArray recordJsonViaQJsonDocument(const RqliteRecord &record)
{
    const QJsonObject object{
        {QStringLiteral("created_at"), record.createdAt.toRqliteFormat()},
        {QStringLiteral("disco_id"), record.id},
        {QStringLiteral("nodes"), QJsonArray::fromStringList(record.addresses)},
    };
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

void BM_RecordJson(benchmark::State &state)
{
    const RqliteRecord record = recordWith(static_cast<int>(state.range(0)));
    const QByteArray expected = recordJsonViaQJsonDocument(record);
    if (RqliteApi::recordJson(record) != expected) {
        state.SkipWithError("recordJson differs from QJsonDocument's bytes");
        return;
    }
    for (auto _ : state) {
        QByteArray json = RqliteApi::recordJson(record);
        benchmark::DoNotOptimize(json.data());
    }
    state.SetBytesProcessed(state.iterations() * expected.size());
}
BENCHMARK(BM_RecordJson)->ArgName("addresses")->Arg(5)->Arg(100);

void BM_RecordJsonViaQJsonDocument(benchmark::State &state)
{
    const RqliteRecord record = recordWith(static_cast<int>(state.range(0)));
    qint64 bytes = 0;
    for (auto _ : state) {
        QByteArray json = recordJsonViaQJsonDocument(record);
        benchmark::DoNotOptimize(json.data());
        bytes += json.size();
    }
    state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_RecordJsonViaQJsonDocument)->ArgName("addresses")->Arg(5)->Arg(100);

// The export file of 1,000 IDs x 5 nodes, as read from a store.
void BM_ExportDocument(benchmark::State &state)
{
    TempStore &temp = exportStore();
    if (!usable(temp, state))
        return;
    const auto records = temp.service().exportIds({});
    if (!records.ok() || records->size() != ExportIds) {
        state.SkipWithError(records.ok() ? "not 1,000 IDs" : records.error().toStdString().c_str());
        return;
    }
    qint64 bytes = 0;
    for (auto _ : state) {
        QByteArray document = ExchangeFormat::exportDocument(records.value(), at());
        benchmark::DoNotOptimize(document.data());
        bytes += document.size();
    }
    state.SetBytesProcessed(bytes);
    state.SetItemsProcessed(state.iterations() * ExportIds);
}
BENCHMARK(BM_ExportDocument)->Name("BM_ExportDocument/1000_ids_x_5_nodes")->Unit(benchmark::kMillisecond);

// A registration as rqlited 6.x (before 6.10) sends it, to the byte.
QByteArray rqlitedRequest()
{
    const QByteArray body = "{\"addr\":\"localhost:4001\"}";
    return "POST /" + idOf(0).toLatin1() + " HTTP/1.1\r\n"
           "Host: 127.0.0.1:4011\r\n"
           "User-Agent: Go-http-client/1.1\r\n"
           "Content-Length: " + QByteArray::number(body.size()) + "\r\n"
           "Content-Type: application-type/json\r\n"
           "Accept-Encoding: gzip\r\n"
           "\r\n" + body;
}

// One connection's framer reads the same request again and again (keep-alive),
// all at once (whole) or one byte per read (bytes).
void BM_RequestFramerFeed(benchmark::State &state, bool byteByByte)
{
    const QByteArray request = rqlitedRequest();
    RequestFramer framer{HttpLimits{}};
    for (auto _ : state) {
        qsizetype used = 0;
        if (byteByByte) {
            for (qsizetype i = 0; i < request.size(); ++i)
                used += framer.feed(QByteArrayView(request.constData() + i, 1));
        } else {
            used = framer.feed(request);
        }
        if (used != request.size() || !framer.takeRequest()) {
            state.SkipWithError("the framer did not read the request as one whole request");
            break;
        }
    }
    state.SetBytesProcessed(state.iterations() * request.size());
    state.counters["request_bytes"] = static_cast<double>(request.size());
}
BENCHMARK_CAPTURE(BM_RequestFramerFeed, whole, false);
BENCHMARK_CAPTURE(BM_RequestFramerFeed, byte_by_byte, true);

void BM_RequestLogLine(benchmark::State &state)
{
    RequestLogEntry entry;
    entry.at = at(123456);
    entry.method = QStringLiteral("POST");
    entry.path = QLatin1Char('/') + idOf(0);
    entry.status = 200;
    entry.durationMs = 0.42;
    entry.remoteAddress = QStringLiteral("127.0.0.1");
    for (auto _ : state) {
        QString line = entry.toLogLine();
        benchmark::DoNotOptimize(line.data());
    }
}
BENCHMARK(BM_RequestLogLine);

void BM_TimestampToIso8601(benchmark::State &state)
{
    qint64 usec = 0;
    for (auto _ : state) {
        QString text = at(usec += 1001).toIso8601();
        benchmark::DoNotOptimize(text.data());
    }
}
BENCHMARK(BM_TimestampToIso8601);

void BM_TimestampToRqliteFormat(benchmark::State &state)
{
    qint64 usec = 0;
    for (auto _ : state) {
        QString text = at(usec += 1001).toRqliteFormat();
        benchmark::DoNotOptimize(text.data());
    }
}
BENCHMARK(BM_TimestampToRqliteFormat);

} // namespace
