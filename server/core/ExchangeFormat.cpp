#include "ExchangeFormat.h"

#include "core/JsonInput.h"
#include "core/Validation.h"

#include <QJsonArray>
#include <QIODevice>
#include <QJsonDocument>
#include <QSet>

#include <limits>

namespace ExchangeFormat {

QJsonObject toJson(const DiscoveryId &id)
{
    QJsonObject object{
        {QStringLiteral("id"), id.id},
        {QStringLiteral("kind"), kindName(id.kind)},
        {QStringLiteral("label"), id.label},
        {QStringLiteral("created_at"), id.createdAt.toIso8601()},
        {QStringLiteral("expected_size"), id.expectedSize ? QJsonValue(*id.expectedSize) : QJsonValue()},
        {QStringLiteral("last_activity"), id.lastActivity.toIso8601()},
        {QStringLiteral("node_count"), id.nodeCount},
    };
    if (id.kind == DiscoveryKind::Etcd)
        object.insert(QStringLiteral("etcd_index"), id.etcdIndex);
    return object;
}

QJsonObject toJson(const Node &node)
{
    QJsonObject object{
        {QStringLiteral("addr"), node.address},
        {QStringLiteral("first_registered"), node.firstRegistered.toIso8601()},
        {QStringLiteral("last_seen"), node.lastSeen.toIso8601()},
        {QStringLiteral("registrations"), node.registrations},
        {QStringLiteral("registered_by"), node.registeredBy},
    };
    if (node.etcdIndex > 0) {
        // An etcd member: addr is its member ID. name and peer_urls are read from
        // value and shown for convenience; import reads value and etcd_index.
        const EtcdMemberValue member = EtcdMemberValue::parse(node.etcdValue);
        object.insert(QStringLiteral("value"), node.etcdValue);
        object.insert(QStringLiteral("etcd_index"), node.etcdIndex);
        object.insert(QStringLiteral("name"), member.name);
        object.insert(QStringLiteral("peer_urls"), QJsonArray::fromStringList(member.peerUrls));
    }
    return object;
}

QJsonObject toJson(const DiscoveryIdWithNodes &record)
{
    QJsonObject object = toJson(record.id);
    QJsonArray nodes;
    for (const Node &node : record.nodes)
        nodes.append(toJson(node));
    object.insert(QStringLiteral("nodes"), nodes);
    return object;
}

QByteArray exportDocument(const QList<DiscoveryIdWithNodes> &records, Timestamp exportedAt, const QList<KvEntry> &kv)
{
    ExportWriter writer(exportedAt);
    for (const DiscoveryIdWithNodes &record : records)
        writer.add(record);
    for (const KvEntry &entry : kv)
        writer.addKv(entry);
    writer.finish();
    return writer.takeDocument();
}

namespace {

// What a device is handed at a time: big enough for few system calls, small
// beside the document.
constexpr qsizetype DeviceChunkBytes = 1 << 20;

} // namespace

// The members in the order QJsonObject keeps them (sorted by name), so that the
// file is the same as when the document was built as one.
ExportWriter::ExportWriter(Timestamp exportedAt, QIODevice *device) : m_json(m_out), m_device(device)
{
    m_out.reserve(device ? 2 * DeviceChunkBytes : DeviceChunkBytes);
    m_json.beginObject();
    writeTime(QLatin1StringView("exported_at"), exportedAt);
    m_json.key(QLatin1StringView("format")).value(QLatin1StringView(FormatName));
    m_json.key(QLatin1StringView("format_version")).value(FormatVersion);
    m_json.key(QLatin1StringView("ids")).beginArray();
}

void ExportWriter::add(const DiscoveryIdWithNodes &record)
{
    Q_ASSERT(!m_inKv);
    writeId(record);
    if (m_device && m_out.size() >= DeviceChunkBytes)
        writeToDevice();
}

void ExportWriter::startKv()
{
    if (std::exchange(m_inKv, true))
        return;
    m_json.endArray();
    m_json.key(QLatin1StringView("kv")).beginArray();
}

void ExportWriter::addKv(const KvEntry &entry)
{
    startKv();
    m_json.beginObject();
    m_json.key(QLatin1StringView("create_index")).value(entry.createIndex);
    writeTime(QLatin1StringView("created_at"), entry.createdAt);
    m_json.key(QLatin1StringView("flags")).value(QLatin1StringView(QByteArray::number(entry.flags)));
    m_json.key(QLatin1StringView("key")).value(QStringView(entry.key));
    writeTime(QLatin1StringView("modified_at"), entry.modifiedAt);
    m_json.key(QLatin1StringView("modify_index")).value(entry.modifyIndex);
    writeTime(QLatin1StringView("reported_at"), entry.reportedAt);
    m_json.key(QLatin1StringView("value"));
    if (entry.value)
        m_json.value(QLatin1StringView(entry.value->toBase64()));
    else
        m_json.null();
    m_json.endObject();
    if (m_device && m_out.size() >= DeviceChunkBytes)
        writeToDevice();
}

bool ExportWriter::finish()
{
    startKv(); // a file with no keys still says so
    m_json.endArray();
    m_json.endObject();
    if (m_device)
        writeToDevice();
    return !m_failed;
}

void ExportWriter::writeId(const DiscoveryIdWithNodes &record)
{
    const DiscoveryId &id = record.id;
    m_json.beginObject();
    writeTime(QLatin1StringView("created_at"), id.createdAt);
    if (id.kind == DiscoveryKind::Etcd)
        m_json.key(QLatin1StringView("etcd_index")).value(id.etcdIndex);
    if (id.expectedSize)
        m_json.key(QLatin1StringView("expected_size")).value(*id.expectedSize);
    else
        m_json.key(QLatin1StringView("expected_size")).null();
    m_json.key(QLatin1StringView("id")).value(id.id);
    m_json.key(QLatin1StringView("kind")).value(kindName(id.kind));
    m_json.key(QLatin1StringView("label")).value(id.label);
    writeTime(QLatin1StringView("last_activity"), id.lastActivity);
    m_json.key(QLatin1StringView("node_count")).value(id.nodeCount);
    m_json.key(QLatin1StringView("nodes")).beginArray();
    for (const Node &node : record.nodes)
        writeNode(node);
    m_json.endArray();
    m_json.endObject();
}

void ExportWriter::writeNode(const Node &node)
{
    // An etcd member: addr is its member ID. name and peer_urls are read from value
    // and shown for convenience; import reads value and etcd_index.
    const bool member = node.etcdIndex > 0;
    m_json.beginObject();
    m_json.key(QLatin1StringView("addr")).value(node.address);
    if (member)
        m_json.key(QLatin1StringView("etcd_index")).value(node.etcdIndex);
    writeTime(QLatin1StringView("first_registered"), node.firstRegistered);
    writeTime(QLatin1StringView("last_seen"), node.lastSeen);
    EtcdMemberValue value;
    if (member) {
        value = EtcdMemberValue::parse(node.etcdValue);
        m_json.key(QLatin1StringView("name")).value(value.name);
        m_json.key(QLatin1StringView("peer_urls")).beginArray();
        for (const QString &url : std::as_const(value.peerUrls))
            m_json.value(url);
        m_json.endArray();
    }
    m_json.key(QLatin1StringView("registered_by")).value(node.registeredBy);
    m_json.key(QLatin1StringView("registrations")).value(node.registrations);
    if (member)
        m_json.key(QLatin1StringView("value")).value(node.etcdValue);
    m_json.endObject();
}

void ExportWriter::writeTime(QLatin1StringView key, Timestamp time)
{
    char text[Timestamp::MaxTextLength];
    m_json.key(key).value(QLatin1StringView(text, time.writeIso8601(text)));
}

void ExportWriter::writeToDevice()
{
    if (!m_failed && m_device->write(m_out) != m_out.size())
        m_failed = true;
    m_out.resize(0); // keeps its capacity for the next chunk
}

namespace {

// Reads one object's fields, remembering the path for error messages. The first
// error wins; later reads then do nothing.
class Reader
{
public:
    Reader(const QJsonObject &object, QString path, std::optional<ImportError> &error)
        : m_object(object), m_path(std::move(path)), m_error(error) {}

