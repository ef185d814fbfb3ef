#include "ExpiryRules.h"

#include <QJsonValue>
#include <QStringList>

#include <array>

namespace {

struct Unit
{
    char16_t letter;
    qint64 seconds;
};
constexpr std::array<Unit, 4> Units{{{u'd', 86400}, {u'h', 3600}, {u'm', 60}, {u's', 1}}};

const QString IdsInactiveFor = QStringLiteral("ids_inactive_for");
const QString EmptyIdsAfter = QStringLiteral("empty_ids_after");
const QString NodesNotSeenFor = QStringLiteral("nodes_not_seen_for");
const QString KvNotReportedFor = QStringLiteral("kv_not_reported_for");
const QString Every = QStringLiteral("every");

Timestamp before(Timestamp now, ExpiryRules::Age age)
{
    return Timestamp::fromMicroseconds(now.microseconds() - qint64(age.count()) * 1'000'000);
}

} // namespace

std::optional<Timestamp> ExpiryRules::nextSweepDue(const std::optional<ExpirySweep> &last, Timestamp now) const
{
    if (isOff())
        return std::nullopt;
    if (!last)
        return now;
    const auto next = Timestamp::fromMicroseconds(last->at.microseconds() + qint64(interval.count()) * 1'000'000);
    return next < now ? now : next;
}

PruneRules ExpiryRules::pruneRules(Timestamp now) const
{
    PruneRules rules;
    if (idsInactiveFor)
        rules.inactiveSince = before(now, *idsInactiveFor);
    if (emptyIdsAfter) {
        rules.noNodes = true;
        rules.noNodesInactiveSince = before(now, *emptyIdsAfter);
    }
    if (nodesNotSeenFor)
        rules.notSeenSince = before(now, *nodesNotSeenFor);
    if (kvNotReportedFor)
        rules.kvNotReportedSince = before(now, *kvNotReportedFor);
    return rules;
}

std::optional<ExpiryRules::Age> ExpiryRules::parseAge(const QString &text, QString *error)
{
    const QString trimmed = text.trimmed();
    for (const Unit &unit : Units) {
        if (trimmed.size() < 2 || trimmed.back() != unit.letter)
            continue;
        bool ok = false;
        const qint64 count = trimmed.first(trimmed.size() - 1).toLongLong(&ok);
        if (!ok || count <= 0 || count > MaxAge.count() / unit.seconds) {
            *error = QStringLiteral("\"%1\" is not a whole, positive number of %2 up to 3650 days")
                         .arg(text.left(40), QChar(unit.letter));
            return std::nullopt;
        }
        return Age(count * unit.seconds);
    }
    *error = QStringLiteral("\"%1\" is not an age such as 90s, 15m, 12h or 30d").arg(text.left(40));
    return std::nullopt;
}

QString ExpiryRules::ageText(Age age)
{
    for (const Unit &unit : Units) {
        if (age.count() % unit.seconds == 0)
            return QString::number(age.count() / unit.seconds) + QChar(unit.letter);
    }
    return QString::number(age.count()) + u's';
}

ExpirySweep ExpirySweep::of(const PruneResult &result, Timestamp at)
{
    return ExpirySweep{at, result.idCount, result.nodesOfIdsCount, result.singleNodeCount, result.singleNodeIdCount,
                       result.kvKeyCount};
}

void ExpirySweep::addRemoved(const ExpirySweep &part)
{
    ids += part.ids;
    nodesOfIds += part.nodesOfIds;
    singleNodes += part.singleNodes;
    singleNodeIds += part.singleNodeIds;
    kvKeys += part.kvKeys;
}

QJsonObject ExpirySweep::toJson() const
{
    return QJsonObject{{QStringLiteral("at"), at.toIso8601()},
                       {QStringLiteral("ids"), ids},
                       {QStringLiteral("nodes_of_ids"), nodesOfIds},
                       {QStringLiteral("single_nodes"), singleNodes},
                       {QStringLiteral("single_node_ids"), singleNodeIds},
                       {QStringLiteral("kv_keys"), kvKeys},
                       {QStringLiteral("slices"), slices},
                       {QStringLiteral("longest_slice_ms"), longestSliceMs},
                       {QStringLiteral("duration_ms"), durationMs}};
}

