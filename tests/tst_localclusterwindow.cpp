// Start Local Cluster in the window (offscreen), over the window's own server: REAL
// etcd 3.4 members (Debian's etcd-server) started through the window's controller,
// watched until etcdctl on each lists them all and the token is full, one stopped,
// all stopped, and nothing left running or listening; a taken port, a member killed
// with SIGKILL, one member beyond the size, and quitting with members running. The
// rqlited path with a stand-in script that prints a real release's -version line and
// records its arguments (rqlited is not packaged in Debian).

#include "ActivityLogModel.h"
#include "AppController.h"
#include "ClusterMember.h"
#include "IdTableModel.h"
#include "KvPane.h"
#include "LocalCluster.h"
#include "LocalClusterModel.h"
#include "LocalClusterPane.h"
#include "MainWindow.h"
#include "SettingsDialog.h"
#include "support/EtcdMembers.h"
#include "support/HttpClient.h"
#include "support/ListeningSockets.h"
#include "support/ScriptedPrompts.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QDeadlineTimer>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QLineEdit>
#include <QScopeGuard>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QToolBar>

#include <cerrno>
#include <csignal>

namespace {

bool processExists(qint64 pid)
{
    return pid > 0 && (::kill(pid_t(pid), 0) == 0 || errno != ESRCH);
}

// Whether this test could listen on 127.0.0.1:port: nothing holds it any more.
bool canBind(quint16 port)
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, port);
}

QString cell(const QAbstractItemModel &model, int row, int column)
{
    return model.index(row, column).data().toString();
}

} // namespace

class TestLocalClusterWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void theActionFollowsTheSelectionAndTheDockWaits();
    void threeEtcdMembersFormAndStop();
    void aTakenPortIsReportedAndAvoided();
    void aKilledMemberShowsItsSignalAndLog();
    void oneMemberBeyondTheSizeBecomesAProxy();
    void closingAndQuittingAskAndStopTheMembers();
    void noRqlitedSaysWhereToGetIt();
    void rqlite6StartsThreeNodesWithTheId();
    void rqlite8StartsThroughConsulKv();
    void theRqlitedProgramIsAWindowSetting();

private:
    MainWindow *openWindow(const QString &rqlitedPath = {});
    // A new etcd token through New etcd Token, selected.
    QString createEtcdToken(int size, const QString &label = {});
    QString createRqliteId();
    LocalCluster &cluster() { return m_app->localCluster(); }
    LocalClusterModel &model() { return *m_window->localClusterPane()->model(); }
    QAction *action(const char *name) const { return m_window->findChild<QAction *>(QString::fromLatin1(name)); }
    // Whether the window said something containing part (the Activity dock keeps it all).
    bool said(const QString &part) const
    {
        const ActivityLogModel &activity = *m_window->activityLog();
        for (int row = 0; row < activity.rowCount(); ++row) {
            if (activity.messageAt(row).contains(part))
                return true;
        }
        return false;
    }
    QPushButton *button(const char *name) const
    {
        return m_window->localClusterPane()->findChild<QPushButton *>(QString::fromLatin1(name));
    }
    // Waits until etcdctl at each member's client port lists count started members;
    // on failure, says which answered and prints the members' logs.
    bool waitUntilFormed(int count, QString *report);
    // Waits until every member is Running (etcd: serving).
    bool waitUntilRunning(int count);
    // A stand-in rqlited: prints versionLine for -version, else records its
    // arguments in its data folder, says so, and waits.
    QString fakeRqlited(const QByteArray &versionLine);
    // What the stand-in recorded for member index.
    QStringList recordedArguments(int index);

    std::unique_ptr<QTemporaryDir> m_dir;
    ScriptedPrompts m_prompts;
    std::unique_ptr<AppController> m_app;
    std::unique_ptr<MainWindow> m_window;
};

void TestLocalClusterWindow::initTestCase()
{
    const QString missing = EtcdMembers::missingTools();
    QVERIFY2(missing.isEmpty(), qPrintable(missing));
}

