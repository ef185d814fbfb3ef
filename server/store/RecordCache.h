#pragma once

#include "core/Records.h"
#include "core/StoreChange.h"

#include <QHash>
#include <QString>

// The rqlite records (created_at and addresses in registration order) the store read
// lately, kept as its own writes change them: a registration to an ID registered
// lately reads nothing before it writes. The store tells it every change as it is made
// (note(), the open transaction's included) and drops it all when a transaction rolls
// back, so it always shows what the connection would read. Correct only while this
// process makes every change to the store: a store shared with other processes leaves
// it off.
class RecordCache
{
public:
    // Bounds memory for a store of many IDs, and of big ones.
    static constexpr qsizetype MaxEntries = 10000;
    static constexpr qsizetype MaxCharacters = 4 * 1024 * 1024; // of the addresses kept
    static constexpr qsizetype MaxRecordCharacters = MaxCharacters / 16;

    void setEnabled(bool enabled)
    {
        m_enabled = enabled;
        clear();
    }
    void clear()
    {
        m_records.clear();
        m_characters = 0;
    }
    qsizetype size() const { return m_records.size(); }

    const RqliteRecord *find(const QString &id) const
    {
        const auto it = m_records.constFind(id);
        return it == m_records.cend() ? nullptr : &it.value();
    }

    void remember(const RqliteRecord &record)
    {
        if (!m_enabled)
            return;
        forget(record.id);
        const qsizetype characters = charactersOf(record);
        if (characters > MaxRecordCharacters)
            return; // an ID of many thousand nodes: read each time
        if (m_records.size() >= MaxEntries || m_characters + characters > MaxCharacters)
            clear(); // simpler than LRU, and a refill costs one query per ID
        m_records.insert(record.id, record);
        m_characters += characters;
    }

    // A change the store has just made.
    void note(const StoreChange &change)
    {
        using Type = StoreChange::Type;
        switch (change.type) {
        case Type::NodeAdded: {
            // A new node takes the next place in its ID's order (the store's NextSeq).
            const auto it = m_records.find(change.discoveryId);
            if (it != m_records.end() && !it->addresses.contains(change.node.address)) {
                it->addresses.append(change.node.address);
                m_characters += change.node.address.size();
                if (charactersOf(*it) > MaxRecordCharacters || m_characters > MaxCharacters)
                    forget(change.discoveryId);
            }
            return;
        }
        case Type::NodeUpdated: // the same address, in the same place
        case Type::KvWritten:
        case Type::KvReported:
        case Type::KvDeleted:
        case Type::KvAsked:
            return;
        case Type::NodeRemoved:
            if (const auto it = m_records.find(change.discoveryId);
                it != m_records.end() && it->addresses.removeOne(change.node.address))
                m_characters -= change.node.address.size();
            return;
        case Type::IdCreated: // an ID of that name may have gone in the same transaction
        case Type::IdUpdated: // its created_at may have changed
        case Type::IdDeleted:
            forget(change.discoveryId);
            return;
        case Type::ChangedElsewhere:
            clear();
            return;
        }
        clear(); // a kind of change this cache does not know
    }

private:
    static qsizetype charactersOf(const RqliteRecord &record)
    {
        qsizetype characters = record.id.size();
        for (const QString &address : record.addresses)
            characters += address.size();
        return characters;
    }
    void forget(const QString &id)
    {
        if (const auto it = m_records.constFind(id); it != m_records.cend()) {
            m_characters -= charactersOf(it.value());
            m_records.erase(it);
        }
    }

    QHash<QString, RqliteRecord> m_records;
    qsizetype m_characters = 0; // of the IDs and addresses kept
    bool m_enabled = false;
};