    bool failed() const { return m_error.has_value(); }

    void fail(const QString &key, const QString &message)
    {
        if (!m_error)
            m_error = ImportError{message, where(key)};
    }

    QString where(const QString &key) const
    {
        return m_path.isEmpty() ? key : m_path + u'.' + key;
    }

    // null is a wrong type like any other; only expected_size may be null (integer()).
    QString string(const QString &key, bool required, const QString &fallback = {})
    {
        const QJsonValue value = m_object.value(key);
        if (value.isUndefined()) {
            if (required)
                fail(key, QStringLiteral("is missing"));
            return fallback;
        }
        if (!value.isString()) {
            fail(key, QStringLiteral("must be a string"));
            return fallback;
        }
        return value.toString();
    }

    Timestamp timestamp(const QString &key, bool required, Timestamp fallback = {})
    {
        if (!required && !m_object.contains(key))
            return fallback;
        const QString text = string(key, true);
        if (failed())
            return fallback;
        QString problem;
        const auto parsed = Timestamp::fromExportedIso8601(text, &problem);
        if (!parsed) {
            fail(key, problem);
            return fallback;
        }
        return *parsed;
    }

    // nullable: null means "none", as the export writes a missing expected_size.
    std::optional<qint64> integer(const QString &key, bool required, qint64 min, qint64 max, bool nullable = false)
    {
        const QJsonValue value = m_object.value(key);
        if (value.isUndefined() || (nullable && value.isNull())) {
            if (required)
                fail(key, QStringLiteral("is missing"));
            return std::nullopt;
        }
        // Exact over all 64 bits, not through a double: the parser keeps a whole number
        // that a qint64 holds as one. toInteger() falls back to its default for any
        // other number, so two defaults give two answers.
        const qint64 number = value.toInteger(0);
        if (!value.isDouble() || number != value.toInteger(1) || number < min || number > max) {
            fail(key, QStringLiteral("must be a whole number from %1 to %2").arg(min).arg(max));
            return std::nullopt;
        }
        return number;
    }