void TestLocalClusterWindow::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_prompts = ScriptedPrompts();
}

void TestLocalClusterWindow::cleanup()
{
    // The controller's cluster ends its members when it goes, after a failure too.
    m_window.reset();
    m_app.reset();
    m_dir.reset();
}

MainWindow *TestLocalClusterWindow::openWindow(const QString &rqlitedPath)
{
    AppSettings settings;
    settings.port = 0;
    settings.databasePath = m_dir->filePath(QStringLiteral("discodesk.sqlite"));
    settings.timeZone = TimeZoneChoice::Utc;
    settings.rqlitedPath = rqlitedPath;
    m_app = std::make_unique<AppController>(settings, settings.serverConfig());
    m_window = std::make_unique<MainWindow>(*m_app, m_prompts);
    m_window->show();
    m_app->startServer();
    const bool started = QTest::qWaitFor([this] {
        return !m_app->server().isStarting() && !m_window->isReloading();
    }, 30000);
    if (!started || !m_app->server().isRunning()) {
        qWarning("server did not start: %s", qPrintable(m_app->serverError()));
        return nullptr;
    }
    return m_window.get();
}

QString TestLocalClusterWindow::createEtcdToken(int size, const QString &label)
{
    const int before = m_window->idModel()->rowCount();
    m_prompts.etcdTokens << EtcdTokenRequest{size, label};
    action("newEtcdTokenAction")->trigger();
    if (!QTest::qWaitFor([&] { return m_window->idModel()->rowCount() == before + 1 && !m_window->currentId().isEmpty(); },
                         10000))
        return {};
    return m_window->currentId();
}

QString TestLocalClusterWindow::createRqliteId()
{
    const int before = m_window->idModel()->rowCount();
    m_prompts.labels << QString();
    action("newIdAction")->trigger();
    if (!QTest::qWaitFor([&] { return m_window->idModel()->rowCount() == before + 1 && !m_window->currentId().isEmpty(); },
                         10000))
        return {};
    return m_window->currentId();
}

bool TestLocalClusterWindow::waitUntilFormed(int count, QString *report)
{
    // Not QTRY_*: its timeout does not count the seconds etcdctl itself may take.
    const QDeadlineTimer deadline(std::chrono::seconds(90));
    int formed = 0;
    QString list;
    while (!deadline.hasExpired()) {
        for (formed = 0; formed < count; ++formed) {
            list = EtcdMembers::memberList(cluster().member(formed)->ports().at(0).port);
            if (list.count(QStringLiteral(", started, ")) != count)
                break;
        }
        if (formed == count)
            return true;
        QTest::qWait(200);
    }
    qWarning().noquote() << "etcdctl member list at member" << formed + 1 << ":\n" << list;
    for (int i = 0; i < cluster().count(); ++i) {
        qWarning().noquote() << "---" << cluster().member(i)->name()
                             << LocalClusterModel::stateText(*cluster().member(i)) << "\n"
                             << cluster().member(i)->log().lastLines(60);
    }
    *report = QStringLiteral("%1 of %2 members listed the whole cluster; their logs are in the warnings above")
                  .arg(formed)
                  .arg(count);
    return false;
}

bool TestLocalClusterWindow::waitUntilRunning(int count)
{
    return QTest::qWaitFor([&] {
        if (cluster().count() < count)
            return false;
        for (int i = 0; i < count; ++i) {
            if (cluster().member(i)->state() != ClusterMember::State::Running)
                return false;
        }
        return true;
    }, 90000);
}

QString TestLocalClusterWindow::fakeRqlited(const QByteArray &versionLine)
{
    const QString path = m_dir->filePath(QStringLiteral("rqlited"));
    QFile script(path);
    if (!script.open(QIODevice::WriteOnly))
        return {};
    // rqlited 7 and later print the version to standard error, 6 to standard output:
    // both are read.
    script.write("#!/bin/sh\n"
                 "if [ \"$1\" = -version ]; then echo '" + versionLine + "' >&2; exit 0; fi\n"
                 "for data; do :; done\n" // the last argument: the data folder
                 "mkdir -p \"$data\" && printf '%s\\n' \"$@\" > \"$data/arguments\"\n"
                 "echo \"stand-in rqlited: $*\"\n"
                 "exec sleep 600\n");
    script.close();
    script.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    return path;
}

