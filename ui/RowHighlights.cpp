#include "RowHighlights.h"

QVariant RowHighlights::background(const QString &key) const
{
    const auto it = m_started.constFind(key);
    if (it == m_started.cend())
        return {};
    const qint64 age = m_clock.elapsed() - *it;
    if (age >= DurationMs)
        return {};
    // A warm amber that reads on light and dark palettes, fading linearly.
    QColor color(255, 196, 0);
    color.setAlphaF(0.45f * float(DurationMs - age) / float(DurationMs));
    return color;
}

void RowHighlights::dropExpired()
{
    const qint64 now = m_clock.elapsed();
    m_started.removeIf([now](const auto &entry) { return now - entry.value() >= DurationMs; });
}
