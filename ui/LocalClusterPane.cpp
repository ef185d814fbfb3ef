#include "LocalClusterPane.h"

#include "LocalClusterModel.h"
#include "TableViews.h"
#include "UserPrompts.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

LocalClusterPane::LocalClusterPane(LocalCluster &cluster, UserPrompts &prompts, QWidget *parent)
    : QWidget(parent), m_cluster(cluster), m_prompts(prompts), m_model(new LocalClusterModel(cluster, this))
{
    // Tight: the window must still show its tables above this at its smallest.
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 0);
    layout->setSpacing(2);

    m_title = new QLabel;
    m_title->setObjectName(QStringLiteral("localClusterTitle"));
    m_title->setTextFormat(Qt::PlainText);
    // A long title is cut rather than widening the window (the tooltip has it whole).
    m_title->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_notice = new QLabel;
    m_notice->setObjectName(QStringLiteral("localClusterNotice"));
    m_notice->setTextFormat(Qt::PlainText);
    m_notice->setWordWrap(true);
    m_notice->setStyleSheet(QStringLiteral("color: #e65100"));
    m_notice->hide();

    m_stopButton = new QPushButton(tr("Stop"));
    m_stopButton->setObjectName(QStringLiteral("stopMember"));
    connect(m_stopButton, &QPushButton::clicked, this, &LocalClusterPane::stopSelected);
    m_stopAllButton = new QPushButton(tr("Stop All"));
    m_stopAllButton->setObjectName(QStringLiteral("stopAllMembers"));
    connect(m_stopAllButton, &QPushButton::clicked, this, &LocalClusterPane::stopAll);
    m_oneMoreButton = new QPushButton(tr("Start One More"));
    m_oneMoreButton->setObjectName(QStringLiteral("startOneMore"));
    connect(m_oneMoreButton, &QPushButton::clicked, this, &LocalClusterPane::startOneMore);
    m_removeButton = new QPushButton(tr("Remove Data"));
    m_removeButton->setObjectName(QStringLiteral("removeClusterData"));
    m_removeButton->setToolTip(tr("Delete the members' data folders (once every member has stopped)"));
    connect(m_removeButton, &QPushButton::clicked, this, &LocalClusterPane::removeData);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_title, 1);
    for (QPushButton *button : {m_stopButton, m_stopAllButton, m_oneMoreButton, m_removeButton})
        buttons->addWidget(button);
    layout->addLayout(buttons);
    layout->addWidget(m_notice);

    m_memberView = makeTable(m_model, QStringLiteral("localMemberView"));
    m_memberView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_memberView->setContextMenuPolicy(Qt::NoContextMenu);
    m_memberView->horizontalHeader()->setSectionResizeMode(LocalClusterModel::LastLineColumn, QHeaderView::Stretch);
    m_memberView->setColumnWidth(LocalClusterModel::MemberColumn, 64);
    m_memberView->setColumnWidth(LocalClusterModel::StateColumn, 180);
    m_memberView->setColumnWidth(LocalClusterModel::PortsColumn, 120);
    m_memberView->setColumnWidth(LocalClusterModel::PidColumn, 64);
    connect(m_memberView->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        showLog();
        updateState();
    });

    auto *logPane = new QWidget;
    auto *logLayout = new QVBoxLayout(logPane);
    logLayout->setContentsMargins(0, 0, 0, 0);
    m_logTitle = makeTableTitle(QStringLiteral("localLogTitle"));
    m_log = new QPlainTextEdit;
    m_log->setObjectName(QStringLiteral("localMemberLog"));
    m_log->setReadOnly(true);
    m_log->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_log->setMaximumBlockCount(LogTail::MaxLines);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    // The log follows its end, unless the user scrolls back to read; at the end again, it follows again.
    QScrollBar *bar = m_log->verticalScrollBar();
    connect(bar, &QScrollBar::actionTriggered, this, [this, bar] { m_followLog = bar->sliderPosition() >= bar->maximum(); });
    logLayout->addWidget(m_logTitle);
    logLayout->addWidget(m_log, 1);

    // The log under the members: its lines are long, and want the dock's width.
    auto *splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(m_memberView);
    splitter->addWidget(logPane);
    splitter->setChildrenCollapsible(false);
    // Three members in view, and the log below takes what the dock's height has left.
    const int rows = m_memberView->verticalHeader()->defaultSectionSize();
    const int header = 2 * m_memberView->frameWidth() + m_memberView->horizontalHeader()->sizeHint().height();
    m_memberView->setMinimumHeight(header + rows);
    m_log->setMinimumHeight(2 * m_log->fontMetrics().lineSpacing() + 2 * m_log->frameWidth());
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({header + 3 * rows, 5 * rows});
    layout->addWidget(splitter, 1);

    connect(&m_cluster, &LocalCluster::reset, this, [this] {
        m_seen.clear();
        for (int i = 0; i < m_cluster.count(); ++i)
            m_seen << m_cluster.member(i)->state();
        m_servingSaid = false;
        m_notice->hide();
        selectMember(0);
        showLog();
        updateState();
    });
    connect(&m_cluster, &LocalCluster::memberAdded, this, [this](int index) {
        m_seen.insert(index, m_cluster.member(index)->state());
        updateState();
    });
    connect(&m_cluster, &LocalCluster::memberChanged, this, &LocalClusterPane::onMemberChanged);
    connect(&m_cluster, &LocalCluster::memberLogged, this, &LocalClusterPane::onLogged);
    connect(&m_cluster, &LocalCluster::dataRemoved, this, &LocalClusterPane::updateState);
    showLog();
    updateState();
}

