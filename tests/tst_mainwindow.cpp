// The window over a real server: a temporary SQLite file, a free loopback port, real
// HTTP registrations (rqlite's and etcd's), and every action a user takes (create,
// copy, edit, delete, prune, export, import, settings), with scripted answers
// instead of modal dialogs.

#include "ChangeBatcher.h"
#include "ClusterDiagram.h"
#include "ClusterPicturePane.h"
#include "EtcdCommands.h"
#include "ExportDialog.h"
#include "IdTableModel.h"
#include "KvPane.h"
#include "KvTableModel.h"
#include "core/ExchangeFormat.h"
#include "MainWindow.h"
#include "NewEtcdTokenDialog.h"
#include "NodeTableModel.h"
#include "PruneDialog.h"
#include "RegistrationTimeline.h"
#include "PrunePreviewModel.h"
#include "RequestLogModel.h"
#include "ActivityLogModel.h"
#include "RqliteCommands.h"
#include "SettingsDialog.h"
#include "UserPrompts.h"
#include "Version.h"
#include "core/Validation.h"
#include "store/PostgresStore.h"
#include "store/Store.h"
#include "support/HttpClient.h"
#include "support/ScriptedPrompts.h"
#include "support/TestDatabase.h"
#include "support/TestPostgres.h"
#include "support/TestServer.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QToolButton>
#include <QDockWidget>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QPushButton>
#include <QClipboard>
#include <QFile>
#include <QGuiApplication>
#include <QHeaderView>
#include <QIcon>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QComboBox>
#include <QRadioButton>
#include <QSortFilterProxyModel>
#include <QScopeGuard>
#include <QSemaphore>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QTableView>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QToolBar>
#include <QScrollBar>
#include <QTest>

namespace {

QByteArray body(const QString &address)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("addr"), address}}).toJson(QJsonDocument::Compact);
}

// etcd's member PUT body: the URL-encoded "name=peerURL".
QByteArray memberBody(const QString &name, int peerPort)
{
    return "value=" + QUrl::toPercentEncoding(QStringLiteral("%1=http://127.0.0.1:%2").arg(name).arg(peerPort));
}

QStringList nodeAddresses(const NodeTableModel &model)
{
    QStringList list;
    for (int row = 0; row < model.rowCount(); ++row)
        list << model.nodeAt(row).address;
    return list;
}

// Waits until the dialog shows the preview of its rules as they are now.
bool previewShown(const PruneDialog &dialog)
{
    return QTest::qWaitFor([&dialog] { return !dialog.isPreviewing(); }, 10000);
}

QString cell(const QAbstractItemModel &model, int row, int column, int role = Qt::DisplayRole)
{
    return model.index(row, column).data(role).toString();
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void registrationsOverHttpAppearLive();
    void aBusyServerNeverFreezesTheWindow();
    void otherServersOnAPostgreSqlDatabaseShowLive();
    void expiryRulesAreSharedWithAHeadlessServer();
    void manyIdsLoadAsTheUserScrolls();
    void sortingByAColumnLoadsEveryId();
    void newIdIsSelectedAndItsCommandsCopied();
    void etcdTokenFormsLive();
    void aConsulKvClusterShowsItsLeaderAndWaitingVoters();
    void theClusterPictureFormsLiveAsNodesRegister();
    void pruneRemovesConsulKvKeysNotWrittenSince();
    void newEtcdTokenDialogReadsTheForm();
    void editLabel();
    void deleteIdAsksFirst();
    void deleteNode();
    void prunePreviewMatchesWhatIsRemoved();
    void theDefaultPruneLeavesAnIdMadeSecondsAgo();
    void aBigPruneElsewhereLeavesTheWindowRight();
    void aBigPrunePreviewListsAPageAndCountsAll();
    void exportJsonAndCsv();
    void exportDialogKeepsExtensionInStep();
    void importMalformedChangesNothing();
    void importValidFileReportsSummary();
    void takenPortIsShownAndFixedInSettings();
    void aDamagedDatabaseIsShownOnceFound();
    void settingsRestartTheServerInPlace();
    void settingsShowWhatThisRunUsesAndKeepItsDatabase();
    void aTakenPortLeavesTheServerWhereItWas();
    void messagesHaveAPlaceOfTheirOwnAndResultsStay();
    void aboutShowsVersionDatabaseAndUrl();
    void shortcutsAndContextMenus();
    void theKeyboardWalksTheWindow();
    void liveInsertsKeepTheSelectedRowInPlace();
    void theEndIsTheEndOfTheStore();
    void theScrollBarsBottomIsTheEndOfTheStore();
    void aFilterCountsWhatItFindsFromTheTop();
    void theLayoutFitsSmallAndBigWindows();
    void settingsDialogReadsTheForm();
    void settingsShowTheAdminToken();

private:
    AppSettings testSettings(const QString &database) const;
    MainWindow *openWindow();
    // A window on settings, its server started; false (and why, logged) if it did not.
    bool openWindowWith(const AppSettings &settings);
    // A window on a new database of the test's PostgreSQL (none on failure); its settings.
    AppSettings openWindowOnPostgreSql();
    // A second server's settings: on the window's database, any free port.
    ServerConfig sharing(const AppSettings &settings) const;
    // The same, without waiting for the server.
    void showWindowWith(const AppSettings &settings);
    // Waits until the server has started (or failed) and the window shows its IDs.
    bool waitForServer();
    ServerThread &server() { return m_app->server(); }
    // Runs Export... and waits until its file is written (it is written in the background).
    bool exportNow()
    {
        QSignalSpy exported(m_window.get(), &MainWindow::exported);
        action("exportAction")->trigger();
        return exported.wait(20000);
    }
    QString createIdOverHttp();
    // Fills the window's database before it opens: count rqlite IDs, one node each,
    // a second older than the next; the oldest is labelled "needle".
    void fillDatabase(int count);
    QAction *action(const char *name) const;

    std::unique_ptr<QTemporaryDir> m_dir;
    ScriptedPrompts m_prompts;
    std::unique_ptr<AppController> m_app;
    std::unique_ptr<MainWindow> m_window;
};

void TestMainWindow::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_prompts = ScriptedPrompts();
}

void TestMainWindow::cleanup()
{
    m_window.reset();
    m_app.reset();
    m_dir.reset();
}

AppSettings TestMainWindow::testSettings(const QString &database) const
{
    AppSettings settings;
    settings.port = 0; // any free port
    settings.databasePath = m_dir->filePath(database);
    settings.timeZone = TimeZoneChoice::Utc;
    return settings;
}

MainWindow *TestMainWindow::openWindow()
{
    openWindowWith(testSettings(QStringLiteral("discodesk.sqlite")));
    return m_window.get();
}

bool TestMainWindow::openWindowWith(const AppSettings &settings)
{
    showWindowWith(settings);
    return waitForServer();
}

void TestMainWindow::showWindowWith(const AppSettings &settings)
{
    m_window.reset();
    m_app = std::make_unique<AppController>(settings, settings.serverConfig());
    m_window = std::make_unique<MainWindow>(*m_app, m_prompts);
    m_window->show();
    m_app->startServer();
}

bool TestMainWindow::waitForServer()
{
    const bool settled = QTest::qWaitFor([this] {
        return !server().isStarting() && !m_window->isReloading();
    }, 30000);
    if (!settled || !server().isRunning())
        qWarning("server did not start: %s", qPrintable(settled ? m_app->serverError() : QStringLiteral("timeout")));
    return settled && server().isRunning();
}

QString TestMainWindow::createIdOverHttp()
{
    const HttpResponse response = HttpClient(quint16(server().url().port())).post("/");
    if (response.status != 200)
        return {};
    return response.json().value(QStringLiteral("disco_id")).toString();
}

void TestMainWindow::fillDatabase(int count)
{
    DISCODESK_OPEN_STORE(store, testSettings(QStringLiteral("discodesk.sqlite")).databasePath);
    const Timestamp now = Timestamp::now();
    QList<DiscoveryIdWithNodes> records;
    for (int i = 0; i < count; ++i) {
        DiscoveryIdWithNodes record;
        record.id.id = QStringLiteral("scale-%1").arg(i, 5, 10, QLatin1Char('0'));
        record.id.createdAt = Timestamp::fromMicroseconds(now.microseconds() - qint64(count - i) * 1'000'000);
        record.id.lastActivity = record.id.createdAt;
        record.id.label = i == 0 ? QStringLiteral("needle") : QString();
        Node node;
        node.address = QStringLiteral("127.0.0.1:%1").arg(4001 + i % 60000);
        node.firstRegistered = node.lastSeen = record.id.createdAt;
        node.registeredBy = QStringLiteral("127.0.0.1");
        record.nodes = {node};
        records << record;
    }
    const auto imported = DiscoveryService(*store).importIds(records);
    QVERIFY(imported.ok() && !imported->refused);
}

QAction *TestMainWindow::action(const char *name) const
{
    return m_window->findChild<QAction *>(QString::fromLatin1(name));
}

void TestMainWindow::registrationsOverHttpAppearLive()
{
    MainWindow *window = openWindow();
    QVERIFY(server().isRunning());
    QCOMPARE(window->idModel()->rowCount(), 0);
    QCOMPARE(window->countsText(), QStringLiteral("0 IDs \u00B7 0 nodes"));
    auto *emptyHint = window->findChild<QLabel *>(QStringLiteral("emptyHint"));
    QVERIFY(emptyHint->isVisible());
    QVERIFY(emptyHint->text().startsWith(QStringLiteral("No discovery IDs yet.")));

    const QString id = createIdOverHttp();
    QVERIFY(!id.isEmpty());
    QTRY_COMPARE(window->idModel()->rowCount(), 1);
    QCOMPARE(window->idModel()->idAt(0).id, id);
    QVERIFY(!emptyHint->isVisible());
    // The user clicks the row: its nodes are shown.
    const QModelIndex index = window->idProxy()->mapFromSource(window->idModel()->index(0, IdTableModel::LabelColumn));
    QTest::mouseClick(window->idView()->viewport(), Qt::LeftButton, {},
                      window->idView()->visualRect(index).center());
    QCOMPARE(window->currentId(), id);
    QCOMPARE(window->nodeModel()->discoveryId(), id);
    QVERIFY(window->findChild<QLabel *>(QStringLiteral("nodesTitle"))->text().contains(id));

    // Three rqlite nodes register, as rqlited does.
    HttpClient client(quint16(server().url().port()));
    const QByteArray path = '/' + id.toUtf8();
    for (const char *address : {"localhost:4001", "localhost:4003", "localhost:4005"})
        QCOMPARE(client.send("POST", path, body(QString::fromLatin1(address)), "application-type/json").status, 200);

    QTRY_COMPARE(nodeAddresses(*window->nodeModel()),
                 QStringList({QStringLiteral("localhost:4001"), QStringLiteral("localhost:4003"),
                              QStringLiteral("localhost:4005")}));
    const int row = window->idModel()->rowOf(id);
    QTRY_COMPARE(cell(*window->idModel(), row, IdTableModel::NodesColumn), QStringLiteral("3"));
    QCOMPARE(cell(*window->nodeModel(), 0, NodeTableModel::RegisteredByColumn), QStringLiteral("127.0.0.1"));
    QCOMPARE(cell(*window->nodeModel(), 0, NodeTableModel::RegistrationsColumn), QStringLiteral("1"));
    QVERIFY(window->nodeModel()->isHighlighted(2));
    QCOMPARE(window->countsText(), QStringLiteral("1 ID \u00B7 3 nodes"));

    // A node that restarts registers again: same row, counted twice.
    QCOMPARE(client.post(path, body(QStringLiteral("localhost:4001"))).status, 200);
    QTRY_COMPARE(cell(*window->nodeModel(), 0, NodeTableModel::RegistrationsColumn), QStringLiteral("2"));
    QCOMPARE(window->nodeModel()->rowCount(), 3);

    // A node that leaves is gone from the table.
    QCOMPARE(client.del(path, body(QStringLiteral("localhost:4003"))).status, 200);
    QTRY_COMPARE(nodeAddresses(*window->nodeModel()),
                 QStringList({QStringLiteral("localhost:4001"), QStringLiteral("localhost:4005")}));
    QTRY_COMPARE(cell(*window->idModel(), row, IdTableModel::NodesColumn), QStringLiteral("2"));

    // The requests dock shows them, newest first, with status and remote address.
    QTRY_VERIFY(window->requestLog()->rowCount() >= 6);
    const RequestLogModel &log = *window->requestLog();
    QCOMPARE(cell(log, 0, RequestLogModel::MethodColumn), QStringLiteral("DELETE"));
    QCOMPARE(cell(log, 0, RequestLogModel::PathColumn), QString::fromUtf8(path));
    QCOMPARE(cell(log, 0, RequestLogModel::StatusColumn), QStringLiteral("200"));
    QCOMPARE(cell(log, 0, RequestLogModel::RemoteColumn), QStringLiteral("127.0.0.1"));
    QCOMPARE(cell(log, 0, RequestLogModel::ProblemColumn), QString());

    // A refused request says why, as its client was told.
    QCOMPARE(client.post("/no-such-id", body(QStringLiteral("localhost:4009"))).status, 404);
    QCOMPARE(client.send("PUT", "/v1/kv/", "{}").status, 400);
    QTRY_COMPARE(cell(log, 0, RequestLogModel::StatusColumn), QStringLiteral("400"));
    QVERIFY2(cell(log, 0, RequestLogModel::ProblemColumn).contains(QStringLiteral("Missing key name")),
             qPrintable(cell(log, 0, RequestLogModel::ProblemColumn)));
    QCOMPARE(cell(log, 1, RequestLogModel::StatusColumn), QStringLiteral("404"));
    QVERIFY2(cell(log, 1, RequestLogModel::ProblemColumn).contains(QStringLiteral("no-such-id")),
             qPrintable(cell(log, 1, RequestLogModel::ProblemColumn)));
}

