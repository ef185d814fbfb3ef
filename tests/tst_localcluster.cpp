// The local cluster's library (cluster/), without a window: the command lines of
// etcd and rqlited in both discovery modes and the copy-ready text built from the
// same arguments, reading `rqlited -version`, the bounded log tail, the choice of
// free loopback ports, and members as real processes (etcd refusing a flag, a member
// killed with SIGKILL, one that ignores SIGTERM, a missing program) and the cluster's
// bookkeeping over them. The window with real etcd members is tst_localclusterwindow.

#include "ClusterMember.h"
#include "ClusterRecipe.h"
#include "EtcdCommands.h"
#include "LocalCluster.h"
#include "LogTail.h"
#include "LoopbackPorts.h"
#include "RqliteCommands.h"
#include "RqliteVersion.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSet>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <cerrno>
#include <sys/types.h>

Q_DECLARE_METATYPE(RqliteVersion::Discovery)

namespace {

// Whether a process with this ID exists (a zombie counts: it is not yet reaped).
bool processExists(qint64 pid)
{
    return pid > 0 && (::kill(pid_t(pid), 0) == 0 || errno != ESRCH);
}

// A port nothing listens on right now.
quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

// Members that are shell scripts: each gets its first port and its data folder as
// $1 and $2, so the cluster's bookkeeping is tested without etcd's timing.
class ScriptRecipe final : public ClusterRecipe
{
public:
    ScriptRecipe(int size, QString script, quint16 firstPort = 0) : m_size(size), m_script(std::move(script))
    {
        for (int n = 1; n <= size + 1; ++n)
            m_ports << (firstPort && n == 1 ? firstPort : freePort());
    }

    std::chrono::milliseconds head{0};
    QList<LogSign> logSigns;

    Kind kind() const override { return Kind::Etcd; }
    int size() const override { return m_size; }
    QString memberName(int member) const override { return QStringLiteral("s%1").arg(member); }
    QString dataFolderName(int member) const override { return QStringLiteral("data-s%1").arg(member); }
    QList<MemberPort> wantedPorts(int member) const override
    {
        return {{QStringLiteral("client"), m_ports.at(member - 1)}};
    }
    MemberCommand command(int, const QList<quint16> &ports, const QString &dataDir) const override
    {
        return {QStringLiteral("/bin/sh"),
                {QStringLiteral("-c"), m_script, QStringLiteral("member"), QString::number(ports.value(0)), dataDir}};
    }
    std::chrono::milliseconds headStart() const override { return head; }
    QList<LogSign> signs() const override { return logSigns; }

private:
    int m_size;
    QString m_script;
    QList<quint16> m_ports;
};

const QString Waits = QStringLiteral("echo \"up on $1\"; exec sleep 600");
const QString IgnoresTerm = QStringLiteral("trap '' TERM; echo stubborn; exec sleep 600");

// The lines of a copy-ready text that start members (not "sleep", not etcdctl).
QStringList memberLines(const QString &text, const QString &program)
{
    QStringList lines;
    for (const QString &line : text.split(u'\n', Qt::SkipEmptyParts)) {
        if (line.startsWith(program + u' '))
            lines << line;
    }
    return lines;
}

// What the recipe would run for member n on its copy-ready ports, its data in the home folder.
QString launcherLine(const ClusterRecipe &recipe, int n)
{
    QList<quint16> ports;
    for (const MemberPort &port : recipe.wantedPorts(n))
        ports << port.port;
    return recipe.command(n, ports, QStringLiteral("~/") + recipe.dataFolderName(n)).shellLine() + QStringLiteral(" &");
}

} // namespace

class TestLocalCluster : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    // Command lines and versions.
    void rqliteVersionIsRead_data();
    void rqliteVersionIsRead();
    void rqliteDiscoveryIdNodeCommand();
    void rqliteConsulKvNodeCommand();
    void rqliteCommandsForThreeNodes();
    void rqliteKvCommandsForThreeNodes();
    void etcdCommandsForThreeMembers();
    void etcdCommandsNeverShareAPort();
    void etcdDiscoveryUrlOfAToken();
    void theCopiedTextIsWhatTheLauncherRuns();
    void shellWordsAreQuotedOnlyWhenNeeded();

    // Logs and ports.
    void theLogTailKeepsTheLastLinesWhole();
    void theLogTailBoundsLongLinesAndManyLines();
    void aTakenPortIsNeverChosen();

    // Members as processes.
    void aBadFlagShowsEtcdsExitStatusAndLog();
    void aKilledMemberShowsItsSignalAndLog();
    void aMemberIsStartingUntilItsLogSaysItServes();
    void aMemberThatIgnoresSigtermIsKilled();
    void aMissingProgramFailsToStart();

    // The cluster.
    void takenPortsAreMovedAndReported();
    void theFirstMemberRunsAloneForItsHeadStart();
    void oneMemberBeyondTheSizeAndNoMore();
    void stopNowLeavesNothingRunning();
    void dataIsRemovedOnlyOnceEveryMemberEnded();
    void anotherClusterWaitsUntilTheFirstHasStopped();
};

