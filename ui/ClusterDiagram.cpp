#include "ClusterDiagram.h"

#include "PictureStyle.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>
#include <QtMath>

#include <algorithm>

namespace {

constexpr qreal Margin = 8;
constexpr qreal NodeRadius = 13;
constexpr qreal MaxLabelWidth = 150;
constexpr qreal MaxCellSize = 14; // the compact grid's squares, gap included
constexpr qreal MinCellSize = 3;

QString legendText(NodeRole role, int count, bool withCount)
{
    QString text;
    switch (role) {
    case NodeRole::Bootstrapped: text = ClusterDiagram::tr("first to register: bootstrapped"); break;
    case NodeRole::Member: text = ClusterDiagram::tr("member"); break;
    case NodeRole::BeyondSize: text = ClusterDiagram::tr("beyond size: proxy"); break;
    case NodeRole::Leader: text = ClusterDiagram::tr("leader (Consul KV)"); break;
    }
    return withCount ? QStringLiteral("%1 (%2)").arg(text).arg(count) : text;
}

constexpr std::array<NodeRole, 4> AllRoles{NodeRole::Bootstrapped, NodeRole::Leader, NodeRole::Member,
                                           NodeRole::BeyondSize};

} // namespace

ClusterDiagram::ClusterDiagram(QWidget *parent) : QWidget(parent)
{
    setAttribute(Qt::WA_OpaquePaintEvent);
    setAutoFillBackground(false);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void ClusterDiagram::setPicture(ClusterPicture picture)
{
    m_picture = std::move(picture);
    relayout();
    update();
}

void ClusterDiagram::setEmptyText(const QString &text)
{
    m_emptyText = text;
    update();
}

QString ClusterDiagram::noteOf(NodeRole role)
{
    switch (role) {
    case NodeRole::Bootstrapped: return tr("bootstrapped");
    case NodeRole::Member: return {};
    case NodeRole::BeyondSize: return tr("beyond size: proxy");
    case NodeRole::Leader: return tr("leader");
    }
    return {};
}

int ClusterDiagram::labelCount() const
{
    return int(std::count_if(m_drawn.cbegin(), m_drawn.cend(), [](const DrawnNode &drawn) {
        return !drawn.label.isEmpty();
    }));
}

QStringList ClusterDiagram::legend() const
{
    QStringList texts;
    for (const LegendEntry &entry : m_legend)
        texts << entry.text;
    return texts;
}

// --- layout, once per picture and size ------------------------------------------------

void ClusterDiagram::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    relayout();
}

void ClusterDiagram::relayout()
{
    m_drawn.clear();
    m_joins.clear();
    m_clusterEdges.clear();
    for (QList<QRectF> &cells : m_cells)
        cells.clear();
    m_legend.clear();
    m_warningRect = m_hintRect = m_titleRect = {};
    m_compact = m_picture.nodes.size() > MaxLabelledNodes;
    if (m_picture.isEmpty() && m_picture.title.isEmpty())
        return;

    const QRectF inside = QRectF(rect()).adjusted(Margin, Margin, -Margin, -Margin);
    QRectF area = layOutTextAround(inside);
    m_drawn.reserve(m_picture.nodes.size());
    if (!m_compact && !layOutRing(area)) {
        m_compact = true; // too little room for labels: a grid says more than a jumble
        m_drawn.clear();
        m_joins.clear();
        m_clusterEdges.clear();
        area = layOutTextAround(inside); // with the grid's hint
    }
    if (m_compact)
        layOutGrid(area);
}