// The window never waits for the server: while the server's thread is busy (here held
// on purpose), a click on a row selects it and shows its title at once; its nodes
// follow when the server is free.
void TestMainWindow::aBusyServerNeverFreezesTheWindow()
{
    MainWindow *window = openWindow();
    createIdOverHttp();
    const QString clicked = createIdOverHttp();
    HttpClient client(quint16(server().url().port()));
    QCOMPARE(client.post('/' + clicked.toUtf8(), body(QStringLiteral("localhost:4001"))).status, 200);
    QTRY_COMPARE(window->idModel()->totalNodes(), 1);

    QSemaphore holding;
    QSemaphore release;
    const auto letGo = qScopeGuard([&release] { release.release(); }); // even when a check fails
    m_app->client().ask(
        [&](DiscoveryService &) {
            holding.release();
            release.acquire();
            return StoreResult<bool>(true);
        },
        [](const StoreResult<bool> &) {});
    QVERIFY(holding.tryAcquire(1, 10000)); // the server's thread is busy from here

    const int row = window->idModel()->rowOf(clicked);
    const QModelIndex index = window->idProxy()->mapFromSource(window->idModel()->index(row, IdTableModel::LabelColumn));
    QTest::mouseClick(window->idView()->viewport(), Qt::LeftButton, {}, window->idView()->visualRect(index).center());
    QCOMPARE(window->currentId(), clicked);
    QCOMPARE(window->nodeModel()->discoveryId(), clicked);
    QVERIFY(window->findChild<QLabel *>(QStringLiteral("nodesTitle"))->text().contains(clicked));
    QCOMPARE(window->nodeModel()->rowCount(), 0); // not read yet: the server is busy
    action("copyIdAction")->trigger();
    QCOMPARE(QGuiApplication::clipboard()->text(), clicked);

    release.release();
    QTRY_COMPARE(nodeAddresses(*window->nodeModel()), QStringList{QStringLiteral("localhost:4001")});
}

AppSettings TestMainWindow::openWindowOnPostgreSql()
{
    QString error;
    TestPostgres *postgres = TestDatabase::postgres(&error);
    AppSettings settings = testSettings(QStringLiteral("unused.sqlite"));
    settings.databasePath = postgres ? postgres->createDatabase() : QString();
    if (settings.databasePath.isEmpty() || !openWindowWith(settings)) {
        qWarning("no window on PostgreSQL: %s", qPrintable(postgres ? postgres->lastError() : error));
        m_window.reset();
    }
    return settings;
}

ServerConfig TestMainWindow::sharing(const AppSettings &settings) const
{
    ServerConfig config;
    config.port = 0;
    config.databasePath = settings.databasePath;
    config.adminTokenPath = m_dir->filePath(QStringLiteral("other.admin-token"));
    return config;
}

// A window on a PostgreSQL database that another server shares: what the other
// server registers shows within a second, through LISTEN/NOTIFY, and by polling where
// notifications are not available.
void TestMainWindow::otherServersOnAPostgreSqlDatabaseShowLive()
{
    const AppSettings settings = openWindowOnPostgreSql();
    QVERIFY(m_window);

    ServerThread other;
    QCOMPARE(TestServer::startAndWait(other, sharing(settings)), QString());
    HttpClient client(quint16(other.url().port()));

    const QByteArray first = client.post("/").json().value(QStringLiteral("disco_id")).toString().toUtf8();
    QTRY_COMPARE_WITH_TIMEOUT(m_window->idModel()->rowCount(), 1, 10000);
    QCOMPARE(m_window->idModel()->data(m_window->idModel()->index(0, 0)).toString(), QString::fromUtf8(first));

    // Without notifications: the window's store looks once a second and reloads.
    // (Generous timeouts: a busy machine may delay a look, and nothing else is waited for.)
    ServerConfig polling = settings.serverConfig();
    polling.pollForChanges = true;
    m_window.reset();
    m_app = std::make_unique<AppController>(settings, polling);
    m_window = std::make_unique<MainWindow>(*m_app, m_prompts);
    m_app->startServer();
    QVERIFY(waitForServer());
    QCOMPARE(m_window->idModel()->rowCount(), 1);
    client.post("/");
    QTRY_COMPARE_WITH_TIMEOUT(m_window->idModel()->rowCount(), 2, 10 * int(PostgresStore::PollInterval.count()));
    QCOMPARE(client.del("/api/v1/ids/" + first).status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->idModel()->rowCount(), 1, 10 * int(PostgresStore::PollInterval.count()));
}

// Expiry rules set in the window are a headless server's on the same PostgreSQL
// database, and the other way round; the dialog previews what a sweep would remove.
void TestMainWindow::expiryRulesAreSharedWithAHeadlessServer()
{
    const AppSettings settings = openWindowOnPostgreSql();
    QVERIFY(m_window);
    auto *state = m_window->findChild<QToolButton *>(QStringLiteral("expiryState"));
    QTRY_COMPARE(state->text(), QStringLiteral("Expiry off"));

    ServerThread headless;
    QCOMPARE(TestServer::startAndWait(headless, sharing(settings)), QString());
    HttpClient client(quint16(headless.url().port()));
    // An ID idle since 2020, which "no activity for 30 days" removes.
    const QByteArray old = "{\"format\":\"discodesk-export\",\"format_version\":1,\"ids\":[{\"id\":"
                           "\"0e0e0e0e-0e0e-4e0e-8e0e-0e0e0e0e0e0e\",\"kind\":\"rqlite\",\"created_at\":"
                           "\"2020-01-01T00:00:00Z\",\"nodes\":[]}]}";
    QCOMPARE(client.post("/api/v1/import", old).status, 200);

    // In the window: the real dialog, one rule ticked; its preview lists the old ID.
    QString summary;
    QString shownRule;
    m_prompts.expiryAnswer = [&](QWidget *parent, const ExpiryState &current,
                                 const ExpiryPreview &preview) -> std::optional<ExpiryRules> {
        ExpiryDialog dialog(current, preview, TimeZoneChoice::Utc, parent);
        dialog.findChild<QCheckBox *>(QStringLiteral("idsInactiveRule"))->setChecked(true);
        dialog.updatePreview();
        if (!QTest::qWaitFor([&] { return !dialog.isPreviewing(); }, 10000))
            return std::nullopt;
        summary = dialog.summary();
        shownRule = dialog.table()->index(0, PrunePreviewModel::WhyColumn).data().toString();
        return dialog.rules();
    };
    action("expiryAction")->trigger(); // the dialog opens once the rules are read
    QTRY_COMPARE(summary, QStringLiteral("A sweep now would remove 1 ID."));
    QCOMPARE(shownRule, QStringLiteral("no activity for more than 30d"));
    QTRY_COMPARE(state->text(), QStringLiteral("Expiry on"));
    // The headless server has them.
    const QJsonObject rules = client.get("/api/v1/expiry").json().value(QStringLiteral("rules")).toObject();
    QCOMPARE(rules.value(QStringLiteral("ids_inactive_for")).toString(), QStringLiteral("30d"));
    QCOMPARE(rules.value(QStringLiteral("every")).toString(), QStringLiteral("1h"));

    // Set through the headless server: the window's dialog opens with them.
    QCOMPARE(client.send("PUT", "/api/v1/expiry", R"({"kv_not_reported_for": "2h", "every": "15m"})").status, 200);
    std::optional<ExpiryState> opened;
    m_prompts.expiryAnswer = [&](QWidget *, const ExpiryState &current, const ExpiryPreview &) {
        opened = current;
        return std::optional<ExpiryRules>();
    };
    action("expiryAction")->trigger();
    QTRY_VERIFY(opened.has_value());
    QCOMPARE(opened->rules.kvNotReportedFor, std::optional<ExpiryRules::Age>(7200));
    QVERIFY(!opened->rules.idsInactiveFor);
    QCOMPARE(opened->rules.interval, ExpiryRules::Age(900));
}

void TestMainWindow::manyIdsLoadAsTheUserScrolls()
{
    fillDatabase(2500);
    MainWindow *window = openWindow();
    // The window opens with the newest page; the status bar counts the whole store.
    QCOMPARE(window->idModel()->rowCount(), IdTableModel::FirstPageSize);
    QCOMPARE(window->idModel()->idAt(0).id, QStringLiteral("scale-02499"));
    QTRY_COMPARE(window->countsText(), QStringLiteral("2500 IDs \u00B7 2500 nodes"));

    // A node registers under the oldest ID, which is not loaded: the counts move on.
    const QString oldest = QStringLiteral("scale-00000");
    HttpClient client(quint16(server().url().port()));
    QCOMPARE(client.post('/' + oldest.toUtf8(), body(QStringLiteral("localhost:4001"))).status, 200);
    QTRY_COMPARE(window->countsText(), QStringLiteral("2500 IDs \u00B7 2501 nodes"));
    QCOMPARE(window->idModel()->rowOf(oldest), -1);

    // The filter finds it although it is not loaded.
    auto *filter = window->findChild<QLineEdit *>(QStringLiteral("filter"));
    QTest::keyClicks(filter, QStringLiteral("needle"));
    QTRY_COMPARE(window->idProxy()->rowCount(), 1);
    QCOMPARE(cell(*window->idProxy(), 0, IdTableModel::IdColumn), oldest);
    QCOMPARE(cell(*window->idProxy(), 0, IdTableModel::NodesColumn), QStringLiteral("2"));
    filter->clear();
    QTRY_COMPARE(window->idProxy()->rowCount(), IdTableModel::FirstPageSize);

    // The user scrolls to the end: the rest loads, each ID once, the node counted once.
    window->idView()->scrollToBottom();
    QTRY_COMPARE(window->idModel()->rowCount(), 2500);
    QVERIFY(window->idModel()->hasAllRows());
    const int row = window->idModel()->rowOf(oldest);
    QVERIFY(row >= 0);
    QCOMPARE(cell(*window->idModel(), row, IdTableModel::NodesColumn), QStringLiteral("2"));
    QCOMPARE(window->idModel()->totalNodes(), 2501);
}

void TestMainWindow::sortingByAColumnLoadsEveryId()
{
    fillDatabase(2500);
    MainWindow *window = openWindow();
    QCOMPARE(window->idModel()->rowCount(), IdTableModel::FirstPageSize);
    // The user sorts by label: the one labelled ID comes first, found among all IDs,
    // and the 2499 without a label go last, in either order.
    window->idView()->sortByColumn(IdTableModel::LabelColumn, Qt::AscendingOrder);
    QTRY_COMPARE(window->idModel()->rowCount(), 2500);
    QTRY_COMPARE(cell(*window->idProxy(), 0, IdTableModel::LabelColumn), QStringLiteral("needle"));
    window->idView()->sortByColumn(IdTableModel::LabelColumn, Qt::DescendingOrder);
    QCOMPARE(cell(*window->idProxy(), 0, IdTableModel::LabelColumn), QStringLiteral("needle"));
    QCOMPARE(cell(*window->idProxy(), 2499, IdTableModel::LabelColumn), QString());
}

