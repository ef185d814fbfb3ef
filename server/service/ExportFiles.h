#pragma once

#include "core/Records.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <functional>

class DiscoveryService;
class QObject;

enum class ExportFormat { Json, Csv };

namespace ExportFiles {

// The CSV export: a header, then one row per node with its ID's columns, and one row
// with empty node columns for each ID that has no nodes. etcd members also have
// their name and registered value (empty for rqlite nodes). Times are ISO 8601 UTC,
// as in the JSON export; fields are quoted as RFC 4180 says.
QByteArray csvDocument(const QList<DiscoveryIdWithNodes> &records);

// What save() did: how many IDs it wrote, or why it failed.
struct Saved
{
    qsizetype ids = 0;
    QString error;
};

// Writes the export of the given IDs (all when empty) in the chosen format to path,
// an ID at a time as the service reads them, atomically: a failed export leaves any
// old file as it was. Call it on the service's thread.
Saved save(DiscoveryService &service, const QStringList &ids, ExportFormat format, Timestamp exportedAt,
           const QString &path);

// The same on a thread of its own, through a read-only connection of its own to the
// database at location (a file path or a postgresql:// URL, with its password): one
// moment's data, while the server goes on serving. done(saved) runs on receiver's
// thread, unless receiver is gone by then.
void saveInBackground(const QString &location, const QStringList &ids, ExportFormat format, Timestamp exportedAt,
                      const QString &path, QObject *receiver, std::function<void(const Saved &)> done);

} // namespace ExportFiles
