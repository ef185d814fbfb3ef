#pragma once

#include "RegistrationHistory.h"
#include "TimeText.h"

#include <QPolygonF>
#include <QWidget>

// Draws an ID's registrations on a time axis, oldest on the left: a registration as a
// dot above the axis (a star for the node that bootstrapped), a re-registration as a
// diamond, a removal as a cross below it. Addresses are written in up to three rows
// where they fit; the rest show theirs on hover. The axis runs from the first event
// to the last, with their clock times at the ends.
//
// Laid out when the events or the size change; a paint draws a few paths and at most
// a few dozen labels, whatever the number of events.
class RegistrationTimeline : public QWidget
{
    Q_OBJECT

public:
    // One event as it is drawn: its marker's centre and its label (empty where none fits).
    struct DrawnEvent
    {
        RegistrationEvent event;
        QPointF marker;
        QString label;
        QRectF labelRect;
    };

    explicit RegistrationTimeline(QWidget *parent = nullptr);

    // events oldest first; dropped: older ones not kept; firstRegistrant: the address
    // of the node that bootstrapped (its first registration gets the star), or empty.
    void setEvents(const QList<RegistrationEvent> &events, qint64 dropped, const QString &firstRegistrant = {});
    // What is drawn when there are no events to show.
    void setEmptyText(const QString &text);
    void setTimeZone(TimeZoneChoice zone);

    const QList<DrawnEvent> &drawnEvents() const { return m_drawn; }
    // The line above the axis: how many of each, as drawn.
    QString caption() const { return m_caption; }
    // The times written at the ends of the axis.
    QString startText() const { return m_startText; }
    QString endText() const { return m_endText; }

    QSize sizeHint() const override { return {340, 150}; }
    QSize minimumSizeHint() const override { return {200, 110}; }

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    bool event(QEvent *event) override;

private:
    void relayout();
    void layOutLabels(const QRectF &area, qreal axisY, qreal belowBottom);

    QList<RegistrationEvent> m_events;
    qint64 m_dropped = 0;
    QString m_firstRegistrant;
    QString m_emptyText;
    TimeZoneChoice m_zone = TimeZoneChoice::Local;

    // Laid out once per events and size.
    QList<DrawnEvent> m_drawn;
    QString m_caption;
    QString m_startText;
    QString m_endText;
    QString m_spanText;
    QRectF m_captionRect;
    QLineF m_axis;
    QRectF m_timesRect;
    // The markers, one per pixel column and kind: events closer than a pixel would
    // be drawn over each other, so a paint costs the width, not the number of events.
    QList<QLineF> m_stems;        // from the axis to each marker
    QList<QRectF> m_registered;   // dots
    QList<QPolygonF> m_again;     // diamonds
    QList<QLineF> m_removed;      // crosses, two lines each
    QPolygonF m_star;             // the bootstrapped node's first registration
};