void TestMainWindow::newIdIsSelectedAndItsCommandsCopied()
{
    MainWindow *window = openWindow();
    m_prompts.labels << QStringLiteral("demo cluster");
    action("newIdAction")->trigger();

    QTRY_COMPARE(window->idModel()->rowCount(), 1);
    const DiscoveryId created = window->idModel()->idAt(0);
    QCOMPARE(created.label, QStringLiteral("demo cluster"));
    QCOMPARE(created.kind, DiscoveryKind::Rqlite);
    QTRY_COMPARE(window->currentId(), created.id);
    // It exists for real: rqlite's GET answers it.
    HttpClient client(quint16(server().url().port()));
    QCOMPARE(client.get('/' + created.id.toUtf8()).status, 200);

    action("copyIdAction")->trigger();
    QCOMPARE(QGuiApplication::clipboard()->text(), created.id);
    action("copyUrlAction")->trigger();
    QCOMPARE(QGuiApplication::clipboard()->text(), server().url().toString());
    QVERIFY(QGuiApplication::clipboard()->text().startsWith(QStringLiteral("http://127.0.0.1:")));
    action("copyCommandsAction")->trigger();
    const QString commands = QGuiApplication::clipboard()->text();
    QCOMPARE(commands, rqliteCommands(server().url(), created.id));
    QCOMPARE(commands.count(QStringLiteral("-disco-id %1 ").arg(created.id)), 3);

    // Cancelling creates nothing.
    action("newIdAction")->trigger();
    QTest::qWait(2 * ChangeBatcher::IntervalMs);
    QCOMPARE(window->idModel()->rowCount(), 1);
}

void TestMainWindow::aConsulKvClusterShowsItsLeaderAndWaitingVoters()
{
    MainWindow *window = openWindow();
    KvPane *kv = window->kvPane();
    window->tabs()->setCurrentWidget(kv);
    KvTableModel *keys = kv->keyModel();
    QCOMPARE(keys->rowCount(), 0);
    QVERIFY(kv->findChild<QLabel *>(QStringLiteral("kvHint"))->text().startsWith(QStringLiteral("No Consul KV keys yet.")));

    // With nothing selected, the commands are for rqlite's default key, on this server.
    const QString address = QStringLiteral("127.0.0.1:%1").arg(server().url().port());
    kv->findChild<QPushButton *>(QStringLiteral("kvCopyCommands"))->click();
    QCOMPARE(QGuiApplication::clipboard()->text(), rqliteKvCommands(address, QStringLiteral("rqlite")));
    QVERIFY(QGuiApplication::clipboard()->text().startsWith(
        QStringLiteral("rqlited -node-id 1 -http-addr 127.0.0.1:4001 -raft-addr 127.0.0.1:4002 -disco-mode consul-kv "
                       "-disco-key rqlite -disco-config '{\"address\":\"%1\"}' ~/node.1 &\n").arg(address)));

    // Node 1 claims the key; node 2 loses the race and asks again, as rqlite does.
    HttpClient http(quint16(server().url().port()));
    const QByteArray leader = R"({"id":"1","api_addr":"http://localhost:4001","addr":"localhost:4002"})";
    const QByteArray loser = R"({"id":"2","api_addr":"http://localhost:4003","addr":"localhost:4004"})";
    QCOMPARE(http.send("PUT", "/v1/kv/team%20a/leader?cas=0", leader, "application/octet-stream").body, QByteArray("true"));
    QTRY_COMPARE_WITH_TIMEOUT(keys->rowCount(), 1, 10000);
    auto cell = [keys](int column) { return keys->data(keys->index(0, column)).toString(); };
    QCOMPARE(cell(KvTableModel::ClusterColumn), QStringLiteral("team a"));
    QCOMPARE(cell(KvTableModel::LeaderColumn), QStringLiteral("1"));
    QCOMPARE(cell(KvTableModel::ApiColumn), QStringLiteral("http://localhost:4001"));
    QCOMPARE(cell(KvTableModel::RaftColumn), QStringLiteral("localhost:4002"));
    QCOMPARE(cell(KvTableModel::ReportedColumn), QStringLiteral("just now"));
    // Stale once the leader has not reported for 30 s.
    keys->setNow(Timestamp::fromMicroseconds(Timestamp::now().microseconds() + 40'000'000));
    QVERIFY(cell(KvTableModel::ReportedColumn).endsWith(QStringLiteral("(stale)")));
    keys->setNow(Timestamp::now());

    kv->selectKey(QStringLiteral("team a/leader"));
    QCOMPARE(http.send("PUT", "/v1/kv/team%20a/leader?cas=0", loser, "application/octet-stream").body, QByteArray("false"));
    QCOMPARE(http.get("/v1/kv/team%20a/leader").status, 200);
    KvAskerTableModel *askers = kv->askerModel();
    // Each request came on a connection of its own: two askers.
    QTRY_COMPARE_WITH_TIMEOUT(askers->rowCount(), 2, 10000);
    QSet<QString> shown;
    for (int row = 0; row < 2; ++row) {
        shown.insert(askers->data(askers->index(row, KvAskerTableModel::NodeColumn)).toString());
        QVERIFY(askers->data(askers->index(row, KvAskerTableModel::AddressColumn)).toString().startsWith(QStringLiteral("127.0.0.1:")));
    }
    QCOMPARE(shown, (QSet<QString>{QStringLiteral("(read the key)"), QStringLiteral("2 (Raft localhost:4004)")}));
    QCOMPARE(kv->findChild<QLabel *>(QStringLiteral("kvAskersTitle"))->text(),
             QStringLiteral("Nodes that asked for team a (voters waiting to join): 2"));

    // The selected cluster's commands, its key quoted for the shell.
    kv->findChild<QPushButton *>(QStringLiteral("kvCopyCommands"))->click();
    QVERIFY(QGuiApplication::clipboard()->text().contains(QStringLiteral("-disco-key 'team a' ")));

    // Deleting asks first, and the row goes once it is saved.
    m_prompts.confirmAnswer = false;
    kv->findChild<QPushButton *>(QStringLiteral("kvDelete"))->click();
    QCOMPARE(m_prompts.questions.size(), 1);
    QCOMPARE(http.get("/v1/kv/team%20a/leader").status, 200);
    m_prompts.confirmAnswer = true;
    kv->findChild<QPushButton *>(QStringLiteral("kvDelete"))->click();
    QTRY_COMPARE_WITH_TIMEOUT(keys->rowCount(), 0, 10000);
    QCOMPARE(http.get("/v1/kv/team%20a/leader").status, 404);
}

// The picture beside the tables: the selected ID's nodes drawn as they register over
// HTTP, its timeline growing with each registration, re-registration and removal;
// then an over-full etcd token, and a Consul KV cluster while its tab is in front.
void TestMainWindow::theClusterPictureFormsLiveAsNodesRegister()
{
    MainWindow *window = openWindow();
    QVERIFY(window->findChild<QDockWidget *>(QStringLiteral("pictureDock"))->isVisible());
    const ClusterDiagram &diagram = *window->clusterPicture()->diagram();
    const RegistrationTimeline &timeline = *window->clusterPicture()->timeline();
    QVERIFY(diagram.isVisible() && timeline.isVisible());
    QVERIFY(diagram.picture().isEmpty());
    auto drawnAddresses = [&diagram] {
        QStringList addresses;
        for (const ClusterDiagram::DrawnNode &drawn : diagram.drawnNodes())
            addresses << drawn.label;
        return addresses;
    };
    auto drawnEvents = [&timeline] {
        QStringList events;
        for (const RegistrationTimeline::DrawnEvent &drawn : timeline.drawnEvents())
            events << drawn.label;
        return events;
    };

    const QString id = createIdOverHttp();
    QTRY_COMPARE(window->idModel()->rowCount(), 1);
    window->selectIds({id});
    QTRY_COMPARE(diagram.picture().title, QStringLiteral("No nodes yet in the rqlite ID %1").arg(id));

    HttpClient client(quint16(server().url().port()));
    const QByteArray path = '/' + id.toUtf8();
    const QStringList nodes{QStringLiteral("localhost:4001"), QStringLiteral("localhost:4003"),
                            QStringLiteral("localhost:4005")};
    for (int i = 0; i < nodes.size(); ++i) {
        QCOMPARE(client.send("POST", path, body(nodes.at(i)), "application-type/json").status, 200);
        // Each one drawn as it registers, without selecting anything again.
        QTRY_COMPARE(drawnAddresses(), nodes.mid(0, i + 1));
        QCOMPARE(drawnEvents(), nodes.mid(0, i + 1));
    }
    QCOMPARE(diagram.drawnNodes().at(0).node.role, NodeRole::Bootstrapped);
    QCOMPARE(diagram.drawnNodes().at(2).node.role, NodeRole::Member);

    // Node 1 restarts, node 2 leaves: the timeline says so, the diagram has two nodes.
    QCOMPARE(client.post(path, body(nodes.at(0))).status, 200);
    QCOMPARE(client.del(path, body(nodes.at(1))).status, 200);
    QTRY_COMPARE(drawnAddresses(), (QStringList{nodes.at(0), nodes.at(2)}));
    QTRY_COMPARE(drawnEvents(), (nodes + QStringList{QStringLiteral("localhost:4001 again"), nodes.at(1)}));
    QCOMPARE(timeline.drawnEvents().last().event.kind, RegistrationEvent::Kind::Removed);
    QCOMPARE(timeline.caption(), QStringLiteral("3 registrations, 1 re-registration, 1 removal"));

    // An etcd token for 3, and a fourth member: drawn beyond the size, with the warning.
    m_prompts.etcdTokens << EtcdTokenRequest{3, QStringLiteral("picture")};
    action("newEtcdTokenAction")->trigger();
    QTRY_COMPARE(window->idModel()->rowCount(), 2);
    const QString token = window->idModel()->idAt(window->idModel()->rowOf(id) == 0 ? 1 : 0).id;
    QTRY_COMPARE(window->currentId(), token);
    const QByteArray directory = "/etcd/" + token.toUtf8();
    for (int i = 0; i < 4; ++i) {
        QCOMPARE(client.send("PUT", directory + "/member" + QByteArray::number(i) + "?prevExist=false",
                             memberBody(QStringLiteral("m%1").arg(i + 1), 23801 + i), "application/x-www-form-urlencoded")
                     .status,
                 201);
    }
    QTRY_COMPARE(diagram.drawnNodes().size(), 4);
    QCOMPARE(diagram.picture().count(NodeRole::BeyondSize), 1);
    QCOMPARE(diagram.drawnNodes().at(3).note, QStringLiteral("beyond size: proxy"));
    QVERIFY(!diagram.warningRect().isEmpty());
    QCOMPARE(timeline.drawnEvents().size(), 4);

    // The Consul KV tab in front: its selected cluster's leader and the voter that lost.
    KvPane *kv = window->kvPane();
    window->tabs()->setCurrentWidget(kv);
    QVERIFY(diagram.picture().isEmpty()); // no key selected
    QCOMPARE(client.send("PUT", "/v1/kv/rqlite/leader?cas=0",
                         R"({"id":"1","api_addr":"http://localhost:4001","addr":"localhost:4002"})",
                         "application/octet-stream").body,
             QByteArray("true"));
    QTRY_COMPARE(kv->keyModel()->rowCount(), 1);
    kv->selectKey(QStringLiteral("rqlite/leader"));
    QCOMPARE(client.send("PUT", "/v1/kv/rqlite/leader?cas=0",
                         R"({"id":"2","api_addr":"http://localhost:4003","addr":"localhost:4004"})",
                         "application/octet-stream").body,
             QByteArray("false"));
    QTRY_COMPARE_WITH_TIMEOUT(drawnAddresses(), (QStringList{QStringLiteral("localhost:4002"), QStringLiteral("localhost:4004")}),
                              10000);
    QCOMPARE(diagram.drawnNodes().at(0).node.role, NodeRole::Leader);
    QVERIFY(timeline.drawnEvents().isEmpty());

    // Back on the IDs: the token again, its timeline kept.
    window->tabs()->setCurrentIndex(0);
    QCOMPARE(diagram.drawnNodes().size(), 4);
    QCOMPARE(timeline.drawnEvents().size(), 4);
}

