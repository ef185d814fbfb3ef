#include "ServerTrayIcon.h"

#include "Icons.h"

#include <QAction>
#include <QMenu>

ServerTrayIcon::ServerTrayIcon(QAction *showHide, const QList<QAction *> &actions, QObject *parent)
    : QSystemTrayIcon(Icons::application(), parent)
{
    // The menu has no parent widget; the icon owns it.
    auto *menu = new QMenu;
    connect(this, &QObject::destroyed, menu, &QObject::deleteLater);
    m_state = menu->addAction(QString());
    m_state->setEnabled(false);
    menu->addSeparator();
    menu->addAction(showHide);
    for (QAction *action : actions) {
        if (action)
            menu->addAction(action);
        else
            menu->addSeparator();
    }
    setContextMenu(menu);
    connect(this, &QSystemTrayIcon::activated, showHide, [showHide](ActivationReason reason) {
        if (reason == Trigger)
            showHide->trigger();
    });
}

void ServerTrayIcon::setState(const QString &state)
{
    setToolTip(state);
    m_state->setText(state);
}
