#include "RegistrationTimeline.h"

#include "PictureStyle.h"
#include "Plural.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>
#include <array>

namespace {

constexpr qreal Margin = 8;
constexpr qreal MarkerRadius = 4.5;
constexpr qreal MarkerLift = 11; // how far above (or below) the axis a marker sits
constexpr qreal MaxLabelWidth = 140;
constexpr int MaxLabelRows = 3;

const QColor AgainColor(0x7e, 0x57, 0xc2);
const QColor RemovedColor(0xc6, 0x28, 0x28);

QString spanText(qint64 microseconds)
{
    const double seconds = double(microseconds) / 1e6;
    if (seconds < 1)
        return RegistrationTimeline::tr("%1 ms").arg(qRound64(seconds * 1000));
    if (seconds < 60)
        return RegistrationTimeline::tr("%1 s").arg(seconds, 0, 'f', 1);
    if (seconds < 3600)
        return RegistrationTimeline::tr("%1 min").arg(seconds / 60, 0, 'f', 1);
    if (seconds < 86400)
        return RegistrationTimeline::tr("%1 h").arg(seconds / 3600, 0, 'f', 1);
    return RegistrationTimeline::tr("%1 d").arg(seconds / 86400, 0, 'f', 1);
}

QString labelOf(const RegistrationEvent &event)
{
    switch (event.kind) {
    case RegistrationEvent::Kind::Registered:
    case RegistrationEvent::Kind::Removed:
        return event.shownName();
    case RegistrationEvent::Kind::RegisteredAgain:
        return RegistrationTimeline::tr("%1 again").arg(event.shownName());
    }
    return {};
}

QString describe(const RegistrationEvent &event)
{
    if (!event.name.isEmpty()) // an etcd member: its name, then its ID
        return describe({event.kind, QStringLiteral("%1 (%2)").arg(event.name, event.address), event.at,
                         event.registrations, {}});
    switch (event.kind) {
    case RegistrationEvent::Kind::Registered: return RegistrationTimeline::tr("%1 registered").arg(event.address);
    case RegistrationEvent::Kind::RegisteredAgain:
        return RegistrationTimeline::tr("%1 registered again (%2 times in all)").arg(event.address).arg(event.registrations);
    case RegistrationEvent::Kind::Removed: return RegistrationTimeline::tr("%1 removed").arg(event.address);
    }
    return {};
}

QColor colorOf(RegistrationEvent::Kind kind)
{
    switch (kind) {
    case RegistrationEvent::Kind::Registered: return PictureStyle::roleColor(NodeRole::Member);
    case RegistrationEvent::Kind::RegisteredAgain: return AgainColor;
    case RegistrationEvent::Kind::Removed: return RemovedColor;
    }
    return {};
}

} // namespace

RegistrationTimeline::RegistrationTimeline(QWidget *parent) : QWidget(parent)
{
    setAttribute(Qt::WA_OpaquePaintEvent);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
}

void RegistrationTimeline::setEvents(const QList<RegistrationEvent> &events, qint64 dropped,
                                     const QString &firstRegistrant)
{
    m_events = events;
    m_dropped = dropped;
    m_firstRegistrant = firstRegistrant;
    relayout();
    update();
}

void RegistrationTimeline::setEmptyText(const QString &text)
{
    m_emptyText = text;
    update();
}

void RegistrationTimeline::setTimeZone(TimeZoneChoice zone)
{
    m_zone = zone;
    relayout();
    update();
}

void RegistrationTimeline::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    relayout();
}

// --- layout, once per events and size -------------------------------------------------