void TestLocalCluster::initTestCase()
{
    // etcd is installed by scripts/install-deps --test; without it a test fails, not skips.
    QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("etcd")).isEmpty(),
             "etcd is missing: run scripts/install-deps --test (Debian package etcd-server)");
}

void TestLocalCluster::rqliteVersionIsRead_data()
{
    QTest::addColumn<QByteArray>("output");
    QTest::addColumn<bool>("read");
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("major");
    QTest::addColumn<int>("minor");
    QTest::addColumn<RqliteVersion::Discovery>("discovery");
    using D = RqliteVersion::Discovery;
    // As cmd/rqlited prints it: to stdout up to 6.x, through errorExit (stderr) later;
    // from 8 on with SQLite's version after Go's.
    QTest::newRow("6.x") << QByteArray("rqlited v6.10.2 linux amd64 go1.17.5 (commit 9e8c5c2, branch master, compiler gc)\n")
                         << true << "v6.10.2" << 6 << 10 << D::DiscoveryId;
    QTest::newRow("4.x") << QByteArray("rqlited v4.6.0 darwin amd64 go1.11 (commit 1a2b3c, branch master, compiler gc)\n")
                         << true << "v4.6.0" << 4 << 6 << D::DiscoveryId;
    QTest::newRow("7.x") << QByteArray("rqlited v7.21.4 linux arm64 go1.20.5 (commit 42e8d9f, branch master, compiler gc)\n\n")
                         << true << "v7.21.4" << 7 << 21 << D::ConsulKv;
    QTest::newRow("8.x, SQLite's version") << QByteArray("rqlited v8.36.2 linux amd64 go1.23.4 sqlite3.46.1 (commit "
                                                         "d1a6c8e, branch master, compiler gc)\n")
                                           << true << "v8.36.2" << 8 << 36 << D::ConsulKv;
    QTest::newRow("packaged without the v") << QByteArray("rqlited 8.1.0 linux amd64 go1.21.4 sqlite3.44.0 (commit "
                                                          "unknown, branch unknown, compiler gc)\n")
                                            << true << "8.1.0" << 8 << 1 << D::ConsulKv;
    QTest::newRow("built from source") << QByteArray("rqlited 6 linux amd64 go1.16 (commit unknown, branch unknown, "
                                                     "compiler gc)\n")
                                       << true << "6" << 6 << 0 << D::DiscoveryId;
    QTest::newRow("release candidate") << QByteArray("rqlited v9.0.0-rc1 windows amd64 go1.24 sqlite3.49.1 (commit x, "
                                                     "branch master, compiler gc)\r\n")
                                       << true << "v9.0.0-rc1" << 9 << 0 << D::ConsulKv;
    QTest::newRow("before 4.0") << QByteArray("rqlited v3.14.0 linux amd64 go1.9 (commit abc, branch master, compiler gc)\n")
                                << true << "v3.14.0" << 3 << 14 << D::None;
    QTest::newRow("the rqlite shell") << QByteArray("rqlite v8.36.2 linux amd64 go1.23.4 (commit d, branch master)\n")
                                      << false << "" << 0 << 0 << D::None;
    QTest::newRow("no -version flag") << QByteArray("flag provided but not defined: -version\nUsage of rqlited:\n")
                                      << false << "" << 0 << 0 << D::None;
    QTest::newRow("a version in passing") << QByteArray("fatal: rqlited v6 needs a data directory\n") << false << ""
                                          << 0 << 0 << D::None;
    QTest::newRow("nothing") << QByteArray() << false << "" << 0 << 0 << D::None;
}

void TestLocalCluster::rqliteVersionIsRead()
{
    QFETCH(QByteArray, output);
    QFETCH(bool, read);
    const std::optional<RqliteVersion> version = RqliteVersion::parse(output);
    QCOMPARE(version.has_value(), read);
    if (!read)
        return;
    QTEST(version->text, "text");
    QTEST(version->major, "major");
    QTEST(version->minor, "minor");
    QTEST(version->discovery(), "discovery");
}

void TestLocalCluster::rqliteDiscoveryIdNodeCommand()
{
    const MemberCommand command = rqliteDiscoveryIdNode(QStringLiteral("/opt/rqlite/rqlited"),
                                                        QUrl(QStringLiteral("http://127.0.0.1:4011")),
                                                        QStringLiteral("abc"), {4003, 4004}, QStringLiteral("/tmp/n2"));
    QCOMPARE(command.program, QStringLiteral("/opt/rqlite/rqlited"));
    QCOMPARE(command.arguments,
             (QStringList{"-disco-url", "http://127.0.0.1:4011", "-disco-id", "abc", "-http-addr", "127.0.0.1:4003",
                          "-raft-addr", "127.0.0.1:4004", "/tmp/n2"}));
    QCOMPARE(rqliteCommandPorts(2).http, quint16(4003));
    QCOMPARE(rqliteCommandPorts(2).raft, quint16(4004));
}

