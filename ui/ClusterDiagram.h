#pragma once

#include "ClusterPicture.h"

#include <QWidget>

#include <array>

// Draws a ClusterPicture: the nodes as circles on a ring, each with its address under
// it (over it atop the ring), the node that bootstrapped (or the Consul KV leader)
// starred or ringed with lines from the others that joined it, an etcd token's
// members joined as one cluster and those beyond its size dashed, and a legend. Above
// MaxLabelledNodes it draws a compact grid of squares, one per node, coloured by role,
// with the counts in the legend and no label (hover a square for its address).
//
// Everything is laid out when the picture or the size changes; a paint only draws
// what was laid out, so a 1000-node ID repaints in a few fills.
class ClusterDiagram : public QWidget
{
    Q_OBJECT

public:
    static constexpr int MaxLabelledNodes = 16;

    // One node as it is drawn: where, and the text under it (none in the compact grid).
    struct DrawnNode
    {
        ClusterNode node;
        QRectF shape;
        QString label; // the address (an etcd member's name), elided to fit
        QString note;  // the role's word under it ("bootstrapped", "beyond size: proxy", "leader")
        QRectF labelRect; // the label's line, the note's under it; above the nodes atop the ring
    };

    explicit ClusterDiagram(QWidget *parent = nullptr);

    void setPicture(ClusterPicture picture);
    const ClusterPicture &picture() const { return m_picture; }
    // What is drawn when the picture has no node (nothing selected, no nodes yet).
    void setEmptyText(const QString &text);

    bool isCompact() const { return m_compact; }
    const QList<DrawnNode> &drawnNodes() const { return m_drawn; }
    // How many addresses are written under nodes.
    int labelCount() const;
    // Where the picture's warning is written; empty when it has none.
    QRectF warningRect() const { return m_warningRect; }
    // The legend's entries, as drawn.
    QStringList legend() const;

    static QString noteOf(NodeRole role);

    QSize sizeHint() const override { return {340, 280}; }
    QSize minimumSizeHint() const override { return {200, 150}; }

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    bool event(QEvent *event) override;

private:
    struct LegendEntry
    {
        NodeRole role;
        QString text;
        QRectF swatch;
        QPointF textAt;
    };

    void relayout();
    // Lays the header out from the top of area, and the legend from its bottom;
    // returns what is left for the nodes.
    QRectF layOutTextAround(QRectF area);
    bool layOutRing(const QRectF &area);
    void layOutGrid(const QRectF &area);
    void paintRing(QPainter &painter) const;
    void paintNode(QPainter &painter, const DrawnNode &drawn) const;
    void paintSwatch(QPainter &painter, NodeRole role, const QRectF &rect) const;
    int nodeAt(const QPointF &point) const;

    ClusterPicture m_picture;
    QString m_emptyText;
    bool m_compact = false;
    QList<DrawnNode> m_drawn;

    // Laid out once per picture and size.
    QString m_shownTitle;
    QString m_shownWarning;
    QRectF m_titleRect;
    QRectF m_warningRect;
    QRectF m_hintRect;
    QList<LegendEntry> m_legend;
    QList<QLineF> m_joins;        // a joined node to the hub
    QList<QLineF> m_clusterEdges; // etcd: the members that form the cluster
    std::array<QList<QRectF>, 4> m_cells; // the compact grid, one list per role
    QRectF m_gridArea;
    int m_gridColumns = 1;
    qreal m_cellSize = 1;
};
