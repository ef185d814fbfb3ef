#include "RegistrationHistory.h"

#include <algorithm>

namespace {

// An etcd member by its name, as the diagram writes it.
QString nameOf(const Node &node)
{
    return node.etcdValue.isEmpty() ? QString() : EtcdMemberValue::parse(node.etcdValue).name;
}

bool earlier(const RegistrationEvent &a, const RegistrationEvent &b)
{
    return a.at < b.at;
}

} // namespace

void RegistrationHistory::reset(const QString &id, const QList<Node> &nodes)
{
    m_id = id;
    m_events.clear();
    m_dropped = 0;
    QList<RegistrationEvent> events;
    events.reserve(nodes.size() * 2);
    for (const Node &node : nodes) {
        const QString name = nameOf(node);
        events.append({RegistrationEvent::Kind::Registered, node.address, node.firstRegistered, 1, name});
        if (node.registrations > 1 && node.firstRegistered < node.lastSeen)
            events.append({RegistrationEvent::Kind::RegisteredAgain, node.address, node.lastSeen, node.registrations, name});
    }
    std::stable_sort(events.begin(), events.end(), earlier);
    const qsizetype excess = std::max<qsizetype>(0, events.size() - MaxEvents);
    m_dropped = excess;
    m_events = events.mid(excess);
}

bool RegistrationHistory::applyChanges(const QList<StoreChanges> &transactions)
{
    if (m_id.isEmpty())
        return false;
    bool touched = false;
    for (const StoreChanges &changes : transactions) {
        for (const StoreChange &change : changes) {
            if (change.discoveryId != m_id)
                continue;
            touched = true;
            switch (change.type) {
            case StoreChange::Type::NodeAdded:
                add({RegistrationEvent::Kind::Registered, change.node.address, change.node.firstRegistered, 1,
                     nameOf(change.node)});
                break;
            case StoreChange::Type::NodeUpdated:
                add({RegistrationEvent::Kind::RegisteredAgain, change.node.address, change.node.lastSeen,
                     change.node.registrations, nameOf(change.node)});
                break;
            case StoreChange::Type::NodeRemoved:
                add({RegistrationEvent::Kind::Removed, change.node.address, change.at, 0, {}});
                break;
            default: // the ID's own changes; its deletion resets the nodes table, and so this
                break;
            }
        }
    }
    return touched;
}

void RegistrationHistory::add(RegistrationEvent event)
{
    const auto place = std::upper_bound(m_events.begin(), m_events.end(), event, earlier);
    m_events.insert(place, std::move(event));
    if (m_events.size() > MaxEvents) {
        m_events.removeFirst();
        ++m_dropped;
    }
}