QStringList TestLocalClusterWindow::recordedArguments(int index)
{
    QFile file(QDir(cluster().member(index)->dataDir()).filePath(QStringLiteral("arguments")));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll()).split(u'\n', Qt::SkipEmptyParts);
}

void TestLocalClusterWindow::theActionFollowsTheSelectionAndTheDockWaits()
{
    MainWindow *window = openWindow();
    QVERIFY(window);
    QAction *start = action("startLocalClusterAction");
    QVERIFY(start);
    QVERIFY(!start->isEnabled()); // nothing selected
    // In the Edit menu, the toolbar and the IDs' context menu.
    QVERIFY(window->menuBar()->actions().at(1)->menu()->actions().contains(start));
    QVERIFY(window->findChild<QToolBar *>(QStringLiteral("mainToolBar"))->actions().contains(start));
    QVERIFY(window->idView()->actions().contains(start));

    const QString rqlite = createRqliteId();
    QVERIFY(!rqlite.isEmpty());
    QVERIFY(start->isEnabled());
    QCOMPARE(start->text(), QStringLiteral("Start &Local rqlite Cluster (3 Nodes)"));
    const QString token = createEtcdToken(5, QStringLiteral("five"));
    QVERIFY(!token.isEmpty());
    QVERIFY(start->isEnabled());
    QCOMPARE(start->text(), QStringLiteral("Start &Local etcd Cluster (5 Members)"));
    QVERIFY(start->toolTip().contains(QStringLiteral("127.0.0.1")));

    // The dock is there before any cluster, beside Requests and Activity, and says what to do.
    auto *dock = window->findChild<QDockWidget *>(QStringLiteral("localClusterDock"));
    QVERIFY(dock);
    QCOMPARE(dock->windowTitle(), QStringLiteral("Local Cluster"));
    QVERIFY(window->tabifiedDockWidgets(dock).contains(window->findChild<QDockWidget *>(QStringLiteral("requestDock"))));
    QVERIFY(window->localClusterPane()->findChild<QLabel *>(QStringLiteral("localClusterTitle"))
                ->text()
                .startsWith(QStringLiteral("No local cluster.")));
    QCOMPARE(model().rowCount(), 0);
    for (const char *name : {"stopMember", "stopAllMembers", "startOneMore", "removeClusterData"})
        QVERIFY2(!button(name)->isEnabled(), name);

    // Too big a token for a local cluster: said, nothing started.
    QVERIFY(!createEtcdToken(LocalCluster::MaxSize + 3).isEmpty());
    start->trigger();
    QCOMPARE(m_prompts.errors.size(), 1);
    QVERIFY2(m_prompts.errors.at(0).contains(QStringLiteral("1 to %1 members").arg(LocalCluster::MaxSize)),
             qPrintable(m_prompts.errors.at(0)));
    QCOMPARE(cluster().count(), 0);
}

