#pragma once

#include "ClusterMember.h"
#include "LocalCluster.h"

#include <QWidget>

class LocalClusterModel;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableView;
class UserPrompts;

// The Local Cluster dock: the members DiscoDesk started, live, with the log of the
// selected one, and the buttons to stop one, stop all, start one member beyond the
// size and remove the data. It starts what MainWindow chose and reports what the
// user must know: a port that was taken, a member that ended on its own (whose log
// it then shows), the cluster serving.
class LocalClusterPane : public QWidget
{
    Q_OBJECT

public:
    LocalClusterPane(LocalCluster &cluster, UserPrompts &prompts, QWidget *parent = nullptr);

    LocalClusterModel *model() const { return m_model; }
    QTableView *memberView() const { return m_memberView; }
    QPlainTextEdit *logView() const { return m_log; }
    // The selected member's row, or -1.
    int currentMember() const;
    void selectMember(int index);

    // Starts recipe's members, or tells the user why not; true once they start.
    bool start(std::unique_ptr<ClusterRecipe> recipe, const QString &title);
    void stopSelected();
    void stopAll();
    void startOneMore();
    void removeData();

signals:
    void message(const QString &text);

private:
    void onMemberChanged(int index);
    void onLogged(int index, const QStringList &lines);
    void showLog();
    void showLogEnd();
    void updateState();
    void reportMoved(const QList<LocalCluster::MovedPort> &moved);
    // The members are to be called nodes (rqlite) or members (etcd).
    bool areNodes() const;

    LocalCluster &m_cluster;
    UserPrompts &m_prompts;
    LocalClusterModel *m_model;
    QLabel *m_title = nullptr;
    QLabel *m_notice = nullptr;
    QTableView *m_memberView = nullptr;
    QLabel *m_logTitle = nullptr;
    QPlainTextEdit *m_log = nullptr;
    QPushButton *m_stopButton = nullptr;
    QPushButton *m_stopAllButton = nullptr;
    QPushButton *m_oneMoreButton = nullptr;
    QPushButton *m_removeButton = nullptr;
    QList<ClusterMember::State> m_seen; // each row's state when last looked at
    bool m_servingSaid = false;
    bool m_followLog = true; // the log view shows the newest lines as they come
};