QRectF ClusterDiagram::layOutTextAround(QRectF area)
{
    const QFontMetricsF metrics(font());
    QFont bold = font();
    bold.setBold(true);
    const QFontMetricsF boldMetrics(bold);
    m_shownTitle = boldMetrics.elidedText(m_picture.title, Qt::ElideRight, area.width());
    m_titleRect = QRectF(area.left(), area.top(), area.width(), boldMetrics.height());
    area.setTop(m_titleRect.bottom() + 2);
    // Non-breaking hyphens: an option such as --discovery-fallback stays on one line.
    m_shownWarning = QString(m_picture.warning).replace(u'-', QChar(0x2011));
    if (!m_shownWarning.isEmpty()) {
        const QRectF needed = metrics.boundingRect(QRectF(area.left(), area.top(), area.width(), 1000),
                                                   Qt::TextWordWrap, m_shownWarning);
        m_warningRect = QRectF(area.left(), area.top(), area.width(), needed.height());
        area.setTop(m_warningRect.bottom() + 2);
    }
    if (m_compact) {
        m_hintRect = QRectF(area.left(), area.top(), area.width(), metrics.height());
        area.setTop(m_hintRect.bottom() + 2);
    }

    // The legend, from the bottom up: one entry per role drawn, in lines that wrap.
    const qreal swatch = metrics.height() * 0.8;
    const qreal lineHeight = metrics.height() + 2;
    QList<LegendEntry> entries;
    for (NodeRole role : AllRoles) {
        if (const int count = m_picture.count(role); count > 0)
            entries.append({role, legendText(role, count, m_compact), {}, {}});
    }
    qreal x = area.left();
    int line = 0;
    for (LegendEntry &entry : entries) {
        const qreal width = swatch + 4 + metrics.horizontalAdvance(entry.text);
        if (x > area.left() && x + width > area.right()) {
            x = area.left();
            ++line;
        }
        entry.swatch = QRectF(x, line * lineHeight + (lineHeight - swatch) / 2, swatch, swatch);
        entry.textAt = QPointF(x + swatch + 4, line * lineHeight + metrics.ascent() + 1);
        x += width + 12;
    }
    const qreal legendTop = area.bottom() - (line + 1) * lineHeight;
    for (LegendEntry &entry : entries) {
        entry.swatch.translate(0, legendTop);
        entry.textAt += QPointF(0, legendTop);
    }
    m_legend = std::move(entries);
    if (!m_legend.isEmpty())
        area.setBottom(legendTop - 4);
    return area;
}

bool ClusterDiagram::layOutRing(const QRectF &area)
{
    const QFontMetricsF metrics(font());
    const qsizetype count = m_picture.nodes.size();
    const bool anyNote = std::any_of(m_picture.nodes.cbegin(), m_picture.nodes.cend(),
                                     [](const ClusterNode &node) { return !noteOf(node.role).isEmpty(); });
    const qreal labelHeight = metrics.height() * (anyNote ? 2 : 1) + 2;
    QFont italic = font();
    italic.setItalic(true);
    const QFontMetricsF noteMetrics(italic);
    qreal widest = 0;
    for (const ClusterNode &node : m_picture.nodes) {
        widest = std::max({widest, metrics.horizontalAdvance(node.shownName()),
                           noteMetrics.horizontalAdvance(noteOf(node.role))});
    }
    const qreal labelWidth = std::min({widest + 4, MaxLabelWidth, area.width()});

    // The ring as large as the room allows, labels included: under the nodes, and above
    // those atop the ring (the lines to the hub would cross labels under them).
    const qreal labelsHeight = count > 2 ? 2 * labelHeight : labelHeight;
    qreal radius = 0;
    if (count > 1) {
        radius = std::min((area.height() - labelsHeight - 2 * NodeRadius) / 2,
                          area.width() / 2 - std::max(NodeRadius, labelWidth / 2));
        radius = std::min(radius, 50.0 + 16.0 * count); // three nodes need no wall of a ring
        // Each node needs its circle's width on the ring, its neighbours' labels aside.
        if (radius < NodeRadius * 2 || 2 * M_PI * radius / count < NodeRadius * 2.5)
            return false;
    } else if (area.height() < labelHeight + 2 * NodeRadius) {
        return false;
    }
    const qreal extent = 2 * radius + 2 * NodeRadius + labelsHeight;
    const QPointF center(area.center().x(), area.top() + (area.height() - extent) / 2 + (labelsHeight - labelHeight)
                                                + NodeRadius + radius);
    // Two nodes side by side; more from the top, counter-clockwise in registration
    // order, so the first row under the top node reads left to right.
    const qreal start = count == 2 ? 180.0 : -90.0;
    const qreal spacing = count > 1 ? 2 * M_PI * radius / count : area.width();
    const qreal eachLabelWidth = count <= 4 ? labelWidth : std::clamp(spacing * 1.6, 60.0, labelWidth);

    const ClusterNode *hub = m_picture.first(NodeRole::Bootstrapped);
    if (!hub)
        hub = m_picture.first(NodeRole::Leader);
    QPointF hubAt;
    QList<QPointF> members; // etcd: the members that form the cluster, in order
    for (qsizetype i = 0; i < count; ++i) {
        const ClusterNode &node = m_picture.nodes.at(i);
        const qreal angle = qDegreesToRadians(start - 360.0 * qreal(i) / qreal(count));
        const QPointF at = center + QPointF(radius * qCos(angle), radius * qSin(angle));
        const bool above = count > 2 && qSin(angle) < -0.5;
        const qreal labelTop = above ? at.y() - NodeRadius - labelHeight : at.y() + NodeRadius + 2;
        DrawnNode drawn{node, QRectF(at - QPointF(NodeRadius, NodeRadius), QSizeF(2 * NodeRadius, 2 * NodeRadius)),
                        metrics.elidedText(node.shownName(), Qt::ElideMiddle, eachLabelWidth), noteOf(node.role),
                        QRectF(at.x() - MaxLabelWidth / 2, labelTop, MaxLabelWidth, metrics.height())};
        m_drawn.append(std::move(drawn));
        if (&node == hub)
            hubAt = at;
        else if (!hub && node.role == NodeRole::Member)
            members.append(at);
    }
    if (hub) {
        for (const DrawnNode &drawn : std::as_const(m_drawn)) {
            if (drawn.node.role != hub->role)
                m_joins.append(QLineF(drawn.shape.center(), hubAt));
        }
    }
    for (qsizetype i = 0; members.size() > 1 && i < members.size(); ++i) {
        if (members.size() == 2 && i == 1)
            break; // one line between two
        m_clusterEdges.append(QLineF(members.at(i), members.at((i + 1) % members.size())));
    }
    return true;
}

