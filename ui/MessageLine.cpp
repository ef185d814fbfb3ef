#include "MessageLine.h"

MessageLine::MessageLine(QWidget *parent) : QLabel(parent)
{
    setTextFormat(Qt::PlainText);
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred); // takes what the counters leave
}

void MessageLine::showMessage(const QString &text)
{
    m_message = text;
    setToolTip(text);
    fit();
}

QSize MessageLine::minimumSizeHint() const
{
    return {0, QLabel::minimumSizeHint().height()};
}

void MessageLine::resizeEvent(QResizeEvent *event)
{
    QLabel::resizeEvent(event);
    fit();
}

void MessageLine::fit()
{
    const QFontMetrics metrics = fontMetrics();
    const int room = contentsRect().width();
    if (metrics.horizontalAdvance(m_message) <= room) {
        setText(m_message);
        return;
    }
    // The longest start that ends at a word and leaves room for the ellipsis.
    const QString ellipsis = QStringLiteral("\u2026");
    QString shown = metrics.elidedText(m_message, Qt::ElideRight, room);
    shown.chop(1); // elidedText's own ellipsis, which may stand mid-word
    const qsizetype space = shown.lastIndexOf(u' ');
    if (space > 0 && space + 1 < m_message.size() && !m_message.at(shown.size()).isSpace())
        shown.truncate(space);
    setText(shown.trimmed() + ellipsis);
}