void TestLocalCluster::rqliteConsulKvNodeCommand()
{
    const MemberCommand command = rqliteConsulKvNode(QStringLiteral("rqlited"), 3, QStringLiteral("127.0.0.1:4011"),
                                                     QStringLiteral("demo"), {4005, 4006}, QStringLiteral("/tmp/n3"));
    QCOMPARE(command.arguments,
             (QStringList{"-node-id", "3", "-http-addr", "127.0.0.1:4005", "-raft-addr", "127.0.0.1:4006",
                          "-disco-mode", "consul-kv", "-disco-key", "demo", "-disco-config",
                          R"({"address":"127.0.0.1:4011"})", "/tmp/n3"}));
}

void TestLocalCluster::rqliteCommandsForThreeNodes()
{
    const QString commands = rqliteCommands(QUrl(QStringLiteral("http://127.0.0.1:4011")), QStringLiteral("abc"));
    QCOMPARE(commands,
             QStringLiteral("rqlited -disco-url http://127.0.0.1:4011 -disco-id abc -http-addr 127.0.0.1:4001 "
                            "-raft-addr 127.0.0.1:4002 ~/node.1 &\n"
                            "sleep 2\n"
                            "rqlited -disco-url http://127.0.0.1:4011 -disco-id abc -http-addr 127.0.0.1:4003 "
                            "-raft-addr 127.0.0.1:4004 ~/node.2 &\n"
                            "rqlited -disco-url http://127.0.0.1:4011 -disco-id abc -http-addr 127.0.0.1:4005 "
                            "-raft-addr 127.0.0.1:4006 ~/node.3 &\n"));
}

void TestLocalCluster::rqliteKvCommandsForThreeNodes()
{
    QCOMPARE(rqliteKvCommands(QStringLiteral("127.0.0.1:4011"), QStringLiteral("rqlite")).split(u'\n').at(1),
             QStringLiteral("rqlited -node-id 2 -http-addr 127.0.0.1:4003 -raft-addr 127.0.0.1:4004 -disco-mode "
                            "consul-kv -disco-key rqlite -disco-config '{\"address\":\"127.0.0.1:4011\"}' ~/node.2 &"));
    // A key the shell would split is quoted.
    QVERIFY(rqliteKvCommands(QStringLiteral("127.0.0.1:4011"), QStringLiteral("it's mine"))
                .contains(QStringLiteral(" -disco-key 'it'\\''s mine' ")));
}

void TestLocalCluster::etcdCommandsForThreeMembers()
{
    const QUrl url(QStringLiteral("http://127.0.0.1:4011/etcd/0123456789abcdef0123456789abcdef"));
    QCOMPARE(etcdCommands(url, 3),
             QStringLiteral(
                 "etcd --name m1 --data-dir ~/etcd-m1 --listen-client-urls http://127.0.0.1:23791 "
                 "--advertise-client-urls http://127.0.0.1:23791 --listen-peer-urls http://127.0.0.1:23801 "
                 "--initial-advertise-peer-urls http://127.0.0.1:23801 "
                 "--discovery http://127.0.0.1:4011/etcd/0123456789abcdef0123456789abcdef &\n"
                 "etcd --name m2 --data-dir ~/etcd-m2 --listen-client-urls http://127.0.0.1:23792 "
                 "--advertise-client-urls http://127.0.0.1:23792 --listen-peer-urls http://127.0.0.1:23802 "
                 "--initial-advertise-peer-urls http://127.0.0.1:23802 "
                 "--discovery http://127.0.0.1:4011/etcd/0123456789abcdef0123456789abcdef &\n"
                 "etcd --name m3 --data-dir ~/etcd-m3 --listen-client-urls http://127.0.0.1:23793 "
                 "--advertise-client-urls http://127.0.0.1:23793 --listen-peer-urls http://127.0.0.1:23803 "
                 "--initial-advertise-peer-urls http://127.0.0.1:23803 "
                 "--discovery http://127.0.0.1:4011/etcd/0123456789abcdef0123456789abcdef &\n"
                 "ETCDCTL_API=3 etcdctl --endpoints http://127.0.0.1:23791 member list\n"));
}

