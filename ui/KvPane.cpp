#include "KvPane.h"

#include "AppController.h"
#include "KvTableModel.h"
#include "RqliteCommands.h"
#include "TableViews.h"
#include "UserPrompts.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace {

// rqlite's -disco-key when it is given none.
const QString DefaultDiscoKey = QStringLiteral("rqlite");

bool touchesKv(const QList<StoreChanges> &transactions)
{
    for (const StoreChanges &changes : transactions) {
        for (const StoreChange &change : changes) {
            switch (change.type) {
            case StoreChange::Type::KvWritten:
            case StoreChange::Type::KvReported:
            case StoreChange::Type::KvDeleted:
            case StoreChange::Type::KvAsked:
            case StoreChange::Type::ChangedElsewhere:
                return true;
            default:
                break;
            }
        }
    }
    return false;
}

} // namespace

KvPane::KvPane(AppController &app, UserPrompts &prompts, QWidget *parent)
    : QWidget(parent), m_app(app), m_prompts(prompts), m_keys(new KvTableModel(this)),
      m_askers(new KvAskerTableModel(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 6, 0, 0);

    m_hint = new QLabel;
    m_hint->setObjectName(QStringLiteral("kvHint"));
    m_hint->setWordWrap(true);
    m_hint->setTextFormat(Qt::PlainText);
    layout->addWidget(m_hint);

    m_keyView = makeTable(m_keys, QStringLiteral("kvKeyView"));
    m_keyView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_keyView->horizontalHeader()->setSectionResizeMode(KvTableModel::ClusterColumn, QHeaderView::Stretch);
    m_keyView->horizontalHeader()->setSectionResizeMode(KvTableModel::ApiColumn, QHeaderView::Stretch);
    for (int column : {int(KvTableModel::ClaimedColumn), int(KvTableModel::ReportedColumn)})
        m_keyView->setColumnWidth(column, 140);
    connect(m_keyView->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        loadAskers();
        updateState();
    });

    auto *askersPane = new QWidget;
    auto *askersLayout = new QVBoxLayout(askersPane);
    askersLayout->setContentsMargins(0, 6, 0, 0);
    m_askersTitle = makeTableTitle(QStringLiteral("kvAskersTitle"));
    askersLayout->addWidget(m_askersTitle);
    m_askerView = makeTable(m_askers, QStringLiteral("kvAskerView"));
    m_askerView->setSelectionMode(QAbstractItemView::NoSelection);
    m_askerView->horizontalHeader()->setSectionResizeMode(KvAskerTableModel::NodeColumn, QHeaderView::Stretch);
    m_askerView->setColumnWidth(KvAskerTableModel::AddressColumn, 160);
    askersLayout->addWidget(m_askerView);

    auto *splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(m_keyView);
    splitter->addWidget(askersPane);
    splitter->setChildrenCollapsible(false);
    layout->addWidget(splitter, 1);

    auto *buttons = new QHBoxLayout;
    m_copyButton = new QPushButton(tr("Copy rqlite Commands"));
    m_copyButton->setObjectName(QStringLiteral("kvCopyCommands"));
    m_copyButton->setToolTip(tr("Three rqlite 8+ nodes that discover each other through this server's Consul KV API"));
    connect(m_copyButton, &QPushButton::clicked, this, &KvPane::copyCommands);
    m_startButton = new QPushButton(tr("Start Local Cluster"));
    m_startButton->setObjectName(QStringLiteral("kvStartCluster"));
    m_startButton->setToolTip(tr("Start those three rqlited nodes on 127.0.0.1 as DiscoDesk's children (rqlited on "
                                 "PATH or chosen in Settings)"));
    connect(m_startButton, &QPushButton::clicked, this, [this] { emit localClusterWanted(discoKey()); });
    m_deleteButton = new QPushButton(tr("Delete Key"));
    m_deleteButton->setObjectName(QStringLiteral("kvDelete"));
    connect(m_deleteButton, &QPushButton::clicked, this, &KvPane::deleteSelectedKey);
    buttons->addWidget(m_copyButton);
    buttons->addWidget(m_startButton);
    buttons->addWidget(m_deleteButton);
    buttons->addStretch(1);
    layout->addLayout(buttons);

    connect(&m_app, &AppController::serverChanged, this, [this] {
        reload();
        updateState();
    });
    updateState();
}

QString KvPane::currentKey() const
{
    const QModelIndexList rows = m_keyView->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : m_keys->entryAt(rows.constFirst().row()).key;
}

