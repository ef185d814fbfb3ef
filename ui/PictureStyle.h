#pragma once

#include "ClusterPicture.h"

#include <QColor>
#include <QPolygonF>

// What the cluster diagram and the registration timeline draw alike, so a node's
// colour and the bootstrapped node's star mean the same in both.
namespace PictureStyle {

QColor roleColor(NodeRole role);
// Orange, as the nodes table marks the members beyond an etcd token's size.
QColor warningColor();
// A five-pointed star around center, outer its points' radius.
QPolygonF star(const QPointF &center, qreal outer);

} // namespace PictureStyle
