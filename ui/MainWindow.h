#pragma once

#include "AppController.h"
#include "ChangeBatcher.h"
#include "ExpiryDialog.h"
#include "StoreTotals.h"
#include "TableViews.h"

#include <QMainWindow>
#include <QTimer>

class ActivityLogModel;
class ClusterPicturePane;
class IdTableModel;
class QDockWidget;
class KvPane;
class LocalClusterPane;
class MessageLine;
class NodeTableModel;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTabWidget;
class QTableView;
class QToolButton;
class RequestLogModel;
class ServerErrorBanner;
class ServerTrayIcon;
class UserPrompts;

// DiscoDesk's window: shows the IDs of the server that app runs, their nodes and the
// requests as they happen, with the actions to create, copy, edit, delete, prune,
// export and import. It reads and changes data only through app's ServiceClient and
// never waits for the server. Everything the window asks the user goes through
// UserPrompts.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    MainWindow(AppController &app, UserPrompts &prompts, QWidget *parent = nullptr);

    IdTableModel *idModel() const { return m_ids; }
    NodeTableModel *nodeModel() const { return m_nodes; }
    RequestLogModel *requestLog() const { return m_requests; }
    // What the window told the user, newest first.
    ActivityLogModel *activityLog() const { return m_activity; }
    // The status line's message, in full.
    QString message() const;
    QSortFilterProxyModel *idProxy() const { return m_idProxy; }
    DataTableView *idView() const { return m_idView; }
    QTableView *nodeView() const { return m_nodeView; }
    KvPane *kvPane() const { return m_kv; }
    // The picture of the selected cluster: its diagram and registration timeline.
    ClusterPicturePane *clusterPicture() const { return m_picture; }
    // The Local Cluster dock's contents: the members started from the window.
    LocalClusterPane *localClusterPane() const { return m_localCluster; }
    QTabWidget *tabs() const { return m_tabs; }
    // How many IDs and nodes the store holds (the table loads its rows lazily).
    const StoreTotals &totals() const { return m_totals; }

    // The ID whose nodes are shown (the current row), and all selected IDs.
    QString currentId() const;
    QStringList selectedIds() const;
    void selectIds(const QStringList &ids);
    QStringList selectedNodes() const;
    void selectNodes(const QStringList &addresses);

    // A reload of the IDs (the server started, or changed elsewhere) is on its way.
    bool isReloading() const { return m_reloading; }

    QString aboutText() const;
    // The status bar's parts, as the user reads them.
    QString stateText() const;
    QString countsText() const;

public slots:
    void newId();
    void newEtcdToken();
    void copyId();
    // The URL its nodes are given: the server's (-disco-url) for an rqlite ID, the
    // token's --discovery URL for an etcd token.
    void copyDiscoveryUrl();
    // The commands that start a local cluster with the current ID: 3 rqlite nodes,
    // or as many etcd members as the token's size.
    void copyClusterCommands();
    // Starts those commands' members as DiscoDesk's children, for the current etcd token
    // or rqlite ID, and shows them in the Local Cluster dock.
    void startLocalCluster();
    // Starts three rqlite nodes: with the ID for rqlite 6, through Consul KV for 7 and
    // later (under discoKey, or under the ID when that is empty).
    void startRqliteCluster(const QString &id, const QString &discoKey);
    void editLabel();
    void deleteIds();
    void deleteNodes();
    void prune();
    void editExpiry();
    // Reads the expiry rules and the last sweep again, for the status bar.
    void refreshExpiry();
    void exportIds();
    void importIds();
    void openSettings();
    void showAbout();
    // Quits, once the user agreed to stop the local cluster's members, if any run.
    void quit();

signals:
    // An export's file is written (the export runs in the background).
    void exported(const QString &path);
    // The store's changes have been applied to the tables (for the window benchmark).
    void changesShown(const QList<StoreChanges> &transactions);

