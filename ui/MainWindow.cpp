#include "MainWindow.h"

#include "ActivityLogModel.h"
#include "ClusterPicturePane.h"
#include "ClusterRecipe.h"
#include "EtcdCommands.h"
#include "Icons.h"
#include "IdSortProxy.h"
#include "IdTableModel.h"
#include "KvPane.h"
#include "KvTableModel.h"
#include "LocalClusterModel.h"
#include "LocalClusterPane.h"
#include "MessageLine.h"
#include "NodeTableModel.h"
#include "PruneCounts.h"
#include "Plural.h"
#include "RequestLogModel.h"
#include "RqliteCommands.h"
#include "RqlitedProgram.h"
#include "ServerErrorBanner.h"
#include "ServerTrayIcon.h"
#include "TableViews.h"
#include "UserPrompts.h"
#include "Version.h"
#include "core/ExchangeFormat.h"
#include "core/Validation.h"
#include "service/ExportFiles.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QKeyEvent>
#include <QDockWidget>
#include <QFile>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QToolBar>
#include <QToolButton>
#include <QTabWidget>
#include <QVBoxLayout>

namespace {

// "Copy the ID (Ctrl+C)": every tooltip names the action's shortcut, as the menus do.
void setTip(QAction *action, const QString &text)
{
    const QString keys = action->shortcut().toString(QKeySequence::NativeText);
    action->setToolTip(keys.isEmpty() ? text : QStringLiteral("%1 (%2)").arg(text, keys));
}

} // namespace

MainWindow::MainWindow(AppController &app, UserPrompts &prompts, QWidget *parent)
    : QMainWindow(parent),
      m_app(app),
      m_server(app.server()),
      m_prompts(prompts),
      m_ids(new IdTableModel(this)),
      m_idProxy(new IdSortProxy(this)),
      m_nodes(new NodeTableModel(this)),
      m_requests(new RequestLogModel(this)),
      m_activity(new ActivityLogModel(this))
{
    setWindowIcon(Icons::application());

    // Connected before the proxy is: the selection is still there to remember.
    connect(m_ids, &QAbstractItemModel::modelAboutToBeReset, this, [this] { m_selectedBeforeReset = currentId(); });
    m_idProxy->setSourceModel(m_ids);
    m_idProxy->setSortRole(LiveTableModel::SortRole);
    m_idProxy->setFilterRole(IdTableModel::FilterRole);
    m_idProxy->setFilterKeyColumn(IdTableModel::IdColumn);
    m_idProxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    auto showTimesIn = [this](const AppSettings &settings) {
        m_ids->setTimeZone(settings.timeZone);
        m_nodes->setTimeZone(settings.timeZone);
        m_requests->setTimeZone(settings.timeZone);
        m_activity->setTimeZone(settings.timeZone);
        if (m_kv)
            m_kv->setTimeZone(settings.timeZone);
        if (m_picture)
            m_picture->setTimeZone(settings.timeZone);
    };
    showTimesIn(m_app.settings());
    connect(&m_app, &AppController::settingsChanged, this, showTimesIn);
    connect(&m_app, &AppController::serverChanged, this, &MainWindow::onServerChanged);
    connect(&m_app, &AppController::changeRefused, this, [this](const QString &reason) {
        const QString text = tr("The server was not moved: %1. It goes on serving %2 from %3; the settings are "
                                "as they were.")
                                 .arg(reason, m_server.url().toString(), m_server.databasePath());
        say(text);
        m_prompts.showError(this, tr("Settings"), text);
    });
    connect(&m_app, &AppController::databaseSwitched, this, [this](const QString &from, const QString &to) {
        say(tr("Now using the database %1 (was %2): the lists show its IDs.").arg(to, from));
    });

    createActions();
    setCentralWidget(createCentralWidget());
    createRequestDock();
    createPictureDock();
    createLocalClusterDock();
    createMenusAndToolBar();
    createStatusBar();
    createTray();

    connect(&m_server, &ServerThread::storeChanged, &m_batcher, &ChangeBatcher::add);
    connect(&m_server, &ServerThread::expirySwept, this, [this](const ExpirySweep &sweep) {
        const PruneCounts counts = PruneCounts::of(sweep);
        if (!counts.isEmpty())
            say(tr("Expiry removed %1.").arg(counts.text()));
        refreshExpiry();
    });
    connect(&m_batcher, &ChangeBatcher::changesReady, this, &MainWindow::applyChanges);
    connect(&m_server, &ServerThread::requestFinished, this, [this](const RequestLogEntry &entry) {
        m_requests->add(entry);
        ++m_requestsThisSecond;
    });
    connect(m_ids, &IdTableModel::totalsChanged, this, &MainWindow::updateCounts);
    connect(&m_totals, &StoreTotals::changed, this, &MainWindow::updateCounts);
    connect(m_ids, &QAbstractItemModel::modelReset, this, [this] {
        if (!m_selectedBeforeReset.isEmpty())
            selectIds({std::exchange(m_selectedBeforeReset, {})});
        loadNodesOfCurrentId();
    });
    connect(m_ids, &IdTableModel::loadFailed, this, [this](const QString &error) {
        say(tr("Cannot read the IDs: %1").arg(error));
    });
    m_ids->setPageReader([this](const IdListQuery &query, IdTableModel::PageDone done) {
        ask([query](DiscoveryService &service) { return service.listIds(query); }, std::move(done));
    });
    m_totals.setCounter([this](StoreTotals::CountDone done) {
        ask([](DiscoveryService &service) { return service.countIdsAndNodes(); }, std::move(done));
    });
    // On selection, not on the current row: a click makes the row current before it
    // selects it, and only a selected current row counts.
    connect(m_idView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &MainWindow::loadNodesOfCurrentId);
    connect(m_nodeView->selectionModel(), &QItemSelectionModel::selectionChanged, this, &MainWindow::updateActions);
    connect(m_idProxy, &QAbstractItemModel::rowsInserted, this, &MainWindow::updateEmptyHint);
    connect(m_idProxy, &QAbstractItemModel::rowsRemoved, this, &MainWindow::updateEmptyHint);
    connect(m_idProxy, &QAbstractItemModel::modelReset, this, &MainWindow::updateEmptyHint);

    m_secondTimer.setInterval(1000);
    connect(&m_secondTimer, &QTimer::timeout, this, &MainWindow::tick);
    m_secondTimer.start();

    resize(1100, 720);
    updateServerState();
}

// --- building the window ---------------------------------------------------------