void RegistrationTimeline::relayout()
{
    m_drawn.clear();
    m_stems.clear();
    m_registered.clear();
    m_again.clear();
    m_removed.clear();
    m_star.clear();
    m_caption.clear();
    m_startText.clear();
    m_endText.clear();
    m_spanText.clear();
    if (m_events.isEmpty())
        return;

    std::array<qsizetype, 3> counts{};
    for (const RegistrationEvent &event : std::as_const(m_events))
        ++counts[size_t(event.kind)];
    QStringList parts{countOf(counts[0], tr("registration"), tr("registrations"))};
    if (counts[1] > 0)
        parts << countOf(counts[1], tr("re-registration"), tr("re-registrations"));
    if (counts[2] > 0)
        parts << countOf(counts[2], tr("removal"), tr("removals"));
    m_caption = parts.join(QStringLiteral(", "));
    if (m_dropped > 0)
        m_caption += tr(" (the latest %1 events; %2 older not shown)").arg(m_events.size()).arg(m_dropped);

    const QFontMetricsF metrics(font());
    const QRectF area = QRectF(rect()).adjusted(Margin, Margin, -Margin, -Margin);
    m_captionRect = QRectF(area.left(), area.top(), area.width(), metrics.height());
    m_timesRect = QRectF(area.left(), area.bottom() - metrics.height(), area.width(), metrics.height());
    const qreal belowBottom = m_timesRect.top() - 2;
    const qreal axisY = belowBottom - MarkerLift - MarkerRadius - 2 - metrics.height();
    const qreal left = area.left() + MaxLabelWidth / 4;
    const qreal right = area.right() - MaxLabelWidth / 4;
    m_axis = QLineF(left - 6, axisY, right + 6, axisY);

    const Timestamp first = m_events.constFirst().at;
    const Timestamp last = m_events.constLast().at;
    const qint64 span = last.microseconds() - first.microseconds();
    m_startText = TimeText::clock(first, m_zone);
    if (span > 0) {
        m_endText = TimeText::clock(last, m_zone);
        m_spanText = tr("over %1").arg(spanText(span));
    }

    bool starred = false;
    std::array<qreal, 3> lastColumn;
    lastColumn.fill(-1);
    m_drawn.reserve(m_events.size());
    for (const RegistrationEvent &event : std::as_const(m_events)) {
        const qreal x = span > 0 ? left + (right - left) * qreal(event.at.microseconds() - first.microseconds()) / qreal(span)
                                 : (left + right) / 2;
        const bool above = event.kind != RegistrationEvent::Kind::Removed;
        const QPointF marker(x, above ? axisY - MarkerLift : axisY + MarkerLift);
        m_drawn.append({event, marker, {}, {}});
        const bool star = !starred && event.kind == RegistrationEvent::Kind::Registered && event.address == m_firstRegistrant;
        qreal &column = lastColumn[size_t(event.kind)];
        if (!star && std::floor(x) == column)
            continue; // this pixel has its marker
        column = std::floor(x);
        m_stems.append(QLineF(x, axisY, x, marker.y()));
        const qreal r = MarkerRadius;
        switch (event.kind) {
        case RegistrationEvent::Kind::Registered:
            if (star) {
                starred = true;
                m_star = PictureStyle::star(marker, r * 1.8);
            } else {
                m_registered.append(QRectF(marker - QPointF(r, r), QSizeF(2 * r, 2 * r)));
            }
            break;
        case RegistrationEvent::Kind::RegisteredAgain:
            m_again.append(QPolygonF({marker + QPointF(0, -r - 1), marker + QPointF(r + 1, 0), marker + QPointF(0, r + 1),
                                      marker + QPointF(-r - 1, 0)}));
            break;
        case RegistrationEvent::Kind::Removed:
            m_removed.append(QLineF(marker + QPointF(-r, -r), marker + QPointF(r, r)));
            m_removed.append(QLineF(marker + QPointF(r, -r), marker + QPointF(-r, r)));
            break;
        }
    }
    layOutLabels(area, axisY, belowBottom);
}

