// The Prune dialog (offscreen) over a real store in a temporary folder: what its
// default rules leave, how it words what it removes, and rows a user unticks being
// kept by the prune it returns.

#include "PruneDialog.h"
#include "PrunePreviewModel.h"
#include "service/DiscoveryService.h"
#include "service/KvService.h"
#include "store/Store.h"
#include "support/TestDatabase.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

namespace {

constexpr qint64 Hour = 3600;

Timestamp secondsAgo(qint64 seconds)
{
    return Timestamp::fromMicroseconds(Timestamp::now().microseconds() - seconds * 1'000'000);
}

// Waits until the dialog shows the preview of its rules as they are now.
bool previewShown(const PruneDialog &dialog)
{
    return QTest::qWaitFor([&dialog] { return !dialog.isPreviewing(); }, 10000);
}

// "kind | ID or key | nodes | why", and "(kept)" for an unticked row.
QStringList rowsOf(const PrunePreviewModel &model)
{
    QStringList rows;
    for (int row = 0; row < model.rowCount(); ++row) {
        QStringList cells;
        for (int column : {PrunePreviewModel::KindColumn, PrunePreviewModel::NameColumn,
                           PrunePreviewModel::NodesColumn, PrunePreviewModel::WhyColumn})
            cells << model.index(row, column).data().toString();
        rows << cells.join(QStringLiteral(" | ")) + (model.isRemoved(row) ? QString() : QStringLiteral(" (kept)"));
    }
    return rows;
}

QStringList unitTexts(const QComboBox *units)
{
    QStringList texts;
    for (int i = 0; i < units->count(); ++i)
        texts << units->itemText(i);
    return texts;
}

// What a user does with the keyboard: the row's tick box current, then Space.
void toggle(PruneDialog &dialog, int row)
{
    auto *view = dialog.findChild<QTableView *>(QStringLiteral("pruneTable"));
    view->setCurrentIndex(view->model()->index(row, PrunePreviewModel::RemoveColumn));
    QTest::keyClick(view, Qt::Key_Space);
}

} // namespace

class TestPruneDialog : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<DiscoveryService> m_service;
    std::unique_ptr<KvService> m_kv;
    Timestamp m_clock; // the time the service writes

    // The window's road, shortened: the preview is asked for now and answered later.
    PrunePreview preview()
    {
        return [this](const PruneRules &rules, PrunePreviewDone done) {
            QTimer::singleShot(0, this, [this, rules, done = std::move(done)] { done(m_service->previewPrune(rules)); });
        };
    }
    QString createAt(Timestamp when, const QString &label = {})
    {
        m_clock = when;
        const auto created = m_service->createId(DiscoveryKind::Rqlite, label, std::nullopt);
        return created.ok() ? created->id : QString();
    }
    bool registerAt(Timestamp when, const QString &id, const QString &address)
    {
        m_clock = when;
        return m_service->registerNode(id, address, QStringLiteral("127.0.0.1")).ok();
    }
    // Ticks a rule with its age: unit 0 minutes, 1 hours, 2 days.
    static void check(PruneDialog &dialog, const char *rule, int amount, int unit)
    {
        const QString name = QString::fromLatin1(rule);
        dialog.findChild<QSpinBox *>(name + QStringLiteral("Amount"))->setValue(amount);
        dialog.findChild<QComboBox *>(name + QStringLiteral("Unit"))->setCurrentIndex(unit);
        dialog.findChild<QCheckBox *>(name)->setChecked(true);
    }

