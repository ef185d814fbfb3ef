#pragma once

#include <QWidget>

class QLabel;

// The strip at the top of the window while the server is not running: why, and the
// two ways out (change the settings, or try again once the port is free).
class ServerErrorBanner : public QWidget
{
    Q_OBJECT

public:
    explicit ServerErrorBanner(QWidget *parent = nullptr);

    void setReason(const QString &reason);
    QString text() const;

signals:
    void openSettingsClicked();
    void tryAgainClicked();

private:
    QLabel *m_text;
};