void MainWindow::createActions()
{
    auto make = [this](const QString &text, const QString &name, const QIcon &icon, const QKeySequence &shortcut,
                       auto slot) {
        auto *action = new QAction(icon, text, this);
        action->setObjectName(name);
        action->setShortcut(shortcut);
        connect(action, &QAction::triggered, this, slot);
        return action;
    };
    Actions &a = m_actions;
    a.newId = make(tr("&New Discovery ID\u2026"), QStringLiteral("newIdAction"),
                   Icons::themed(QStringLiteral("document-new"), QStringLiteral("new.svg")),
                   QKeySequence::New, &MainWindow::newId);
    a.newId->setIconText(tr("New"));
    a.newEtcdToken = make(tr("New &etcd Token\u2026"), QStringLiteral("newEtcdTokenAction"),
                          Icons::themed(QStringLiteral("document-new"), QStringLiteral("new.svg")),
                          QKeySequence(tr("Ctrl+Shift+N")), &MainWindow::newEtcdToken);
    a.newEtcdToken->setIconText(tr("New etcd"));
    a.copyId = make(tr("&Copy ID"), QStringLiteral("copyIdAction"),
                    Icons::themed(QStringLiteral("edit-copy"), QStringLiteral("copy.svg")),
                    QKeySequence::Copy, &MainWindow::copyId);
    a.copyUrl = make(tr("Copy Discovery &URL"), QStringLiteral("copyUrlAction"),
                     Icons::themed(QStringLiteral("insert-link"), QStringLiteral("link.svg")),
                     QKeySequence(tr("Ctrl+Shift+U")), &MainWindow::copyDiscoveryUrl);
    a.copyUrl->setIconText(tr("Copy URL"));
    // One action for both kinds: its text says which commands (updateActions).
    a.copyCommands = make(tr("Copy Cluster &Commands"), QStringLiteral("copyCommandsAction"),
                          Icons::themed(QStringLiteral("utilities-terminal"), QStringLiteral("terminal.svg")),
                          QKeySequence(tr("Ctrl+Shift+C")), &MainWindow::copyClusterCommands);
    a.copyCommands->setIconText(tr("Commands"));
    // The same members as those commands, started by DiscoDesk (its text says which).
    a.startCluster = make(tr("Start &Local Cluster"), QStringLiteral("startLocalClusterAction"),
                          Icons::themed(QStringLiteral("media-playback-start"), QStringLiteral("start.svg")),
                          QKeySequence(tr("Ctrl+Shift+L")), &MainWindow::startLocalCluster);
    a.startCluster->setIconText(tr("Start Cluster"));
    a.editLabel = make(tr("Edit &Label\u2026"), QStringLiteral("editLabelAction"),
                       Icons::themed(QStringLiteral("document-edit"), QStringLiteral("edit.svg")),
                       QKeySequence(Qt::Key_F2), &MainWindow::editLabel);
    a.deleteIds = make(tr("&Delete ID\u2026"), QStringLiteral("deleteIdsAction"),
                       Icons::themed(QStringLiteral("edit-delete"), QStringLiteral("delete.svg")),
                       QKeySequence::Delete, &MainWindow::deleteIds);
    a.deleteIds->setIconText(tr("Delete"));
    a.deleteNodes = make(tr("&Remove Node\u2026"), QStringLiteral("deleteNodesAction"),
                         Icons::themed(QStringLiteral("list-remove"), QStringLiteral("remove.svg")),
                         QKeySequence::Delete, &MainWindow::deleteNodes);
    a.copyAddress = make(tr("Copy &Address"), QStringLiteral("copyAddressAction"),
                         Icons::themed(QStringLiteral("edit-copy"), QStringLiteral("copy.svg")), {}, [this] {
                             copyToClipboard(selectedNodes().join(u'\n'), tr("address"));
                         });
    a.prune = make(tr("&Prune\u2026"), QStringLiteral("pruneAction"),
                   Icons::themed(QStringLiteral("edit-clear-history"), QStringLiteral("prune.svg")),
                   QKeySequence(tr("Ctrl+Shift+P")), &MainWindow::prune);
    a.expiry = make(tr("Automatic E&xpiry\u2026"), QStringLiteral("expiryAction"),
                    Icons::themed(QStringLiteral("edit-clear-history"), QStringLiteral("prune.svg")), {},
                    &MainWindow::editExpiry);
    a.exportIds = make(tr("&Export\u2026"), QStringLiteral("exportAction"),
                       Icons::themed(QStringLiteral("document-export"), QStringLiteral("export.svg")),
                       QKeySequence(tr("Ctrl+E")), &MainWindow::exportIds);
    a.importIds = make(tr("&Import\u2026"), QStringLiteral("importAction"),
                       Icons::themed(QStringLiteral("document-import"), QStringLiteral("import.svg")),
                       QKeySequence(tr("Ctrl+I")), &MainWindow::importIds);
    a.settings = make(tr("&Settings\u2026"), QStringLiteral("settingsAction"),
                      Icons::themed(QStringLiteral("preferences-system"), QStringLiteral("settings.svg")),
                      QKeySequence(tr("Ctrl+,")), &MainWindow::openSettings);
    a.settings->setMenuRole(QAction::PreferencesRole);
    a.about = make(tr("&About DiscoDesk"), QStringLiteral("aboutAction"),
                   Icons::themed(QStringLiteral("help-about"), QStringLiteral("about.svg")), {},
                   &MainWindow::showAbout);
    a.about->setMenuRole(QAction::AboutRole);
    a.aboutQt = make(tr("About &Qt"), QStringLiteral("aboutQtAction"), {}, {}, [] { QApplication::aboutQt(); });
    a.aboutQt->setMenuRole(QAction::AboutQtRole);
    a.quit = make(tr("&Quit"), QStringLiteral("quitAction"),
                  Icons::themed(QStringLiteral("application-exit"), QStringLiteral("quit.svg")),
                  QKeySequence::Quit, &MainWindow::quit);
    a.quit->setMenuRole(QAction::QuitRole);
    a.find = make(tr("&Filter IDs"), QStringLiteral("findAction"), {}, QKeySequence::Find, [this] {
        m_filter->setFocus();
        m_filter->selectAll();
    });
    a.showHide = make(tr("Show/Hide Window"), QStringLiteral("showHideAction"), {}, {}, [this] {
        if (isVisible() && !isMinimized()) {
            hide();
        } else {
            showNormal();
            raise();
            activateWindow();
        }
    });

    // Copy and Delete mean different things in the two tables: each table has its
    // own, active only while it has the focus.
    for (QAction *action : {a.copyId, a.deleteIds, a.deleteNodes, a.copyAddress})
        action->setShortcutContext(Qt::WidgetShortcut);
    a.copyAddress->setShortcut(QKeySequence::Copy);

    setTip(a.newId, tr("Create a discovery ID for a new rqlite cluster"));
    setTip(a.newEtcdToken, tr("Create a token for a new etcd cluster of a given size"));
    setTip(a.copyId, tr("Copy the selected ID"));
    setTip(a.editLabel, tr("Give the selected ID a label of your own"));
    setTip(a.deleteIds, tr("Delete the selected IDs and their nodes"));
    setTip(a.prune, tr("Remove old IDs and nodes, after a preview"));
    setTip(a.expiry, tr("Remove old IDs, nodes and keys on a schedule, by rules kept in the database"));
    setTip(a.exportIds, tr("Write IDs and their nodes to a JSON or CSV file"));
    setTip(a.importIds, tr("Add IDs and their nodes from a JSON file"));
    setTip(a.settings, tr("Port, database, limits and appearance"));
    setTip(a.quit, tr("Stop the server, and the local cluster if one runs, and quit"));
    setTip(a.find, tr("Show only the IDs whose ID or label contains a text"));
}