private slots:
    void init()
    {
        QString error;
        const QString location = TestDatabase::create(m_dir.path(), &error);
        QVERIFY2(!location.isEmpty(), qPrintable(error));
        m_store = Store::open(location, &error);
        QVERIFY2(m_store, qPrintable(error));
        m_service = std::make_unique<DiscoveryService>(*m_store, [this] { return m_clock; });
        m_kv = std::make_unique<KvService>(*m_store, [this] { return m_clock; });
    }
    void cleanup()
    {
        m_kv.reset();
        m_service.reset();
        m_store.reset();
    }

    // The issue: the default prune removed IDs made seconds before, whose nodes were
    // about to register. By default nothing made or active in the last hour goes.
    void defaultRulesLeaveWhatIsNewOrActive()
    {
        const QString old = createAt(secondsAgo(2 * Hour), QStringLiteral("forgotten"));
        const QString justMade = createAt(secondsAgo(5));
        const QString restarting = createAt(secondsAgo(3 * Hour));
        QVERIFY(registerAt(secondsAgo(2 * Hour), restarting, QStringLiteral("localhost:4002")));
        m_clock = secondsAgo(60); // its last node went a minute ago
        QVERIFY(m_service->removeNode(restarting, QStringLiteral("localhost:4002")).ok());

        PruneDialog dialog(preview(), TimeZoneChoice::Utc);
        QVERIFY(previewShown(dialog));
        QVERIFY(dialog.findChild<QCheckBox *>(QStringLiteral("noNodesRule"))->isChecked());
        QCOMPARE(dialog.findChild<QSpinBox *>(QStringLiteral("noNodesRuleAmount"))->value(), 1);
        QCOMPARE(dialog.findChild<QComboBox *>(QStringLiteral("noNodesRuleUnit"))->currentText(), QStringLiteral("hour"));
        for (const char *other : {"createdBeforeRule", "notSeenSinceRule", "kvNotReportedSinceRule"})
            QVERIFY2(!dialog.findChild<QCheckBox *>(QString::fromLatin1(other))->isChecked(), other);

        QCOMPARE(rowsOf(*dialog.table()),
                 QStringList{QStringLiteral("rqlite ID | %1 | 0 | no nodes; created and last active more than "
                                            "1 hour ago").arg(old)});
        QCOMPARE(dialog.table()->index(0, PrunePreviewModel::LabelColumn).data().toString(), QStringLiteral("forgotten"));
        QCOMPARE(dialog.summary(), QStringLiteral("Removes 1 ID."));
        QVERIFY(dialog.findChild<QPushButton *>(QStringLiteral("pruneButton"))->isEnabled());
        // The age is a rule the store applies, not a filter of the dialog's.
        const PruneRules rules = dialog.rules();
        QVERIFY(rules.noNodes && rules.noNodesInactiveSince);
        QVERIFY(*rules.noNodesInactiveSince <= secondsAgo(Hour));

        const auto pruned = m_service->prune(rules);
        QVERIFY2(pruned.ok(), qPrintable(pruned.error()));
        QCOMPARE(pruned->idCount, 1);
        QVERIFY(!m_service->findId(old)->has_value());
        QVERIFY(m_service->findId(justMade)->has_value());
        QVERIFY(m_service->findId(restarting)->has_value());
    }

    void agesAndCountsReadNaturally()
    {
        // Two old IDs with fresh nodes, three that lose two stale nodes each and keep
        // a fresh one, and a Consul KV key no leader wrote for two hours.
        for (int i = 0; i < 2; ++i) {
            const QString id = createAt(secondsAgo(3 * 24 * Hour));
            for (int node = 0; node < 2; ++node)
                QVERIFY(registerAt(secondsAgo(60), id, QStringLiteral("old%1:%2").arg(i).arg(node)));
        }
        for (int i = 0; i < 3; ++i) {
            const QString id = createAt(secondsAgo(24 * Hour));
            for (int node = 0; node < 2; ++node)
                QVERIFY(registerAt(secondsAgo(2 * Hour), id, QStringLiteral("stale%1:%2").arg(i).arg(node)));
            QVERIFY(registerAt(secondsAgo(60), id, QStringLiteral("fresh%1:1").arg(i)));
        }
        m_clock = secondsAgo(2 * Hour);
        QVERIFY(m_kv->put(QStringLiteral("silent/leader"), QByteArray("{}"), 0).ok());

        PruneDialog dialog(preview(), TimeZoneChoice::Utc);
        QVERIFY(previewShown(dialog));
        QCOMPARE(dialog.summary(), QStringLiteral("Nothing matches these rules: nothing would be removed."));

        // "1 hour", "2 hours": the units follow the number.
        auto *amount = dialog.findChild<QSpinBox *>(QStringLiteral("notSeenSinceRuleAmount"));
        auto *units = dialog.findChild<QComboBox *>(QStringLiteral("notSeenSinceRuleUnit"));
        QCOMPARE(unitTexts(units), (QStringList{QStringLiteral("minute"), QStringLiteral("hour"), QStringLiteral("day")}));
        amount->setValue(2);
        QCOMPARE(unitTexts(units), (QStringList{QStringLiteral("minutes"), QStringLiteral("hours"), QStringLiteral("days")}));
        QCOMPARE(unitTexts(dialog.findChild<QComboBox *>(QStringLiteral("createdBeforeRuleUnit"))),
                 (QStringList{QStringLiteral("minutes"), QStringLiteral("hours"), QStringLiteral("days")}));

        check(dialog, "notSeenSinceRule", 1, 1);
        dialog.findChild<QCheckBox *>(QStringLiteral("noNodesRule"))->setChecked(false);
        QVERIFY(previewShown(dialog));
        QCOMPARE(dialog.summary(), QStringLiteral("Removes 6 nodes of 3 IDs."));
        const QStringList rows = rowsOf(*dialog.table());
        const auto stale = std::find_if(rows.begin(), rows.end(), [](const QString &row) {
            return row.section(QStringLiteral(" | "), 2, 2) == u"stale0:0";
        });
        QVERIFY(stale != rows.end());
        QVERIFY2(stale->startsWith(QStringLiteral("node | ")), qPrintable(*stale));
        QVERIFY2(stale->section(QStringLiteral(" | "), 3).startsWith(QStringLiteral(
                     "not seen for more than 1 hour (last seen ")), qPrintable(*stale));

        check(dialog, "createdBeforeRule", 2, 2);
        QVERIFY(previewShown(dialog));
        QCOMPARE(dialog.summary(), QStringLiteral("Removes 2 IDs (with 4 nodes) and 6 nodes of 3 other IDs."));
        QCOMPARE(rowsOf(*dialog.table()).constFirst().section(QStringLiteral(" | "), 3),
                 QStringLiteral("created more than 2 days ago"));

        check(dialog, "kvNotReportedSinceRule", 90, 0);
        QVERIFY(previewShown(dialog));
        QCOMPARE(dialog.summary(),
                 QStringLiteral("Removes 2 IDs (with 4 nodes), 6 nodes of 3 other IDs and 1 Consul KV key."));
        QCOMPARE(rowsOf(*dialog.table()).constLast().section(QStringLiteral(" | "), 0, 1),
                 QStringLiteral("Consul KV key | silent/leader"));
    }

    // Unticked rows are left out of the counts at once, and kept by the prune.
    void untickedRowsAreKept()
    {
        QStringList empty;
        for (int i = 0; i < 3; ++i)
            empty << createAt(secondsAgo((3 - i) * 24 * Hour)); // oldest first, as listed
        const QString quiet = createAt(secondsAgo(24 * Hour));
        for (const QString &address : {QStringLiteral("a:1"), QStringLiteral("b:1")})
            QVERIFY(registerAt(secondsAgo(2 * Hour), quiet, address));
        QVERIFY(registerAt(secondsAgo(60), quiet, QStringLiteral("fresh:1")));

        PruneDialog dialog(preview(), TimeZoneChoice::Utc);
        QAbstractItemModelTester tester(dialog.table(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        check(dialog, "notSeenSinceRule", 1, 1);
        QVERIFY(previewShown(dialog));
        QCOMPARE(dialog.summary(), QStringLiteral("Removes 3 IDs and 2 nodes of 1 other ID."));
        QCOMPARE(dialog.table()->rowCount(), 5);

        toggle(dialog, 1);
        QCOMPARE(rowsOf(*dialog.table()).at(1), QStringLiteral("rqlite ID | %1 | 0 | no nodes; created and last "
                                                              "active more than 1 hour ago (kept)").arg(empty.at(1)));
        QCOMPARE(dialog.summary(), QStringLiteral("Removes 2 IDs and 2 nodes of 1 other ID."));
        toggle(dialog, 3);
        QCOMPARE(dialog.summary(), QStringLiteral("Removes 2 IDs and 1 node of 1 other ID."));
        toggle(dialog, 4); // the ID keeps both its stale nodes: it is no longer touched
        QCOMPARE(dialog.summary(), QStringLiteral("Removes 2 IDs."));
        toggle(dialog, 4);
        QCOMPARE(dialog.summary(), QStringLiteral("Removes 2 IDs and 1 node of 1 other ID."));

        PruneRules rules = dialog.rules();
        QCOMPARE(rules.keepIds, QSet<QString>{empty.at(1)});
        QCOMPARE(rules.keepNodes, (QSet<PruneRules::NodeRef>{{quiet, QStringLiteral("a:1")}}));

        // A change of rules keeps what is unticked where it is listed again.
        dialog.findChild<QSpinBox *>(QStringLiteral("noNodesRuleAmount"))->setValue(2);
        QVERIFY(previewShown(dialog));
        QCOMPARE(dialog.summary(), QStringLiteral("Removes 2 IDs and 1 node of 1 other ID."));
        QCOMPARE(dialog.rules().keepIds, rules.keepIds);
        rules = dialog.rules();

        // Unticked all: no prune to offer.
        for (int row : {0, 2, 4})
            toggle(dialog, row);
        QCOMPARE(dialog.summary(), QStringLiteral("Nothing would be removed: every row is unticked."));
        QVERIFY(!dialog.findChild<QPushButton *>(QStringLiteral("pruneButton"))->isEnabled());

        // The rules as they were before: what is unticked stays.
        const auto pruned = m_service->prune(rules);
        QVERIFY2(pruned.ok(), qPrintable(pruned.error()));
        QCOMPARE(pruned->idCount, 2);
        QCOMPARE(pruned->singleNodeCount, 1);
        QVERIFY(!m_service->findId(empty.at(0))->has_value());
        QVERIFY(m_service->findId(empty.at(1))->has_value());
        QVERIFY(!m_service->findId(empty.at(2))->has_value());
        QCOMPARE(m_service->findId(quiet)->value().nodeCount, 2); // a:1 and fresh:1
    }
};

QTEST_MAIN(TestPruneDialog)
#include "tst_prunedialog.moc"
