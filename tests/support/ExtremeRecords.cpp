#include "ExtremeRecords.h"

#include <QRandomGenerator64>

#include <limits>

namespace {

constexpr qint64 Smallest = std::numeric_limits<qint64>::min();
constexpr qint64 Largest = std::numeric_limits<qint64>::max();
constexpr qint64 Year1 = -62'135'596'800'000'000;         // 0001-01-01T00:00:00Z
constexpr qint64 EndOfYear9999 = 253'402'300'799'999'999; // 9999-12-31T23:59:59.999999Z
// "9999-12-31T23:59:59-14:00", which an older DiscoDesk took: 10000-01-01T13:59:59Z.
constexpr qint64 Year10000 = (253'402'300'799 + 14 * 3600) * 1'000'000;
// The largest etcd index an import takes: room to count on without overflow.
constexpr qint64 LargestEtcdIndex = Largest / 2;
constexpr int LongestText = 1024; // addresses, etcd values, registered_by
constexpr int LongestLabel = 200;

Timestamp at(qint64 usec)
{
    return Timestamp::fromMicroseconds(usec);
}

// count characters, each from pieces in turn: non-BMP ones take two UTF-16 units.
QString characters(const QStringList &pieces, int count)
{
    QString text;
    for (int i = 0; i < count; ++i)
        text += pieces.at(i % pieces.size());
    return text;
}

const QString Rocket = QString::fromUcs4(U"\U0001F680");

DiscoveryIdWithNodes withNodes(DiscoveryId id, QList<Node> nodes)
{
    id.nodeCount = int(nodes.size());
    return {id, nodes};
}

Node rqliteNode(const QString &address, qint64 first, qint64 last, qint64 registrations, const QString &by)
{
    return Node{address, at(first), at(last), registrations, by, {}, 0};
}

Node etcdMember(const QString &memberId, qint64 first, qint64 last, qint64 index, const QString &value)
{
    return Node{memberId, at(first), at(last), 1, QStringLiteral("127.0.0.1"), value, index};
}

// Anywhere in a range, but often at one of its ends or next to an edge that matters.
class Draw
{
public:
    explicit Draw(quint32 seed) : m_random(seed) {}

    // From lowest to highest, both included.
    qint64 between(qint64 lowest, qint64 highest)
    {
        switch (m_random.bounded(4)) {
        case 0: return lowest;
        case 1: return highest;
        default: return m_random.bounded(lowest, highest);
        }
    }
    Timestamp time()
    {
        static constexpr qint64 edges[] = {Smallest, Year1, 0, EndOfYear9999, Year10000, Largest};
        if (m_random.bounded(3) == 0)
            return at(qint64(m_random.generate64()));
        const qint64 edge = edges[m_random.bounded(int(std::size(edges)))];
        if (edge == Smallest || edge == Largest)
            return at(edge);
        return at(edge + m_random.bounded(-2, 3));
    }
    int below(int bound) { return m_random.bounded(bound); }
    QString text(const QStringList &pieces, int longest) { return characters(pieces, below(longest + 1)); }

private:
    QRandomGenerator64 m_random;
};

} // namespace

namespace ExtremeRecords {

QList<DiscoveryIdWithNodes> fixed()
{
    const QString longestHost = QString(LongestText - 5, u'h') + QStringLiteral(":4001");
    const QString longestValue = QStringLiteral("m1=http://") + QString(LongestText - 15, u'a') + QStringLiteral(":2380");

    DiscoveryId extremes{QStringLiteral("extremes"), DiscoveryKind::Rqlite, at(Smallest), 1000,
                         characters({QString::fromUcs4(U"\U0001F600")}, LongestLabel), at(Largest), 0, 0};
    DiscoveryId longestId{QStringLiteral("id-of-64-characters.").leftJustified(64, u'0'), DiscoveryKind::Rqlite,
                          at(0), std::nullopt, QString(), at(0), 0, 0};
    DiscoveryId token{QStringLiteral("f70a9bf5a3c64d399d3476dd41f7da18"), DiscoveryKind::Etcd, at(Year1), 1,
                      characters({QStringLiteral("\u00e9"), QStringLiteral("\u65e5"), QStringLiteral("\"")}, LongestLabel),
                      at(EndOfYear9999 + 1), 0, LargestEtcdIndex};
    DiscoveryId tokenWithoutMembers{QStringLiteral("token_without_members"), DiscoveryKind::Etcd, at(EndOfYear9999),
                                    std::nullopt, QStringLiteral("no size, no members"), at(EndOfYear9999), 0, 1};
    return {
        withNodes(extremes,
                  {rqliteNode(longestHost, Smallest, Largest, Largest, characters({Rocket}, LongestText)),
                   rqliteNode(QStringLiteral("[::1]:1"), Year10000, Year10000, qint64(1) << 31, QString()),
                   // Seen again in the year 0, before its first registration: a clock set back.
                   rqliteNode(QStringLiteral("http://h.example:65535/p?q=1"), -1, Year1 - 1, (qint64(1) << 53) + 1,
                              QStringLiteral("::ffff:127.0.0.1")),
                   rqliteNode(QStringLiteral("a:65535"), Year1, EndOfYear9999, 1, QStringLiteral("127.0.0.1")),
                   rqliteNode(QStringLiteral("b:2"), EndOfYear9999 + 1, EndOfYear9999 + 1,
                              std::numeric_limits<qint32>::max(), QStringLiteral("127.0.0.1"))}),
        withNodes(longestId, {}),
        withNodes(token,
                  {etcdMember(QStringLiteral("0123456789abcdef").repeated(4), Year1, EndOfYear9999, 2, longestValue),
                   etcdMember(QStringLiteral("ffffffffffffffff"), Smallest, EndOfYear9999 + 1, LargestEtcdIndex,
                              QStringLiteral("m2=http://[::1]:2380,m2=http://10.0.0.2:2380")),
                   // The index of another member: two servers gave it out, then one
                   // imported the other's export into this token.
                   etcdMember(QStringLiteral("m3"), 0, 0, 2, QStringLiteral("m3=http://10.0.0.3:2380"))}),
        withNodes(tokenWithoutMembers, {}),
    };
}

QList<DiscoveryIdWithNodes> random(quint32 seed, int count)
{
    Draw draw(seed);
    const QStringList labelPieces{QStringLiteral("a"), QStringLiteral("Z"), QStringLiteral(" "), QStringLiteral("\u00e9"),
                                  QStringLiteral("\u65e5"), QStringLiteral("\""), QStringLiteral("\\"), Rocket};
    QList<DiscoveryIdWithNodes> records;
    for (int i = 0; i < count; ++i) {
        DiscoveryId id;
        id.id = QStringLiteral("r%1-%2").arg(seed).arg(i);
        id.kind = draw.below(2) ? DiscoveryKind::Etcd : DiscoveryKind::Rqlite;
        id.createdAt = draw.time();
        if (draw.below(2))
            id.expectedSize = int(draw.between(1, 1000));
        id.label = draw.text(labelPieces, LongestLabel);
        id.lastActivity = draw.time();
        QList<Node> nodes;
        const int nodeCount = draw.below(4);
        for (int n = 0; n < nodeCount; ++n) {
            Node node;
            node.firstRegistered = draw.time();
            node.lastSeen = draw.time();
            node.registrations = draw.between(1, Largest);
            node.registeredBy = draw.text(labelPieces, draw.below(8) ? 40 : LongestText);
            if (id.kind == DiscoveryKind::Etcd) {
                node.address = QStringLiteral("m%1").arg(n);
                node.etcdIndex = draw.between(2, LargestEtcdIndex);
                node.etcdValue = QStringLiteral("m%1=http://10.0.%1.1:2380").arg(n);
            } else {
                node.address = QStringLiteral("h%1.example:%2").arg(n).arg(draw.between(1, 65535));
            }
            nodes.append(node);
        }
        if (id.kind == DiscoveryKind::Etcd)
            id.etcdIndex = draw.between(1, LargestEtcdIndex);
        records.append(withNodes(id, nodes));
    }
    return records;
}

QString difference(const QList<DiscoveryIdWithNodes> &actual, const QList<DiscoveryIdWithNodes> &expected)
{
    if (actual.size() != expected.size())
        return QStringLiteral("%1 records, not %2").arg(actual.size()).arg(expected.size());
    QString found;
    // Notes the first field that differs, with where it is.
    auto compare = [&found](const QString &where, const char *field, const auto &got, const auto &wanted) {
        if (found.isEmpty() && got != wanted)
            found = QStringLiteral("%1%2: %3, not %4").arg(where, QLatin1String(field), QVariant::fromValue(got).toString(),
                                                            QVariant::fromValue(wanted).toString());
    };
    auto usec = [](Timestamp time) { return time.microseconds(); };
    for (qsizetype i = 0; i < actual.size() && found.isEmpty(); ++i) {
        const DiscoveryId &a = actual.at(i).id;
        const DiscoveryId &e = expected.at(i).id;
        const QString where = QStringLiteral("[%1] (%2).").arg(i).arg(e.id);
        compare(where, "id", a.id, e.id);
        compare(where, "kind", kindName(a.kind), kindName(e.kind));
        compare(where, "created_at", usec(a.createdAt), usec(e.createdAt));
        compare(where, "expected_size", a.expectedSize.value_or(-1), e.expectedSize.value_or(-1));
        compare(where, "label", a.label, e.label);
        compare(where, "last_activity", usec(a.lastActivity), usec(e.lastActivity));
        compare(where, "node_count", a.nodeCount, e.nodeCount);
        compare(where, "etcd_index", a.etcdIndex, e.etcdIndex);
        compare(where, "nodes.size", actual.at(i).nodes.size(), expected.at(i).nodes.size());
        for (qsizetype n = 0; n < actual.at(i).nodes.size() && found.isEmpty(); ++n) {
            const Node &an = actual.at(i).nodes.at(n);
            const Node &en = expected.at(i).nodes.at(n);
            const QString node = where + QStringLiteral("nodes[%1].").arg(n);
            compare(node, "addr", an.address, en.address);
            compare(node, "first_registered", usec(an.firstRegistered), usec(en.firstRegistered));
            compare(node, "last_seen", usec(an.lastSeen), usec(en.lastSeen));
            compare(node, "registrations", an.registrations, en.registrations);
            compare(node, "registered_by", an.registeredBy, en.registeredBy);
            compare(node, "value", an.etcdValue, en.etcdValue);
            compare(node, "etcd_index", an.etcdIndex, en.etcdIndex);
        }
    }
    return found;
}

} // namespace ExtremeRecords
