#include "ExportFiles.h"

#include "core/ExchangeFormat.h"

#include <QSaveFile>

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

} // namespace

namespace ExportFiles {

QByteArray csvDocument(const QList<DiscoveryIdWithNodes> &records)
{
    QByteArray csv = row({QStringLiteral("id"), QStringLiteral("kind"), QStringLiteral("label"),
                          QStringLiteral("created_at"), QStringLiteral("expected_size"),
                          QStringLiteral("last_activity"), QStringLiteral("node_count"),
                          QStringLiteral("addr"), QStringLiteral("first_registered"),
                          QStringLiteral("last_seen"), QStringLiteral("registrations"),
                          QStringLiteral("registered_by"), QStringLiteral("etcd_name"), QStringLiteral("etcd_value")});
    for (const DiscoveryIdWithNodes &record : records) {
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
    }
    return csv;
}

QByteArray document(const QList<DiscoveryIdWithNodes> &records, ExportFormat format, Timestamp exportedAt)
{
    return format == ExportFormat::Csv ? csvDocument(records)
                                       : ExchangeFormat::exportDocument(records, exportedAt);
}

QString write(const QString &path, const QByteArray &data)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    file.write(data);
    if (!file.commit())
        return QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    return {};
}

} // namespace ExportFiles
