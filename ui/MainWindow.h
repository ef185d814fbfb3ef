#pragma once

#include "AppSettings.h"
#include "ChangeBatcher.h"
#include "ServerThread.h"
#include "StoreReader.h"
#include "StoreTotals.h"

#include <QMainWindow>
#include <QTimer>

class IdTableModel;
class NodeTableModel;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;
class QToolButton;
class RequestLogModel;
class ServerErrorBanner;
class ServerTrayIcon;
class UserPrompts;

// DiscoDesk's window: runs the discovery server on its worker thread and shows its
// IDs, their nodes and the requests as they happen, with the actions to create,
// copy, edit, delete, prune, export and import. Everything the window asks the user
// goes through UserPrompts.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    // settings: the saved settings; runConfig: what this run uses (the settings,
    // overridden by the command line).
    MainWindow(const AppSettings &settings, const ServerConfig &runConfig, UserPrompts &prompts,
               QWidget *parent = nullptr);
    ~MainWindow() override;

    // Starts (or restarts) the server with the run's configuration. On failure the
    // window says why, with the way to fix it, and returns false.
    bool startServer();
    // Takes new settings: saves them (settingsChanged) and restarts the server in
    // place when its address, port or database changed, or when it is not running.
    void applySettings(const AppSettings &settings);

    ServerThread &server() { return m_server; }
    QString serverError() const { return m_serverError; }
    const AppSettings &settings() const { return m_settings; }

    IdTableModel *idModel() const { return m_ids; }
    NodeTableModel *nodeModel() const { return m_nodes; }
    RequestLogModel *requestLog() const { return m_requests; }
    QSortFilterProxyModel *idProxy() const { return m_idProxy; }
    QTableView *idView() const { return m_idView; }
    QTableView *nodeView() const { return m_nodeView; }
    // How many IDs and nodes the store holds (the table loads its rows lazily).
    const StoreTotals &totals() const { return m_totals; }

    // The ID whose nodes are shown (the current row), and all selected IDs.
    QString currentId() const;
    QStringList selectedIds() const;
    void selectIds(const QStringList &ids);
    QStringList selectedNodes() const;
    void selectNodes(const QStringList &addresses);

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
    void editLabel();
    void deleteIds();
    void deleteNodes();
    void prune();
    void exportIds();
    void importIds();
    void openSettings();
    void showAbout();

signals:
    void settingsChanged(const AppSettings &settings);
    // The store's changes have been applied to the tables (for the window benchmark).
    void changesShown(const QList<StoreChanges> &transactions);

protected:
    void closeEvent(QCloseEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void createActions();
    void createMenusAndToolBar();
    QWidget *createCentralWidget();
    void createRequestDock();
    void createStatusBar();
    void createTray();

    // The current row's ID, or nullptr when no row is current.
    const DiscoveryId *currentRecord() const;
    void reloadIds();
    // Runs work(server) on the server's thread without waiting; done(result) comes
    // later, after the changes older than the result have been applied.
    template <typename Work, typename Done>
    void readLater(Work work, Done done);
    void loadNodesOfCurrentId();
    void applyChanges(const QList<StoreChanges> &transactions);
    void updateServerState();
    void updateActions();
    void updateCounts();
    void updateNodesTitle();
    void updateNodeColumns();
    void updateEmptyHint();
    void tick();
    void copyToClipboard(const QString &text, const QString &what);
    void reportFailure(const QString &title, const QString &error);

    UserPrompts &m_prompts;
    AppSettings m_settings;
    ServerConfig m_runConfig;
    ServerThread m_server;
    QString m_serverError;
    ChangeBatcher m_batcher;
    StoreReader m_reader;
    StoreTotals m_totals;

    IdTableModel *m_ids;
    QSortFilterProxyModel *m_idProxy;
    NodeTableModel *m_nodes;
    RequestLogModel *m_requests;

    ServerErrorBanner *m_banner = nullptr;
    QLineEdit *m_filter = nullptr;
    QTableView *m_idView = nullptr;
    QLabel *m_emptyHint = nullptr;
    QLabel *m_nodesTitle = nullptr;
    QTableView *m_nodeView = nullptr;
    QTableView *m_requestView = nullptr;

    QLabel *m_stateLabel = nullptr;
    QToolButton *m_urlButton = nullptr;
    QLabel *m_countsLabel = nullptr;
    QLabel *m_rateLabel = nullptr;
    ServerTrayIcon *m_tray = nullptr; // only where the desktop has a tray

    QTimer m_secondTimer; // relative times and requests per second
    QString m_selectedBeforeReset; // the ID to select again when the rows are replaced
    int m_requestsThisSecond = 0;
    QString m_selectWhenShown; // an ID just created: select it once its row exists

    struct Actions
    {
        QAction *newId, *newEtcdToken, *copyId, *copyUrl, *copyCommands, *editLabel, *deleteIds, *deleteNodes,
            *copyAddress, *prune, *exportIds, *importIds, *settings, *about, *aboutQt, *quit, *find,
            *showHide;
    } m_actions{};
};
