#include "PruneDialog.h"

#include "Plural.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace {

constexpr qint64 UnitSeconds[] = {60, 3600, 86400}; // minutes, hours, days

} // namespace

PruneDialog::PruneDialog(PrunePreview preview, TimeZoneChoice zone, QWidget *parent)
    : QDialog(parent), m_runPreview(std::move(preview)), m_zone(zone)
{
    setWindowTitle(tr("Prune"));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("Remove what is no longer in use. Each rule is checked on its own; "
                                "an ID that goes takes its nodes with it."));
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto *rulesLayout = new QVBoxLayout;
    m_createdBefore = makeAgeRule(tr("IDs created more than"), QStringLiteral("createdBeforeRule"), 7, 2);
    m_noNodes = new QCheckBox(tr("IDs with no nodes"));
    m_noNodes->setObjectName(QStringLiteral("noNodesRule"));
    m_noNodes->setChecked(true);
    m_notSeenSince = makeAgeRule(tr("Nodes not seen for more than"), QStringLiteral("notSeenSinceRule"), 1, 1);
    // rqlite's leader writes its key every 10 s; one silent this long is gone.
    m_kvNotReportedSince = makeAgeRule(tr("Consul KV keys not written for more than"),
                                       QStringLiteral("kvNotReportedSinceRule"), 1, 1);
    for (const AgeRule *rule : {&m_createdBefore, &m_notSeenSince, &m_kvNotReportedSince}) {
        auto *row = new QHBoxLayout;
        row->addWidget(rule->enabled);
        row->addWidget(rule->amount);
        row->addWidget(rule->unit);
        row->addWidget(new QLabel(tr("ago")));
        row->addStretch();
        rulesLayout->addLayout(row);
        if (rule == &m_createdBefore)
            rulesLayout->addWidget(m_noNodes);
    }
    layout->addLayout(rulesLayout);

    m_summary = new QLabel;
    m_summary->setObjectName(QStringLiteral("pruneSummary"));
    m_summary->setWordWrap(true);
    QFont bold = m_summary->font();
    bold.setBold(true);
    m_summary->setFont(bold);
    layout->addWidget(m_summary);
    m_list = new QListWidget;
    m_list->setObjectName(QStringLiteral("pruneList"));
    layout->addWidget(m_list, 1);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    m_pruneButton = buttons->addButton(tr("Prune"), QDialogButtonBox::AcceptRole);
    m_pruneButton->setObjectName(QStringLiteral("pruneButton"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    m_delay.setSingleShot(true);
    m_delay.setInterval(PreviewDelayMs);
    connect(&m_delay, &QTimer::timeout, this, &PruneDialog::updatePreview);
    connect(m_noNodes, &QCheckBox::toggled, this, &PruneDialog::formChanged);
    resize(560, 420);
    updatePreview();
}

PruneDialog::AgeRule PruneDialog::makeAgeRule(const QString &text, const QString &name, int amount, int unitIndex)
{
    AgeRule rule{new QCheckBox(text), new QSpinBox, new QComboBox};
    rule.enabled->setObjectName(name);
    rule.amount->setObjectName(name + QStringLiteral("Amount"));
    rule.amount->setRange(0, 9999);
    rule.amount->setValue(amount);
    rule.unit->setObjectName(name + QStringLiteral("Unit"));
    rule.unit->addItems({tr("minutes"), tr("hours"), tr("days")});
    rule.unit->setCurrentIndex(unitIndex);
    connect(rule.enabled, &QCheckBox::toggled, this, &PruneDialog::formChanged);
    connect(rule.amount, &QSpinBox::valueChanged, this, &PruneDialog::formChanged);
    connect(rule.unit, &QComboBox::currentIndexChanged, this, &PruneDialog::formChanged);
    return rule;
}

std::optional<Timestamp> PruneDialog::cutoff(const AgeRule &rule, Timestamp now) const
{
    if (!rule.enabled->isChecked())
        return std::nullopt;
    const qint64 seconds = rule.amount->value() * UnitSeconds[std::clamp(rule.unit->currentIndex(), 0, 2)];
    return Timestamp::fromMicroseconds(now.microseconds() - seconds * 1000000);
}

void PruneDialog::formChanged()
{
    // The preview shown is of the rules before: no prune until the new one is shown.
    // Asked for once the form is still: holding an arrow key down must not ask for a
    // preview per step.
    m_pruneButton->setEnabled(false);
    m_delay.start();
}

void PruneDialog::updatePreview()
{
    m_delay.stop();
    // Fixed times, computed once: the prune removes what this preview shows, not
    // what the same ages would mean a minute later.
    const Timestamp now = Timestamp::now();
    m_rules = PruneRules();
    m_rules.createdBefore = cutoff(m_createdBefore, now);
    m_rules.noNodes = m_noNodes->isChecked();
    m_rules.notSeenSince = cutoff(m_notSeenSince, now);
    m_rules.kvNotReportedSince = cutoff(m_kvNotReportedSince, now);
    const int asked = ++m_asked;
    m_pruneButton->setEnabled(false); // until the preview of these rules is shown
    m_summary->setText(tr("Looking for what these rules match\u2026"));
    QPointer<PruneDialog> dialog(this);
    m_runPreview(m_rules, [dialog, asked](const StoreResult<PruneResult> &result) {
        if (dialog)
            dialog->showPreview(asked, result);
    });
}

void PruneDialog::showPreview(int asked, const StoreResult<PruneResult> &result)
{
    if (asked != m_asked)
        return; // the form changed since: a newer preview is on its way
    m_answered = asked;
    const Timestamp now = Timestamp::now();
    m_error = result.ok() ? QString() : result.error();
    m_preview = result.ok() ? result.value() : PruneResult();

    m_list->clear();
    for (const DiscoveryId &id : std::as_const(m_preview.ids)) {
        const QString label = id.label.isEmpty() ? QString() : QStringLiteral(" \u201c%1\u201d").arg(id.label);
        m_list->addItem(tr("ID %1%2: created %3, %4")
                            .arg(id.id, label, TimeText::relative(id.createdAt, now),
                                 countOf(id.nodeCount, tr("node"), tr("nodes"))));
        m_list->item(m_list->count() - 1)->setToolTip(TimeText::absolute(id.createdAt, m_zone));
    }
    for (const PrunedNode &node : std::as_const(m_preview.nodes)) {
        m_list->addItem(tr("Node %1 of %2: last seen %3")
                            .arg(node.address, node.discoveryId, TimeText::relative(node.lastSeen, now)));
        m_list->item(m_list->count() - 1)->setToolTip(TimeText::absolute(node.lastSeen, m_zone));
    }
    for (const KvEntry &entry : std::as_const(m_preview.kvKeys)) {
        m_list->addItem(tr("Consul KV key %1: last written %2")
                            .arg(entry.key, TimeText::relative(entry.reportedAt, now)));
        m_list->item(m_list->count() - 1)->setToolTip(TimeText::absolute(entry.reportedAt, m_zone));
    }
    if (!m_preview.listsAll()) {
        const qint64 unlisted = m_preview.idCount + m_preview.singleNodeCount + m_preview.kvKeyCount - m_list->count();
        m_list->addItem(tr("\u2026 and %1 more, not listed").arg(unlisted));
    }
    m_summary->setText(summary());
    m_pruneButton->setEnabled(m_error.isEmpty() && !m_preview.isEmpty());
}

QString PruneDialog::summary() const
{
    if (!m_error.isEmpty())
        return tr("Cannot preview the prune: %1").arg(m_error);
    if (m_rules.isEmpty())
        return tr("Choose at least one rule.");
    if (m_preview.isEmpty())
        return tr("Nothing matches these rules: nothing would be removed.");
    const QString ids = tr("Removes %1 (with %2) and %3 of other IDs: %4 in all.")
                            .arg(countOf(m_preview.idCount, tr("ID"), tr("IDs")),
                                 countOf(m_preview.nodesOfIdsCount, tr("node"), tr("nodes")),
                                 countOf(m_preview.singleNodeCount, tr("node"), tr("nodes")),
                                 countOf(m_preview.removedNodeCount(), tr("node"), tr("nodes")));
    if (!m_rules.kvNotReportedSince)
        return ids;
    return ids + u' ' + tr("And %1.").arg(countOf(m_preview.kvKeyCount, tr("Consul KV key"), tr("Consul KV keys")));
}