void TestLocalClusterWindow::threeEtcdMembersFormAndStop()
{
    MainWindow *window = openWindow();
    QVERIFY(window);
    const QString token = createEtcdToken(3, QStringLiteral("local demo"));
    QVERIFY(!token.isEmpty());
    QAbstractItemModelTester tester(&model(), QAbstractItemModelTester::FailureReportingMode::QtTest);

    action("startLocalClusterAction")->trigger();
    QVERIFY2(m_prompts.errors.isEmpty(), qPrintable(m_prompts.errors.join(u'\n')));
    QCOMPARE(model().rowCount(), 3);
    QVERIFY(window->findChild<QDockWidget *>(QStringLiteral("localClusterDock"))->isVisible());
    QVERIFY(said(QStringLiteral("Started 3 members of etcd token %1\u2026 (local demo) on 127.0.0.1; their data is in %2.")
                     .arg(token.left(8), cluster().dataPath())));
    QVERIFY(!action("startLocalClusterAction")->isEnabled()); // one local cluster at a time
    QCOMPARE(model().headerData(LocalClusterModel::PortsColumn, Qt::Horizontal).toString(),
             QStringLiteral("Client \u00B7 peer ports"));
    QList<qint64> pids;
    QList<quint16> ports;
    for (int i = 0; i < 3; ++i) {
        const ClusterMember &member = *cluster().member(i);
        QCOMPARE(member.name(), QStringLiteral("m%1").arg(i + 1));
        QCOMPARE(cell(model(), i, LocalClusterModel::MemberColumn), member.name());
        QCOMPARE(cell(model(), i, LocalClusterModel::PortsColumn),
                 QStringLiteral("%1 \u00B7 %2").arg(member.ports().at(0).port).arg(member.ports().at(1).port));
        QVERIFY(member.dataDir().startsWith(cluster().dataPath()));
        ports << member.ports().at(0).port << member.ports().at(1).port;
    }

    // Every member answers etcdctl with three started members...
    QString report;
    QVERIFY2(waitUntilFormed(3, &report), qPrintable(report));
    const QString list = EtcdMembers::memberList(ports.at(0));
    for (int i = 0; i < 3; ++i) {
        QVERIFY2(list.contains(QStringLiteral(", started, m%1, http://127.0.0.1:%2, http://127.0.0.1:%3")
                                   .arg(i + 1)
                                   .arg(ports.at(2 * i + 1))
                                   .arg(ports.at(2 * i))),
                 qPrintable(list));
    }
    // ...the window shows them serving, with their process IDs...
    QVERIFY(waitUntilRunning(3));
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(cell(model(), i, LocalClusterModel::StateColumn), QStringLiteral("Running: serving clients"));
        pids << cluster().member(i)->pid();
        QVERIFY(processExists(pids.last()));
        QCOMPARE(cell(model(), i, LocalClusterModel::PidColumn), QString::number(pids.last()));
    }
    QTRY_VERIFY(said(QStringLiteral("has formed: all 3 serve clients")));
    // ...the first one's log below, as etcd wrote it...
    QCOMPARE(window->localClusterPane()->currentMember(), 0);
    QVERIFY(window->localClusterPane()->logView()->toPlainText().contains(QStringLiteral("ready to serve client requests")));
    // ...and the token has filled with them, in the IDs table and for the API alike.
    const int row = window->idModel()->rowOf(token);
    QTRY_COMPARE(window->idModel()->index(row, IdTableModel::NodesColumn).data().toString(), QStringLiteral("3 of 3"));
    const HttpResponse shown = HttpClient(quint16(m_app->server().url().port())).get("/api/v1/ids/" + token.toUtf8());
    QCOMPARE(shown.json().value(QStringLiteral("node_count")).toInt(), 3);
    // They listen on loopback only.
    for (quint16 port : std::as_const(ports))
        QCOMPARE(listeningSockets(port), QStringList{loopbackSocket(port)});

    // Stop one: the window shows it stopped, the others go on serving.
    window->localClusterPane()->selectMember(1);
    QVERIFY(button("stopMember")->isEnabled());
    button("stopMember")->click();
    QTRY_COMPARE_WITH_TIMEOUT(cell(model(), 1, LocalClusterModel::StateColumn), QStringLiteral("Stopped"), 30000);
    QCOMPARE(cell(model(), 1, LocalClusterModel::PidColumn), QString());
    QVERIFY(!processExists(pids.at(1)));
    QCOMPARE(cell(model(), 0, LocalClusterModel::StateColumn), QStringLiteral("Running: serving clients"));
    QCOMPARE(cell(model(), 2, LocalClusterModel::StateColumn), QStringLiteral("Running: serving clients"));
    QVERIFY(!button("stopMember")->isEnabled());
    QVERIFY(!button("removeClusterData")->isEnabled()); // two still run

    // Stop all: no etcd process of ours is left, and none of their ports is listening.
    button("stopAllMembers")->click();
    QTRY_COMPARE_WITH_TIMEOUT(cluster().liveCount(), 0, 60000);
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(cell(model(), i, LocalClusterModel::StateColumn), QStringLiteral("Stopped"));
        QVERIFY(!processExists(pids.at(i)));
    }
    for (quint16 port : std::as_const(ports)) {
        QVERIFY2(listeningSockets(port).isEmpty(), qPrintable(QString::number(port)));
        QVERIFY2(canBind(port), qPrintable(QString::number(port)));
    }
    QVERIFY(action("startLocalClusterAction")->isEnabled());

    // Remove Data deletes their folders.
    const QString data = cluster().dataPath();
    QVERIFY(QDir(data).exists(QStringLiteral("etcd-m1")));
    QVERIFY(button("removeClusterData")->isEnabled());
    button("removeClusterData")->click();
    QVERIFY(!QDir(data).exists());
    QVERIFY(window->message().contains(data));
    QVERIFY(!button("removeClusterData")->isEnabled());
}

