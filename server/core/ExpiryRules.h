#pragma once

#include "core/Records.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <chrono>
#include <optional>

struct ExpirySweep;

// Automatic expiry: what a sweep removes, as ages rather than times, and how often
// sweeps run. Each rule is optional; with none set, expiry is off (the default:
// nothing disappears unless the user asked). A sweep turns the ages into a
// PruneRules at its own moment, so a sweep and the Prune preview of the same rules
// judge the store alike.
struct ExpiryRules
{
    using Age = std::chrono::seconds;
    static constexpr Age DefaultInterval{3600};
    static constexpr Age MinInterval{60};
    static constexpr Age MaxInterval{7 * 86400};
    static constexpr Age MinAge{60};
    static constexpr Age MaxAge{3650LL * 86400};

    std::optional<Age> idsInactiveFor;   // IDs with no activity (made, registered to) for this long
    std::optional<Age> emptyIdsAfter;    // IDs without nodes, made and last active this long ago
    std::optional<Age> nodesNotSeenFor;  // nodes not registered again for this long (rqlite 6
                                         // nodes register once: this removes them once that old)
    std::optional<Age> kvNotReportedFor; // Consul KV keys not written for this long
    Age interval = DefaultInterval;      // from one sweep to the next

    bool isOff() const { return !idsInactiveFor && !emptyIdsAfter && !nodesNotSeenFor && !kvNotReportedFor; }
    PruneRules pruneRules(Timestamp now) const;
    // When the next sweep is due after the last one (by any server): an interval
    // later, or now when there was none (or it is overdue); none while expiry is off.
    std::optional<Timestamp> nextSweepDue(const std::optional<ExpirySweep> &last, Timestamp now) const;

    // {"ids_inactive_for": "30d", "empty_ids_after": "1d", "nodes_not_seen_for": null,
    //  "kv_not_reported_for": "1h", "every": "1h"}: a rule is null when off.
    QJsonObject toJson() const;
    // The object's keys: the four rules in the order above, then "every".
    static QStringList fieldNames();
    // Every key must be there or not at all (missing: off, or the default interval);
    // unknown keys are refused. Empty and why, when the object is wrong.
    static std::optional<ExpiryRules> fromJson(const QJsonObject &object, QString *error);

    // "90s", "15m", "12h", "30d": a whole number and its unit. Empty and why otherwise.
    static std::optional<Age> parseAge(const QString &text, QString *error);
    // The largest unit that divides it: 86400 s is "1d", 5400 s "90m".
    static QString ageText(Age age);

    bool operator==(const ExpiryRules &) const = default;
};

// What one expiry sweep removed, and when: kept in the database, so that every server
// on it knows when the next is due.
struct ExpirySweep
{
    Timestamp at;
    qint64 ids = 0;         // IDs, with their nodes
    qint64 nodesOfIds = 0;  // the nodes those IDs had
    qint64 singleNodes = 0; // nodes removed on their own
    qint64 singleNodeIds = 0; // the IDs (which stay) they were removed from
    qint64 kvKeys = 0;
    // How it went: a transaction per slice of IDs, each holding the server's thread
    // (and so registrations) for its time only.
    int slices = 0;
    double longestSliceMs = 0;
    double durationMs = 0; // from its first slice to its last

    static ExpirySweep of(const PruneResult &result, Timestamp at);
    // Adds what another part of the sweep (a slice) removed to these counts.
    void addRemoved(const ExpirySweep &part);
    QJsonObject toJson() const;
    static std::optional<ExpirySweep> fromJson(const QJsonObject &object);
    // "removed 3 IDs (7 nodes), 2 single nodes and 1 KV key, in 4 slices (the longest
    // 21.3 ms, 80.1 ms in all)", or "removed nothing, ...".
    QString summary() const;
};

Q_DECLARE_METATYPE(ExpirySweep)