void TestLocalCluster::etcdCommandsNeverShareAPort()
{
    // Past 10 members, 23800 + i would be another member's client port.
    for (int size : {1, 10, 11, 25, 1000}) {
        const QStringList lines = etcdCommands(QUrl(QStringLiteral("http://127.0.0.1:4011/etcd/t")), size)
                                      .split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), size + 1);
        QSet<QString> ports;
        for (int i = 0; i < size; ++i) {
            const QStringList words = lines.at(i).split(u' ');
            const QString client = words.at(words.indexOf(QStringLiteral("--listen-client-urls")) + 1);
            const QString peer = words.at(words.indexOf(QStringLiteral("--listen-peer-urls")) + 1);
            QVERIFY(QUrl(client).port() <= 65535 && QUrl(peer).port() <= 65535);
            ports << client.section(u':', -1) << peer.section(u':', -1);
        }
        QCOMPARE(ports.size(), 2 * size);
    }
    // Nor does the one member a local cluster may start beyond its size.
    for (int size = 1; size <= LocalCluster::MaxSize; ++size) {
        QSet<quint16> ports;
        for (int member = 1; member <= size + 1; ++member)
            ports << etcdCommandPorts(member, size).client << etcdCommandPorts(member, size).peer;
        QCOMPARE(ports.size(), 2 * (size + 1));
    }
}

void TestLocalCluster::etcdDiscoveryUrlOfAToken()
{
    QCOMPARE(etcdDiscoveryUrl(QUrl(QStringLiteral("http://127.0.0.1:4011")), QStringLiteral("abc")).toString(),
             QStringLiteral("http://127.0.0.1:4011/etcd/abc"));
    QCOMPARE(etcdDiscoveryUrl(QUrl(QStringLiteral("https://[::1]:4011")), QStringLiteral("abc")).toString(),
             QStringLiteral("https://[::1]:4011/etcd/abc"));
}

void TestLocalCluster::theCopiedTextIsWhatTheLauncherRuns()
{
    // Each line a user would paste is the command the window starts for that member,
    // with the same ports, the data in the home folder instead of DiscoDesk's.
    const QUrl server(QStringLiteral("http://127.0.0.1:4011"));
    const QUrl token = etcdDiscoveryUrl(server, QStringLiteral("0123456789abcdef0123456789abcdef"));
    for (int size : {1, 3, 5}) {
        const auto etcd = etcdRecipe(token, size);
        const QStringList lines = memberLines(etcdCommands(token, size), QStringLiteral("etcd"));
        QCOMPARE(lines.size(), size);
        for (int n = 1; n <= size; ++n)
            QCOMPARE(launcherLine(*etcd, n), lines.at(n - 1));
    }

    const auto rqlite6 = rqliteDiscoveryIdRecipe(QStringLiteral("rqlited"), server, QStringLiteral("abc"));
    const QString text6 = rqliteCommands(server, QStringLiteral("abc"));
    const QStringList lines6 = memberLines(text6, QStringLiteral("rqlited"));
    QCOMPARE(lines6.size(), rqlite6->size());
    for (int n = 1; n <= rqlite6->size(); ++n)
        QCOMPARE(launcherLine(*rqlite6, n), lines6.at(n - 1));
    // The text's pause after the first node is the launcher's head start.
    QCOMPARE(text6.split(u'\n').at(1),
             QStringLiteral("sleep %1").arg(std::chrono::duration_cast<std::chrono::seconds>(rqlite6->headStart()).count()));

    const auto rqlite8 = rqliteConsulKvRecipe(QStringLiteral("rqlited"), QStringLiteral("127.0.0.1:4011"),
                                              QStringLiteral("demo"));
    const QStringList lines8 = memberLines(rqliteKvCommands(QStringLiteral("127.0.0.1:4011"), QStringLiteral("demo")),
                                           QStringLiteral("rqlited"));
    QCOMPARE(lines8.size(), rqlite8->size());
    for (int n = 1; n <= rqlite8->size(); ++n)
        QCOMPARE(launcherLine(*rqlite8, n), lines8.at(n - 1));
    QCOMPARE(rqlite8->headStart().count(), 0); // they race for the key: the compare-and-set picks one
}

void TestLocalCluster::shellWordsAreQuotedOnlyWhenNeeded()
{
    QCOMPARE(shellWord(QStringLiteral("http://127.0.0.1:4011/etcd/abc")), QStringLiteral("http://127.0.0.1:4011/etcd/abc"));
    QCOMPARE(shellWord(QStringLiteral("~/etcd-m1")), QStringLiteral("~/etcd-m1")); // the shell puts the home there
    QCOMPARE(shellWord(QStringLiteral("~/my data")), QStringLiteral("'~/my data'"));
    QCOMPARE(shellWord(QStringLiteral("a~b")), QStringLiteral("'a~b'"));
    QCOMPARE(shellWord(QStringLiteral(R"({"address":"127.0.0.1:4011"})")), QStringLiteral(R"('{"address":"127.0.0.1:4011"}')"));
    QCOMPARE(shellWord(QStringLiteral("it's")), QStringLiteral("'it'\\''s'"));
    QCOMPARE(shellWord(QStringLiteral("$HOME")), QStringLiteral("'$HOME'"));
    QCOMPARE(shellWord(QString()), QStringLiteral("''"));
    // A line of such words, run by a real shell, gives the program the same arguments.
    const MemberCommand command{QStringLiteral("printf"),
                                {QStringLiteral("%s|"), QStringLiteral("it's"), QStringLiteral("{\"a\":1}"),
                                 QStringLiteral("$HOME"), QStringLiteral("two words")}};
    QProcess shell;
    shell.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), command.shellLine()});
    QVERIFY(shell.waitForFinished(10000));
    QCOMPARE(shell.readAllStandardOutput(), QByteArray(R"(it's|{"a":1}|$HOME|two words|)"));
}