void RegistrationTimeline::layOutLabels(const QRectF &area, qreal axisY, qreal belowBottom)
{
    // Greedy, left to right: a label goes in the lowest row where it overlaps nothing.
    const QFontMetricsF metrics(font());
    const qreal lineHeight = metrics.height();
    const qreal aboveBottom = axisY - MarkerLift - MarkerRadius - 3;
    const int rowsAbove = std::clamp(int((aboveBottom - m_captionRect.bottom() - 2) / lineHeight), 0, MaxLabelRows);
    std::array<qreal, MaxLabelRows> aboveEnds;
    aboveEnds.fill(-1e9);
    qreal belowEnd = -1e9;
    for (DrawnEvent &drawn : m_drawn) {
        const QString text = metrics.elidedText(labelOf(drawn.event), Qt::ElideMiddle, MaxLabelWidth);
        const qreal width = metrics.horizontalAdvance(text);
        const qreal x = std::clamp(drawn.marker.x() - width / 2, area.left(), area.right() - width);
        if (drawn.event.kind == RegistrationEvent::Kind::Removed) {
            if (x < belowEnd + 6)
                continue;
            belowEnd = x + width;
            drawn.labelRect = QRectF(x, belowBottom - lineHeight, width, lineHeight);
            drawn.label = text;
            continue;
        }
        for (int row = 0; row < rowsAbove; ++row) {
            if (x < aboveEnds[size_t(row)] + 6)
                continue;
            aboveEnds[size_t(row)] = x + width;
            drawn.labelRect = QRectF(x, aboveBottom - (row + 1) * lineHeight, width, lineHeight);
            drawn.label = text;
            break;
        }
    }
}

// --- painting: only what was laid out ---------------------------------------------------

void RegistrationTimeline::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().color(QPalette::Base));
    if (m_events.isEmpty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect().adjusted(int(Margin), 0, -int(Margin), 0), Qt::AlignCenter | Qt::TextWordWrap,
                         m_emptyText);
        return;
    }
    const QColor text = palette().color(QPalette::Text);
    QFont bold = font();
    bold.setBold(true);
    painter.setFont(bold);
    painter.setPen(text);
    painter.drawText(m_captionRect, Qt::AlignLeft | Qt::AlignVCenter,
                     QFontMetricsF(bold).elidedText(m_caption, Qt::ElideRight, m_captionRect.width()));
    painter.setFont(font());

    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(QPen(palette().color(QPalette::Mid), 1));
    painter.drawLines(m_stems);
    painter.setPen(QPen(palette().color(QPalette::Dark), 1.5));
    painter.drawLine(m_axis);
    painter.setPen(Qt::NoPen);
    painter.setBrush(PictureStyle::roleColor(NodeRole::Member));
    for (const QRectF &dot : m_registered)
        painter.drawEllipse(dot);
    painter.setBrush(AgainColor);
    for (const QPolygonF &diamond : m_again)
        painter.drawPolygon(diamond);
    painter.setPen(QPen(RemovedColor, 2));
    painter.drawLines(m_removed);
    if (!m_star.isEmpty()) {
        const QColor gold = PictureStyle::roleColor(NodeRole::Bootstrapped);
        painter.setPen(QPen(gold.darker(140), 1));
        painter.setBrush(gold);
        painter.drawPolygon(m_star);
    }

    for (const DrawnEvent &drawn : m_drawn) {
        if (drawn.label.isEmpty())
            continue;
        painter.setPen(drawn.event.kind == RegistrationEvent::Kind::Registered ? text : colorOf(drawn.event.kind));
        painter.drawText(drawn.labelRect, Qt::AlignLeft | Qt::AlignVCenter, drawn.label);
    }

    painter.setPen(palette().color(QPalette::PlaceholderText));
    painter.drawText(m_timesRect, Qt::AlignLeft | Qt::AlignVCenter, m_startText);
    painter.drawText(m_timesRect, Qt::AlignHCenter | Qt::AlignVCenter, m_spanText);
    painter.drawText(m_timesRect, Qt::AlignRight | Qt::AlignVCenter, m_endText);
}

// --- tooltips ---------------------------------------------------------------------------

bool RegistrationTimeline::event(QEvent *event)
{
    if (event->type() != QEvent::ToolTip)
        return QWidget::event(event);
    const auto *help = static_cast<QHelpEvent *>(event);
    const DrawnEvent *nearest = nullptr;
    qreal best = 8; // pixels: close enough to mean that marker
    for (const DrawnEvent &drawn : std::as_const(m_drawn)) {
        const qreal distance = QLineF(drawn.marker, help->pos()).length();
        if (distance < best) {
            best = distance;
            nearest = &drawn;
        }
    }
    if (!nearest) {
        QToolTip::hideText();
        event->ignore();
        return true;
    }
    QToolTip::showText(help->globalPos(),
                       tr("%1 at %2").arg(describe(nearest->event), TimeText::absolute(nearest->event.at, m_zone)), this);
    return true;
}