void TestMainWindow::pruneRemovesConsulKvKeysNotWrittenSince()
{
    MainWindow *window = openWindow();
    HttpClient http(quint16(server().url().port()));
    QCOMPARE(http.send("PUT", "/v1/kv/old/leader", "x", "application/octet-stream").body, QByteArray("true"));
    KvTableModel *keys = window->kvPane()->keyModel();
    QTRY_COMPARE_WITH_TIMEOUT(keys->rowCount(), 1, 10000);
    const Timestamp written = Timestamp::now();
    QVERIFY(QTest::qWaitFor([written] { return Timestamp::now() > written; }, 1000));

    // The real dialog: only "Consul KV keys not written for more than 0 minutes".
    PruneResult previewed;
    QString summary;
    m_prompts.pruneAnswer = [&](QWidget *parent, const PrunePreview &preview) -> std::optional<PruneRules> {
        PruneDialog dialog(preview, TimeZoneChoice::Utc, parent);
        dialog.findChild<QCheckBox *>(QStringLiteral("noNodesRule"))->setChecked(false);
        dialog.findChild<QSpinBox *>(QStringLiteral("kvNotReportedSinceRuleAmount"))->setValue(0);
        dialog.findChild<QCheckBox *>(QStringLiteral("kvNotReportedSinceRule"))->setChecked(true);
        dialog.updatePreview();
        if (!previewShown(dialog))
            return std::nullopt;
        previewed = dialog.preview();
        summary = dialog.summary();
        return dialog.rules();
    };
    action("pruneAction")->trigger();
    QCOMPARE(previewed.kvKeyCount, 1);
    QCOMPARE(previewed.kvKeys.value(0).key, QStringLiteral("old/leader"));
    QCOMPARE(summary, QStringLiteral("Removes 1 Consul KV key."));
    QTRY_COMPARE_WITH_TIMEOUT(keys->rowCount(), 0, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(window->message(), QStringLiteral("Pruned 1 Consul KV key."), 10000);
    QCOMPARE(http.get("/v1/kv/old/leader").status, 404);
}

void TestMainWindow::etcdTokenFormsLive()
{
    MainWindow *window = openWindow();
    m_prompts.etcdTokens << EtcdTokenRequest{3, QStringLiteral("etcd demo")};
    action("newEtcdTokenAction")->trigger();
    QTRY_COMPARE(window->idModel()->rowCount(), 1);
    const DiscoveryId token = window->idModel()->idAt(0);
    QCOMPARE(token.kind, DiscoveryKind::Etcd);
    QCOMPARE(token.expectedSize, std::optional<int>(3));
    QCOMPARE(token.label, QStringLiteral("etcd demo"));
    QCOMPARE(token.id.size(), 32);
    QTRY_COMPARE(window->currentId(), token.id);
    auto progress = [window](int role = Qt::DisplayRole) {
        return window->idModel()->index(0, IdTableModel::NodesColumn).data(role);
    };
    QCOMPARE(progress().toString(), QStringLiteral("0 of 3"));

    // Copy URL gives the token's --discovery URL, and etcd's first request there works.
    action("copyUrlAction")->trigger();
    const QString url = QGuiApplication::clipboard()->text();
    QCOMPARE(url, server().url().toString() + QStringLiteral("/etcd/") + token.id);
    QVERIFY(url.startsWith(QStringLiteral("http://127.0.0.1:")));
    HttpClient client(quint16(server().url().port()));
    const QByteArray directory = QUrl(url).path().toUtf8();
    const HttpResponse size = client.get(directory + "/_config/size?quorum=false&recursive=false&sorted=false");
    QCOMPARE(size.status, 200);
    QCOMPARE(size.json()[QStringLiteral("node")][QStringLiteral("value")].toString(), QStringLiteral("3"));

    // Copy Commands gives the commands for 3 members against that URL.
    QCOMPARE(action("copyCommandsAction")->text(), QStringLiteral("Copy &etcd Commands (3 Members)"));
    action("copyCommandsAction")->trigger();
    const QString commands = QGuiApplication::clipboard()->text();
    QCOMPARE(commands, etcdCommands(QUrl(url), 3));
    QCOMPARE(commands.count(QStringLiteral(" --discovery %1 &\n").arg(url)), 3);
    QVERIFY(commands.endsWith(QStringLiteral("ETCDCTL_API=3 etcdctl --endpoints http://127.0.0.1:23791 member list\n")));

    // Three members register as etcd does; the row counts them live, then is full.
    const QStringList members{QStringLiteral("7044d85b7e4db59d"), QStringLiteral("a1b2c3d4e5f60718"),
                              QStringLiteral("0f1e2d3c4b5a6978"), QStringLiteral("5e4d3c2b1a098765")};
    auto put = [&](int i) {
        return client.send("PUT", directory + '/' + members.at(i).toUtf8() + "?prevExist=false",
                           memberBody(QStringLiteral("m%1").arg(i + 1), 23801 + i), "application/x-www-form-urlencoded");
    };
    for (int i = 0; i < 3; ++i) {
        QVERIFY(!progress(Qt::ToolTipRole).toString().startsWith(QStringLiteral("full")));
        QVERIFY(!progress(Qt::DecorationRole).isValid());
        QCOMPARE(put(i).status, 201);
        QTRY_COMPARE(progress().toString(), QStringLiteral("%1 of 3").arg(i + 1));
    }
    QCOMPARE(progress(Qt::ToolTipRole).toString(), QStringLiteral("full: 3 of 3 members"));
    QVERIFY(!progress(Qt::DecorationRole).value<QIcon>().isNull());
    QVERIFY(progress(Qt::ForegroundRole).isValid());

    // The members table: member ID, name and peer URLs, in columns the user sees.
    const NodeTableModel &nodes = *window->nodeModel();
    QTRY_COMPARE(nodes.rowCount(), 3);
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(cell(nodes, i, NodeTableModel::AddressColumn), members.at(i));
        QCOMPARE(cell(nodes, i, NodeTableModel::NameColumn), QStringLiteral("m%1").arg(i + 1));
        QCOMPARE(cell(nodes, i, NodeTableModel::PeerUrlsColumn), QStringLiteral("http://127.0.0.1:%1").arg(23801 + i));
        QVERIFY(!nodes.isBeyondSize(i));
    }
    QVERIFY(!window->nodeView()->isColumnHidden(NodeTableModel::NameColumn));
    QVERIFY(!window->nodeView()->isColumnHidden(NodeTableModel::PeerUrlsColumn));
    QCOMPARE(nodes.headerData(NodeTableModel::AddressColumn, Qt::Horizontal).toString(), QStringLiteral("Member ID"));
    QCOMPARE(window->findChild<QLabel *>(QStringLiteral("nodesTitle"))->text(),
             QStringLiteral("Members of the etcd token %1 (etcd demo)").arg(token.id));

    // A member that registers again is refused: nothing changes.
    QCOMPARE(put(0).status, 412);

    // A fourth member (two that raced for the last place): marked beyond the size.
    QCOMPARE(put(3).status, 201);
    QTRY_COMPARE(nodes.rowCount(), 4);
    QTRY_VERIFY(nodes.isBeyondSize(3));
    QVERIFY(!nodes.isBeyondSize(0) && !nodes.isBeyondSize(1) && !nodes.isBeyondSize(2));
    QVERIFY(nodes.index(3, NodeTableModel::NameColumn).data(Qt::ForegroundRole).isValid());
    QVERIFY(!nodes.index(2, NodeTableModel::NameColumn).data(Qt::ForegroundRole).isValid());
    const QString tip = cell(nodes, 3, NodeTableModel::AddressColumn, Qt::ToolTipRole);
    QVERIFY2(tip.contains(QStringLiteral("proxy")) && tip.contains(QStringLiteral("--discovery-fallback exit")),
             qPrintable(tip));
    QCOMPARE(progress().toString(), QStringLiteral("4 of 3"));
    QVERIFY(progress(Qt::ToolTipRole).toString().startsWith(QStringLiteral("over its size: 4 members for a cluster of 3")));

    // An rqlite ID beside it: no etcd columns, and the URL and commands are rqlite's.
    const QString rqlite = createIdOverHttp();
    QTRY_COMPARE(window->idModel()->rowCount(), 2);
    window->selectIds({rqlite});
    QVERIFY(window->nodeView()->isColumnHidden(NodeTableModel::NameColumn));
    QVERIFY(window->nodeView()->isColumnHidden(NodeTableModel::PeerUrlsColumn));
    QCOMPARE(nodes.headerData(NodeTableModel::AddressColumn, Qt::Horizontal).toString(), QStringLiteral("Address"));
    action("copyUrlAction")->trigger();
    QCOMPARE(QGuiApplication::clipboard()->text(), server().url().toString());
    QCOMPARE(action("copyCommandsAction")->text(), QStringLiteral("Copy &rqlite Commands (3 Nodes)"));
}

void TestMainWindow::newEtcdTokenDialogReadsTheForm()
{
    NewEtcdTokenDialog dialog;
    QCOMPARE(dialog.request().size, 3);
    QCOMPARE(dialog.request().label, QString());
    auto *size = dialog.findChild<QSpinBox *>(QStringLiteral("clusterSize"));
    QCOMPARE(size->maximum(), Validation::MaxExpectedSize);
    QCOMPARE(size->minimum(), 1);
    size->setValue(5);
    dialog.findChild<QLineEdit *>(QStringLiteral("label"))->setText(QStringLiteral("  five  "));
    QCOMPARE(dialog.request().size, 5);
    QCOMPARE(dialog.request().label, QStringLiteral("five"));
}

void TestMainWindow::editLabel()
{
    MainWindow *window = openWindow();
    const QString id = createIdOverHttp();
    QTRY_COMPARE(window->idModel()->rowCount(), 1);
    window->selectIds({id});
    m_prompts.labels << QStringLiteral("staging");
    action("editLabelAction")->trigger();
    QTRY_COMPARE(cell(*window->idModel(), 0, IdTableModel::LabelColumn), QStringLiteral("staging"));

    // A label the rules refuse is explained, not stored.
    m_prompts.labels << QStringLiteral("bad\x01label");
    action("editLabelAction")->trigger();
    QCOMPARE(m_prompts.errors.size(), 1);
    QVERIFY(m_prompts.errors.first().contains(QStringLiteral("control character")));
    QCOMPARE(cell(*window->idModel(), 0, IdTableModel::LabelColumn), QStringLiteral("staging"));
}

void TestMainWindow::deleteIdAsksFirst()
{
    MainWindow *window = openWindow();
    const QString keep = createIdOverHttp();
    const QString doomed = createIdOverHttp();
    HttpClient client(quint16(server().url().port()));
    QCOMPARE(client.post('/' + doomed.toUtf8(), body(QStringLiteral("localhost:4001"))).status, 200);
    QTRY_COMPARE(window->idModel()->rowCount(), 2);
    QTRY_COMPARE(window->idModel()->totalNodes(), 1);
    window->selectIds({doomed});

    m_prompts.confirmAnswer = false;
    action("deleteIdsAction")->trigger();
    QCOMPARE(m_prompts.questions.size(), 1);
    QVERIFY2(m_prompts.questions.first().startsWith(QStringLiteral("Delete the discovery ID %1 and its 1 node?").arg(doomed)),
             qPrintable(m_prompts.questions.first()));
    QTest::qWait(2 * ChangeBatcher::IntervalMs);
    QCOMPARE(window->idModel()->rowCount(), 2);

    m_prompts.confirmAnswer = true;
    action("deleteIdsAction")->trigger();
    QTRY_COMPARE(window->idModel()->rowCount(), 1);
    QCOMPARE(window->idModel()->idAt(0).id, keep);
    QCOMPARE(window->idModel()->totalNodes(), 0);
    QCOMPARE(client.get('/' + doomed.toUtf8()).status, 404);
    // The row that moved into its place is selected: the user goes on from there.
    QCOMPARE(window->selectedIds(), QStringList{keep});
    QVERIFY(action("deleteIdsAction")->isEnabled());

    // Several at once: "their" nodes, counted together.
    const QString second = createIdOverHttp();
    QCOMPARE(client.post('/' + second.toUtf8(), body(QStringLiteral("localhost:4002"))).status, 200);
    QCOMPARE(client.post('/' + keep.toUtf8(), body(QStringLiteral("localhost:4003"))).status, 200);
    QTRY_COMPARE(window->idModel()->totalNodes(), 2);
    window->selectIds({keep, second});
    m_prompts.confirmAnswer = false;
    action("deleteIdsAction")->trigger();
    QCOMPARE(m_prompts.questions.last().left(38), QStringLiteral("Delete 2 discovery IDs and their 2 nod"));
}

