#pragma once

#include "core/JsonOutput.h"
#include "core/Records.h"

#include <QByteArray>
#include <QJsonObject>

class QIODevice;

// The JSON shapes of discovery IDs and nodes, shared by the admin API and the
// export file, and the export file itself:
//
//   {"format": "discodesk-export", "format_version": 2, "exported_at": "<ISO 8601>",
//    "ids": [{"id", "kind", "label", "created_at", "expected_size", "last_activity",
//             "node_count", "nodes": [{"addr", "first_registered", "last_seen",
//                                       "registrations", "registered_by"}]}],
//    "kv": [{"key", "value" (standard base64, or null), "flags" (a decimal string),
//            "create_index", "modify_index", "created_at", "modified_at", "reported_at"}]}
//
// Version 2 added "kv" (Consul KV keys); version 1 files, which have none, still import.
// Times are ISO 8601 UTC with microseconds. README.md documents every field.
namespace ExchangeFormat {

inline constexpr auto FormatName = "discodesk-export";
inline constexpr int FormatVersion = 2;

QJsonObject toJson(const DiscoveryId &id);
QJsonObject toJson(const Node &node);
QJsonObject toJson(const DiscoveryIdWithNodes &record);

QByteArray exportDocument(const QList<DiscoveryIdWithNodes> &records, Timestamp exportedAt,
                          const QList<KvEntry> &kv = {});

// Writes the export document an ID at a time, byte for byte as exportDocument():
// an export of a big store never holds all its records, nor a tree of the document.
class ExportWriter
{
public:
    // Into takeDocument(); with a device, the text goes on to it as it grows.
    explicit ExportWriter(Timestamp exportedAt, QIODevice *device = nullptr);

    void add(const DiscoveryIdWithNodes &record);
    // After every ID: the first key ends the list of IDs.
    void addKv(const KvEntry &entry);
    // Ends the document; false when writing to the device failed.
    bool finish();
    // The whole document (without a device), once finished.
    QByteArray takeDocument() { return std::move(m_out); }

private:
    void writeId(const DiscoveryIdWithNodes &record);
    void writeNode(const Node &node);
    void writeTime(QLatin1StringView key, Timestamp time);
    void writeToDevice();
    void startKv();

    QByteArray m_out;
    JsonWriter m_json;
    QIODevice *m_device;
    bool m_failed = false;
    bool m_inKv = false; // the IDs' list is closed and the keys' open
};

// Why a file was refused, and where in it: "ids[2].nodes[0].addr", or "line 3,
// column 14" for a syntax error.
struct ImportError
{
    QString message;
    QString where;

    QString toString() const { return where.isEmpty() ? message : where + QStringLiteral(": ") + message; }
};

struct ParsedImport
{
    QList<DiscoveryIdWithNodes> records;
    QList<KvEntry> kv;
    std::optional<ImportError> error;
};

// Reads and fully validates an export file. Nothing is written anywhere: a file
// with any error gives no records at all.
ParsedImport parseDocument(const QByteArray &data);

} // namespace ExchangeFormat
