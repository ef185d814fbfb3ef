#pragma once

#include <QColor>
#include <QElapsedTimer>
#include <QHash>
#include <QString>
#include <QVariant>

// Rows that changed a moment ago, by key (an ID, a node address). Their background
// fades out over a second and a half: the eye catches what moved, and the table
// does not stay colourful.
class RowHighlights
{
public:
    static constexpr qint64 DurationMs = 1500;

    RowHighlights() { m_clock.start(); }

    void mark(const QString &key) { m_started.insert(key, m_clock.elapsed()); }
    void forget(const QString &key) { m_started.remove(key); }
    void clear() { m_started.clear(); }
    bool isEmpty() const { return m_started.isEmpty(); }
    QList<QString> keys() const { return m_started.keys(); }

    // The background for the row, or an invalid QVariant when it is not highlighted.
    QVariant background(const QString &key) const;
    bool isHighlighted(const QString &key) const { return background(key).isValid(); }

    // Forgets highlights that have faded out completely.
    void dropExpired();

private:
    QElapsedTimer m_clock;
    QHash<QString, qint64> m_started; // key -> when it was marked, ms on m_clock
};