bool LocalClusterPane::areNodes() const
{
    return m_cluster.recipe() && m_cluster.recipe()->kind() == ClusterRecipe::Kind::Rqlite;
}

int LocalClusterPane::currentMember() const
{
    const QModelIndexList rows = m_memberView->selectionModel()->selectedRows();
    return rows.isEmpty() ? -1 : rows.constFirst().row();
}

void LocalClusterPane::selectMember(int index)
{
    if (index >= 0 && index < m_model->rowCount())
        m_memberView->selectRow(index);
}

bool LocalClusterPane::start(std::unique_ptr<ClusterRecipe> recipe, const QString &title)
{
    const QString members = LocalClusterModel::countText(recipe->kind(), recipe->size());
    const LocalCluster::Outcome outcome = m_cluster.start(std::move(recipe), title);
    if (!outcome.error.isEmpty()) {
        m_prompts.showError(this, tr("Start Local Cluster"),
                            tr("The local cluster of %1 was not started: %2.").arg(title, outcome.error));
        return false;
    }
    emit message(tr("Started %1 of %2 on 127.0.0.1; their data is in %3.")
                     .arg(members, title, m_cluster.dataPath()));
    reportMoved(outcome.moved);
    return true;
}

void LocalClusterPane::reportMoved(const QList<LocalCluster::MovedPort> &moved)
{
    if (moved.isEmpty())
        return;
    QStringList lines;
    for (const LocalCluster::MovedPort &port : moved) {
        lines << tr("%1's %2 port %3 is taken on 127.0.0.1 (something else listens there); it uses %4 instead.")
                     .arg(port.member, port.port)
                     .arg(port.wanted)
                     .arg(port.used);
    }
    const QString text = lines.join(u' ');
    m_notice->setText(text);
    m_notice->show();
    emit message(text);
}

void LocalClusterPane::stopSelected()
{
    m_cluster.stopMember(currentMember());
}

void LocalClusterPane::stopAll()
{
    m_cluster.stopAll();
}

void LocalClusterPane::startOneMore()
{
    const LocalCluster::Outcome outcome = m_cluster.addMember();
    if (!outcome.error.isEmpty()) {
        m_prompts.showError(this, tr("Start One More"), tr("No member was added: %1.").arg(outcome.error));
        return;
    }
    const ClusterMember &added = *m_cluster.member(m_cluster.count() - 1);
    emit message(areNodes() ? tr("Started %1 beyond the cluster's size.").arg(added.name())
                            : tr("Started %1 beyond the token's size: see what etcd makes of it.").arg(added.name()));
    reportMoved(outcome.moved);
    selectMember(m_cluster.count() - 1);
}

void LocalClusterPane::removeData()
{
    const QString path = m_cluster.dataPath();
    QString error;
    if (!m_cluster.removeData(&error))
        return m_prompts.showError(this, tr("Remove Data"), tr("The data was not removed: %1.").arg(error));
    emit message(tr("Removed the local cluster's data, %1.").arg(path));
}

