#pragma once

#include "store/StoreChange.h"

#include <QByteArray>
#include <QHash>
#include <QString>

// The last reply body built for each discovery ID, so that looking up an unchanged
// ID runs no query and builds no JSON. Correct only while this process makes every
// change to the store (a SQLite file is locked to one DiscoDesk): forget() must see
// each committed change before the next lookup. A store shared with other
// processes turns the cache off.
class ReplyCache
{
public:
    static constexpr qsizetype MaxEntries = 10000; // bounds memory for a store of many IDs

    void setEnabled(bool enabled)
    {
        m_enabled = enabled;
        m_bodies.clear();
    }
    void clear() { m_bodies.clear(); }

    const QByteArray *find(const QString &id) const
    {
        const auto it = m_bodies.constFind(id);
        return it == m_bodies.cend() ? nullptr : &it.value();
    }

    void insert(const QString &id, const QByteArray &body)
    {
        if (!m_enabled)
            return;
        if (m_bodies.size() >= MaxEntries)
            m_bodies.clear(); // simpler than LRU, and a refill costs one query per ID
        m_bodies.insert(id, body);
    }

    void forget(const StoreChanges &changes)
    {
        for (const StoreChange &change : changes) {
            if (change.type == StoreChange::Type::ChangedElsewhere) {
                m_bodies.clear(); // anything may have changed (a big prune)
                return;
            }
            m_bodies.remove(change.discoveryId);
        }
    }

private:
    QHash<QString, QByteArray> m_bodies;
    bool m_enabled = true;
};