void TestLocalClusterWindow::aTakenPortIsReportedAndAvoided()
{
    MainWindow *window = openWindow();
    QVERIFY(window);
    // Whoever holds m1's client port, this test or another program, it is taken.
    QTcpServer holder;
    holder.listen(QHostAddress::LocalHost, 23791);
    QVERIFY(!canBind(23791));
    QVERIFY(!createEtcdToken(1).isEmpty());
    action("startLocalClusterAction")->trigger();
    QVERIFY2(m_prompts.errors.isEmpty(), qPrintable(m_prompts.errors.join(u'\n')));
    const quint16 used = cluster().member(0)->ports().at(0).port;
    QVERIFY(used != 23791);
    const QString said = QStringLiteral("m1's client port 23791 is taken on 127.0.0.1 (something else listens there); "
                                        "it uses %1 instead.")
                             .arg(used);
    QVERIFY2(window->message().contains(said), qPrintable(window->message()));
    auto *notice = window->localClusterPane()->findChild<QLabel *>(QStringLiteral("localClusterNotice"));
    QVERIFY(notice->isVisible());
    QVERIFY(notice->text().contains(said));
    QString report;
    QVERIFY2(waitUntilFormed(1, &report), qPrintable(report));
    QVERIFY(cluster().member(0)->command().arguments.contains(QStringLiteral("http://127.0.0.1:%1").arg(used)));
}

void TestLocalClusterWindow::aKilledMemberShowsItsSignalAndLog()
{
    MainWindow *window = openWindow();
    QVERIFY(window);
    QVERIFY(!createEtcdToken(2).isEmpty());
    action("startLocalClusterAction")->trigger();
    QVERIFY(waitUntilRunning(2));
    window->localClusterPane()->selectMember(0);
    const qint64 pid = cluster().member(1)->pid();
    const quint16 port = cluster().member(1)->ports().at(0).port;
    QCOMPARE(::kill(pid_t(pid), SIGKILL), 0);

    // The window says so, shows its state in red and its last lines.
    QTRY_COMPARE_WITH_TIMEOUT(cell(model(), 1, LocalClusterModel::StateColumn),
                              QStringLiteral("Crashed: signal 9 (SIGKILL)"), 30000);
    QVERIFY(model().index(1, LocalClusterModel::StateColumn).data(Qt::ForegroundRole).isValid());
    QCOMPARE(window->localClusterPane()->currentMember(), 1);
    QVERIFY(window->localClusterPane()->logView()->toPlainText().contains(QStringLiteral("ready to serve client requests")));
    QVERIFY(said(QStringLiteral("m2 of etcd token ")));
    QVERIFY(said(QStringLiteral("ended on its own (Crashed: signal 9 (SIGKILL)); its log is in the Local Cluster dock.")));
    QVERIFY(!processExists(pid));
    QVERIFY(canBind(port));
    QCOMPARE(cluster().member(0)->state(), ClusterMember::State::Running);
}

