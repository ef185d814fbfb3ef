#include "PictureStyle.h"

#include <QtMath>

namespace PictureStyle {

QColor roleColor(NodeRole role)
{
    switch (role) {
    case NodeRole::Bootstrapped: return {0xf9, 0xa8, 0x25};
    case NodeRole::Member: return {0x1e, 0x88, 0xe5};
    case NodeRole::BeyondSize: return warningColor();
    case NodeRole::Leader: return {0x2e, 0x7d, 0x32};
    }
    return {};
}

QColor warningColor()
{
    return {0xe6, 0x51, 0x00};
}

QPolygonF star(const QPointF &center, qreal outer)
{
    QPolygonF points;
    for (int i = 0; i < 10; ++i) {
        const qreal radius = i % 2 == 0 ? outer : outer * 0.45;
        const qreal angle = qDegreesToRadians(-90.0 + i * 36.0);
        points << center + QPointF(radius * qCos(angle), radius * qSin(angle));
    }
    return points;
}

} // namespace PictureStyle