void KvPane::selectKey(const QString &key)
{
    const int row = m_keys->rowOf(key);
    if (row < 0)
        m_keyView->clearSelection();
    else
        m_keyView->selectRow(row);
}

void KvPane::reload()
{
    if (!m_app.server().isRunning()) {
        m_keys->setEntries({});
        m_askers->setAskers({}, {});
        updateState();
        return;
    }
    const int reload = ++m_reloads;
    m_app.client().ask([](KvService &kv) { return kv.list(QString(), KvService::Values::Leading); },
                       [this, reload](const StoreResult<KvService::Listing> &listed) {
                           if (reload != m_reloads)
                               return; // a newer reload is on its way
                           if (!listed.ok()) {
                               emit message(tr("Cannot read the Consul KV keys: %1").arg(listed.error()));
                               return;
                           }
                           const QString selected = currentKey();
                           m_keys->setEntries(listed->entries);
                           selectKey(selected); // loads its askers again
                           if (selected.isEmpty())
                               loadAskers();
                           updateState();
                       });
}

void KvPane::applyChanges(const QList<StoreChanges> &transactions)
{
    // A handful of keys, each reported every 10 s: reading them all again is cheap.
    if (touchesKv(transactions))
        reload();
}

void KvPane::loadAskers()
{
    const QString key = currentKey();
    if (key.isEmpty()) {
        m_askers->setAskers({}, {});
        updateState();
        return;
    }
    m_app.client().ask([key](KvService &kv) { return kv.askers(key); },
                       [this, key](const StoreResult<QList<KvAsker>> &found) {
                           if (currentKey() != key)
                               return; // the user has moved on
                           if (!found.ok()) {
                               emit message(tr("Cannot read who asked for %1: %2").arg(key, found.error()));
                               return;
                           }
                           m_askers->setAskers(key, found.value());
                           updateState();
                       });
}

void KvPane::setTimeZone(TimeZoneChoice zone)
{
    m_keys->setTimeZone(zone);
    m_askers->setTimeZone(zone);
}

void KvPane::tick()
{
    const Timestamp now = Timestamp::now();
    m_keys->setNow(now);
    m_askers->setNow(now);
}

QString KvPane::discoKey() const
{
    const QString key = currentKey();
    return key.isEmpty() ? DefaultDiscoKey : KvTableModel::discoKeyOf(key);
}

void KvPane::copyCommands()
{
    const QString key = discoKey();
    QGuiApplication::clipboard()->setText(rqliteKvCommands(m_app.server().url().authority(), key));
    emit message(tr("Copied the commands for a 3-node rqlite cluster with -disco-key %1.").arg(key));
}

void KvPane::deleteSelectedKey()
{
    const QString key = currentKey();
    if (key.isEmpty())
        return;
    if (!m_prompts.confirm(this, tr("Delete Key"),
                           tr("Delete the key %1? A cluster that has formed keeps running; new nodes that "
                              "look for it will start a cluster of their own.")
                               .arg(key)))
        return;
    m_app.client().ask([key](KvService &kv) { return kv.remove(key); },
                       [this, key](const StoreResult<bool> &removed) {
                           if (!removed.ok())
                               m_prompts.showError(this, tr("Delete Key"), tr("Delete Key failed: %1").arg(removed.error()));
                           else
                               emit message(tr("Deleted the key %1.").arg(key));
                       });
}

void KvPane::updateState()
{
    const bool running = m_app.server().isRunning();
    const QUrl url = m_app.server().url();
    m_hint->setText(m_keys->rowCount() > 0
                        ? tr("Keys in this server's Consul KV API, as rqlite 7 and later use it "
                             "(-disco-mode consul-kv).")
                        : tr("No Consul KV keys yet. rqlite 7 and later discover through Consul's KV API: start "
                             "nodes with -disco-mode consul-kv -disco-config '{\"address\":\"%1:%2\"}', or copy "
                             "the commands below; each cluster's leader appears here.")
                              .arg(url.host())
                              .arg(url.port()));
    const QString key = currentKey();
    m_askersTitle->setText(key.isEmpty() ? tr("Select a key to see the nodes that asked for it.")
                                         : tr("Nodes that asked for %1 (voters waiting to join): %2")
                                               .arg(KvTableModel::discoKeyOf(key))
                                               .arg(m_askers->rowCount()));
    m_copyButton->setEnabled(running);
    m_startButton->setEnabled(running);
    m_deleteButton->setEnabled(running && !key.isEmpty());
}