void TestLocalClusterWindow::oneMemberBeyondTheSizeBecomesAProxy()
{
    MainWindow *window = openWindow();
    QVERIFY(window);
    const QString token = createEtcdToken(1);
    QVERIFY(!token.isEmpty());
    action("startLocalClusterAction")->trigger();
    QVERIFY(waitUntilRunning(1));
    QVERIFY(button("startOneMore")->isEnabled());
    QVERIFY(button("startOneMore")->toolTip().contains(QStringLiteral("proxy")));
    button("startOneMore")->click();
    QCOMPARE(model().rowCount(), 2);
    QCOMPARE(window->localClusterPane()->currentMember(), 1);
    QVERIFY(!button("startOneMore")->isEnabled()); // one beyond, no more
    // What etcd 3.4 makes of a member that finds its token full: a proxy to the cluster.
    QTRY_COMPARE_WITH_TIMEOUT(cell(model(), 1, LocalClusterModel::StateColumn),
                              QStringLiteral("Running: a proxy to the cluster: the token was already full"), 60000);
    QVERIFY(window->localClusterPane()->logView()->toPlainText().contains(QStringLiteral("falling back to proxy")));
    // It did not register: the token still has its one member.
    const int row = window->idModel()->rowOf(token);
    QCOMPARE(window->idModel()->index(row, IdTableModel::NodesColumn).data().toString(), QStringLiteral("1 of 1"));
}

void TestLocalClusterWindow::closingAndQuittingAskAndStopTheMembers()
{
    MainWindow *window = openWindow();
    QVERIFY(window);
    QVERIFY(!createEtcdToken(1, QStringLiteral("asked")).isEmpty());
    action("startLocalClusterAction")->trigger();
    QVERIFY(waitUntilRunning(1));
    const qint64 pid = cluster().member(0)->pid();

    // Cancelled: the window stays, and so does the member.
    m_prompts.confirmAnswer = false;
    QVERIFY(!window->close());
    QVERIFY(window->isVisible());
    QCOMPARE(m_prompts.questions.size(), 1);
    QVERIFY2(m_prompts.questions.at(0).contains(QStringLiteral("has 1 member running, as DiscoDesk's children")),
             qPrintable(m_prompts.questions.at(0)));
    QCOMPARE(cluster().member(0)->state(), ClusterMember::State::Running);
    action("quitAction")->trigger();
    QCOMPARE(m_prompts.questions.size(), 2);
    QCOMPARE(cluster().member(0)->state(), ClusterMember::State::Running);

    // Agreed: the member has ended before the question returns (no event loop needed).
    m_prompts.confirmAnswer = true;
    action("quitAction")->trigger();
    QCOMPARE(m_prompts.questions.size(), 3);
    QCOMPARE(cluster().liveCount(), 0);
    QCOMPARE(cluster().member(0)->state(), ClusterMember::State::Stopped);
    QVERIFY(!processExists(pid));

    // With nothing running, closing asks nothing.
    QVERIFY(window->close());
    QCOMPARE(m_prompts.questions.size(), 3);
}