void TestLocalCluster::theLogTailKeepsTheLastLinesWhole()
{
    LogTail tail;
    QCOMPARE(tail.append("2026-12-02 I | etcdmain: etcd Vers"), QStringList());
    QCOMPARE(tail.append("ion: 3.4.23\r\nsecond\n\nthird wi"), (QStringList{"2026-12-02 I | etcdmain: etcd Version: 3.4.23", "second", ""}));
    QCOMPARE(tail.total(), 3);
    QCOMPARE(tail.lastLines(2), QStringLiteral("second\n"));
    QCOMPARE(tail.linesAfter(1), (QStringList{"second", ""}));
    QCOMPARE(tail.finish(), QStringList{"third wi"}); // the program ended mid-line
    QCOMPARE(tail.lines(), (QStringList{"2026-12-02 I | etcdmain: etcd Version: 3.4.23", "second", "", "third wi"}));
    QCOMPARE(tail.finish(), QStringList());
    // Multi-byte characters split between two reads arrive whole.
    LogTail utf8;
    const QByteArray bytes = QStringLiteral("caf\u00e9 \u2026\n").toUtf8();
    utf8.append(bytes.left(4));
    QCOMPARE(utf8.append(bytes.mid(4)), QStringList{QStringLiteral("caf\u00e9 \u2026")});
}

void TestLocalCluster::theLogTailBoundsLongLinesAndManyLines()
{
    LogTail tail;
    // A line without end is cut, however it arrives, and the next one is whole.
    const QByteArray chunk(3000, 'x');
    for (int i = 0; i < 20; ++i)
        QVERIFY(tail.append(chunk).isEmpty());
    const QStringList cut = tail.append("tail of the long one\nnext\n");
    QCOMPARE(cut.size(), 2);
    QCOMPARE(cut.at(0).size(), LogTail::MaxLineLength);
    QVERIFY(cut.at(0).endsWith(u'\u2026'));
    QCOMPARE(cut.at(1), QStringLiteral("next"));

    for (int i = 0; i < 3 * LogTail::MaxLines; ++i)
        tail.append(QByteArray::number(i) + '\n');
    QCOMPARE(tail.lines().size(), LogTail::MaxLines);
    QCOMPARE(tail.lines().constFirst(), QString::number(2 * LogTail::MaxLines));
    QCOMPARE(tail.lines().constLast(), QString::number(3 * LogTail::MaxLines - 1));
    QCOMPARE(tail.total(), 2 + 3 * LogTail::MaxLines);
    // More lines came than are kept: those kept are all there is.
    QCOMPARE(tail.linesAfter(0).size(), LogTail::MaxLines);
    QCOMPARE(tail.linesAfter(tail.total() - 2), (QStringList{QString::number(3 * LogTail::MaxLines - 2),
                                                             QString::number(3 * LogTail::MaxLines - 1)}));
}

void TestLocalCluster::aTakenPortIsNeverChosen()
{
    QTcpServer other;
    QVERIFY(other.listen(QHostAddress::LocalHost, 0));
    const quint16 taken = other.serverPort();
    QVERIFY(!LoopbackPorts::isFree(taken));
    // Something listening on every address takes the loopback port too.
    QTcpServer everywhere;
    QVERIFY(everywhere.listen(QHostAddress::AnyIPv4, 0));
    QVERIFY(!LoopbackPorts::isFree(everywhere.serverPort()));

    const quint16 free = freePort();
    const quint16 avoid = free + 1;
    QVERIFY(LoopbackPorts::isFree(free));
    LoopbackPorts ports({avoid}); // one a member may not have bound yet
    const LoopbackPorts::Choice wanted = ports.take(free);
    QCOMPARE(wanted.port, free);
    QVERIFY(!wanted.wantedWasTaken);
    QVERIFY(!LoopbackPorts::isFree(free)); // held until released
    const LoopbackPorts::Choice again = ports.take(free);
    QVERIFY(again.wantedWasTaken);
    QVERIFY(again.port != free && again.port != 0);
    const LoopbackPorts::Choice busy = ports.take(taken);
    QVERIFY(busy.wantedWasTaken);
    QVERIFY(busy.port != taken && busy.port != again.port && busy.port != free);
    const LoopbackPorts::Choice avoided = ports.take(avoid);
    QVERIFY(avoided.wantedWasTaken);
    QVERIFY(avoided.port != avoid);
    ports.release();
    QVERIFY(LoopbackPorts::isFree(free));
    QVERIFY(LoopbackPorts::isFree(busy.port));
}