    QJsonArray array(const QString &key, bool required)
    {
        const QJsonValue value = m_object.value(key);
        if (value.isUndefined() && !required)
            return {};
        if (!value.isArray()) {
            fail(key, value.isUndefined() ? QStringLiteral("is missing") : QStringLiteral("must be an array"));
            return {};
        }
        return value.toArray();
    }

private:
    QJsonObject m_object;
    QString m_path;
    std::optional<ImportError> &m_error;
};

std::optional<Node> readNode(const QJsonValue &value, const QString &path, DiscoveryKind kind,
                             std::optional<ImportError> &error)
{
    if (!value.isObject()) {
        error = ImportError{QStringLiteral("must be an object"), path};
        return std::nullopt;
    }
    Reader reader(value.toObject(), path, error);
    Node node;
    node.address = reader.string(QStringLiteral("addr"), true);
    if (!reader.failed() && kind == DiscoveryKind::Rqlite) {
        if (const QString problem = Validation::checkAddress(node.address); !problem.isEmpty())
            reader.fail(QStringLiteral("addr"), problem);
    }
    node.firstRegistered = reader.timestamp(QStringLiteral("first_registered"), true);
    // last_seen may be earlier than first_registered: a store keeps what a clock set
    // back gave it.
    node.lastSeen = reader.timestamp(QStringLiteral("last_seen"), false, node.firstRegistered);
    // As many as the store counts, to the end of its 64-bit column.
    node.registrations = reader.integer(QStringLiteral("registrations"), false, 1,
                                        std::numeric_limits<qint64>::max()).value_or(1);
    node.registeredBy = reader.string(QStringLiteral("registered_by"), false);
    if (!reader.failed() && Validation::characterCount(node.registeredBy) > Validation::MaxAddressLength)
        reader.fail(QStringLiteral("registered_by"), QStringLiteral("is too long"));
    if (kind == DiscoveryKind::Etcd && !reader.failed()) {
        if (!Validation::isWellFormedEtcdMemberId(node.address))
            reader.fail(QStringLiteral("addr"), QStringLiteral("\"%1\" is not a valid etcd member ID").arg(node.address.left(80)));
        node.etcdValue = reader.string(QStringLiteral("value"), true);
        if (!reader.failed()) {
            if (const QString problem = Validation::checkEtcdValue(node.etcdValue); !problem.isEmpty())
                reader.fail(QStringLiteral("value"), problem);
        }
        node.etcdIndex = reader.integer(QStringLiteral("etcd_index"), true, 2, Validation::MaxEtcdIndex).value_or(0);
        // Shown for convenience and read again from value, but still of their types.
        reader.string(QStringLiteral("name"), false);
        for (const QJsonValue url : reader.array(QStringLiteral("peer_urls"), false)) {
            if (!url.isString())
                reader.fail(QStringLiteral("peer_urls"), QStringLiteral("must be an array of strings"));
        }
    }
    if (reader.failed())
        return std::nullopt;
    return node;
}

std::optional<KvEntry> readKv(const QJsonValue &value, const QString &path, std::optional<ImportError> &error)
{
    if (!value.isObject()) {
        error = ImportError{QStringLiteral("must be an object"), path};
        return std::nullopt;
    }
    Reader reader(value.toObject(), path, error);
    KvEntry entry;
    entry.key = reader.string(QStringLiteral("key"), true);
    if (!reader.failed() && (entry.key.isEmpty() || entry.key.size() > Validation::MaxKvKeyLength
                             || entry.key.contains(QChar(u'\0'))))
        reader.fail(QStringLiteral("key"), QStringLiteral("must be 1 to %1 characters, without NUL")
                                               .arg(Validation::MaxKvKeyLength));
    const QJsonValue stored = value.toObject().value(QStringLiteral("value"));
    if (stored.isString()) {
        const auto decoded = QByteArray::fromBase64Encoding(stored.toString().toLatin1(),
                                                            QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded || stored.toString().size() % 4 != 0)
            reader.fail(QStringLiteral("value"), QStringLiteral("is not standard base64"));
        else if (!decoded.decoded.isEmpty())
            entry.value = decoded.decoded;
    } else if (!stored.isNull() && !stored.isUndefined()) {
        reader.fail(QStringLiteral("value"), QStringLiteral("must be a base64 string or null"));
    }
    if (entry.value && entry.value->size() > Validation::MaxKvValueBytes)
        reader.fail(QStringLiteral("value"), QStringLiteral("is longer than %1 bytes").arg(Validation::MaxKvValueBytes));
    const QString flags = reader.string(QStringLiteral("flags"), false, QStringLiteral("0"));
    bool ok = !flags.isEmpty() && std::all_of(flags.cbegin(), flags.cend(), [](QChar c) { return c.isDigit(); });
    entry.flags = ok ? flags.toULongLong(&ok) : 0;
    if (!reader.failed() && !ok)
        reader.fail(QStringLiteral("flags"), QStringLiteral("must be a whole number from 0 to 18446744073709551615, as a string"));
    // Indexes are the exporting server's; an import gives each key one of its own.
    reader.integer(QStringLiteral("create_index"), false, 0, std::numeric_limits<qint64>::max());
    reader.integer(QStringLiteral("modify_index"), false, 0, std::numeric_limits<qint64>::max());
    entry.createdAt = reader.timestamp(QStringLiteral("created_at"), true);
    entry.modifiedAt = reader.timestamp(QStringLiteral("modified_at"), false, entry.createdAt);
    entry.reportedAt = reader.timestamp(QStringLiteral("reported_at"), false, entry.modifiedAt);
    if (reader.failed())
        return std::nullopt;
    return entry;
}

std::optional<DiscoveryIdWithNodes> readId(const QJsonValue &value, const QString &path,
                                           std::optional<ImportError> &error)
{
    if (!value.isObject()) {
        error = ImportError{QStringLiteral("must be an object"), path};
        return std::nullopt;
    }
    Reader reader(value.toObject(), path, error);
    DiscoveryIdWithNodes record;
    record.id.id = reader.string(QStringLiteral("id"), true);
    if (!reader.failed() && !Validation::isWellFormedId(record.id.id))
        reader.fail(QStringLiteral("id"), QStringLiteral("\"%1\" is not a valid discovery ID (1 to %2 of "
                                                         "A-Z a-z 0-9 . _ -, not starting with a dot)")
                                              .arg(record.id.id.left(80)).arg(Validation::MaxIdLength));
    if (!reader.failed() && Validation::isReservedId(record.id.id))
        reader.fail(QStringLiteral("id"), QStringLiteral("\"%1\" is reserved by the server").arg(record.id.id));

    const QString kind = reader.string(QStringLiteral("kind"), true);
    if (!reader.failed()) {
        if (const auto parsed = kindFromName(kind))
            record.id.kind = *parsed;
        else
            reader.fail(QStringLiteral("kind"), QStringLiteral("\"%1\" is not a kind this DiscoDesk knows (rqlite, etcd)").arg(kind.left(40)));
    }
    record.id.label = reader.string(QStringLiteral("label"), false);
    if (!reader.failed()) {
        if (const QString problem = Validation::checkLabel(record.id.label); !problem.isEmpty())
            reader.fail(QStringLiteral("label"), problem);
    }
    record.id.createdAt = reader.timestamp(QStringLiteral("created_at"), true);
    if (const auto size = reader.integer(QStringLiteral("expected_size"), false, 1, Validation::MaxExpectedSize, true))
        record.id.expectedSize = int(*size);
    record.id.lastActivity = reader.timestamp(QStringLiteral("last_activity"), false, record.id.createdAt);
    if (record.id.kind == DiscoveryKind::Etcd) // 1 at creation, counting on with each member
        record.id.etcdIndex = reader.integer(QStringLiteral("etcd_index"), false, 1, Validation::MaxEtcdIndex).value_or(1);
    reader.integer(QStringLiteral("node_count"), false, 0, std::numeric_limits<qint32>::max()); // checked, not used

    const QJsonArray nodes = reader.array(QStringLiteral("nodes"), false);
    QSet<QString> addresses;
    for (qsizetype i = 0; i < nodes.size() && !reader.failed(); ++i) {
        const QString nodePath = reader.where(QStringLiteral("nodes[%1]").arg(i));
        const auto node = readNode(nodes.at(i), nodePath, record.id.kind, error);
        if (!node)
            break;
        if (addresses.contains(node->address)) {
            error = ImportError{QStringLiteral("\"%1\" appears twice in this ID").arg(node->address),
                                nodePath + QStringLiteral(".addr")};
            break;
        }
        addresses.insert(node->address);
        // Two members may share an etcd index: a token's merge by import can give them
        // that, and its export must still restore.
        record.nodes.append(*node);
    }
    if (reader.failed())
        return std::nullopt;
    record.id.nodeCount = int(record.nodes.size());
    return record;
}

QString lineAndColumn(const QByteArray &data, int offset)
{
    int line = 1;
    int column = 1;
    for (int i = 0; i < offset && i < data.size(); ++i) {
        if (data.at(i) == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return QStringLiteral("line %1, column %2").arg(line).arg(column);
}

} // namespace

ParsedImport parseDocument(const QByteArray &data)
{
    ParsedImport result;
    QString parseError;
    int offset = 0;
    const QJsonDocument document = JsonInput::parse(data, &parseError, &offset);
    if (document.isNull()) {
        result.error = ImportError{QStringLiteral("not valid JSON: %1").arg(parseError),
                                   offset >= 0 ? lineAndColumn(data, offset) : QString()};
        return result;
    }
    if (!document.isObject()) {
        result.error = ImportError{QStringLiteral("the file must hold a JSON object"), {}};
        return result;
    }

    std::optional<ImportError> error;
    Reader top(document.object(), {}, error);
    if (top.string(QStringLiteral("format"), true) != QLatin1String(FormatName) && !top.failed())
        top.fail(QStringLiteral("format"), QStringLiteral("must be \"%1\"").arg(QLatin1String(FormatName)));
    const auto version = top.integer(QStringLiteral("format_version"), true, 1, std::numeric_limits<qint32>::max());
    if (version && *version > FormatVersion)
        top.fail(QStringLiteral("format_version"),
                 QStringLiteral("%1 is newer than this DiscoDesk reads (%2)").arg(*version).arg(FormatVersion));
    top.timestamp(QStringLiteral("exported_at"), false); // checked, not used
    const QJsonArray ids = top.array(QStringLiteral("ids"), true);

    QSet<QString> seen;
    for (qsizetype i = 0; i < ids.size() && !error; ++i) {
        const QString path = QStringLiteral("ids[%1]").arg(i);
        auto record = readId(ids.at(i), path, error);
        if (!record)
            break;
        if (seen.contains(record->id.id)) {
            error = ImportError{QStringLiteral("\"%1\" appears twice in the file").arg(record->id.id),
                                path + QStringLiteral(".id")};
            break;
        }
        seen.insert(record->id.id);
        result.records.append(std::move(*record));
    }
    // Consul KV keys: version 2 files have them, version 1 files none.
    const QJsonArray kv = top.array(QStringLiteral("kv"), false);
    QSet<QString> seenKeys;
    for (qsizetype i = 0; i < kv.size() && !error; ++i) {
        const QString path = QStringLiteral("kv[%1]").arg(i);
        auto entry = readKv(kv.at(i), path, error);
        if (!entry)
            break;
        if (seenKeys.contains(entry->key)) {
            error = ImportError{QStringLiteral("the key \"%1\" appears twice in the file").arg(entry->key.left(200)),
                                path + QStringLiteral(".key")};
            break;
        }
        seenKeys.insert(entry->key);
        result.kv.append(std::move(*entry));
    }
    if (error) {
        result.records.clear();
        result.kv.clear();
        result.error = error;
    }
    return result;
}

} // namespace ExchangeFormat