void TestLocalClusterWindow::noRqlitedSaysWhereToGetIt()
{
    // No rqlited on PATH (an empty folder), none chosen.
    const QByteArray path = qgetenv("PATH");
    const auto restore = qScopeGuard([path] { qputenv("PATH", path); });
    qputenv("PATH", m_dir->path().toUtf8());
    MainWindow *window = openWindow();
    QVERIFY(window);
    QVERIFY(!createRqliteId().isEmpty());
    action("startLocalClusterAction")->trigger();
    QCOMPARE(m_prompts.infos.size(), 1);
    QVERIFY2(m_prompts.infos.at(0).contains(QStringLiteral("https://github.com/rqlite/rqlite/releases")),
             qPrintable(m_prompts.infos.at(0)));
    QVERIFY(m_prompts.infos.at(0).contains(QStringLiteral("Settings")));
    QCOMPARE(cluster().count(), 0);

    // One that is not rqlited is refused with what it said.
    const QString other = fakeRqlited("rqlite v8.36.2 linux amd64 go1.23.4 (commit d, branch master)");
    AppSettings settings = m_app->settings();
    settings.rqlitedPath = other;
    m_app->applySettings(settings);
    QCOMPARE(m_app->settings().rqlitedPath, other);
    action("startLocalClusterAction")->trigger();
    QTRY_COMPARE(m_prompts.errors.size(), 1);
    QVERIFY2(m_prompts.errors.at(0).contains(QStringLiteral("did not name an rqlited release")),
             qPrintable(m_prompts.errors.at(0)));
    QVERIFY(m_prompts.errors.at(0).contains(QStringLiteral("https://github.com/rqlite/rqlite/releases")));
    QCOMPARE(cluster().count(), 0);
}

void TestLocalClusterWindow::rqlite6StartsThreeNodesWithTheId()
{
    const QString rqlited = fakeRqlited("rqlited v6.10.2 linux amd64 go1.17.5 (commit 2f8a, branch master, compiler gc)");
    MainWindow *window = openWindow(rqlited);
    QVERIFY(window);
    const QString id = createRqliteId();
    QVERIFY(!id.isEmpty());
    // The states when the first node starts: the others wait for its head start.
    QList<ClusterMember::State> atFirstStart;
    const QMetaObject::Connection watch = connect(&cluster(), &LocalCluster::memberChanged, this, [&](int index) {
        if (index == 0 && atFirstStart.isEmpty()) {
            for (int i = 0; i < cluster().count(); ++i)
                atFirstStart << cluster().member(i)->state();
        }
    });
    const auto unwatch = qScopeGuard([watch] { disconnect(watch); });
    action("startLocalClusterAction")->trigger();
    QTRY_COMPARE(model().rowCount(), 3);
    QCOMPARE(atFirstStart, (QList<ClusterMember::State>{ClusterMember::State::Starting, ClusterMember::State::Waiting,
                                                        ClusterMember::State::Waiting}));
    QCOMPARE(cell(model(), 1, LocalClusterModel::StateColumn), QStringLiteral("Waiting for the first to lead"));
    QCOMPARE(cluster().title(), QStringLiteral("rqlite ID %1\u2026 (rqlited v6.10.2)").arg(id.left(8)));
    QCOMPARE(model().headerData(LocalClusterModel::MemberColumn, Qt::Horizontal).toString(), QStringLiteral("Node"));
    QVERIFY(waitUntilRunning(3));

    // What ran is the copied commands' arguments, with this server, the ID and each node's ports.
    for (int i = 0; i < 3; ++i) {
        QTRY_VERIFY(!recordedArguments(i).isEmpty());
        const ClusterMember &node = *cluster().member(i);
        QCOMPARE(node.command().program, rqlited);
        QCOMPARE(recordedArguments(i), node.command().arguments);
        QCOMPARE(node.command().arguments,
                 (QStringList{"-disco-url", m_app->server().url().toString(), "-disco-id", id, "-http-addr",
                              QStringLiteral("127.0.0.1:%1").arg(node.ports().at(0).port), "-raft-addr",
                              QStringLiteral("127.0.0.1:%1").arg(node.ports().at(1).port), node.dataDir()}));
        QCOMPARE(node.dataDir(), QDir(cluster().dataPath()).filePath(QStringLiteral("node.%1").arg(i + 1)));
    }
}