void TestLocalCluster::aBadFlagShowsEtcdsExitStatusAndLog()
{
    QTemporaryDir dir;
    ClusterMember member(QStringLiteral("m1"), {}, {QStringLiteral("etcd"), {QStringLiteral("--no-such-flag")}},
                         dir.filePath(QStringLiteral("m1")), {});
    QSignalSpy changed(&member, &ClusterMember::stateChanged);
    member.start();
    QTRY_COMPARE_WITH_TIMEOUT(member.state(), ClusterMember::State::Exited, 30000);
    QCOMPARE(member.exitCode(), 2); // Go's flag package
    QVERIFY2(member.log().lines().contains(QStringLiteral("flag provided but not defined: -no-such-flag")),
             qPrintable(member.log().lastLines(5)));
    QCOMPARE(member.pid(), 0);
    QVERIFY(!member.isLive());
    QVERIFY(changed.size() >= 2); // running, then exited
}

void TestLocalCluster::aKilledMemberShowsItsSignalAndLog()
{
    QTemporaryDir dir;
    ClusterMember member(QStringLiteral("m1"), {}, {QStringLiteral("/bin/sh"), {QStringLiteral("-c"), Waits, QStringLiteral("sh"), QStringLiteral("23791")}},
                         dir.filePath(QStringLiteral("m1")), {});
    member.start();
    QTRY_VERIFY_WITH_TIMEOUT(member.log().lines().contains(QStringLiteral("up on 23791")), 30000);
    // No sign to wait for: running once started.
    QTRY_COMPARE_WITH_TIMEOUT(member.state(), ClusterMember::State::Running, 30000);
    const qint64 pid = member.pid();
    QVERIFY(processExists(pid));
    QCOMPARE(::kill(pid_t(pid), SIGKILL), 0); // as the kernel's OOM killer, or a user's kill -9
    QTRY_COMPARE_WITH_TIMEOUT(member.state(), ClusterMember::State::Crashed, 30000);
    QCOMPARE(member.exitCode(), SIGKILL);
    QCOMPARE(member.log().lastLines(1), QStringLiteral("up on 23791")); // its log stays
    QVERIFY(!processExists(pid));
}

void TestLocalCluster::aMemberIsStartingUntilItsLogSaysItServes()
{
    QTemporaryDir dir;
    const QString go = dir.filePath(QStringLiteral("go"));
    // It says it serves once the test lets it: no race with the test's first look.
    const QString script = QStringLiteral("echo waiting; while [ ! -e '%1' ]; do sleep 0.05; done; "
                                          "echo 'embed: ready to serve client requests'; exec sleep 600")
                               .arg(go);
    const auto etcd = etcdRecipe(QUrl(QStringLiteral("http://127.0.0.1:1/etcd/t")), 1);
    ClusterMember member(QStringLiteral("m1"), {}, {QStringLiteral("/bin/sh"), {QStringLiteral("-c"), script}},
                         dir.filePath(QStringLiteral("m1")), etcd->signs());
    member.start();
    QTRY_VERIFY_WITH_TIMEOUT(member.log().lines().contains(QStringLiteral("waiting")), 30000);
    QCOMPARE(member.state(), ClusterMember::State::Starting);
    QVERIFY(member.note().isEmpty());
    QVERIFY(QFile(go).open(QIODevice::WriteOnly));
    QTRY_COMPARE_WITH_TIMEOUT(member.state(), ClusterMember::State::Running, 30000);
    QCOMPARE(member.note(), QStringLiteral("serving clients"));
    member.stop();
    QTRY_COMPARE_WITH_TIMEOUT(member.state(), ClusterMember::State::Stopped, 30000);
}

void TestLocalCluster::aMemberThatIgnoresSigtermIsKilled()
{
    QTemporaryDir dir;
    ClusterMember member(QStringLiteral("m1"), {}, {QStringLiteral("/bin/sh"), {QStringLiteral("-c"), IgnoresTerm}},
                         dir.filePath(QStringLiteral("m1")), {});
    member.setStopGrace(std::chrono::milliseconds(300));
    member.start();
    QTRY_VERIFY_WITH_TIMEOUT(member.log().lines().contains(QStringLiteral("stubborn")), 30000);
    const qint64 pid = member.pid();
    member.stop();
    QCOMPARE(member.state(), ClusterMember::State::Stopping);
    // Stopped, as asked, although SIGKILL ended it: the signal is not a crash here.
    QTRY_COMPARE_WITH_TIMEOUT(member.state(), ClusterMember::State::Stopped, 30000);
    QVERIFY(!processExists(pid));
}

void TestLocalCluster::aMissingProgramFailsToStart()
{
    QTemporaryDir dir;
    ClusterMember member(QStringLiteral("node 1"), {},
                         {dir.filePath(QStringLiteral("no-such-rqlited")), {QStringLiteral("-version")}},
                         dir.filePath(QStringLiteral("node.1")), {});
    member.start();
    QTRY_COMPARE_WITH_TIMEOUT(member.state(), ClusterMember::State::FailedToStart, 30000);
    QVERIFY2(!member.error().isEmpty(), "no reason given");
    QVERIFY(!member.isLive());
}

