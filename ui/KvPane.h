#pragma once

#include "core/StoreChange.h"
#include "TimeText.h"

#include <QWidget>

class AppController;
class KvAskerTableModel;
class KvTableModel;
class QLabel;
class QPushButton;
class QTableView;
class UserPrompts;

// The window's Consul KV tab (rqlite 7 and later): each cluster's key with the
// leader it names and when it last reported, the nodes that asked for it (voters
// waiting to join), copy-ready commands for a local cluster (or starting it, which
// the window does), and deleting a key.
// Reads and writes through KvService, never waiting for the server.
class KvPane : public QWidget
{
    Q_OBJECT

public:
    KvPane(AppController &app, UserPrompts &prompts, QWidget *parent = nullptr);

    KvTableModel *keyModel() const { return m_keys; }
    KvAskerTableModel *askerModel() const { return m_askers; }
    QTableView *keyView() const { return m_keyView; }
    QString currentKey() const;
    void selectKey(const QString &key);

    // Reads every key again: the server (re)started or changed elsewhere.
    void reload();
    // Reads again what the committed changes touched.
    void applyChanges(const QList<StoreChanges> &transactions);
    void setTimeZone(TimeZoneChoice zone);
    void tick(); // relative times move on

    // Copies the commands for the selected cluster, or for rqlite's default key.
    void copyCommands();
    void deleteSelectedKey();

    // The -disco-key of the selected cluster, or rqlite's default.
    QString discoKey() const;

signals:
    void message(const QString &text);
    // The user asked for a local rqlite cluster under this -disco-key.
    void localClusterWanted(const QString &discoKey);

private:
    void loadAskers();
    void updateState();

    AppController &m_app;
    UserPrompts &m_prompts;
    KvTableModel *m_keys;
    KvAskerTableModel *m_askers;
    QTableView *m_keyView = nullptr;
    QTableView *m_askerView = nullptr;
    QLabel *m_hint = nullptr;
    QLabel *m_askersTitle = nullptr;
    QPushButton *m_copyButton = nullptr;
    QPushButton *m_startButton = nullptr;
    QPushButton *m_deleteButton = nullptr;
    QString m_selectAfterReload;
    int m_reloads = 0; // an answer to an older reload is dropped
};
