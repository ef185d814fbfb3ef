#pragma once

#include "core/StoreChange.h"

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
    // Bounds memory for a store of many IDs, and of big ones (an ID with 1,000 nodes
    // has a reply of about 30 KiB, an etcd token of 1,000 members of about 1 MiB).
    static constexpr qsizetype MaxEntries = 10000;
    static constexpr qsizetype MaxBytes = 32 * 1024 * 1024;

    void setEnabled(bool enabled)
    {
        m_enabled = enabled;
        clear();
    }
    void clear()
    {
        m_bodies.clear();
        m_bytes = 0;
    }
    qsizetype bytes() const { return m_bytes; }
    qsizetype size() const { return m_bodies.size(); }

    const QByteArray *find(const QString &id) const
    {
        const auto it = m_bodies.constFind(id);
        return it == m_bodies.cend() ? nullptr : &it.value();
    }

    void insert(const QString &id, const QByteArray &body)
    {
        if (!m_enabled || body.size() > MaxBytes / 16)
            return;
        forget(id);
        if (m_bodies.size() >= MaxEntries || m_bytes + body.size() > MaxBytes)
            clear(); // simpler than LRU, and a refill costs one query per ID
        m_bodies.insert(id, body);
        m_bytes += body.size();
    }

    void forget(const StoreChanges &changes)
    {
        for (const StoreChange &change : changes) {
            if (change.type == StoreChange::Type::ChangedElsewhere) {
                clear(); // anything may have changed (a big prune)
                return;
            }
            forget(change.discoveryId);
        }
    }

private:
    void forget(const QString &id)
    {
        if (const auto it = m_bodies.constFind(id); it != m_bodies.cend()) {
            m_bytes -= it->size();
            m_bodies.erase(it);
        }
    }

    QHash<QString, QByteArray> m_bodies;
    qsizetype m_bytes = 0; // of the bodies
    bool m_enabled = true;
};