void TestLocalCluster::takenPortsAreMovedAndReported()
{
    QTcpServer other;
    QVERIFY(other.listen(QHostAddress::LocalHost, 0));
    const quint16 taken = other.serverPort();
    LocalCluster cluster;
    auto recipe = std::make_unique<ScriptRecipe>(2, Waits, taken);
    const quint16 secondWanted = recipe->wantedPorts(2).at(0).port;
    const LocalCluster::Outcome outcome = cluster.start(std::move(recipe), QStringLiteral("scripts"));
    QVERIFY2(outcome.error.isEmpty(), qPrintable(outcome.error));
    QCOMPARE(outcome.moved.size(), 1);
    const LocalCluster::MovedPort moved = outcome.moved.at(0);
    QCOMPARE(moved.member, QStringLiteral("s1"));
    QCOMPARE(moved.port, QStringLiteral("client"));
    QCOMPARE(moved.wanted, taken);
    QVERIFY(moved.used != taken && moved.used != 0);
    // The member runs with the port it got, in its command line too.
    QCOMPARE(cluster.member(0)->ports().at(0).port, moved.used);
    QCOMPARE(cluster.member(0)->command().arguments.at(3), QString::number(moved.used));
    QCOMPARE(cluster.member(1)->ports().at(0).port, secondWanted);
    QTRY_VERIFY_WITH_TIMEOUT(cluster.member(0)->log().lines().contains(QStringLiteral("up on %1").arg(moved.used)), 30000);
}

void TestLocalCluster::theFirstMemberRunsAloneForItsHeadStart()
{
    LocalCluster cluster;
    auto recipe = std::make_unique<ScriptRecipe>(3, Waits);
    recipe->head = std::chrono::milliseconds(200);
    QVERIFY(cluster.start(std::move(recipe), QStringLiteral("scripts")).error.isEmpty());
    QCOMPARE(cluster.count(), 3);
    // Until the head start's timer has run (it cannot have: no event was processed).
    QVERIFY(cluster.member(0)->state() != ClusterMember::State::Waiting);
    QCOMPARE(cluster.member(1)->state(), ClusterMember::State::Waiting);
    QCOMPARE(cluster.member(2)->state(), ClusterMember::State::Waiting);
    QCOMPARE(cluster.liveCount(), 3);
    QTRY_VERIFY_WITH_TIMEOUT(cluster.member(2)->state() == ClusterMember::State::Running, 30000);
    QCOMPARE(cluster.member(1)->state(), ClusterMember::State::Running);

    // Stopped during the head start, the others never start.
    auto again = std::make_unique<ScriptRecipe>(2, Waits);
    again->head = std::chrono::milliseconds(200);
    cluster.stopAll();
    QTRY_COMPARE_WITH_TIMEOUT(cluster.liveCount(), 0, 30000);
    QVERIFY(cluster.start(std::move(again), QStringLiteral("again")).error.isEmpty());
    cluster.stopAll();
    QCOMPARE(cluster.member(1)->state(), ClusterMember::State::Stopped);
    QTest::qWait(400); // past the head start: the timer must not start it
    QCOMPARE(cluster.member(1)->state(), ClusterMember::State::Stopped);
    QCOMPARE(cluster.member(1)->pid(), 0);
}

void TestLocalCluster::oneMemberBeyondTheSizeAndNoMore()
{
    LocalCluster cluster;
    QVERIFY(!cluster.canAddMember()); // nothing to add to
    QVERIFY(cluster.start(std::make_unique<ScriptRecipe>(2, Waits), QStringLiteral("scripts")).error.isEmpty());
    QSignalSpy added(&cluster, &LocalCluster::memberAdded);
    QVERIFY(cluster.canAddMember());
    const LocalCluster::Outcome outcome = cluster.addMember();
    QVERIFY2(outcome.error.isEmpty(), qPrintable(outcome.error));
    QCOMPARE(added.size(), 1);
    QCOMPARE(added.at(0).at(0).toInt(), 2);
    QCOMPARE(cluster.count(), 3);
    QCOMPARE(cluster.member(2)->name(), QStringLiteral("s3"));
    QTRY_VERIFY_WITH_TIMEOUT(cluster.member(2)->state() == ClusterMember::State::Running, 30000);
    QVERIFY(!cluster.canAddMember());
    QVERIFY(!cluster.addMember().error.isEmpty());
    QCOMPARE(cluster.count(), 3);
    // Its port is none of the others'.
    QSet<quint16> ports;
    for (int i = 0; i < cluster.count(); ++i)
        ports << cluster.member(i)->ports().at(0).port;
    QCOMPARE(ports.size(), 3);
}