void TestLocalClusterWindow::rqlite8StartsThroughConsulKv()
{
    const QString rqlited = fakeRqlited("rqlited v8.36.2 linux amd64 go1.23.4 sqlite3.46.1 (commit d1a6, branch master, "
                                        "compiler gc)");
    MainWindow *window = openWindow(rqlited);
    QVERIFY(window);
    const QString authority = m_app->server().url().authority();

    // From an ID: rqlite 8 has no IDs, so the ID becomes its -disco-key.
    const QString id = createRqliteId();
    QVERIFY(!id.isEmpty());
    action("startLocalClusterAction")->trigger();
    QTRY_COMPARE(model().rowCount(), 3);
    QVERIFY(said(QStringLiteral("its nodes use the ID as their -disco-key, and appear in the Consul KV tab")));
    QVERIFY(waitUntilRunning(3));
    for (int i = 0; i < 3; ++i) {
        QTRY_VERIFY(!recordedArguments(i).isEmpty());
        const ClusterMember &node = *cluster().member(i);
        QCOMPARE(recordedArguments(i),
                 (QStringList{"-node-id", QString::number(i + 1), "-http-addr",
                              QStringLiteral("127.0.0.1:%1").arg(node.ports().at(0).port), "-raft-addr",
                              QStringLiteral("127.0.0.1:%1").arg(node.ports().at(1).port), "-disco-mode", "consul-kv",
                              "-disco-key", id, "-disco-config", QStringLiteral("{\"address\":\"%1\"}").arg(authority),
                              node.dataDir()}));
    }
    cluster().stopAll();
    QTRY_COMPARE_WITH_TIMEOUT(cluster().liveCount(), 0, 30000);

    // From the Consul KV tab, with nothing selected: rqlite's default key.
    window->kvPane()->findChild<QPushButton *>(QStringLiteral("kvStartCluster"))->click();
    QTRY_VERIFY(cluster().liveCount() == 3);
    QVERIFY(waitUntilRunning(3));
    QTRY_VERIFY(!recordedArguments(0).isEmpty());
    const QStringList arguments = recordedArguments(0);
    QCOMPARE(arguments.at(arguments.indexOf(QStringLiteral("-disco-key")) + 1), QStringLiteral("rqlite"));
    QCOMPARE(cluster().title(), QStringLiteral("Consul KV key rqlite (rqlited v8.36.2)"));
    QVERIFY(m_prompts.errors.isEmpty());
}

void TestLocalClusterWindow::theRqlitedProgramIsAWindowSetting()
{
    AppSettings chosen;
    chosen.rqlitedPath = QStringLiteral("/opt/rqlite/rqlited");
    SettingsDialog dialog(chosen, false);
    auto *edit = dialog.findChild<QLineEdit *>(QStringLiteral("rqlitedPath"));
    QVERIFY(edit);
    QCOMPARE(edit->text(), chosen.rqlitedPath);
    QCOMPARE(dialog.settings(), chosen);
    edit->setText(QStringLiteral("  /usr/local/bin/rqlited "));
    QCOMPARE(dialog.settings().rqlitedPath, QStringLiteral("/usr/local/bin/rqlited"));
    // Empty: the one on PATH, which the field says.
    QVERIFY(edit->placeholderText().contains(QStringLiteral("PATH")));

    // Kept with the other settings.
    QSettings stored(m_dir->filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
    chosen.save(stored);
    QCOMPARE(AppSettings::load(stored).rqlitedPath, chosen.rqlitedPath);

    // Changing it leaves the server where it is.
    MainWindow *window = openWindow();
    QVERIFY(window);
    const QUrl url = m_app->server().url();
    QSignalSpy changed(m_app.get(), &AppController::settingsChanged);
    AppSettings edited = m_app->settingsInUse();
    edited.rqlitedPath = QStringLiteral("/usr/local/bin/rqlited");
    m_app->applySettings(edited);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(m_app->settings().rqlitedPath, edited.rqlitedPath);
    QVERIFY(m_app->server().isRunning() && !m_app->server().isStarting());
    QCOMPARE(m_app->server().url(), url);
}

QTEST_MAIN(TestLocalClusterWindow)
#include "tst_localclusterwindow.moc"