void ClusterDiagram::layOutGrid(const QRectF &area)
{
    const qsizetype count = m_picture.nodes.size();
    // Squares as large as fit, every node on the screen.
    qreal size = std::floor(std::sqrt(area.width() * std::max<qreal>(area.height(), 1) / qreal(count)));
    size = std::clamp(size, MinCellSize, MaxCellSize);
    int columns = 1;
    while (true) {
        columns = std::max(1, int(area.width() / size));
        const qsizetype rows = (count + columns - 1) / columns;
        if (rows * size <= area.height() || size <= MinCellSize)
            break;
        size -= 1;
    }
    m_cellSize = size;
    m_gridColumns = columns;
    m_gridArea = area;
    const qreal gap = size >= 6 ? 2 : 1;
    for (qsizetype i = 0; i < count; ++i) {
        const ClusterNode &node = m_picture.nodes.at(i);
        const QRectF cell(area.left() + qreal(i % columns) * size, area.top() + qreal(i / columns) * size,
                          size - gap, size - gap);
        m_cells[size_t(node.role)].append(cell);
        m_drawn.append({node, cell, {}, {}, {}});
    }
}

// --- painting: only what was laid out ---------------------------------------------------

void ClusterDiagram::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().color(QPalette::Base));
    const QColor text = palette().color(QPalette::Text);
    if (m_picture.isEmpty() && m_picture.title.isEmpty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect().adjusted(int(Margin), 0, -int(Margin), 0), Qt::AlignCenter | Qt::TextWordWrap,
                         m_emptyText);
        return;
    }
    QFont bold = font();
    bold.setBold(true);
    painter.setFont(bold);
    painter.setPen(text);
    painter.drawText(m_titleRect, Qt::AlignLeft | Qt::AlignVCenter, m_shownTitle);
    painter.setFont(font());
    if (!m_warningRect.isEmpty()) {
        painter.setPen(PictureStyle::warningColor());
        painter.drawText(m_warningRect, Qt::AlignLeft | Qt::TextWordWrap, m_shownWarning);
    }
    if (!m_hintRect.isEmpty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(m_hintRect, Qt::AlignLeft | Qt::AlignVCenter,
                         tr("One square a node, too many to label: hover one for its address."));
    }

    if (m_compact) {
        painter.setPen(Qt::NoPen);
        for (NodeRole role : AllRoles) {
            const QList<QRectF> &cells = m_cells[size_t(role)];
            if (cells.isEmpty())
                continue;
            painter.setBrush(PictureStyle::roleColor(role));
            painter.drawRects(cells.constData(), int(cells.size()));
        }
    } else {
        paintRing(painter);
    }

    painter.setRenderHint(QPainter::Antialiasing);
    for (const LegendEntry &entry : m_legend) {
        paintSwatch(painter, entry.role, entry.swatch);
        painter.setPen(text);
        painter.drawText(entry.textAt, entry.text);
    }
}

