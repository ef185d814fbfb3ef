#pragma once

#include <QSystemTrayIcon>

class QAction;

// The tray icon: the server's state in its tooltip and menu, show/hide on click,
// and the window's Show/Hide, Copy URL and Quit actions in its menu.
class ServerTrayIcon : public QSystemTrayIcon
{
    Q_OBJECT

public:
    ServerTrayIcon(QAction *showHide, const QList<QAction *> &actions, QObject *parent = nullptr);

    void setState(const QString &state);

private:
    QAction *m_state;
};
