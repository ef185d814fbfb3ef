#pragma once

#include "core/Records.h"

#include <QByteArray>
#include <QString>

enum class ExportFormat { Json, Csv };

namespace ExportFiles {

// The CSV export: a header, then one row per node with its ID's columns, and one row
// with empty node columns for each ID that has no nodes. etcd members also have
// their name and registered value (empty for rqlite nodes). Times are ISO 8601 UTC,
// as in the JSON export; fields are quoted as RFC 4180 says.
QByteArray csvDocument(const QList<DiscoveryIdWithNodes> &records);

// The file's bytes in the chosen format (JSON: ExchangeFormat's export document).
QByteArray document(const QList<DiscoveryIdWithNodes> &records, ExportFormat format, Timestamp exportedAt);

// Writes data to path atomically: a failed write leaves any old file as it was.
// Returns an empty string, or why it failed.
QString write(const QString &path, const QByteArray &data);

} // namespace ExportFiles