QWidget *MainWindow::createCentralWidget()
{
    auto *central = new QWidget;
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(8, 8, 8, 4);

    // Shown while the server is not running: why, and how to fix it.
    m_banner = new ServerErrorBanner;
    connect(m_banner, &ServerErrorBanner::openSettingsClicked, this, &MainWindow::openSettings);
    connect(m_banner, &ServerErrorBanner::tryAgainClicked, &m_app, &AppController::startServer);
    layout->addWidget(m_banner);

    m_filter = new QLineEdit;
    m_filter->setObjectName(QStringLiteral("filter"));
    m_filter->setPlaceholderText(tr("Filter by ID or label (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);
    // At once on the loaded rows, then on every ID once the store answers.
    connect(m_filter, &QLineEdit::textChanged, m_idProxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_filter, &QLineEdit::textChanged, m_ids, &IdTableModel::setFilter);
    connect(m_filter, &QLineEdit::textChanged, this, &MainWindow::updateEmptyHint);
    connect(m_ids, &IdTableModel::filterApplied, this, &MainWindow::updateEmptyHint);
    connect(m_ids, &IdTableModel::filterApplied, this, &MainWindow::updateCounts);
    m_filter->installEventFilter(this); // Escape clears it

    m_idView = makeTable(m_idProxy, QStringLiteral("idView"));
    m_idView->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_idView->setSortingEnabled(true);
    m_idView->sortByColumn(IdTableModel::CreatedColumn, Qt::DescendingOrder);
    // The store reads newest first, page by page; any other order needs every row.
    connect(m_idView->horizontalHeader(), &QHeaderView::sortIndicatorChanged, this,
            [this](int column, Qt::SortOrder order) {
                m_ids->setLoadEverything(column != IdTableModel::CreatedColumn || order != Qt::DescendingOrder);
                m_idView->scrollToTop();
            });
    // Another filter shows other rows: from their top.
    connect(m_filter, &QLineEdit::textChanged, m_idView, &QTableView::scrollToTop);
    // Ctrl+End and the scroll bar's bottom mean the last ID of the store.
    connect(m_idView, &DataTableView::endWanted, m_ids, &IdTableModel::fetchAll);
    auto followEnd = [this] { m_idView->rowsLoaded(m_ids->hasAllRows() && !m_ids->isLoading()); };
    connect(m_idProxy, &QAbstractItemModel::rowsInserted, this, followEnd);
    connect(m_ids, &IdTableModel::totalsChanged, this, followEnd);
    QHeaderView *idHeader = m_idView->horizontalHeader();
    idHeader->setSectionResizeMode(QHeaderView::Interactive);
    idHeader->setSectionResizeMode(IdTableModel::LabelColumn, QHeaderView::Stretch);
    m_idView->setColumnWidth(IdTableModel::IdColumn, m_idView->fontMetrics().horizontalAdvance(QString(38, u'8')));
    m_idView->setColumnWidth(IdTableModel::KindColumn, 70);
    m_idView->setColumnWidth(IdTableModel::NodesColumn, 100); // "12 of 12" and its mark
    m_idView->setColumnWidth(IdTableModel::CreatedColumn, 110);
    m_idView->setColumnWidth(IdTableModel::LastActivityColumn, 110);
    for (QAction *action : {m_actions.newId, m_actions.copyId, m_actions.copyCommands, m_actions.startCluster,
                            m_actions.copyUrl, m_actions.editLabel, m_actions.deleteIds, m_actions.exportIds})
        m_idView->addAction(action);
    connect(m_idView, &QTableView::doubleClicked, this, &MainWindow::editLabel);

    m_emptyHint = new QLabel(tr("No discovery IDs yet.\nClick New (Ctrl+N) to create one for your cluster."),
                             m_idView->viewport());
    m_emptyHint->setObjectName(QStringLiteral("emptyHint"));
    m_emptyHint->setAlignment(Qt::AlignCenter);
    m_emptyHint->setStyleSheet(QStringLiteral("color: palette(mid); font-size: 13pt;"));
    m_idView->viewport()->installEventFilter(this);

    auto *nodesPane = new QWidget;
    auto *nodesLayout = new QVBoxLayout(nodesPane);
    nodesLayout->setContentsMargins(0, 6, 0, 0);
    m_nodesTitle = makeTableTitle(QStringLiteral("nodesTitle"));
    nodesLayout->addWidget(m_nodesTitle);
    m_nodeView = makeTable(m_nodes, QStringLiteral("nodeView"));
    m_nodeView->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_nodeView->horizontalHeader()->setSectionResizeMode(NodeTableModel::AddressColumn, QHeaderView::Stretch);
    m_nodeView->horizontalHeader()->setSectionResizeMode(NodeTableModel::PeerUrlsColumn, QHeaderView::Stretch);
    m_nodeView->setColumnWidth(NodeTableModel::NameColumn, 110);
    for (int column : {int(NodeTableModel::FirstRegisteredColumn), int(NodeTableModel::LastSeenColumn),
                       int(NodeTableModel::RegistrationsColumn)})
        m_nodeView->setColumnWidth(column, 130);
    m_nodeView->setColumnWidth(NodeTableModel::RegisteredByColumn, 150);
    // Enough rows to work with at the window's smallest: six IDs, three nodes.
    for (auto [view, rows] : {std::pair<QTableView *, int>{m_idView, 6}, {m_nodeView, 3}}) {
        view->setMinimumHeight(2 * view->frameWidth() + view->horizontalHeader()->sizeHint().height()
                               + view->horizontalScrollBar()->sizeHint().height() // narrow: columns scroll
                               + rows * view->verticalHeader()->defaultSectionSize());
    }
    m_nodeView->addAction(m_actions.copyAddress);
    m_nodeView->addAction(m_actions.deleteNodes);
    nodesLayout->addWidget(m_nodeView);

    auto *splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(m_idView);
    splitter->addWidget(nodesPane);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setChildrenCollapsible(false);

    // rqlite 6 and etcd find each other through IDs; rqlite 7 and later through
    // Consul KV keys, which have a tab of their own.
    auto *idsPane = new QWidget;
    auto *idsLayout = new QVBoxLayout(idsPane);
    idsLayout->setContentsMargins(0, 6, 0, 0);
    idsLayout->addWidget(m_filter);
    idsLayout->addWidget(splitter, 1);
    m_kv = new KvPane(m_app, m_prompts);
    m_kv->setObjectName(QStringLiteral("kvPane"));
    m_kv->setTimeZone(m_app.settings().timeZone);
    connect(m_kv, &KvPane::message, this, &MainWindow::say);
    connect(m_kv, &KvPane::localClusterWanted, this,
            [this](const QString &discoKey) { startRqliteCluster({}, discoKey); });
    m_tabs = new QTabWidget;
    m_tabs->setObjectName(QStringLiteral("tabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(idsPane, tr("Discovery IDs (rqlite 6, etcd)"));
    m_tabs->addTab(m_kv, tr("Consul KV (rqlite 7 and later)"));
    layout->addWidget(m_tabs, 1);

    // Tab walks the window's parts, not a table's cells.
    setTabOrder(m_filter, m_idView);
    setTabOrder(m_idView, m_nodeView);

    updateNodeColumns();
    updateNodesTitle();
    return central;
}

void MainWindow::createRequestDock()
{
    auto *dock = new QDockWidget(tr("Requests"), this);
    dock->setObjectName(QStringLiteral("requestDock"));
    m_requestView = makeTable(m_requests, QStringLiteral("requestView"));
    m_requestView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_requestView->setContextMenuPolicy(Qt::NoContextMenu);
    m_requestView->horizontalHeader()->setSectionResizeMode(RequestLogModel::PathColumn, QHeaderView::Stretch);
    m_requestView->horizontalHeader()->setSectionResizeMode(RequestLogModel::ProblemColumn, QHeaderView::Stretch);
    m_requestView->setColumnWidth(RequestLogModel::TimeColumn, 100);
    m_requestView->setColumnWidth(RequestLogModel::MethodColumn, 70);
    m_requestView->setColumnWidth(RequestLogModel::StatusColumn, 60);
    m_requestView->setColumnWidth(RequestLogModel::DurationColumn, 80);
    m_requestView->setColumnWidth(RequestLogModel::RemoteColumn, 130);
    dock->setWidget(m_requestView);
    addDockWidget(Qt::BottomDockWidgetArea, dock);

    // What the window said, kept: results outlive the status line.
    auto *activity = new QDockWidget(tr("Activity"), this);
    activity->setObjectName(QStringLiteral("activityDock"));
    auto *activityView = makeTable(m_activity, QStringLiteral("activityView"));
    activityView->setSelectionMode(QAbstractItemView::SingleSelection);
    activityView->setContextMenuPolicy(Qt::NoContextMenu);
    activityView->horizontalHeader()->setSectionResizeMode(ActivityLogModel::MessageColumn, QHeaderView::Stretch);
    activityView->setColumnWidth(ActivityLogModel::TimeColumn, 100);
    activity->setWidget(activityView);
    addDockWidget(Qt::BottomDockWidgetArea, activity);
    tabifyDockWidget(dock, activity);
    setTabOrder(m_nodeView, m_requestView);
    setTabOrder(m_requestView, activityView);
    dock->raise();
    // Three rows at least; beyond that its share of the window's height (resizeEvent).
    const int rows = m_requestView->verticalHeader()->defaultSectionSize();
    m_requestView->setMinimumHeight(2 * m_requestView->frameWidth()
                                    + m_requestView->horizontalHeader()->sizeHint().height() + 3 * rows);
    activityView->setMinimumHeight(m_requestView->minimumHeight());
    m_requestDock = dock;
    dock->installEventFilter(this); // the user's drag sets its share
}

// Beside the tables rather than under them: a ring of nodes and a time axis need
// height that the nodes table, under the IDs, does not have.
void MainWindow::createPictureDock()
{
    m_picture = new ClusterPicturePane(*m_nodes);
    m_picture->setObjectName(QStringLiteral("clusterPicture"));
    m_picture->setTimeZone(m_app.settings().timeZone);
    auto *dock = new QDockWidget(tr("Cluster Picture"), this);
    dock->setObjectName(QStringLiteral("pictureDock"));
    dock->setWidget(m_picture);
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea); // the whole height, beside the Requests too
    addDockWidget(Qt::RightDockWidgetArea, dock);
    resizeDocks({dock}, {340}, Qt::Horizontal);

    connect(m_tabs, &QTabWidget::currentChanged, this, &MainWindow::updatePictureSource);
    // The Consul KV tab's rows are replaced whenever a key or its askers change.
    auto kvChanged = [this] {
        if (m_tabs->currentWidget() == m_kv)
            updatePictureSource();
    };
    connect(m_kv->keyModel(), &QAbstractItemModel::modelReset, this, kvChanged);
    connect(m_kv->askerModel(), &QAbstractItemModel::modelReset, this, kvChanged);
}

// Under the tables, a tab beside Requests and Activity: the members, and the selected
// one's log under them, at the window's width (log lines are long).
void MainWindow::createLocalClusterDock()
{
    m_localCluster = new LocalClusterPane(m_app.localCluster(), m_prompts);
    m_localCluster->setObjectName(QStringLiteral("localClusterPane"));
    connect(m_localCluster, &LocalClusterPane::message, this, &MainWindow::say);
    connect(&m_app.localCluster(), &LocalCluster::memberChanged, this, &MainWindow::updateActions);
    m_localClusterDock = new QDockWidget(tr("Local Cluster"), this);
    m_localClusterDock->setObjectName(QStringLiteral("localClusterDock"));
    m_localClusterDock->setWidget(m_localCluster);
    addDockWidget(Qt::BottomDockWidgetArea, m_localClusterDock);
    tabifyDockWidget(findChild<QDockWidget *>(QStringLiteral("activityDock")), m_localClusterDock);
    m_requestDock->raise();
}

void MainWindow::showLocalClusterDock()
{
    m_localClusterDock->show();
    m_localClusterDock->raise();
    // Its logs want more room than the Requests' share of the height.
    m_requestDockShare = std::max(m_requestDockShare, 0.42);
    if (!m_localClusterDock->isFloating())
        resizeDocks({m_localClusterDock}, {int(m_requestDockShare * height())}, Qt::Vertical);
}

void MainWindow::createMenusAndToolBar()
{
    const Actions &a = m_actions;
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(a.newId);
    file->addAction(a.newEtcdToken);
    file->addSeparator();
    file->addAction(a.importIds);
    file->addAction(a.exportIds);
    file->addSeparator();
    file->addAction(a.settings);
    file->addSeparator();
    file->addAction(a.quit);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(a.copyId);
    edit->addAction(a.copyUrl);
    edit->addAction(a.copyCommands);
    edit->addAction(a.startCluster);
    edit->addSeparator();
    edit->addAction(a.editLabel);
    edit->addAction(a.deleteIds);
    edit->addAction(a.deleteNodes);
    edit->addSeparator();
    edit->addAction(a.prune);
    edit->addAction(a.expiry);
    edit->addSeparator();
    edit->addAction(a.find);

    auto *toolBar = addToolBar(tr("Toolbar"));
    toolBar->setObjectName(QStringLiteral("mainToolBar"));
    toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolBar->setMovable(false);
    toolBar->setIconSize(QSize(20, 20));
    toolBar->addAction(a.newId);
    toolBar->addAction(a.newEtcdToken);
    toolBar->addAction(a.copyId);
    toolBar->addAction(a.copyCommands);
    toolBar->addAction(a.startCluster);
    toolBar->addAction(a.copyUrl);
    toolBar->addSeparator();
    toolBar->addAction(a.editLabel);
    toolBar->addAction(a.deleteIds);
    toolBar->addSeparator();
    toolBar->addAction(a.prune);
    toolBar->addAction(a.importIds);
    toolBar->addAction(a.exportIds);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(toolBar->toggleViewAction());
    view->addAction(findChild<QDockWidget *>(QStringLiteral("requestDock"))->toggleViewAction());
    view->addAction(findChild<QDockWidget *>(QStringLiteral("activityDock"))->toggleViewAction());
    view->addAction(findChild<QDockWidget *>(QStringLiteral("pictureDock"))->toggleViewAction());
    view->addAction(m_localClusterDock->toggleViewAction());

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(a.about);
    help->addAction(a.aboutQt);
}

void MainWindow::createStatusBar()
{
    m_messageLine = new MessageLine;
    m_messageLine->setObjectName(QStringLiteral("message"));
    statusBar()->addWidget(m_messageLine, 1);
    m_stateLabel = new QLabel;
    m_stateLabel->setObjectName(QStringLiteral("serverState"));
    m_urlButton = new QToolButton;
    m_urlButton->setObjectName(QStringLiteral("serverUrl"));
    m_urlButton->setAutoRaise(true);
    m_urlButton->setToolTip(tr("The server's URL, rqlite's -disco-url. Click to copy it."));
    m_urlButton->setCursor(Qt::PointingHandCursor);
    connect(m_urlButton, &QToolButton::clicked, this,
            [this] { copyToClipboard(m_server.url().toString(), tr("discovery URL")); });
    m_expiryButton = new QToolButton;
    m_expiryButton->setObjectName(QStringLiteral("expiryState"));
    m_expiryButton->setAutoRaise(true);
    m_expiryButton->setCursor(Qt::PointingHandCursor);
    connect(m_expiryButton, &QToolButton::clicked, this, &MainWindow::editExpiry);
    m_countsLabel = new QLabel;
    m_countsLabel->setObjectName(QStringLiteral("counts"));
    m_rateLabel = new QLabel(tr("0 req/s"));
    m_rateLabel->setObjectName(QStringLiteral("requestRate"));
    m_rateLabel->setToolTip(tr("HTTP requests answered in the last second"));
    statusBar()->addPermanentWidget(m_expiryButton);
    statusBar()->addPermanentWidget(m_countsLabel);
    statusBar()->addPermanentWidget(m_rateLabel);
    statusBar()->addPermanentWidget(m_stateLabel);
    statusBar()->addPermanentWidget(m_urlButton);
    updateCounts();
}

void MainWindow::createTray()
{
    if (!QSystemTrayIcon::isSystemTrayAvailable())
        return;
    m_tray = new ServerTrayIcon(m_actions.showHide, {m_actions.copyUrl, nullptr, m_actions.quit}, this);
    m_tray->show();
}

// --- the server and the data ------------------------------------------------------

void MainWindow::onServerChanged()
{
    // Once it listens (again): a moved server may serve another database. While it
    // does not, the lists keep what it last served.
    if (m_server.isRunning() && !m_server.isStarting()) {
        reloadIds();
        refreshExpiry();
    }
    updateServerState();
}

void MainWindow::reloadIds()
{
    const IdListQuery query = m_ids->firstPageQuery();
    const int reload = ++m_reloads;
    m_reloading = true;
    ask([query](DiscoveryService &service) { return service.listIds(query); },
        [this, query, reload](const StoreResult<IdPage> &page) {
            if (reload != m_reloads)
                return; // a newer reload is on its way
            m_reloading = false;
            if (!page.ok()) {
                say(tr("Cannot read the IDs: %1").arg(page.error()));
                m_ids->setIds({});
                m_totals.set(std::nullopt, std::nullopt);
                return;
            }
            m_ids->setFirstPage(page.value()); // selects the current ID again, if it is there
            if (m_ids->hasAllRows() && query.filter.isEmpty()) {
                m_totals.set(m_ids->rowCount(), m_ids->totalNodes());
            } else {
                m_totals.set(query.filter.isEmpty() ? std::optional(page->total) : std::nullopt, std::nullopt);
                m_totals.recount();
            }
        });
}

template <typename Work, typename Done>
void MainWindow::ask(Work work, Done done)
{
    using Result = std::invoke_result_t<Work, DiscoveryService &>;
    m_app.client().ask(std::move(work), [this, done](const Result &result) {
        // Changes still waiting in the batcher are older than the result: apply
        // them to what is shown first, so they are not applied to the result too.
        m_batcher.flush();
        done(result);
    });
}

void MainWindow::loadNodesOfCurrentId()
{
    const QString id = currentId();
    if (id.isEmpty() || !m_server.isRunning()) {
        m_nodes->setNodes({}, {});
    } else if (id != m_nodes->discoveryId() || m_nodes->rowCount() == 0) {
        // The title and columns follow the selection at once; the rows come when the
        // server has read them.
        const DiscoveryId *record = currentRecord();
        m_nodes->setNodes(id, {}, record->kind, record->expectedSize);
        ask([id](DiscoveryService &service) { return service.findIdWithNodes(id); },
            [this, id](const StoreResult<std::optional<DiscoveryIdWithNodes>> &found) {
                if (m_nodes->discoveryId() != id)
                    return; // the user has moved on
                if (!found.ok())
                    say(tr("Cannot read the nodes of %1: %2").arg(id, found.error()));
                if (found.ok() && found.value())
                    m_nodes->setNodes(id, found.value()->nodes, found.value()->id.kind, found.value()->id.expectedSize);
                updateActions();
            });
    }
    updateNodeColumns();
    updateNodesTitle();
    updateActions();
}

void MainWindow::applyChanges(const QList<StoreChanges> &transactions)
{
    m_totals.applyChanges(transactions, *m_ids); // before the rows change: it reads them
    m_ids->applyChanges(transactions);
    m_nodes->applyChanges(transactions);
    m_picture->applyChanges(transactions);
    m_kv->applyChanges(transactions);
    // Another server on a shared database changed something this one could not
    // hear: read what is shown again.
    const bool elsewhere = std::any_of(transactions.cbegin(), transactions.cend(), [](const StoreChanges &changes) {
        return std::any_of(changes.cbegin(), changes.cend(), [](const StoreChange &change) {
            return change.type == StoreChange::Type::ChangedElsewhere;
        });
    });
    if (elsewhere && m_server.isRunning()) {
        m_nodes->setNodes({}, {}); // the reset after the reload loads them again
        reloadIds();
    }
    if (!m_selectWhenShown.isEmpty() && m_ids->rowOf(m_selectWhenShown) >= 0) {
        selectIds({std::exchange(m_selectWhenShown, {})});
        m_idView->setFocus();
    }
    if (m_nodes->discoveryId().isEmpty() && !currentId().isEmpty())
        loadNodesOfCurrentId(); // the shown ID was deleted and another took its place
    updateNodesTitle();
    updateActions();
    emit changesShown(transactions);
}

// --- selection ----------------------------------------------------------------------

const DiscoveryId *MainWindow::currentRecord() const
{
    const int row = m_ids->rowOf(currentId());
    return row < 0 ? nullptr : &m_ids->idAt(row);
}

QString MainWindow::currentId() const
{
    const QModelIndex current = m_idView->selectionModel()->currentIndex();
    if (!current.isValid() || !m_idView->selectionModel()->isRowSelected(current.row(), current.parent()))
        return {};
    return current.data(IdTableModel::DiscoveryIdRole).toString();
}

QStringList MainWindow::selectedIds() const
{
    QStringList ids;
    for (const QModelIndex &index : m_idView->selectionModel()->selectedRows())
        ids << index.data(IdTableModel::DiscoveryIdRole).toString();
    return ids;
}

void MainWindow::selectIds(const QStringList &ids)
{
    QItemSelectionModel *selection = m_idView->selectionModel();
    selection->clearSelection();
    for (const QString &id : ids) {
        const int row = m_ids->rowOf(id);
        if (row < 0)
            continue;
        const QModelIndex index = m_idProxy->mapFromSource(m_ids->index(row, 0));
        if (!index.isValid())
            continue; // filtered out
        selection->setCurrentIndex(index, QItemSelectionModel::Select | QItemSelectionModel::Rows);
        m_idView->scrollTo(index);
    }
}

QStringList MainWindow::selectedNodes() const
{
    QStringList addresses;
    for (const QModelIndex &index : m_nodeView->selectionModel()->selectedRows())
        addresses << m_nodes->nodeAt(index.row()).address;
    return addresses;
}

void MainWindow::selectNodes(const QStringList &addresses)
{
    QItemSelectionModel *selection = m_nodeView->selectionModel();
    selection->clearSelection();
    for (const QString &address : addresses) {
        const int row = m_nodes->rowOf(address);
        if (row >= 0)
            selection->setCurrentIndex(m_nodes->index(row, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    }
}

// --- actions ------------------------------------------------------------------------

void MainWindow::newId()
{
    const auto label = m_prompts.askLabel(this, tr("New Discovery ID"), {});
    if (!label)
        return;
    if (const QString problem = Validation::checkLabel(*label); !problem.isEmpty())
        return m_prompts.showError(this, tr("New Discovery ID"), tr("The label cannot be used: %1.").arg(problem));
    ask([label = *label](DiscoveryService &service) { return service.createId(DiscoveryKind::Rqlite, label); },
        [this](const StoreResult<DiscoveryId> &created) {
            if (!created.ok())
                return reportFailure(tr("New Discovery ID"), created.error());
            showCreated(created->id);
            say(tr("Created %1. Copy the rqlite commands (Ctrl+Shift+C) to start a cluster with it.").arg(created->id));
        });
}

void MainWindow::showCreated(const QString &id)
{
    m_filter->clear(); // so the new row is not filtered out
    if (m_ids->rowOf(id) >= 0) {
        selectIds({id});
        m_idView->setFocus();
    } else {
        m_selectWhenShown = id; // its row comes with the change, or with the filter's reload
    }
}

void MainWindow::newEtcdToken()
{
    const auto request = m_prompts.askEtcdToken(this);
    if (!request)
        return;
    if (const QString problem = Validation::checkLabel(request->label); !problem.isEmpty())
        return m_prompts.showError(this, tr("New etcd Token"), tr("The label cannot be used: %1.").arg(problem));
    if (request->size < 1 || request->size > Validation::MaxExpectedSize) {
        return m_prompts.showError(this, tr("New etcd Token"), tr("The cluster size must be from 1 to %1.")
                                                                   .arg(Validation::MaxExpectedSize));
    }
    ask([request = *request](DiscoveryService &service) {
            return service.createId(DiscoveryKind::Etcd, request.label, request.size);
        },
        [this, size = request->size](const StoreResult<DiscoveryId> &created) {
            if (!created.ok())
                return reportFailure(tr("New etcd Token"), created.error());
            showCreated(created->id);
            say(tr("Created the etcd token %1 for %2. Copy the etcd commands (Ctrl+Shift+C) to start the cluster.")
                    .arg(created->id, countOf(size, tr("member"), tr("members"))));
        });
}

void MainWindow::copyId()
{
    copyToClipboard(currentId(), tr("ID"));
}

void MainWindow::copyDiscoveryUrl()
{
    if (!m_server.isRunning())
        return;
    const DiscoveryId *record = currentRecord();
    if (record && record->kind == DiscoveryKind::Etcd)
        copyToClipboard(etcdDiscoveryUrl(m_server.url(), record->id).toString(), tr("--discovery URL"));
    else
        copyToClipboard(m_server.url().toString(), tr("discovery URL"));
}

void MainWindow::copyClusterCommands()
{
    const DiscoveryId *record = currentRecord();
    if (!m_server.isRunning() || !record)
        return;
    if (record->kind == DiscoveryKind::Rqlite) {
        copyToClipboard(rqliteCommands(m_server.url(), record->id), tr("rqlite commands for 3 nodes"));
    } else if (record->expectedSize) {
        copyToClipboard(etcdCommands(etcdDiscoveryUrl(m_server.url(), record->id), *record->expectedSize),
                        tr("etcd commands for %1").arg(countOf(*record->expectedSize, tr("member"), tr("members"))));
    }
}

namespace {

// A token or ID as titles show it: its start, which is enough to tell it apart.
QString shortId(const QString &id)
{
    return id.size() > 12 ? id.left(8) + u'\u2026' : id;
}

} // namespace

void MainWindow::startLocalCluster()
{
    const DiscoveryId *record = currentRecord();
    if (!m_server.isRunning() || !record)
        return;
    if (record->kind == DiscoveryKind::Rqlite)
        return startRqliteCluster(record->id, {});
    if (!record->expectedSize)
        return; // etcd needs the token's size
    const QString title = tr("Start Local Cluster");
    if (QStandardPaths::findExecutable(QStringLiteral("etcd")).isEmpty()) {
        return m_prompts.showError(
            this, title,
            tr("etcd was not found on PATH. On Debian and Ubuntu it is in the package etcd-server (sudo apt install "
               "etcd-server); elsewhere, take a release from https://github.com/etcd-io/etcd/releases and put etcd "
               "on PATH."));
    }
    const QString name = record->label.isEmpty()
        ? tr("etcd token %1").arg(shortId(record->id))
        : tr("etcd token %1 (%2)").arg(shortId(record->id), record->label);
    if (m_localCluster->start(etcdRecipe(etcdDiscoveryUrl(m_server.url(), record->id), *record->expectedSize), name))
        showLocalClusterDock();
    updateActions();
}

void MainWindow::startRqliteCluster(const QString &id, const QString &discoKey)
{
    const QString title = tr("Start Local Cluster");
    const QString where = tr("rqlite is not packaged in Debian: take a release for your system from %1, unpack it, "
                             "and put rqlited on PATH or choose it in Settings.")
                              .arg(QLatin1String(RqlitedProgram::ReleasesUrl));
    const QString program = RqlitedProgram::find(m_app.settings().rqlitedPath);
    if (program.isEmpty()) {
        return m_prompts.inform(this, title,
                                tr("No rqlited was found on PATH, and none is chosen in Settings. %1 DiscoDesk reads "
                                   "its version (rqlited -version) and starts 3 nodes the way that version "
                                   "discovers: rqlite 6 with this discovery ID, 7 and later through Consul KV.")
                                    .arg(where));
    }
    if (m_readingRqlited)
        return; // a click while the last one's answer is on its way
    m_readingRqlited = true;
    say(tr("Reading the version of %1\u2026").arg(program));
    RqlitedProgram::readVersion(program, this, [this, id, discoKey, title, where](const RqlitedProgram::Found &found) {
        m_readingRqlited = false;
        if (!found.version)
            return m_prompts.showError(this, title, tr("Cannot use rqlited: %1. %2").arg(found.problem, where));
        if (!m_server.isRunning())
            return;
        const QString release = found.version->text;
        std::unique_ptr<ClusterRecipe> recipe;
        QString name;
        switch (found.version->discovery()) {
        case RqliteVersion::Discovery::None:
            return m_prompts.showError(this, title,
                                       tr("%1 is rqlite %2, older than 4.0, whose flags the commands do not use. %3")
                                           .arg(found.path, release, where));
        case RqliteVersion::Discovery::DiscoveryId:
            if (id.isEmpty()) {
                return m_prompts.showError(
                    this, title,
                    tr("%1 is rqlite %2, which finds its cluster with a discovery ID (-disco-url), not through "
                       "Consul KV: select an rqlite ID in the Discovery IDs tab and start the local cluster there.")
                        .arg(found.path, release));
            }
            recipe = rqliteDiscoveryIdRecipe(found.path, m_server.url(), id);
            name = tr("rqlite ID %1 (rqlited %2)").arg(shortId(id), release);
            break;
        case RqliteVersion::Discovery::ConsulKv: {
            // rqlite 7 and later have no IDs: started from an ID, the cluster takes it as its key.
            const QString key = discoKey.isEmpty() ? id : discoKey;
            recipe = rqliteConsulKvRecipe(found.path, m_server.url().authority(), key);
            name = tr("Consul KV key %1 (rqlited %2)").arg(shortId(key), release);
            if (discoKey.isEmpty()) {
                say(tr("rqlited %1 discovers through Consul KV, not with discovery IDs: its nodes use the ID as "
                       "their -disco-key, and appear in the Consul KV tab.")
                        .arg(release));
            }
            break;
        }
        }
        if (m_localCluster->start(std::move(recipe), name))
            showLocalClusterDock();
        updateActions();
    });
}

void MainWindow::editLabel()
{
    const QString id = currentId();
    if (id.isEmpty() || !m_server.isRunning())
        return;
    const QString current = m_ids->idAt(m_ids->rowOf(id)).label;
    const auto label = m_prompts.askLabel(this, tr("Label of %1").arg(id), current);
    if (!label || *label == current)
        return;
    if (const QString problem = Validation::checkLabel(*label); !problem.isEmpty())
        return m_prompts.showError(this, tr("Edit Label"), tr("The label cannot be used: %1.").arg(problem));
    ask([id, label = *label](DiscoveryService &service) { return service.setLabel(id, label); },
        [this](const StoreResult<std::optional<DiscoveryId>> &result) {
            if (!result.ok())
                reportFailure(tr("Edit Label"), result.error());
        });
}

void MainWindow::deleteIds()
{
    const QStringList ids = selectedIds();
    if (ids.isEmpty() || !m_server.isRunning())
        return;
    qint64 nodes = 0;
    for (const QString &id : ids)
        nodes += m_ids->idAt(m_ids->rowOf(id)).nodeCount;
    const bool one = ids.size() == 1;
    const QString what = one ? tr("the discovery ID %1").arg(ids.first())
                             : countOf(ids.size(), tr("discovery ID"), tr("discovery IDs"));
    const QString nodesText = countOf(nodes, tr("node"), tr("nodes"));
    QString question;
    if (nodes == 0)
        question = one ? tr("Delete %1? It has no nodes.").arg(what) : tr("Delete %1? They have no nodes.").arg(what);
    else
        question = one ? tr("Delete %1 and its %2?").arg(what, nodesText) : tr("Delete %1 and their %2?").arg(what, nodesText);
    question += u' ' + tr("Nodes that use %1 later will be told it does not exist.").arg(one ? tr("it") : tr("them"));
    if (!m_prompts.confirm(this, tr("Delete"), question))
        return;
    const int firstRow = firstSelectedRow(m_idView);
    ask([ids](DiscoveryService &service) {
            for (const QString &id : ids) {
                if (const auto deleted = service.deleteId(id); !deleted.ok())
                    return deleted;
            }
            return StoreResult<bool>(true);
        },
        [this, what, firstRow](const StoreResult<bool> &result) {
            if (!result.ok())
                return reportFailure(tr("Delete"), result.error());
            say(tr("Deleted %1.").arg(what));
            selectRowNear(m_idView, firstRow); // the rows are gone already: the next one moved up
        });
}

void MainWindow::deleteNodes()
{
    const QString id = m_nodes->discoveryId();
    const QStringList addresses = selectedNodes();
    if (id.isEmpty() || addresses.isEmpty() || !m_server.isRunning())
        return;
    const bool members = m_nodes->kind() == DiscoveryKind::Etcd;
    const QString what = addresses.size() == 1
        ? (members ? tr("the member %1").arg(addresses.first()) : tr("the node %1").arg(addresses.first()))
        : (members ? countOf(addresses.size(), tr("member"), tr("members"))
                   : countOf(addresses.size(), tr("node"), tr("nodes")));
    const QString question = members
        ? tr("Remove %1 from the etcd token %2? Members that start later will not see it; a cluster that has "
             "formed is not changed.").arg(what, id)
        : tr("Remove %1 from %2? Nodes that start later will not find it; a running cluster is not changed.")
              .arg(what, id);
    const QString title = members ? tr("Remove Member") : tr("Remove Node");
    if (!m_prompts.confirm(this, title, question))
        return;
    const int firstRow = firstSelectedRow(m_nodeView);
    ask([id, addresses](DiscoveryService &service) {
            for (const QString &address : addresses) {
                if (const auto removed = service.removeNode(id, address); !removed.ok())
                    return StoreResult<bool>::failure(removed.error());
            }
            return StoreResult<bool>(true);
        },
        [this, id, what, title, firstRow](const StoreResult<bool> &result) {
            if (!result.ok())
                return reportFailure(title, result.error());
            say(tr("Removed %1 from %2.").arg(what, id));
            selectRowNear(m_nodeView, firstRow);
        });
}

int MainWindow::firstSelectedRow(const QTableView *view)
{
    const QModelIndexList rows = view->selectionModel()->selectedRows();
    int first = -1;
    for (const QModelIndex &index : rows)
        first = first < 0 ? index.row() : std::min(first, index.row());
    return first;
}

void MainWindow::selectRowNear(QTableView *view, int row)
{
    const int count = view->model()->rowCount();
    if (row < 0 || count == 0)
        return;
    const QModelIndex index = view->model()->index(std::min(row, count - 1), 0);
    view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    view->scrollTo(index);
}

void MainWindow::prune()
{
    if (!m_server.isRunning())
        return;
    // Read-only: a preview keeps no writer waiting.
    const PrunePreview preview = [this](const PruneRules &rules, PrunePreviewDone done) {
        ask([rules](DiscoveryService &service) { return service.previewPrune(rules); }, std::move(done));
    };
    const auto rules = m_prompts.askPruneRules(this, preview, m_app.settings().timeZone);
    if (!rules)
        return;
    ask([rules = *rules](DiscoveryService &service) { return service.prune(rules); },
        [this](const StoreResult<PruneResult> &result) {
            if (!result.ok())
                return reportFailure(tr("Prune"), result.error());
            const PruneCounts counts = PruneCounts::of(result.value());
            say(counts.isEmpty() ? tr("Pruned nothing: nothing matched the rules any more.")
                                 : tr("Pruned %1.").arg(counts.text()));
        });
}

namespace {

StoreResult<ExpiryState> readExpiry(DiscoveryService &service)
{
    const auto rules = service.expiryRules();
    if (!rules.ok())
        return StoreResult<ExpiryState>::failure(rules.error());
    const auto last = service.lastExpirySweep();
    if (!last.ok())
        return StoreResult<ExpiryState>::failure(last.error());
    return ExpiryState{rules.value(), last.value()};
}

} // namespace

void MainWindow::refreshExpiry()
{
    ask(&readExpiry, [this](const StoreResult<ExpiryState> &state) {
        if (!state.ok())
            return; // the server's trouble shows elsewhere
        m_expiry = state.value();
        m_expiryButton->setText(m_expiry->rules.isOff() ? tr("Expiry off") : tr("Expiry on"));
        m_expiryButton->setToolTip(ExpiryDialog::sweepText(*m_expiry, Timestamp::now(), m_app.settings().timeZone)
                                   + u'\n' + tr("Click to see or change the rules."));
        m_expiryButton->setVisible(m_server.isRunning());
    });
}

void MainWindow::editExpiry()
{
    if (!m_server.isRunning())
        return;
    // The rules as the database holds them now: another server may have changed them.
    ask(&readExpiry, [this](const StoreResult<ExpiryState> &state) {
        if (!state.ok())
            return reportFailure(tr("Automatic Expiry"), state.error());
        // Read-only: a preview keeps no writer waiting.
        const ExpiryPreview preview = [this](const ExpiryRules &rules, ExpiryPreviewDone done) {
            ask([rules](DiscoveryService &service) { return service.previewExpiry(rules); }, std::move(done));
        };
        const auto rules = m_prompts.askExpiryRules(this, state.value(), preview, m_app.settings().timeZone);
        if (!rules)
            return;
        ask([rules = *rules](DiscoveryService &service) { return service.setExpiryRules(rules); },
            [this, off = rules->isOff()](const StoreResult<bool> &saved) {
                if (!saved.ok())
                    return reportFailure(tr("Automatic Expiry"), saved.error());
                say(off ? tr("Expiry is off: nothing will be removed on its own.")
                        : tr("Expiry rules saved: sweeps run on their schedule, on this or another server."));
                refreshExpiry();
            });
    });
}

void MainWindow::exportIds()
{
    if (!m_server.isRunning())
        return;
    const QStringList selected = selectedIds();
    const auto request = m_prompts.askExport(this, int(m_totals.ids().value_or(m_ids->rowCount())),
                                             int(selected.size()));
    if (!request)
        return;
    const QStringList ids = request->selectedOnly ? selected : QStringList();
    // On a thread of its own, through a reading connection of its own: neither the
    // window nor the server's clients wait for a big export.
    say(tr("Exporting to %1\u2026").arg(request->path));
    ExportFiles::saveInBackground(m_app.databaseLocation(), ids, request->format, Timestamp::now(), request->path,
                                  this, [this, path = request->path](const ExportFiles::Saved &saved) {
                                      if (!saved.error.isEmpty())
                                          return reportFailure(tr("Export"), saved.error);
                                      say(tr("Exported %1 to %2.")
                                              .arg(countOf(saved.ids, tr("ID"), tr("IDs")), path));
                                      emit exported(path);
                                  });
}

void MainWindow::importIds()
{
    if (!m_server.isRunning())
        return;
    const QString path = m_prompts.askImportFile(this);
    if (path.isEmpty())
        return;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return m_prompts.showError(this, tr("Import"), tr("Cannot read %1: %2").arg(path, file.errorString()));
    const ExchangeFormat::ParsedImport parsed = ExchangeFormat::parseDocument(file.readAll());
    if (parsed.error) {
        return m_prompts.showError(this, tr("Import"),
                                   tr("Nothing was imported: %1 is not a valid DiscoDesk export.\n\n%2")
                                       .arg(path, parsed.error->toString()));
    }
    ask([records = parsed.records, kv = parsed.kv](DiscoveryService &service) { return service.importIds(records, kv); },
        [this, path](const StoreResult<DiscoveryService::ImportOutcome> &imported) {
            if (!imported.ok())
                return reportFailure(tr("Import"), tr("Nothing was imported: %1").arg(imported.error()));
            if (imported->refused) {
                return m_prompts.showError(this, tr("Import"), tr("Nothing was imported from %1.\n\n%2")
                                                                   .arg(path, imported->refused->toString()));
            }
            const ImportSummary &summary = imported->summary;
            QString text = tr("Imported %1: %2 added, %3 merged with existing ones; %4 added, %5 merged.")
                               .arg(path, countOf(summary.idsAdded, tr("ID"), tr("IDs")),
                                    QString::number(summary.idsMerged),
                                    countOf(summary.nodesAdded, tr("node"), tr("nodes")),
                                    QString::number(summary.nodesMerged));
            if (summary.kvAdded + summary.kvMerged > 0) {
                text += u' '
                    + tr("Consul KV: %1 added, %2 merged.")
                          .arg(countOf(summary.kvAdded, tr("key"), tr("keys")), QString::number(summary.kvMerged));
            }
            m_prompts.inform(this, tr("Import"), text);
        });
}

void MainWindow::openSettings()
{
    const AdminTokenInfo adminToken{m_server.adminToken(), m_server.adminTokenPath()};
    const auto chosen = m_prompts.askSettings(this, m_app.settingsInUse(), m_tray != nullptr, adminToken,
                                              m_app.commandLineOverrides());
    if (chosen)
        m_app.applySettings(*chosen);
}

void MainWindow::showAbout()
{
    m_prompts.showAbout(this, aboutText());
}

QString MainWindow::aboutText() const
{
    const QString url = m_server.isRunning() ? m_server.url().toString() : tr("not running");
    const QString database = m_app.databasePath();
    return tr("<h3>DiscoDesk %1</h3>"
              "<p>A local discovery service for rqlite (-disco-url) and etcd (--discovery) clusters, and a window "
              "that shows it working.</p>"
              "<table>"
              "<tr><td>Discovery URL:&nbsp;</td><td>%2</td></tr>"
              "<tr><td>Database:&nbsp;</td><td>%3</td></tr>"
              "<tr><td>Qt:&nbsp;</td><td>%4 (built with %5)</td></tr>"
              "</table>")
        .arg(QStringLiteral(DISCODESK_VERSION), url.toHtmlEscaped(), database.toHtmlEscaped(),
             QString::fromLatin1(qVersion()), QStringLiteral(QT_VERSION_STR));
}

// --- what the window shows ------------------------------------------------------------

void MainWindow::updateServerState()
{
    // The database in the title: which one the lists show is never a guess.
    const QString database = m_app.databasePath();
    setWindowTitle(tr("%1 \u2014 DiscoDesk")
                       .arg(database.startsWith(QLatin1String("postgresql:")) ? database
                                                                              : QFileInfo(database).fileName()));
    const bool running = m_server.isRunning();
    const bool starting = m_server.isStarting();
    const QString error = m_app.serverError();
    m_banner->setVisible(!running && !starting);
    if (!running)
        m_banner->setReason(error.isEmpty() ? tr("it has not been started") : error);
    m_stateLabel->setText(running && starting ? tr("<span style='color:#f9a825'>\u25CF</span> Moving\u2026")
                          : running  ? tr("<span style='color:#2e7d32'>\u25CF</span> Listening")
                          : starting ? tr("<span style='color:#f9a825'>\u25CF</span> Starting\u2026")
                                     : tr("<span style='color:#c62828'>\u25CF</span> Not running"));
    m_stateLabel->setToolTip(running ? tr("Serving %1 from %2").arg(m_server.url().toString(), m_server.databasePath())
                                     : error);
    m_urlButton->setText(running ? m_server.url().toString() : QStringLiteral("\u2014"));
    m_urlButton->setEnabled(running);
    if (m_tray) {
        m_tray->setState(running ? tr("DiscoDesk: listening on %1").arg(m_server.url().toString())
                                 : tr("DiscoDesk: not running (%1)").arg(error));
    }
    updateActions();
    updateCounts();
}

void MainWindow::updateActions()
{
    const bool running = m_server.isRunning();
    const QString id = currentId();
    const bool hasCurrent = running && !id.isEmpty();
    const DiscoveryId *record = hasCurrent ? currentRecord() : nullptr;
    const bool isEtcd = record && record->kind == DiscoveryKind::Etcd;
    // etcd's commands start as many members as the token's size: it must have one.
    const bool hasCommands = record && (!isEtcd || record->expectedSize);
    const bool hasSelection = running && !selectedIds().isEmpty();
    const bool hasNodes = running && !selectedNodes().isEmpty();
    m_actions.newId->setEnabled(running);
    m_actions.newEtcdToken->setEnabled(running);
    m_actions.copyId->setEnabled(hasCurrent);
    m_actions.copyUrl->setEnabled(running);
    setTip(m_actions.copyUrl, isEtcd ? tr("Copy this etcd token's --discovery URL")
                                         : tr("Copy the discovery URL, rqlite's -disco-url"));
    m_actions.copyCommands->setEnabled(hasCommands);
    if (isEtcd && record->expectedSize) {
        const int size = *record->expectedSize;
        m_actions.copyCommands->setText(
            tr("Copy &etcd Commands (%1)").arg(countOf(size, tr("Member"), tr("Members"))));
        setTip(m_actions.copyCommands,
                   tr("Copy the commands that start a local %1-member etcd cluster with this token").arg(size));
    } else {
        m_actions.copyCommands->setText(tr("Copy &rqlite Commands (3 Nodes)"));
        setTip(m_actions.copyCommands, tr("Copy the commands that start a local 3-node rqlite cluster with this ID"));
    }
    // The same members, started here: while none of an earlier local cluster runs.
    const bool clusterRuns = m_app.localCluster().liveCount() > 0;
    m_actions.startCluster->setEnabled(hasCommands && !clusterRuns);
    if (clusterRuns) {
        m_actions.startCluster->setText(tr("Start &Local Cluster"));
        setTip(m_actions.startCluster, tr("A local cluster runs (%1): stop it in the Local Cluster dock first")
                                           .arg(m_app.localCluster().title()));
    } else if (isEtcd && record->expectedSize) {
        const int size = *record->expectedSize;
        m_actions.startCluster->setText(
            tr("Start &Local etcd Cluster (%1)").arg(countOf(size, tr("Member"), tr("Members"))));
        setTip(m_actions.startCluster, tr("Start %1 etcd members on 127.0.0.1 with this token, as DiscoDesk's "
                                          "children, and watch them form")
                                           .arg(size));
    } else {
        m_actions.startCluster->setText(tr("Start &Local rqlite Cluster (3 Nodes)"));
        setTip(m_actions.startCluster, tr("Start 3 rqlited nodes on 127.0.0.1 with this ID (rqlite 6) or through "
                                          "Consul KV (rqlite 7 and later), as DiscoDesk's children"));
    }
    // An etcd token's nodes are members, known by their member ID.
    const bool members = m_nodes->kind() == DiscoveryKind::Etcd;
    m_actions.deleteNodes->setText(members ? tr("&Remove Member\u2026") : tr("&Remove Node\u2026"));
    setTip(m_actions.deleteNodes, members ? tr("Remove the selected members from the token")
                                              : tr("Remove the selected nodes from the ID"));
    m_actions.copyAddress->setText(members ? tr("Copy Member &ID") : tr("Copy &Address"));
    setTip(m_actions.copyAddress, members ? tr("Copy the selected members' IDs")
                                              : tr("Copy the selected nodes' addresses"));
    m_actions.editLabel->setEnabled(hasCurrent);
    m_actions.deleteIds->setEnabled(hasSelection);
    m_actions.deleteNodes->setEnabled(hasNodes);
    m_actions.copyAddress->setEnabled(hasNodes);
    m_actions.prune->setEnabled(running);
    m_actions.expiry->setEnabled(running);
    m_expiryButton->setVisible(running && m_expiry.has_value());
    m_actions.exportIds->setEnabled(running);
    m_actions.importIds->setEnabled(running);
}

void MainWindow::updateCounts()
{
    m_countsLabel->setText(countsText());
    updateEmptyHint();
}

QString MainWindow::countsText() const
{
    const auto ids = m_totals.ids();
    const auto nodes = m_totals.nodes();
    QString idsText = ids ? countOf(*ids, tr("ID"), tr("IDs")) : tr("counting IDs\u2026");
    if (!m_ids->filter().isEmpty() && ids) // how many the filter finds, of all
        idsText = tr("%1 of %2").arg(QString::number(m_ids->matchingCount()), idsText);
    return tr("%1 \u00B7 %2").arg(idsText, nodes ? countOf(*nodes, tr("node"), tr("nodes")) : tr("counting nodes\u2026"));
}

QString MainWindow::message() const
{
    return m_messageLine->message();
}

QString MainWindow::stateText() const
{
    return m_server.isRunning() ? tr("Listening on %1").arg(m_server.url().toString())
                                : tr("Not running: %1").arg(m_app.serverError());
}

void MainWindow::updateNodesTitle()
{
    const QString id = m_nodes->discoveryId();
    if (id.isEmpty()) {
        m_nodesTitle->setText(tr("Nodes: select a discovery ID"));
        return;
    }
    const int row = m_ids->rowOf(id);
    const QString label = row >= 0 ? m_ids->idAt(row).label : QString();
    const bool etcd = m_nodes->kind() == DiscoveryKind::Etcd;
    if (label.isEmpty())
        m_nodesTitle->setText(etcd ? tr("Members of the etcd token %1").arg(id) : tr("Nodes of %1").arg(id));
    else
        m_nodesTitle->setText(etcd ? tr("Members of the etcd token %1 (%2)").arg(id, label)
                                   : tr("Nodes of %1 (%2)").arg(id, label));
}

void MainWindow::updateNodeColumns()
{
    // Member names and peer URLs exist only for etcd tokens.
    const bool etcd = m_nodes->kind() == DiscoveryKind::Etcd;
    m_nodeView->setColumnHidden(NodeTableModel::NameColumn, !etcd);
    m_nodeView->setColumnHidden(NodeTableModel::PeerUrlsColumn, !etcd);
}

void MainWindow::updateEmptyHint()
{
    if (!m_emptyHint)
        return;
    // While the store is asked, an empty table says nothing yet.
    const bool empty = m_idProxy->rowCount() == 0 && m_server.isRunning() && !m_ids->isLoading();
    const bool noIds = m_totals.ids().value_or(m_ids->rowCount()) == 0;
    m_emptyHint->setText(noIds ? tr("No discovery IDs yet.\nClick New (Ctrl+N) for an rqlite cluster or New etcd "
                                    "(Ctrl+Shift+N) for an etcd cluster.")
                               : tr("No ID matches the filter."));
    m_emptyHint->setVisible(empty);
    m_emptyHint->setGeometry(m_idView->viewport()->rect());
}

bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_idView->viewport() && event->type() == QEvent::Resize)
        m_emptyHint->setGeometry(m_idView->viewport()->rect());
    // A dock resized while the window's height stays is the user's drag.
    if (watched == m_requestDock && event->type() == QEvent::Resize && height() == m_heightSized
        && height() > 0 && !m_requestDock->isFloating())
        m_requestDockShare = std::clamp(double(m_requestDock->height()) / height(), 0.05, 0.6);
    if (watched == m_filter && event->type() == QEvent::KeyPress
        && static_cast<QKeyEvent *>(event)->key() == Qt::Key_Escape) {
        // Escape clears the filter; on an empty one it goes back to the IDs.
        if (m_filter->text().isEmpty())
            m_idView->setFocus(Qt::ShortcutFocusReason);
        else
            m_filter->clear();
        return true;
    }
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::updatePictureSource()
{
    if (m_tabs->currentWidget() != m_kv)
        return m_picture->showSelectedId();
    const QString key = m_kv->currentKey();
    const int row = key.isEmpty() ? -1 : m_kv->keyModel()->rowOf(key);
    if (row < 0)
        return m_picture->showKvCluster(nullptr, {});
    // The askers of another key (the one selected before) are not this cluster's.
    const KvAskerTableModel &askers = *m_kv->askerModel();
    m_picture->showKvCluster(&m_kv->keyModel()->entryAt(row), askers.key() == key ? askers.askers() : QList<KvAsker>());
}

void MainWindow::tick()
{
    // Relative times move on: repaint the visible IDs. A dataChanged over every
    // loaded row would make the sorting proxy look at all of them each second.
    m_idView->viewport()->update();
    m_nodes->refreshTimes();
    m_kv->tick();
    m_rateLabel->setText(tr("%1 req/s").arg(std::exchange(m_requestsThisSecond, 0)));
}

void MainWindow::say(const QString &text)
{
    m_messageLine->showMessage(text);
    m_activity->add(text);
}

void MainWindow::copyToClipboard(const QString &text, const QString &what)
{
    if (text.isEmpty())
        return;
    QGuiApplication::clipboard()->setText(text);
    say(tr("Copied the %1.").arg(what));
}

void MainWindow::reportFailure(const QString &title, const QString &error)
{
    m_prompts.showError(this, title, tr("%1 failed: %2").arg(title, error));
}

void MainWindow::resizeEvent(QResizeEvent *event)
{
    QMainWindow::resizeEvent(event);
    // The Requests dock keeps its share of the height: small windows give the IDs
    // their room, big ones show more requests, rather than one fixed height.
    if (!m_requestDock->isFloating() && m_requestDock->isVisible())
        resizeDocks({m_requestDock}, {int(m_requestDockShare * height())}, Qt::Vertical);
    m_heightSized = height();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_app.settings().closeToTray && m_tray && m_tray->isVisible()) {
        hide();
        m_tray->showMessage(QStringLiteral("DiscoDesk"), tr("Still serving %1. Quit from this icon's menu.")
                                                             .arg(m_server.url().toString()));
        event->ignore();
        return;
    }
    if (!stopLocalClusterToQuit()) {
        event->ignore();
        return;
    }
    event->accept();
    QCoreApplication::quit();
}

void MainWindow::quit()
{
    if (stopLocalClusterToQuit())
        QCoreApplication::quit();
}

bool MainWindow::stopLocalClusterToQuit()
{
    LocalCluster &cluster = m_app.localCluster();
    const int live = cluster.liveCount();
    if (live == 0)
        return true;
    const QString what = LocalClusterModel::countText(cluster.recipe()->kind(), live);
    if (!m_prompts.confirm(this, tr("Quit"),
                           tr("The local cluster of %1 has %2 running, as DiscoDesk's children. Quitting stops "
                              "them and removes their data. Stop them and quit?")
                               .arg(cluster.title(), what)))
        return false;
    cluster.stopNow(); // bounded: SIGTERM, then SIGKILL after a few seconds
    return true;
}
