#include "ExportFiles.h"

#include "core/ExchangeFormat.h"
#include "service/DiscoveryService.h"
#include "store/Store.h"

#include <QPointer>
#include <QSaveFile>
#include <QThread>

namespace {

QByteArray field(const QString &text)
{
    QByteArray bytes = text.toUtf8();
    if (bytes.contains(',') || bytes.contains('"') || bytes.contains('\n') || bytes.contains('\r')) {
        bytes.replace('"', "\"\"");
        bytes = '"' + bytes + '"';
    }
    return bytes;
}

QByteArray row(const QStringList &fields)
{
    QByteArrayList encoded;
    for (const QString &text : fields)
        encoded.append(field(text));
    return encoded.join(',') + "\r\n";
}

QByteArray csvHeader()
{
    return row({QStringLiteral("id"), QStringLiteral("kind"), QStringLiteral("label"),
                QStringLiteral("created_at"), QStringLiteral("expected_size"),
                QStringLiteral("last_activity"), QStringLiteral("node_count"),
                QStringLiteral("addr"), QStringLiteral("first_registered"),
                QStringLiteral("last_seen"), QStringLiteral("registrations"),
                QStringLiteral("registered_by"), QStringLiteral("etcd_name"), QStringLiteral("etcd_value")});
}

// One ID's rows: one per node, or one with empty node columns.
QByteArray csvRows(const DiscoveryIdWithNodes &record)
{
    QByteArray csv;
    const DiscoveryId &id = record.id;
    const QStringList idFields = {id.id, kindName(id.kind), id.label, id.createdAt.toIso8601(),
                                  id.expectedSize ? QString::number(*id.expectedSize) : QString(),
                                  id.lastActivity.toIso8601(), QString::number(record.nodes.size())};
    if (record.nodes.isEmpty())
        csv += row(idFields + QStringList{{}, {}, {}, {}, {}, {}, {}});
    for (const Node &node : record.nodes) {
        csv += row(idFields + QStringList{node.address, node.firstRegistered.toIso8601(),
                                          node.lastSeen.toIso8601(), QString::number(node.registrations),
                                          node.registeredBy, EtcdMemberValue::parse(node.etcdValue).name,
                                          node.etcdValue});
    }
    return csv;
}

} // namespace

namespace ExportFiles {

QByteArray csvDocument(const QList<DiscoveryIdWithNodes> &records)
{
    QByteArray csv = csvHeader();
    for (const DiscoveryIdWithNodes &record : records)
        csv += csvRows(record);
    return csv;
}

Saved save(DiscoveryService &service, const QStringList &ids, ExportFormat format, Timestamp exportedAt,
           const QString &path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {0, QStringLiteral("cannot write %1: %2").arg(path, file.errorString())};
    std::optional<ExchangeFormat::ExportWriter> json;
    if (format == ExportFormat::Json)
        json.emplace(exportedAt, &file);
    else
        file.write(csvHeader());
    const auto exported = service.exportIds(ids, [&](const DiscoveryIdWithNodes &record) {
        if (json)
            json->add(record);
        else
            file.write(csvRows(record));
        return true;
    });
    if (!exported.ok())
        return {0, exported.error()}; // the file is left as it was
    // Everything: the Consul KV keys too (JSON only; CSV has a row per node).
    if (json && ids.isEmpty()) {
        const auto keys = service.exportKv([&](const KvEntry &entry) {
            json->addKv(entry);
            return true;
        });
        if (!keys.ok())
            return {0, keys.error()};
    }
    if (json)
        json->finish();
    if (!file.commit())
        return {0, QStringLiteral("cannot write %1: %2").arg(path, file.errorString())};
    return {exported.value(), {}};
}

void saveInBackground(const QString &location, const QStringList &ids, ExportFormat format, Timestamp exportedAt,
                      const QString &path, QObject *receiver, std::function<void(const Saved &)> done)
{
    QPointer<QObject> guard(receiver);
    QThread *thread = QThread::create([=] {
        // Opened, used and closed on this thread: a connection belongs to its thread.
        Saved saved;
        QString error;
        if (std::unique_ptr<Store> store = Store::open(location, &error, Store::Mode::ReadOnly)) {
            DiscoveryService service(*store);
            saved = save(service, ids, format, exportedAt, path);
        } else {
            saved.error = error;
        }
        if (guard)
            QMetaObject::invokeMethod(guard, [guard, done, saved] { done(saved); }, Qt::QueuedConnection);
    });
    thread->setObjectName(QStringLiteral("DiscoDesk export"));
    QObject::connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    thread->start();
}

} // namespace ExportFiles