void TestMainWindow::deleteNode()
{
    MainWindow *window = openWindow();
    const QString id = createIdOverHttp();
    HttpClient client(quint16(server().url().port()));
    for (const char *address : {"localhost:4001", "localhost:4003"})
        QCOMPARE(client.post('/' + id.toUtf8(), body(QString::fromLatin1(address))).status, 200);
    QTRY_COMPARE(window->idModel()->rowCount(), 1);
    window->selectIds({id});
    QTRY_COMPARE(window->nodeModel()->rowCount(), 2);

    QCOMPARE(action("deleteNodesAction")->text(), QStringLiteral("&Remove Node\u2026"));
    QCOMPARE(action("copyAddressAction")->text(), QStringLiteral("Copy &Address"));

    // Asked first, as for an ID: No keeps the node.
    window->selectNodes({QStringLiteral("localhost:4001")});
    m_prompts.confirmAnswer = false;
    action("deleteNodesAction")->trigger();
    QCOMPARE(m_prompts.questions.size(), 1);
    QVERIFY2(m_prompts.questions.first().startsWith(QStringLiteral("Remove the node localhost:4001 from %1?").arg(id)),
             qPrintable(m_prompts.questions.first()));
    QTest::qWait(2 * ChangeBatcher::IntervalMs);
    QCOMPARE(window->nodeModel()->rowCount(), 2);

    m_prompts.confirmAnswer = true;
    action("deleteNodesAction")->trigger();
    QTRY_COMPARE(nodeAddresses(*window->nodeModel()), QStringList{QStringLiteral("localhost:4003")});
    const QJsonArray nodes = client.get('/' + id.toUtf8()).jsonArray(QStringLiteral("nodes"));
    QCOMPARE(nodes, QJsonArray{QStringLiteral("localhost:4003")});
    QCOMPARE(window->selectedNodes(), QStringList{QStringLiteral("localhost:4003")}); // the next one
    QVERIFY(action("deleteNodesAction")->isEnabled());
}

// More IDs than a prune reports one by one, pruned through the admin API: the window
// reads its rows and counts again and shows exactly what is left.
void TestMainWindow::aBigPruneElsewhereLeavesTheWindowRight()
{
    fillDatabase(2500);
    MainWindow *window = openWindow();
    QTRY_COMPARE(window->countsText(), QStringLiteral("2500 IDs \u00B7 2500 nodes"));
    HttpClient client(quint16(server().url().port()));
    const QString middle = client.get("/api/v1/ids/scale-01250").json().value(QStringLiteral("created_at")).toString();
    const HttpResponse pruned = client.post(
        "/api/v1/prune", QJsonDocument(QJsonObject{{QStringLiteral("created_before"), middle}}).toJson());
    QCOMPARE(pruned.status, 200);
    QCOMPARE(pruned.json().value(QStringLiteral("removed")).toObject().value(QStringLiteral("ids")).toInt(), 1250);

    QTRY_COMPARE(window->countsText(), QStringLiteral("1250 IDs \u00B7 1250 nodes"));
    QTRY_COMPARE(window->idModel()->idAt(0).id, QStringLiteral("scale-02499"));
    window->idView()->scrollToBottom();
    QTRY_COMPARE(window->idModel()->rowCount(), 1250);
    QVERIFY(window->idModel()->hasAllRows());
    QCOMPARE(window->idModel()->rowOf(QStringLiteral("scale-01249")), -1);
    QVERIFY(window->idModel()->rowOf(QStringLiteral("scale-01250")) >= 0);
    QCOMPARE(window->idModel()->totalNodes(), 1250);
}

// A preview of more than the dialog lists: a page of rows, a line that says how many
// more, and counts of everything.
void TestMainWindow::aBigPrunePreviewListsAPageAndCountsAll()
{
    fillDatabase(2500);
    MainWindow *window = openWindow();
    QTRY_COMPARE(window->countsText(), QStringLiteral("2500 IDs \u00B7 2500 nodes"));
    QString summary;
    QStringList page;
    m_prompts.pruneAnswer = [&](QWidget *parent, const PrunePreview &preview) -> std::optional<PruneRules> {
        PruneDialog dialog(preview, TimeZoneChoice::Utc, parent);
        dialog.findChild<QCheckBox *>(QStringLiteral("noNodesRule"))->setChecked(false);
        dialog.findChild<QSpinBox *>(QStringLiteral("notSeenSinceRuleAmount"))->setValue(0);
        dialog.findChild<QCheckBox *>(QStringLiteral("notSeenSinceRule"))->setChecked(true);
        if (!previewShown(dialog))
            return std::nullopt;
        summary = dialog.summary();
        const auto *unlisted = dialog.findChild<QLabel *>(QStringLiteral("pruneUnlisted"));
        page = {QString::number(dialog.table()->rowCount()), unlisted->isVisibleTo(&dialog) ? unlisted->text() : QString()};
        return dialog.rules();
    };
    action("pruneAction")->trigger();
    QCOMPARE(summary, QStringLiteral("Removes 2500 nodes of 2500 IDs."));
    QCOMPARE(page, (QStringList{QString::number(PruneResult::MaxListed),
                                QStringLiteral("The table lists the first 1000 of 2500; the other 1500 are removed too.")}));
    QTRY_COMPARE(window->message(), QStringLiteral("Pruned 2500 nodes of 2500 IDs."));
    QTRY_COMPARE(window->countsText(), QStringLiteral("2500 IDs \u00B7 0 nodes"));
}

void TestMainWindow::prunePreviewMatchesWhatIsRemoved()
{
    MainWindow *window = openWindow();
    const QString emptyOne = createIdOverHttp();
    const QString emptyTwo = createIdOverHttp();
    const QString inUse = createIdOverHttp();
    HttpClient client(quint16(server().url().port()));
    QCOMPARE(client.post('/' + inUse.toUtf8(), body(QStringLiteral("localhost:4001"))).status, 200);
    QTRY_COMPARE(window->idModel()->totalNodes(), 1);
    QCOMPARE(window->idModel()->rowCount(), 3);

    const Timestamp created = Timestamp::now();
    QVERIFY(QTest::qWaitFor([created] { return Timestamp::now() > created; }, 1000));

    // The user opens the real dialog, keeps "IDs with no nodes" but makes its age 0
    // minutes (the IDs were made a moment ago), reads the preview and confirms.
    PruneResult previewed;
    QString summary;
    m_prompts.pruneAnswer = [&](QWidget *parent, const PrunePreview &preview) -> std::optional<PruneRules> {
        PruneDialog dialog(preview, TimeZoneChoice::Utc, parent);
        auto *noNodes = dialog.findChild<QCheckBox *>(QStringLiteral("noNodesRule"));
        dialog.findChild<QComboBox *>(QStringLiteral("noNodesRuleUnit"))->setCurrentIndex(0);
        dialog.findChild<QSpinBox *>(QStringLiteral("noNodesRuleAmount"))->setValue(0);
        if (!noNodes || !noNodes->isChecked() || !previewShown(dialog))
            return std::nullopt;
        previewed = dialog.preview();
        summary = dialog.summary();
        return dialog.rules();
    };
    action("pruneAction")->trigger();

    QCOMPARE(previewed.ids.size(), 2);
    QStringList previewedIds;
    for (const DiscoveryId &id : previewed.ids)
        previewedIds << id.id;
    previewedIds.sort();
    QStringList expected{emptyOne, emptyTwo};
    expected.sort();
    QCOMPARE(previewedIds, expected);
    QCOMPARE(summary, QStringLiteral("Removes 2 IDs."));

    // Exactly what the preview listed is gone.
    QTRY_COMPARE(window->idModel()->rowCount(), 1);
    QCOMPARE(window->idModel()->idAt(0).id, inUse);
    QTRY_COMPARE(window->message(), QStringLiteral("Pruned 2 IDs."));
    QCOMPARE(client.get('/' + emptyOne.toUtf8()).status, 404);
    QCOMPARE(client.get('/' + inUse.toUtf8()).status, 200);

    // A rule that matches nothing previews nothing and offers no prune.
    m_prompts.pruneAnswer = [&](QWidget *parent, const PrunePreview &preview) -> std::optional<PruneRules> {
        PruneDialog dialog(preview, TimeZoneChoice::Utc, parent);
        previewShown(dialog);
        summary = dialog.summary();
        previewed = dialog.preview();
        return std::nullopt;
    };
    action("pruneAction")->trigger();
    QVERIFY(previewed.ids.isEmpty());
    QCOMPARE(summary, QStringLiteral("Nothing matches these rules: nothing would be removed."));

    // Nodes not seen for 0 minutes: every node goes, the ID stays, and the nodes
    // table of the shown ID empties.
    window->selectIds({inUse});
    QTRY_COMPARE(window->nodeModel()->rowCount(), 1);
    int previewsAsked = 0;
    m_prompts.pruneAnswer = [&](QWidget *parent, const PrunePreview &preview) -> std::optional<PruneRules> {
        const PrunePreview counted = [&](const PruneRules &rules, PrunePreviewDone done) {
            ++previewsAsked;
            preview(rules, std::move(done));
        };
        PruneDialog dialog(counted, TimeZoneChoice::Utc, parent);
        previewShown(dialog);
        // The user changes three things in a row: the preview is asked for once,
        // when the form is still, and Prune waits for it.
        dialog.findChild<QCheckBox *>(QStringLiteral("noNodesRule"))->setChecked(false);
        dialog.findChild<QSpinBox *>(QStringLiteral("notSeenSinceRuleAmount"))->setValue(0);
        dialog.findChild<QCheckBox *>(QStringLiteral("notSeenSinceRule"))->setChecked(true);
        if (dialog.findChild<QPushButton *>(QStringLiteral("pruneButton"))->isEnabled() || !previewShown(dialog))
            return std::nullopt;
        previewed = dialog.preview();
        summary = dialog.summary();
        const PrunePreviewModel *table = dialog.table();
        if (table->rowCount() != 1 || cell(*table, 0, PrunePreviewModel::KindColumn) != u"node"
            || cell(*table, 0, PrunePreviewModel::NameColumn) != inUse
            || cell(*table, 0, PrunePreviewModel::NodesColumn) != u"localhost:4001")
            return std::nullopt;
        return dialog.rules();
    };
    action("pruneAction")->trigger();
    QCOMPARE(previewsAsked, 2); // when the dialog opened, and once after the three changes
    QCOMPARE(previewed.nodes.size(), 1);
    QCOMPARE(summary, QStringLiteral("Removes 1 node of 1 ID."));
    QTRY_COMPARE(window->nodeModel()->rowCount(), 0);
    QCOMPARE(window->idModel()->totalNodes(), 0);
    QCOMPARE(window->idModel()->rowCount(), 1);
    QTRY_COMPARE(window->message(), QStringLiteral("Pruned 1 node of 1 ID."));
}