std::optional<ExpirySweep> ExpirySweep::fromJson(const QJsonObject &object)
{
    const auto at = Timestamp::fromIso8601(object.value(QStringLiteral("at")).toString());
    if (!at)
        return std::nullopt;
    const auto count = [&](const char *key) { return qint64(object.value(QLatin1String(key)).toDouble()); };
    ExpirySweep sweep{*at, count("ids"), count("nodes_of_ids"), count("single_nodes"), count("single_node_ids"),
                      count("kv_keys")};
    sweep.slices = int(count("slices"));
    sweep.longestSliceMs = object.value(QStringLiteral("longest_slice_ms")).toDouble();
    sweep.durationMs = object.value(QStringLiteral("duration_ms")).toDouble();
    return sweep;
}

QString ExpirySweep::summary() const
{
    QStringList parts;
    if (ids > 0)
        parts << QStringLiteral("%1 ID%2 (%3 node%4)").arg(ids).arg(ids == 1 ? "" : "s").arg(nodesOfIds)
                     .arg(nodesOfIds == 1 ? "" : "s");
    if (singleNodes > 0)
        parts << QStringLiteral("%1 single node%2").arg(singleNodes).arg(singleNodes == 1 ? "" : "s");
    if (kvKeys > 0)
        parts << QStringLiteral("%1 KV key%2").arg(kvKeys).arg(kvKeys == 1 ? "" : "s");
    QString removed = QStringLiteral("removed nothing");
    if (!parts.isEmpty()) {
        const QString last = parts.takeLast();
        removed = QStringLiteral("removed ")
            + (parts.isEmpty() ? last : parts.join(QStringLiteral(", ")) + QStringLiteral(" and ") + last);
    }
    if (slices == 0)
        return removed;
    return QStringLiteral("%1, in %2 slice%3 (the longest %4 ms, %5 ms in all)")
        .arg(removed).arg(slices).arg(slices == 1 ? "" : "s")
        .arg(longestSliceMs, 0, 'f', 1).arg(durationMs, 0, 'f', 1);
}

QStringList ExpiryRules::fieldNames()
{
    return {IdsInactiveFor, EmptyIdsAfter, NodesNotSeenFor, KvNotReportedFor, Every};
}

QJsonObject ExpiryRules::toJson() const
{
    const auto rule = [](const std::optional<Age> &age) { return age ? QJsonValue(ageText(*age)) : QJsonValue(); };
    return QJsonObject{{IdsInactiveFor, rule(idsInactiveFor)},
                       {EmptyIdsAfter, rule(emptyIdsAfter)},
                       {NodesNotSeenFor, rule(nodesNotSeenFor)},
                       {KvNotReportedFor, rule(kvNotReportedFor)},
                       {Every, ageText(interval)}};
}

std::optional<ExpiryRules> ExpiryRules::fromJson(const QJsonObject &object, QString *error)
{
    const QStringList known = fieldNames();
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!known.contains(it.key())) {
            *error = QStringLiteral("unknown field \"%1\": the rules are %2, %3, %4, %5 and %6")
                         .arg(it.key().left(40), IdsInactiveFor, EmptyIdsAfter, NodesNotSeenFor, KvNotReportedFor, Every);
            return std::nullopt;
        }
    }
    ExpiryRules rules;
    for (const auto &[key, target] : {std::pair{IdsInactiveFor, &rules.idsInactiveFor},
                                      std::pair{EmptyIdsAfter, &rules.emptyIdsAfter},
                                      std::pair{NodesNotSeenFor, &rules.nodesNotSeenFor},
                                      std::pair{KvNotReportedFor, &rules.kvNotReportedFor}}) {
        const QJsonValue value = object.value(key);
        if (value.isUndefined() || value.isNull())
            continue; // off
        QString problem;
        const auto age = value.isString() ? parseAge(value.toString(), &problem) : std::nullopt;
        if (!value.isString())
            problem = QStringLiteral("it must be an age such as \"30d\", or null for off");
        if (age && *age < MinAge)
            problem = QStringLiteral("the shortest is 1m");
        if (!problem.isEmpty()) {
            *error = QStringLiteral("%1: %2").arg(key, problem);
            return std::nullopt;
        }
        *target = age;
    }
    if (const QJsonValue every = object.value(Every); !every.isUndefined()) {
        QString problem = QStringLiteral("it must be an interval such as \"1h\"");
        const auto age = every.isString() ? parseAge(every.toString(), &problem) : std::nullopt;
        if (!age) {
            *error = QStringLiteral("%1: %2").arg(Every, problem);
            return std::nullopt;
        }
        if (*age < MinInterval || *age > MaxInterval) {
            *error = QStringLiteral("%1: sweeps run every 1m to 7d").arg(Every);
            return std::nullopt;
        }
        rules.interval = *age;
    }
    return rules;
}