protected:
    void closeEvent(QCloseEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void createActions();
    void createMenusAndToolBar();
    QWidget *createCentralWidget();
    void createRequestDock();
    void createPictureDock();
    void createLocalClusterDock();
    void createStatusBar();
    void createTray();

    // The current row's ID, or nullptr when no row is current.
    const DiscoveryId *currentRecord() const;
    void onServerChanged();
    void reloadIds();
    // Runs work(service) on the server's thread without waiting; done(result) comes
    // later, after the changes older than the result have been applied to the window.
    template <typename Work, typename Done>
    void ask(Work work, Done done);
    void loadNodesOfCurrentId();
    void applyChanges(const QList<StoreChanges> &transactions);
    void updateServerState();
    void updateActions();
    void updateCounts();
    void updateNodesTitle();
    void updateNodeColumns();
    void updateEmptyHint();
    // The picture shows the selected ID, or the selected Consul KV cluster while that tab is in front.
    void updatePictureSource();
    void tick();
    // Tells the user: on the status line until the next message, and in Activity.
    void say(const QString &text);
    void copyToClipboard(const QString &text, const QString &what);
    // Selects a new ID once its row is there.
    void showCreated(const QString &id);
    void reportFailure(const QString &title, const QString &error);
    // Asks before the local cluster's members are stopped by quitting, and stops
    // them; false when the user would rather not quit.
    bool stopLocalClusterToQuit();
    // Shows the Local Cluster dock in front, tall enough to read the logs.
    void showLocalClusterDock();
    // After a delete: the row the deleted ones started at, and its new occupant
    // (or the last row) selected, so the user can go on from there.
    static int firstSelectedRow(const QTableView *view);
    static void selectRowNear(QTableView *view, int row);

    AppController &m_app;
    ServerThread &m_server;
    UserPrompts &m_prompts;
    ChangeBatcher m_batcher;
    StoreTotals m_totals;
    int m_reloads = 0; // an answer to an older reload is dropped
    bool m_reloading = false;

    IdTableModel *m_ids;
    QSortFilterProxyModel *m_idProxy;
    NodeTableModel *m_nodes;
    RequestLogModel *m_requests;
    ActivityLogModel *m_activity;

    ServerErrorBanner *m_banner = nullptr;
    QLineEdit *m_filter = nullptr;
    DataTableView *m_idView = nullptr;
    QLabel *m_emptyHint = nullptr;
    QLabel *m_nodesTitle = nullptr;
    QTableView *m_nodeView = nullptr;
    QTableView *m_requestView = nullptr;
    QDockWidget *m_requestDock = nullptr;
    double m_requestDockShare = 0.2;  // of the window's height; the user's drag changes it
    int m_heightSized = 0;            // the window's height resizeEvent last sized the dock for
    QTabWidget *m_tabs = nullptr;
    KvPane *m_kv = nullptr; // the Consul KV tab
    ClusterPicturePane *m_picture = nullptr;
    LocalClusterPane *m_localCluster = nullptr;
    QDockWidget *m_localClusterDock = nullptr;
    bool m_readingRqlited = false; // `rqlited -version` runs: Start Local Cluster waits for it

    MessageLine *m_messageLine = nullptr;
    QLabel *m_stateLabel = nullptr;
    QToolButton *m_urlButton = nullptr;
    QToolButton *m_expiryButton = nullptr; // expiry on or off; opens its dialog
    std::optional<ExpiryState> m_expiry;   // as last read
    QLabel *m_countsLabel = nullptr;
    QLabel *m_rateLabel = nullptr;
    ServerTrayIcon *m_tray = nullptr; // only where the desktop has a tray

    QTimer m_secondTimer; // relative times and requests per second
    QString m_selectedBeforeReset; // the ID to select again when the rows are replaced
    int m_requestsThisSecond = 0;
    QString m_selectWhenShown; // an ID just created: select it once its row exists

    struct Actions
    {
        QAction *newId, *newEtcdToken, *copyId, *copyUrl, *copyCommands, *startCluster, *editLabel, *deleteIds,
            *deleteNodes, *copyAddress, *prune, *expiry, *exportIds, *importIds, *settings, *about, *aboutQt, *quit,
            *find, *showHide;
    } m_actions{};
};