// The issue's walk-through: Prune as it opens, with nothing changed, removed IDs made
// seconds before. It leaves them now, and removes an empty ID nobody used for hours.
void TestMainWindow::theDefaultPruneLeavesAnIdMadeSecondsAgo()
{
    {
        DISCODESK_OPEN_STORE(store, testSettings(QStringLiteral("discodesk.sqlite")).databasePath);
        DiscoveryIdWithNodes forgotten;
        forgotten.id.id = QStringLiteral("forgotten");
        forgotten.id.createdAt = Timestamp::fromMicroseconds(Timestamp::now().microseconds() - 2 * 3600 * 1'000'000LL);
        forgotten.id.lastActivity = forgotten.id.createdAt;
        const auto imported = DiscoveryService(*store).importIds({forgotten});
        QVERIFY(imported.ok() && !imported->refused);
    }
    MainWindow *window = openWindow();
    const QString justMade = createIdOverHttp();
    QTRY_COMPARE(window->idModel()->rowCount(), 2);

    QString summary;
    QStringList listed;
    m_prompts.pruneAnswer = [&](QWidget *parent, const PrunePreview &preview) -> std::optional<PruneRules> {
        PruneDialog dialog(preview, TimeZoneChoice::Utc, parent);
        if (!previewShown(dialog))
            return std::nullopt;
        summary = dialog.summary();
        for (int row = 0; row < dialog.table()->rowCount(); ++row)
            listed << cell(*dialog.table(), row, PrunePreviewModel::NameColumn);
        return dialog.rules();
    };
    action("pruneAction")->trigger();
    QCOMPARE(listed, QStringList{QStringLiteral("forgotten")});
    QCOMPARE(summary, QStringLiteral("Removes 1 ID."));
    QTRY_COMPARE(window->message(), QStringLiteral("Pruned 1 ID."));
    QCOMPARE(window->idModel()->rowCount(), 1);
    QCOMPARE(window->idModel()->idAt(0).id, justMade);
    QCOMPARE(HttpClient(quint16(server().url().port())).get('/' + justMade.toUtf8()).status, 200);
}

void TestMainWindow::exportDialogKeepsExtensionInStep()
{
    ExportDialog dialog(5, 2, QStringLiteral("/tmp/out"), ExportFormat::Json);
    dialog.setPath(QStringLiteral("/tmp/out/discodesk-export.json"));
    const QList<QRadioButton *> radios = dialog.findChildren<QRadioButton *>();
    QCOMPARE(radios.size(), 4);
    QCOMPARE(radios.at(0)->text(), QStringLiteral("All 5 IDs"));
    QCOMPARE(radios.at(1)->text(), QStringLiteral("Selected 2 IDs"));
    QVERIFY(dialog.request().selectedOnly); // more than one selected: they are what is meant
    radios.at(3)->setChecked(true);         // CSV
    QCOMPARE(dialog.request().format, ExportFormat::Csv);
    QCOMPARE(dialog.request().path, QStringLiteral("/tmp/out/discodesk-export.csv"));
    QVERIFY(dialog.request().selectedOnly); // the two groups do not exclude each other
    radios.at(0)->setChecked(true);
    QVERIFY(!dialog.request().selectedOnly);
    QCOMPARE(dialog.request().format, ExportFormat::Csv);
}

void TestMainWindow::exportJsonAndCsv()
{
    MainWindow *window = openWindow();
    m_prompts.labels << QStringLiteral("first");
    action("newIdAction")->trigger();
    QTRY_COMPARE(window->idModel()->rowCount(), 1);
    const QString first = window->idModel()->idAt(0).id;
    const QString second = createIdOverHttp();
    HttpClient client(quint16(server().url().port()));
    QCOMPARE(client.post('/' + first.toUtf8(), body(QStringLiteral("localhost:4001"))).status, 200);
    QCOMPARE(client.post('/' + first.toUtf8(), body(QStringLiteral("localhost:4003"))).status, 200);
    QTRY_COMPARE(window->idModel()->rowCount(), 2);

    // All IDs as JSON: the export document with both IDs and their nodes.
    const QString jsonPath = m_dir->filePath(QStringLiteral("all.json"));
    m_prompts.exportAnswer = ExportRequest{jsonPath, ExportFormat::Json, false};
    QVERIFY(exportNow());
    QVERIFY2(m_prompts.errors.isEmpty(), qPrintable(m_prompts.errors.join(u'\n')));
    QFile jsonFile(jsonPath);
    QVERIFY(jsonFile.open(QIODevice::ReadOnly));
    const QJsonObject document = QJsonDocument::fromJson(jsonFile.readAll()).object();
    QCOMPARE(document.value(QStringLiteral("format")).toString(), QStringLiteral("discodesk-export"));
    const QJsonArray ids = document.value(QStringLiteral("ids")).toArray();
    QCOMPARE(ids.size(), 2);
    QCOMPARE(ids.at(0)[QStringLiteral("id")].toString(), first); // oldest first
    QCOMPARE(ids.at(0)[QStringLiteral("label")].toString(), QStringLiteral("first"));
    QCOMPARE(ids.at(0)[QStringLiteral("nodes")].toArray().size(), 2);
    QCOMPARE(ids.at(0)[QStringLiteral("nodes")][1][QStringLiteral("addr")].toString(), QStringLiteral("localhost:4003"));
    QCOMPARE(ids.at(1)[QStringLiteral("id")].toString(), second);
    QCOMPARE(ids.at(1)[QStringLiteral("nodes")].toArray().size(), 0);
    QCOMPARE(window->message(), QStringLiteral("Exported 2 IDs to %1.").arg(jsonPath));

    // The selected ID as CSV: a header and one row per node.
    window->selectIds({first});
    const QString csvPath = m_dir->filePath(QStringLiteral("selected.csv"));
    m_prompts.exportAnswer = ExportRequest{csvPath, ExportFormat::Csv, true};
    QVERIFY(exportNow());
    QFile csvFile(csvPath);
    QVERIFY(csvFile.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = csvFile.readAll().split('\n');
    QCOMPARE(lines.size(), 4);
    QVERIFY(lines.at(0).startsWith("id,kind,label,created_at,"));
    QVERIFY(lines.at(1).startsWith((first + QStringLiteral(",rqlite,first,")).toUtf8()));
    QVERIFY(lines.at(1).contains(",2,localhost:4001,"));
    QVERIFY(lines.at(2).contains(",2,localhost:4003,"));
    QVERIFY(!csvFile.fileName().isEmpty() && !lines.join().contains(second.toUtf8()));
}

void TestMainWindow::importMalformedChangesNothing()
{
    MainWindow *window = openWindow();
    const QString id = createIdOverHttp();
    QTRY_COMPARE(window->idModel()->rowCount(), 1);
    auto exportAll = [this] {
        return TestServer::onServerThread(server(), [](DiscoveryServer &running) {
            return std::optional(running.service().exportIds({}));
        });
    };
    const auto before = *exportAll();
    QVERIFY(before.ok());

    // Valid JSON, but the second ID's first node has no address.
    const QString path = m_dir->filePath(QStringLiteral("bad.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"format": "discodesk-export", "format_version": 1, "exported_at": "2026-01-01T00:00:00Z",
                   "ids": [{"id": "good-one", "kind": "rqlite", "label": "", "created_at": "2026-01-01T00:00:00Z",
                            "nodes": []},
                           {"id": "bad-one", "kind": "rqlite", "label": "", "created_at": "2026-01-01T00:00:00Z",
                            "nodes": [{"first_registered": "2026-01-01T00:00:00Z"}]}]})");
    file.close();
    m_prompts.importPath = path;
    action("importAction")->trigger();

    QCOMPARE(m_prompts.errors.size(), 1);
    const QString error = m_prompts.errors.first();
    QVERIFY2(error.contains(QStringLiteral("Nothing was imported")), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("ids[1].nodes[0].addr")), qPrintable(error));
    QVERIFY(m_prompts.infos.isEmpty());

    // A syntax error says where it is.
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write("{\n  \"format\": \"discodesk-export\",\n  \"ids\": [,]\n}\n");
    file.close();
    action("importAction")->trigger();
    QCOMPARE(m_prompts.errors.size(), 2);
    QVERIFY2(m_prompts.errors.last().contains(QStringLiteral("line 3")), qPrintable(m_prompts.errors.last()));

    QTest::qWait(2 * ChangeBatcher::IntervalMs);
    QCOMPARE(window->idModel()->rowCount(), 1);
    QCOMPARE(window->idModel()->idAt(0).id, id);
    const auto after = *exportAll();
    QVERIFY(after.ok());
    QCOMPARE(ExchangeFormat::exportDocument(after.value(), Timestamp()),
             ExchangeFormat::exportDocument(before.value(), Timestamp()));
}

void TestMainWindow::importValidFileReportsSummary()
{
    MainWindow *window = openWindow();
    const QString id = createIdOverHttp();
    HttpClient client(quint16(server().url().port()));
    QCOMPARE(client.post('/' + id.toUtf8(), body(QStringLiteral("localhost:4001"))).status, 200);
    QTRY_COMPARE(window->idModel()->totalNodes(), 1);

    const QString path = m_dir->filePath(QStringLiteral("export.json"));
    m_prompts.exportAnswer = ExportRequest{path, ExportFormat::Json, false};
    QVERIFY(exportNow());
    window->selectIds({id});
    action("deleteIdsAction")->trigger();
    QTRY_COMPARE(window->idModel()->rowCount(), 0);

    m_prompts.importPath = path;
    action("importAction")->trigger();
    QTRY_COMPARE(m_prompts.infos.size(), 1);
    QVERIFY2(m_prompts.errors.isEmpty(), qPrintable(m_prompts.errors.join(u'\n')));
    QVERIFY2(m_prompts.infos.first().contains(QStringLiteral("1 ID added, 0 merged")), qPrintable(m_prompts.infos.first()));
    QVERIFY(m_prompts.infos.first().contains(QStringLiteral("1 node added, 0 merged")));
    QTRY_COMPARE(window->idModel()->rowCount(), 1);
    QCOMPARE(window->idModel()->idAt(0).id, id);
    QCOMPARE(window->idModel()->totalNodes(), 1); // counted once
    QCOMPARE(client.get('/' + id.toUtf8()).jsonArray(QStringLiteral("nodes")), QJsonArray{QStringLiteral("localhost:4001")});
}

void TestMainWindow::takenPortIsShownAndFixedInSettings()
{
    QTcpServer squatter;
    QVERIFY(squatter.listen(QHostAddress::LocalHost, 0));
    AppSettings settings = testSettings(QStringLiteral("discodesk.sqlite"));
    settings.port = squatter.serverPort();
    QVERIFY(!openWindowWith(settings));
    const QString port = QString::number(squatter.serverPort());
    QVERIFY2(m_app->serverError().contains(port), qPrintable(m_app->serverError()));
    QVERIFY2(m_window->stateText().contains(QStringLiteral("already in use")), qPrintable(m_window->stateText()));
    auto *banner = m_window->findChild<QWidget *>(QStringLiteral("serverErrorBanner"));
    QVERIFY(banner && banner->isVisible());
    QVERIFY(m_window->findChild<QLabel *>(QStringLiteral("serverErrorText"))->text().contains(port));
    QVERIFY(!action("newIdAction")->isEnabled());
    QVERIFY(!action("pruneAction")->isEnabled());

    // The fix: another port in the settings; the server starts in place.
    settings.port = 0;
    m_prompts.settingsAnswer = settings;
    action("settingsAction")->trigger();
    QVERIFY2(waitForServer(), qPrintable(m_app->serverError()));
    QVERIFY(!banner->isVisible());
    QVERIFY(action("newIdAction")->isEnabled());
    QVERIFY(m_window->stateText().startsWith(QStringLiteral("Listening on http://127.0.0.1:")));
    QCOMPARE(HttpClient(quint16(server().url().port())).post("/").status, 200);
}

void TestMainWindow::aDamagedDatabaseIsShownOnceFound()
{
    fillDatabase(300);
    const AppSettings settings = testSettings(QStringLiteral("discodesk.sqlite"));
    QVERIFY(TestDatabase::damageSqlitePages(settings.databasePath));
    // The server listens before its file has been read through; then it stops and
    // the window says why, as for a file refused at start.
    showWindowWith(settings);
    QTRY_VERIFY_WITH_TIMEOUT(m_app->serverError().contains(QStringLiteral("is damaged")), 30000);
    QVERIFY(!server().isRunning());
    auto *banner = m_window->findChild<QWidget *>(QStringLiteral("serverErrorBanner"));
    QTRY_VERIFY(banner && banner->isVisible());
    QVERIFY(m_window->findChild<QLabel *>(QStringLiteral("serverErrorText"))->text().contains(QStringLiteral("is damaged")));
    QVERIFY(!action("newIdAction")->isEnabled());
}

