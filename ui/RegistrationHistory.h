#pragma once

#include "core/StoreChange.h"

#include <QList>

// One thing that happened to a node of a discovery ID, for the timeline.
struct RegistrationEvent
{
    enum class Kind { Registered, RegisteredAgain, Removed };

    Kind kind = Kind::Registered;
    QString address;
    Timestamp at;
    qint64 registrations = 1; // RegisteredAgain: how many times the node had registered by then
    QString name;             // an etcd member's name; else empty

    const QString &shownName() const { return name.isEmpty() ? address : name; }
};

// The registrations of the discovery ID whose nodes the window shows, oldest first:
// what the nodes' last load tells, then each change as the store reports it. Keeps
// the newest MaxEvents, so a 1000-node ID registering again and again stays cheap.
//
// A load tells only each node's first and last registration and how many there were,
// so the history starts with one registration per node and, for a node seen more than
// once, one re-registration at its last; removals and the re-registrations between
// are known only from the changes that arrive while the ID is shown.
class RegistrationHistory
{
public:
    static constexpr qsizetype MaxEvents = 500;

    // Starts over from the nodes of id as just loaded (in any order).
    void reset(const QString &id, const QList<Node> &nodes);
    // Adds what the committed changes did to this ID's nodes; true if any was to this ID.
    bool applyChanges(const QList<StoreChanges> &transactions);

    const QString &discoveryId() const { return m_id; }
    const QList<RegistrationEvent> &events() const { return m_events; }
    // How many older events were let go to keep MaxEvents.
    qint64 dropped() const { return m_dropped; }

private:
    // Keeps the events in time order (an import may report older times).
    void add(RegistrationEvent event);

    QString m_id;
    QList<RegistrationEvent> m_events;
    qint64 m_dropped = 0;
};