void LocalClusterPane::onMemberChanged(int index)
{
    if (index < 0 || index >= m_seen.size())
        return;
    const ClusterMember &member = *m_cluster.member(index);
    const ClusterMember::State before = std::exchange(m_seen[index], member.state());
    if (before != member.state() && LocalClusterModel::endedBadly(member)) {
        // Its last lines say why: show them.
        emit message(tr("%1 of %2 ended on its own (%3); its log is in the Local Cluster dock.")
                         .arg(member.name(), m_cluster.title(), LocalClusterModel::stateText(member)));
        selectMember(index);
    }
    const int size = m_cluster.recipe() ? m_cluster.recipe()->size() : 0;
    const auto signs = m_cluster.recipe() ? m_cluster.recipe()->signs() : QList<LogSign>();
    const bool saysWhenReady = std::any_of(signs.cbegin(), signs.cend(), [](const LogSign &sign) { return sign.ready; });
    bool allServe = saysWhenReady && size > 0 && m_cluster.count() >= size;
    for (int i = 0; allServe && i < size; ++i)
        allServe = m_cluster.member(i)->state() == ClusterMember::State::Running;
    if (allServe && !std::exchange(m_servingSaid, true))
        emit message(tr("The local cluster of %1 has formed: all %2 serve clients.").arg(m_cluster.title()).arg(size));
    updateState();
}

void LocalClusterPane::onLogged(int index, const QStringList &lines)
{
    if (index != currentMember())
        return;
    m_log->appendPlainText(lines.join(u'\n'));
    if (m_followLog)
        showLogEnd();
}

void LocalClusterPane::showLog()
{
    const int index = currentMember();
    if (index < 0) {
        m_logTitle->setText(tr("Log: select a member"));
        m_log->clear();
        return;
    }
    const ClusterMember &member = *m_cluster.member(index);
    m_logTitle->setText(tr("Log of %1 (last %2 lines)").arg(member.name()).arg(LogTail::MaxLines));
    m_logTitle->setToolTip(tr("What %1 wrote to its standard output and error, as it came").arg(member.name()));
    m_log->setPlainText(member.log().lines().join(u'\n'));
    m_followLog = true;
    showLogEnd();
}

void LocalClusterPane::showLogEnd()
{
    // Through the cursor (the scroll bar's maximum follows the text's layout only
    // later), at the last line's start: its beginning, the time, stays in view.
    m_log->moveCursor(QTextCursor::End);
    m_log->moveCursor(QTextCursor::StartOfBlock);
    m_log->ensureCursorVisible();
}

void LocalClusterPane::updateState()
{
    const int live = m_cluster.liveCount();
    const int index = currentMember();
    const bool nodes = areNodes();
    if (!m_cluster.recipe()) {
        m_title->setText(tr("No local cluster. Select an etcd token or an rqlite ID and choose Start Local "
                            "Cluster: DiscoDesk starts its members here, on 127.0.0.1."));
        m_title->setToolTip(m_title->text());
    } else {
        m_title->setText(tr("%1: %2 of %3 running")
                             .arg(m_cluster.title())
                             .arg(live)
                             .arg(LocalClusterModel::countText(m_cluster.recipe()->kind(), m_cluster.count())));
        m_title->setToolTip(m_cluster.dataPath().isEmpty() ? tr("Their data has been removed.")
                                                           : tr("Their data is in %1").arg(m_cluster.dataPath()));
    }
    m_stopButton->setEnabled(index >= 0 && m_cluster.member(index)->isLive());
    m_stopButton->setText(nodes ? tr("Stop Node") : tr("Stop Member"));
    m_stopAllButton->setEnabled(live > 0);
    m_oneMoreButton->setEnabled(m_cluster.canAddMember());
    m_oneMoreButton->setToolTip(nodes ? tr("Start a node beyond the cluster's size: it joins the cluster")
                                      : tr("Start a member beyond the token's size: etcd makes it a proxy to the "
                                           "cluster, as it does when the token is full"));
    m_removeButton->setEnabled(live == 0 && !m_cluster.dataPath().isEmpty());
}
