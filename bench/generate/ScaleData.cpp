#include "ScaleData.h"

namespace {

const QStringList Labels = {QStringLiteral("staging"), QStringLiteral("production eu-west"),
                            QStringLiteral("ci run"), QStringLiteral("load test"), QStringLiteral("demo"),
                            QStringLiteral("team blue"), QStringLiteral("nightly"), QStringLiteral("canary")};

} // namespace

ScaleData::ScaleData(qint64 idCount, qint64 nodeCount, Timestamp now, int spanDays, quint64 seed)
    : m_idCount(idCount),
      m_now(now),
      m_spanMicroseconds(qint64(spanDays) * 86'400'000'000),
      m_random(seed)
{
    // Each node picks its ID at random: about nodeCount / idCount per ID, a few with
    // none, exactly nodeCount in all.
    m_nodesOf.fill(0, idCount);
    if (idCount > 0) {
        std::uniform_int_distribution<qint64> anyId(0, idCount - 1);
        for (qint64 i = 0; i < nodeCount; ++i)
            ++m_nodesOf[anyId(m_random)];
    }
}

QList<DiscoveryIdWithNodes> ScaleData::next(qint64 count)
{
    QList<DiscoveryIdWithNodes> records;
    const qint64 end = std::min(m_idCount, m_nextId + count);
    records.reserve(end - m_nextId);
    for (; m_nextId < end; ++m_nextId)
        records.append(makeId(m_nextId, m_nodesOf.at(m_nextId)));
    return records;
}

QString ScaleData::randomHex(int digits)
{
    static constexpr char Hex[] = "0123456789abcdef";
    QString text(digits, Qt::Uninitialized);
    for (int i = 0; i < digits; ++i)
        text[i] = QLatin1Char(Hex[m_random() & 15]);
    return text;
}

QString ScaleData::uuid()
{
    // Version 4, variant 1, as DiscoveryService makes them (but from the seed).
    const QString hex = randomHex(32);
    static constexpr char Variant[] = "89ab";
    return hex.mid(0, 8) + u'-' + hex.mid(8, 4) + QStringLiteral("-4") + hex.mid(13, 3) + u'-'
        + QLatin1Char(Variant[m_random() & 3]) + hex.mid(17, 3) + u'-' + hex.mid(20, 12);
}

Timestamp ScaleData::randomTimeBetween(Timestamp from, Timestamp to)
{
    if (to <= from)
        return from;
    std::uniform_int_distribution<qint64> offset(0, to.microseconds() - from.microseconds());
    return Timestamp::fromMicroseconds(from.microseconds() + offset(m_random));
}

DiscoveryIdWithNodes ScaleData::makeId(qint64 index, int nodes)
{
    DiscoveryIdWithNodes record;
    DiscoveryId &id = record.id;
    // Evenly over the span, oldest first: a prune by age removes the share it names.
    const qint64 step = m_idCount > 0 ? m_spanMicroseconds / m_idCount : 0;
    id.createdAt = Timestamp::fromMicroseconds(m_now.microseconds() - m_spanMicroseconds + index * step
                                               + qint64(m_random() % quint64(std::max<qint64>(step, 1))));
    const bool etcd = m_random() % 5 == 0; // one in five is an etcd token
    id.kind = etcd ? DiscoveryKind::Etcd : DiscoveryKind::Rqlite;
    id.id = etcd ? randomHex(32) : uuid();
    if (etcd)
        id.expectedSize = m_random() % 2 ? 3 : 5;
    else if (m_random() % 4 == 0)
        id.expectedSize = 3;
    if (m_random() % 3 == 0)
        id.label = QStringLiteral("%1 %2").arg(Labels.at(int(m_random() % Labels.size()))).arg(index);
    id.lastActivity = id.createdAt;

    for (int n = 0; n < nodes; ++n) {
        Node node;
        node.firstRegistered = randomTimeBetween(id.createdAt, m_now);
        node.lastSeen = randomTimeBetween(node.firstRegistered, m_now);
        node.registrations = 1 + qint64(m_random() % 4);
        node.registeredBy = QStringLiteral("127.0.0.1");
        if (etcd) {
            node.address = randomHex(16);
            node.etcdIndex = 2 + n;
            node.etcdValue = QStringLiteral("m%1=http://127.0.0.1:%2").arg(n + 1).arg(23801 + n);
            id.etcdIndex = node.etcdIndex;
        } else {
            node.address = QStringLiteral("127.0.0.1:%1").arg(4001 + 2 * n);
        }
        id.lastActivity = std::max(id.lastActivity, node.lastSeen);
        record.nodes.append(node);
    }
    id.nodeCount = nodes;
    return record;
}