void ClusterDiagram::paintRing(QPainter &painter) const
{
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(QPen(palette().color(QPalette::Mid), 1.5));
    painter.drawLines(m_joins);
    painter.setPen(QPen(PictureStyle::roleColor(NodeRole::Member).lighter(150), 2));
    painter.drawLines(m_clusterEdges);
    QFont italic = font();
    italic.setItalic(true);
    for (const DrawnNode &drawn : m_drawn) {
        paintNode(painter, drawn);
        const QRectF &label = drawn.labelRect;
        painter.setPen(palette().color(QPalette::Text));
        painter.setFont(font());
        painter.drawText(label, Qt::AlignHCenter | Qt::AlignTop, drawn.label);
        if (!drawn.note.isEmpty()) {
            painter.setFont(italic);
            painter.setPen(drawn.node.role == NodeRole::Bootstrapped ? PictureStyle::roleColor(drawn.node.role).darker(130)
                                                                    : PictureStyle::roleColor(drawn.node.role));
            painter.drawText(label.translated(0, label.height()), Qt::AlignHCenter | Qt::AlignTop, drawn.note);
        }
    }
    painter.setFont(font());
}

void ClusterDiagram::paintNode(QPainter &painter, const DrawnNode &drawn) const
{
    const QColor color = PictureStyle::roleColor(drawn.node.role);
    const QRectF &shape = drawn.shape;
    switch (drawn.node.role) {
    case NodeRole::Member:
        painter.setPen(QPen(color.darker(120), 1.5));
        painter.setBrush(color);
        painter.drawEllipse(shape);
        break;
    case NodeRole::Bootstrapped:
        painter.setPen(QPen(color.darker(140), 2));
        painter.setBrush(color);
        painter.drawEllipse(shape.adjusted(-2, -2, 2, 2));
        painter.setPen(Qt::NoPen);
        painter.setBrush(Qt::white);
        painter.drawPolygon(PictureStyle::star(shape.center(), shape.width() * 0.4));
        break;
    case NodeRole::Leader:
        painter.setPen(QPen(color, 2));
        painter.setBrush(Qt::NoBrush);
        painter.drawEllipse(shape.adjusted(-4, -4, 4, 4)); // a second ring: the one the others join
        painter.setBrush(color);
        painter.drawEllipse(shape);
        break;
    case NodeRole::BeyondSize:
        painter.setPen(QPen(color, 2, Qt::DashLine));
        painter.setBrush(color.lighter(190));
        painter.drawEllipse(shape);
        break;
    }
}

void ClusterDiagram::paintSwatch(QPainter &painter, NodeRole role, const QRectF &rect) const
{
    const QColor color = PictureStyle::roleColor(role);
    if (m_compact) {
        painter.setPen(Qt::NoPen);
        painter.setBrush(color);
        painter.drawRect(rect);
        return;
    }
    DrawnNode sample{{QString(), {}, role, {}}, rect.adjusted(2, 2, -2, -2), {}, {}, {}};
    paintNode(painter, sample);
}

// --- tooltips ---------------------------------------------------------------------------

int ClusterDiagram::nodeAt(const QPointF &point) const
{
    if (m_compact) {
        // Straight from the grid's geometry: no search through a thousand squares.
        const QPointF inGrid = point - m_gridArea.topLeft();
        if (inGrid.x() < 0 || inGrid.y() < 0)
            return -1;
        const int column = int(inGrid.x() / m_cellSize);
        const int row = int(inGrid.y() / m_cellSize);
        const qsizetype index = qsizetype(row) * m_gridColumns + column;
        return column < m_gridColumns && index < m_drawn.size() ? int(index) : -1;
    }
    for (qsizetype i = 0; i < m_drawn.size(); ++i) {
        if (m_drawn.at(i).shape.adjusted(-3, -3, 3, 3).contains(point))
            return int(i);
    }
    return -1;
}

bool ClusterDiagram::event(QEvent *event)
{
    if (event->type() != QEvent::ToolTip)
        return QWidget::event(event);
    const auto *help = static_cast<QHelpEvent *>(event);
    const int index = nodeAt(help->pos());
    if (index < 0) {
        QToolTip::hideText();
        if (m_titleRect.contains(help->pos()) && m_shownTitle != m_picture.title)
            QToolTip::showText(help->globalPos(), m_picture.title, this);
        event->ignore();
        return true;
    }
    const ClusterNode &node = m_drawn.at(index).node;
    QStringList parts;
    if (!node.name.isEmpty())
        parts << node.name;
    parts << node.address;
    if (const QString note = noteOf(node.role); !note.isEmpty())
        parts << note;
    QToolTip::showText(help->globalPos(), parts.join(QStringLiteral(" \u00B7 ")), this);
    return true;
}
