#pragma once

#include <QLabel>

// The status bar's message: one line in a space of its own, cut at a word with
// "…" when it does not fit, the whole text in its tooltip. It stays until the next
// message, so a result is still there when the user looks.
class MessageLine : public QLabel
{
    Q_OBJECT

public:
    explicit MessageLine(QWidget *parent = nullptr);

    void showMessage(const QString &text);
    QString message() const { return m_message; }

    QSize minimumSizeHint() const override;

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void fit();

    QString m_message;
};