void TestMainWindow::settingsRestartTheServerInPlace()
{
    MainWindow *window = openWindow();
    const QString first = createIdOverHttp();
    QTRY_COMPARE(window->idModel()->rowCount(), 1);

    QList<AppSettings> saved;
    connect(m_app.get(), &AppController::settingsChanged, this, [&saved](const AppSettings &s) { saved << s; });
    AppSettings other = testSettings(QStringLiteral("other.sqlite"));
    m_app->applySettings(other);
    QVERIFY(waitForServer());
    QCOMPARE(saved.size(), 1);
    QVERIFY(server().isRunning());
    QCOMPARE(server().databasePath(), m_dir->filePath(QStringLiteral("other.sqlite")));
    QCOMPARE(window->idModel()->rowCount(), 0); // the other database is empty

    const QString second = createIdOverHttp();
    QTRY_COMPARE(window->idModel()->rowCount(), 1);
    QCOMPARE(window->idModel()->idAt(0).id, second);

    // Back to the first database: its ID is there again.
    m_app->applySettings(testSettings(QStringLiteral("discodesk.sqlite")));
    QVERIFY(waitForServer());
    QCOMPARE(window->idModel()->rowCount(), 1);
    QCOMPARE(window->idModel()->idAt(0).id, first);

    // Said plainly: the message, Activity and the title name the database in use.
    QVERIFY2(window->message().startsWith(QStringLiteral("Now using the database %1")
                                              .arg(m_dir->filePath(QStringLiteral("discodesk.sqlite")))),
             qPrintable(window->message()));
    QVERIFY(window->activityLog()->messageAt(0).startsWith(QStringLiteral("Now using the database")));
    QCOMPARE(window->windowTitle(), QStringLiteral("discodesk.sqlite \u2014 DiscoDesk"));

    // A display-only change does not restart: the URL stays.
    const QUrl url = server().url();
    AppSettings local = testSettings(QStringLiteral("discodesk.sqlite"));
    local.timeZone = TimeZoneChoice::Local;
    m_app->applySettings(local);
    QVERIFY(!server().isStarting());
    QCOMPARE(server().url(), url);
    QVERIFY(window->idModel()->index(0, IdTableModel::CreatedColumn).data(Qt::ToolTipRole).toString()
                .endsWith(QStringLiteral("local time")));
}

// Started with --db and --port, the user changes only the port: the run keeps its
// database, Settings showed what was in use, and the saved database stays the saved one.
void TestMainWindow::settingsShowWhatThisRunUsesAndKeepItsDatabase()
{
    const AppSettings saved = testSettings(QStringLiteral("saved.sqlite"));
    ServerConfig run = saved.serverConfig();
    run.databasePath = m_dir->filePath(QStringLiteral("demo.sqlite"));
    QTcpServer probe; // a port that is free now, as a user's --port 48311
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    run.port = probe.serverPort();
    probe.close();
    m_window.reset();
    m_app = std::make_unique<AppController>(saved, run);
    m_window = std::make_unique<MainWindow>(*m_app, m_prompts);
    m_window->show();
    m_app->startServer();
    QVERIFY(waitForServer());
    const QString id = createIdOverHttp();
    QTRY_COMPARE(m_window->idModel()->rowCount(), 1);

    QList<AppSettings> savedAfter;
    connect(m_app.get(), &AppController::settingsChanged, this, [&](const AppSettings &s) { savedAfter << s; });
    int shownPort = -1;
    QString shownDatabase, note;
    m_prompts.settingsDialog = [&](QWidget *parent, const AppSettings &current, const AdminTokenInfo &adminToken,
                                   const QStringList &commandLine) -> std::optional<AppSettings> {
        SettingsDialog dialog(current, false, adminToken, commandLine, parent);
        auto *port = dialog.findChild<QSpinBox *>(QStringLiteral("port"));
        shownPort = port->value();
        shownDatabase = dialog.findChild<QLineEdit *>(QStringLiteral("databasePath"))->text();
        if (auto *label = dialog.findChild<QLabel *>(QStringLiteral("commandLineNote")))
            note = label->text();
        port->setValue(0); // only the port changes
        return dialog.settings();
    };
    action("settingsAction")->trigger();
    QCOMPARE(shownPort, int(run.port));
    QCOMPARE(shownDatabase, run.databasePath);
    QVERIFY2(note.contains(QStringLiteral("--port %1").arg(run.port)) && note.contains(QStringLiteral("--db ")),
             qPrintable(note));

    QVERIFY(waitForServer());
    QVERIFY(server().url().port() != run.port);
    QCOMPARE(server().databasePath(), run.databasePath);
    QCOMPARE(m_window->idModel()->rowCount(), 1);
    QCOMPARE(m_window->idModel()->idAt(0).id, id);
    action("aboutAction")->trigger();
    QVERIFY(m_prompts.about.contains(run.databasePath.toHtmlEscaped()));
    QVERIFY2(!m_window->message().contains(QStringLiteral("Now using the database")), qPrintable(m_window->message()));
    // What is saved for later runs: the port the user chose, the database as saved.
    QCOMPARE(savedAfter.size(), 1);
    QCOMPARE(savedAfter.last().port, 0);
    QCOMPARE(savedAfter.last().databasePath, saved.databasePath);
}

// A port another program holds: the server stays where it was, serving, and the
// window keeps its lists and actions; the user is told why.
void TestMainWindow::aTakenPortLeavesTheServerWhereItWas()
{
    MainWindow *window = openWindow();
    const QString id = createIdOverHttp();
    QTRY_COMPARE(window->idModel()->rowCount(), 1);
    const QUrl url = server().url();
    QList<AppSettings> saved;
    connect(m_app.get(), &AppController::settingsChanged, this, [&saved](const AppSettings &s) { saved << s; });

    QTcpServer squatter;
    QVERIFY(squatter.listen(QHostAddress::LocalHost, 0));
    AppSettings taken = testSettings(QStringLiteral("discodesk.sqlite"));
    taken.port = squatter.serverPort();
    m_prompts.settingsAnswer = taken;
    action("settingsAction")->trigger();
    QVERIFY(waitForServer());

    QCOMPARE(m_prompts.errors.size(), 1);
    QVERIFY2(m_prompts.errors.first().contains(QString::number(squatter.serverPort()))
                 && m_prompts.errors.first().contains(url.toString()),
             qPrintable(m_prompts.errors.first()));
    QVERIFY(server().isRunning());
    QCOMPARE(server().url(), url);
    QCOMPARE(HttpClient(quint16(url.port())).get('/' + id.toUtf8()).status, 200);
    QCOMPARE(window->idModel()->rowCount(), 1);
    QCOMPARE(window->countsText(), QStringLiteral("1 ID \u00B7 0 nodes"));
    QVERIFY(action("newIdAction")->isEnabled());
    QVERIFY(!window->findChild<QWidget *>(QStringLiteral("serverErrorBanner"))->isVisible());
    QVERIFY(saved.isEmpty()); // nothing of the refused change was saved
    QCOMPARE(m_app->settingsInUse().port, 0);
}

// Messages stand in a space of their own, cut at a word when too long, and what was
// done stays readable in Activity after the next message.
void TestMainWindow::messagesHaveAPlaceOfTheirOwnAndResultsStay()
{
    MainWindow *window = openWindow();
    window->resize(900, 600);
    const QString id = createIdOverHttp();
    QTRY_COMPARE(window->idModel()->rowCount(), 1);
    window->selectIds({id});
    action("deleteIdsAction")->trigger();
    QTRY_COMPARE(window->idModel()->rowCount(), 0);
    const QString deleted = QStringLiteral("Deleted the discovery ID %1.").arg(id);
    QTRY_COMPARE(window->message(), deleted);

    auto *line = window->findChild<QLabel *>(QStringLiteral("message"));
    auto *counts = window->findChild<QLabel *>(QStringLiteral("counts"));
    QVERIFY(line->isVisible() && counts->isVisible());
    QVERIFY(line->geometry().right() < counts->geometry().left());

    // A long message is cut at a word, with the whole of it in the tooltip.
    m_prompts.labels << QString();
    action("newIdAction")->trigger();
    QTRY_VERIFY(window->message().startsWith(QStringLiteral("Created ")));
    window->resize(500, 600);
    QTRY_VERIFY(line->text().endsWith(QStringLiteral("\u2026")));
    const QString shown = line->text().chopped(1);
    QVERIFY2(window->message().startsWith(shown) && window->message().at(shown.size()) == u' ',
             qPrintable(line->text()));
    QCOMPARE(line->toolTip(), window->message());
    QVERIFY(line->geometry().right() < counts->geometry().left());

    // The delete's result is still there, under the newer message.
    QCOMPARE(window->activityLog()->messageAt(0), window->message());
    QCOMPARE(window->activityLog()->messageAt(1), deleted);
}

void TestMainWindow::aboutShowsVersionDatabaseAndUrl()
{
    QVERIFY(openWindow());
    action("aboutAction")->trigger();
    QVERIFY(m_prompts.about.contains(QStringLiteral(DISCODESK_VERSION)));
    QVERIFY(m_prompts.about.contains(QString::fromLatin1(qVersion())));
    QVERIFY(m_prompts.about.contains(server().url().toString()));
    QVERIFY(m_prompts.about.contains(m_dir->filePath(QStringLiteral("discodesk.sqlite")).toHtmlEscaped()));
}

void TestMainWindow::shortcutsAndContextMenus()
{
    MainWindow *window = openWindow();
    window->activateWindow(); // not QApplication::setActiveWindow, deprecated (Qt 6.8 warns)
    QVERIFY(QTest::qWaitForWindowActive(window));
    const QString id = createIdOverHttp();
    HttpClient client(quint16(server().url().port()));
    QCOMPARE(client.post('/' + id.toUtf8(), body(QStringLiteral("localhost:4001"))).status, 200);
    QTRY_COMPARE(window->idModel()->totalNodes(), 1);
    window->selectIds({id});

    // The right-click menus hold the actions for their table.
    const QList<QAction *> idMenu = window->idView()->actions();
    QVERIFY(idMenu.contains(action("copyCommandsAction")));
    QVERIFY(idMenu.contains(action("deleteIdsAction")));
    QVERIFY(window->nodeView()->actions().contains(action("deleteNodesAction")));

    // Ctrl+C in the IDs table copies the ID; Delete there asks to delete the ID.
    window->idView()->setFocus();
    QTest::keyClick(window->idView(), Qt::Key_C, Qt::ControlModifier);
    QCOMPARE(QGuiApplication::clipboard()->text(), id);
    m_prompts.confirmAnswer = false;
    QTest::keyClick(window->idView(), Qt::Key_Delete);
    QCOMPARE(m_prompts.questions.size(), 1);

    // Delete in the nodes table asks to remove the selected node, not the ID.
    QTRY_COMPARE(window->nodeModel()->rowCount(), 1);
    window->selectNodes({QStringLiteral("localhost:4001")});
    window->nodeView()->setFocus();
    m_prompts.confirmAnswer = true;
    QTest::keyClick(window->nodeView(), Qt::Key_Delete);
    QTRY_COMPARE(window->nodeModel()->rowCount(), 0);
    QCOMPARE(m_prompts.questions.size(), 2);
    QVERIFY(m_prompts.questions.last().startsWith(QStringLiteral("Remove the node localhost:4001")));
    QCOMPARE(window->idModel()->rowCount(), 1);

    // Ctrl+N asks for a label and creates the ID.
    m_prompts.labels << QStringLiteral("from the keyboard");
    QTest::keyClick(window, Qt::Key_N, Qt::ControlModifier);
    QTRY_COMPARE(window->idModel()->rowCount(), 2);

    // Ctrl+Shift+N asks for a size and creates an etcd token, which is selected.
    m_prompts.etcdTokens << EtcdTokenRequest{5, QStringLiteral("etcd from the keyboard")};
    QTest::keyClick(window, Qt::Key_N, Qt::ControlModifier | Qt::ShiftModifier);
    QTRY_COMPARE(window->idModel()->rowCount(), 3);
    QTRY_VERIFY(!window->currentId().isEmpty());
    const DiscoveryId &token = window->idModel()->idAt(window->idModel()->rowOf(window->currentId()));
    QCOMPARE(token.label, QStringLiteral("etcd from the keyboard"));
    QCOMPARE(token.kind, DiscoveryKind::Etcd);
    QCOMPARE(token.expectedSize, std::optional<int>(5));

    // The node actions speak of members for an etcd token.
    QCOMPARE(action("deleteNodesAction")->text(), QStringLiteral("&Remove Member\u2026"));
    QCOMPARE(action("copyAddressAction")->text(), QStringLiteral("Copy Member &ID"));

    // Every tooltip of an action with a shortcut names it; View calls the toolbar "Toolbar".
    for (QAction *each : window->findChildren<QAction *>()) {
        const QString keys = each->shortcut().toString(QKeySequence::NativeText);
        if (!keys.isEmpty() && !each->objectName().isEmpty())
            QVERIFY2(each->toolTip().endsWith(u'(' + keys + u')'), qPrintable(each->objectName() + ": " + each->toolTip()));
    }
    QCOMPARE(window->findChild<QToolBar *>(QStringLiteral("mainToolBar"))->toggleViewAction()->text(),
             QStringLiteral("Toolbar"));
}