void TestLocalCluster::stopNowLeavesNothingRunning()
{
    QList<qint64> pids;
    {
        LocalCluster cluster;
        cluster.setStopGrace(std::chrono::milliseconds(300));
        QVERIFY(cluster.start(std::make_unique<ScriptRecipe>(3, IgnoresTerm), QStringLiteral("stubborn")).error.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(cluster.member(2)->log().total() > 0 && cluster.member(0)->log().total() > 0
                                     && cluster.member(1)->log().total() > 0,
                                 30000);
        for (int i = 0; i < cluster.count(); ++i)
            pids << cluster.member(i)->pid();
        // Bounded: they ignore SIGTERM, so they are killed after the grace.
        QElapsedTimer clock;
        clock.start();
        cluster.stopNow(std::chrono::milliseconds(300));
        QVERIFY2(clock.elapsed() < 10000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(cluster.liveCount(), 0);
        for (qint64 pid : std::as_const(pids))
            QVERIFY(!processExists(pid));
        // A second cluster, left running: the destructor ends it.
        QVERIFY(cluster.start(std::make_unique<ScriptRecipe>(2, Waits), QStringLiteral("left running")).error.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(cluster.member(1)->pid() > 0 && cluster.member(0)->pid() > 0, 30000);
        pids = {cluster.member(0)->pid(), cluster.member(1)->pid()};
    }
    for (qint64 pid : std::as_const(pids))
        QVERIFY(!processExists(pid));
}

void TestLocalCluster::dataIsRemovedOnlyOnceEveryMemberEnded()
{
    LocalCluster cluster;
    // Each member writes into its data folder, as etcd and rqlited do.
    const QString writes = QStringLiteral("mkdir -p \"$2\" && echo data > \"$2/file\" && echo written; exec sleep 600");
    QVERIFY(cluster.start(std::make_unique<ScriptRecipe>(2, writes), QStringLiteral("writers")).error.isEmpty());
    const QString path = cluster.dataPath();
    QVERIFY(path.startsWith(QDir::tempPath()));
    QTRY_VERIFY_WITH_TIMEOUT(cluster.member(0)->log().lines().contains(QStringLiteral("written"))
                                 && cluster.member(1)->log().lines().contains(QStringLiteral("written")),
                             30000);
    QCOMPARE(cluster.member(0)->dataDir(), QDir(path).filePath(QStringLiteral("data-s1")));
    QVERIFY(QFile::exists(QDir(path).filePath(QStringLiteral("data-s2/file"))));
    QString error;
    QVERIFY(!cluster.removeData(&error));
    QVERIFY(error.contains(QStringLiteral("still running")));
    QVERIFY(QDir(path).exists());

    cluster.stopMember(0);
    QTRY_COMPARE_WITH_TIMEOUT(cluster.member(0)->state(), ClusterMember::State::Stopped, 30000);
    QCOMPARE(cluster.member(1)->state(), ClusterMember::State::Running); // only the one asked
    QVERIFY(!cluster.removeData());
    cluster.stopAll();
    QTRY_COMPARE_WITH_TIMEOUT(cluster.liveCount(), 0, 30000);
    QSignalSpy removed(&cluster, &LocalCluster::dataRemoved);
    QVERIFY(cluster.removeData(&error));
    QCOMPARE(removed.size(), 1);
    QVERIFY(!QDir(path).exists());
    QVERIFY(cluster.dataPath().isEmpty());
    QVERIFY(!cluster.removeData(&error)); // nothing left
}

void TestLocalCluster::anotherClusterWaitsUntilTheFirstHasStopped()
{
    LocalCluster cluster;
    QVERIFY(cluster.start(std::make_unique<ScriptRecipe>(1, Waits), QStringLiteral("first")).error.isEmpty());
    const QString firstData = cluster.dataPath();
    const LocalCluster::Outcome refused = cluster.start(std::make_unique<ScriptRecipe>(1, Waits), QStringLiteral("second"));
    QVERIFY(refused.error.contains(QStringLiteral("first")));
    QCOMPARE(cluster.title(), QStringLiteral("first"));

    cluster.stopAll();
    QTRY_COMPARE_WITH_TIMEOUT(cluster.liveCount(), 0, 30000);
    const LocalCluster::Outcome big =
        cluster.start(std::make_unique<ScriptRecipe>(LocalCluster::MaxSize + 1, Waits), QStringLiteral("big"));
    QVERIFY(big.error.contains(QString::number(LocalCluster::MaxSize)));
    QSignalSpy reset(&cluster, &LocalCluster::reset);
    QVERIFY(cluster.start(std::make_unique<ScriptRecipe>(2, Waits), QStringLiteral("second")).error.isEmpty());
    QCOMPARE(reset.size(), 1);
    QCOMPARE(cluster.count(), 2);
    QCOMPARE(cluster.title(), QStringLiteral("second"));
    QVERIFY(!QDir(firstData).exists()); // the stopped cluster's data went with it
}

QTEST_GUILESS_MAIN(TestLocalCluster)
#include "tst_localcluster.moc"