// Tab walks the parts of the window, not a table's cells; Ctrl+Tab leaves a table for
// the next tab; Escape clears the filter.
void TestMainWindow::theKeyboardWalksTheWindow()
{
    MainWindow *window = openWindow();
    window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(window));
    createIdOverHttp();
    QTRY_COMPARE(window->idModel()->rowCount(), 1);
    auto *filter = window->findChild<QLineEdit *>(QStringLiteral("filter"));
    auto *requests = window->findChild<QTableView *>(QStringLiteral("requestView"));
    QVERIFY(filter && requests);

    filter->setFocus();
    QTRY_VERIFY(filter->hasFocus());
    QTest::keyClick(filter, Qt::Key_Tab);
    QTRY_VERIFY(window->idView()->hasFocus());
    QTest::keyClick(window->idView(), Qt::Key_Tab);
    QTRY_VERIFY(window->nodeView()->hasFocus());
    QTest::keyClick(window->nodeView(), Qt::Key_Tab);
    QTRY_VERIFY(requests->hasFocus());
    QCOMPARE(requests->selectionBehavior(), QAbstractItemView::SelectRows);

    QTest::keyClick(requests, Qt::Key_Tab, Qt::ShiftModifier);
    QTest::keyClick(window->nodeView(), Qt::Key_Tab, Qt::ShiftModifier);
    QTRY_VERIFY(window->idView()->hasFocus());
    QTest::keyClick(window->idView(), Qt::Key_Tab, Qt::ControlModifier);
    QCOMPARE(window->tabs()->currentIndex(), 1); // the Consul KV tab
    QVERIFY(!window->idView()->hasFocus());
    window->tabs()->setCurrentIndex(0);

    filter->setFocus();
    QTest::keyClicks(filter, QStringLiteral("zz"));
    QCOMPARE(filter->text(), QStringLiteral("zz"));
    QTest::keyClick(filter, Qt::Key_Escape);
    QCOMPARE(filter->text(), QString());
    QTest::keyClick(filter, Qt::Key_Escape); // on an empty filter: back to the IDs
    QTRY_VERIFY(window->idView()->hasFocus());
}

// 200 IDs, the fourth selected and the view scrolled to it; 8 IDs are created: the
// selected row stays where the user sees it.
void TestMainWindow::liveInsertsKeepTheSelectedRowInPlace()
{
    fillDatabase(200);
    MainWindow *window = openWindow();
    QTRY_COMPARE(window->idModel()->rowCount(), 200);
    QTableView *view = window->idView();
    const QString selected = cell(*window->idProxy(), 3, IdTableModel::IdColumn);
    window->selectIds({selected});
    const int y = view->visualRect(view->currentIndex()).top();
    QVERIFY(view->viewport()->rect().contains(view->visualRect(view->currentIndex()).center()));

    for (int i = 0; i < 8; ++i)
        createIdOverHttp();
    QTRY_COMPARE(window->idModel()->rowCount(), 208);
    QCOMPARE(window->currentId(), selected);
    QCOMPARE(window->idProxy()->mapToSource(view->currentIndex()).row() >= 0, true);
    QCOMPARE(view->visualRect(view->currentIndex()).top(), y);
}

// 2500 IDs, 1000 loaded: Ctrl+End and the scroll bar's bottom reach the oldest ID of
// the store, not the last one loaded.
void TestMainWindow::theEndIsTheEndOfTheStore()
{
    fillDatabase(2500);
    MainWindow *window = openWindow();
    QCOMPARE(window->idModel()->rowCount(), IdTableModel::FirstPageSize);
    QTableView *view = window->idView();
    window->selectIds({cell(*window->idProxy(), 0, IdTableModel::IdColumn)});
    view->setFocus();
    QTest::keyClick(view, Qt::Key_End, Qt::ControlModifier);
    QTRY_COMPARE(window->currentId(), QStringLiteral("scale-00000"));
    QCOMPARE(window->idModel()->rowCount(), 2500);
    QVERIFY(view->viewport()->rect().contains(view->visualRect(view->currentIndex()).center()));
}

void TestMainWindow::theScrollBarsBottomIsTheEndOfTheStore()
{
    fillDatabase(2500);
    MainWindow *window = openWindow();
    QCOMPARE(window->idModel()->rowCount(), IdTableModel::FirstPageSize);
    QTableView *view = window->idView();
    QScrollBar *bar = view->verticalScrollBar();
    bar->setSliderDown(true); // the user drags the thumb to the bottom and lets go
    bar->setValue(bar->maximum());
    bar->setSliderDown(false);
    QTRY_COMPARE(window->idModel()->rowCount(), 2500);
    QTRY_COMPARE(view->rowAt(view->viewport()->height() - 2), 2499);
    QCOMPARE(cell(*window->idProxy(), 2499, IdTableModel::IdColumn), QStringLiteral("scale-00000"));
}

// While filtered the status bar says how many IDs match, of all; a new filter or
// order starts at the top.
void TestMainWindow::aFilterCountsWhatItFindsFromTheTop()
{
    fillDatabase(2500);
    MainWindow *window = openWindow();
    QTRY_COMPARE(window->countsText(), QStringLiteral("2500 IDs \u00B7 2500 nodes"));
    QTableView *view = window->idView();
    view->verticalScrollBar()->setValue(300);
    QCOMPARE(view->verticalScrollBar()->value(), 300);

    int matching = 0; // scale-00000 to scale-02499 with a 1 in them
    for (int i = 0; i < 2500; ++i)
        matching += QStringLiteral("scale-%1").arg(i, 5, 10, QLatin1Char('0')).contains(u'1');
    QVERIFY(matching > IdTableModel::FirstPageSize); // more than a page: counted by the store
    auto *filter = window->findChild<QLineEdit *>(QStringLiteral("filter"));
    filter->setText(QStringLiteral("1"));
    QTRY_COMPARE(window->countsText(), QStringLiteral("%1 of 2500 IDs \u00B7 2500 nodes").arg(matching));
    QCOMPARE(view->verticalScrollBar()->value(), 0);

    // An ID created meanwhile that matches is counted at once.
    HttpClient client(quint16(server().url().port()));
    const HttpResponse created = client.post("/api/v1/ids", R"({"label": "cluster 1"})");
    QCOMPARE(created.status, 201);
    QTRY_COMPARE(window->countsText(), QStringLiteral("%1 of 2501 IDs \u00B7 2500 nodes").arg(matching + 1));

    view->verticalScrollBar()->setValue(200);
    view->sortByColumn(IdTableModel::IdColumn, Qt::AscendingOrder);
    QCOMPARE(view->verticalScrollBar()->value(), 0);
    filter->clear();
    QTRY_COMPARE(window->countsText(), QStringLiteral("2501 IDs \u00B7 2500 nodes"));
}

// At its smallest the window still shows six IDs and the Requests dock gives way;
// big, the dock takes its share and the IDs table most of the rest.
void TestMainWindow::theLayoutFitsSmallAndBigWindows()
{
    fillDatabase(50);
    MainWindow *window = openWindow();
    QTRY_COMPARE(window->idModel()->rowCount(), 50);
    auto *requests = window->findChild<QDockWidget *>(QStringLiteral("requestDock"));
    QTableView *ids = window->idView();
    const int rowHeight = ids->verticalHeader()->defaultSectionSize();
    auto visibleRows = [&] { return ids->viewport()->height() / rowHeight; };

    window->resize(10, 10); // as small as it goes
    QTRY_VERIFY(window->height() < 720);
    QVERIFY2(visibleRows() >= 6, qPrintable(QString::number(visibleRows())));
    QVERIFY(requests->height() < ids->height());
    QVERIFY(window->nodeView()->viewport()->height() >= 3 * rowHeight);

    window->resize(1920, 1080);
    QTRY_COMPARE(window->height(), 1080);
    QTRY_VERIFY2(requests->height() > 1080 / 8 && requests->height() < 1080 / 3,
                 qPrintable(QString::number(requests->height())));
    QVERIFY2(visibleRows() >= 12, qPrintable(QString::number(visibleRows())));
    QVERIFY(ids->height() > window->nodeView()->height());
}

void TestMainWindow::settingsDialogReadsTheForm()
{
    AppSettings settings = testSettings(QStringLiteral("a.sqlite"));
    SettingsDialog dialog(settings, false);
    QCOMPARE(dialog.settings(), settings);
    dialog.findChild<QSpinBox *>(QStringLiteral("port"))->setValue(4100);
    dialog.findChild<QLineEdit *>(QStringLiteral("bindAddress"))->setText(QStringLiteral("not an address"));
    QVERIFY(!dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->isEnabled());
    dialog.findChild<QLineEdit *>(QStringLiteral("bindAddress"))->setText(QStringLiteral("::1"));
    QVERIFY(dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->isEnabled());
    const AppSettings edited = dialog.settings();
    QCOMPARE(edited.port, 4100);
    QCOMPARE(edited.serverConfig().bindAddress, QHostAddress(QHostAddress::LocalHostIPv6));
    // No tray on this desktop: the option cannot be turned on.
    QVERIFY(!dialog.findChild<QCheckBox *>(QStringLiteral("closeToTray"))->isEnabled());
}

void TestMainWindow::settingsShowTheAdminToken()
{
    QVERIFY(openWindow());
    const QString token = server().adminToken();
    const QString path = server().adminTokenPath();
    QVERIFY(!token.isEmpty());
    QVERIFY(QFile::exists(path));

    // The user opens the real dialog, looks at the token, shows it and copies it.
    QString shown, pathText, explanation;
    bool maskedAtFirst = false, visibleAfterShow = false;
    m_prompts.settingsDialog = [&](QWidget *parent, const AppSettings &current, const AdminTokenInfo &adminToken,
                                   const QStringList &commandLine) -> std::optional<AppSettings> {
        SettingsDialog dialog(current, false, adminToken, commandLine, parent);
        auto *field = dialog.findChild<QLineEdit *>(QStringLiteral("adminToken"));
        shown = field->text();
        maskedAtFirst = field->echoMode() == QLineEdit::Password && field->isReadOnly();
        dialog.findChild<QPushButton *>(QStringLiteral("showAdminToken"))->click();
        visibleAfterShow = field->echoMode() == QLineEdit::Normal;
        QGuiApplication::clipboard()->clear();
        dialog.findChild<QPushButton *>(QStringLiteral("copyAdminToken"))->click();
        pathText = dialog.findChild<QLabel *>(QStringLiteral("adminTokenPath"))->text();
        for (const QLabel *label : dialog.findChildren<QLabel *>()) {
            if (label->text().contains(QStringLiteral("loopback")))
                explanation = label->text();
        }
        return std::nullopt; // Cancel
    };
    action("settingsAction")->trigger();
    QCOMPARE(shown, token);
    QVERIFY(maskedAtFirst);
    QVERIFY(visibleAfterShow);
    QCOMPARE(QGuiApplication::clipboard()->text(), token);
    QVERIFY2(pathText.contains(path), qPrintable(pathText));
    QVERIFY2(explanation.contains(QStringLiteral("Needed only when the server listens beyond loopback")),
             qPrintable(explanation));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
