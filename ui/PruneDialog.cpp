#include "PruneDialog.h"

#include "AgeEdit.h"
#include "TableViews.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <iterator>


PruneDialog::PruneDialog(PrunePreview preview, TimeZoneChoice zone, QWidget *parent)
    : QDialog(parent), m_runPreview(std::move(preview))
{
    setWindowTitle(tr("Prune"));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("Remove what is no longer in use. Each rule is checked on its own; "
                                "an ID that goes takes its nodes with it. Untick a row to keep it."));
    intro->setWordWrap(true);
    layout->addWidget(intro);

    m_createdBefore = makeAgeRule(tr("IDs created more than"), QStringLiteral("createdBeforeRule"), 7, AgeEdit::Days);
    m_noNodes = makeAgeRule(tr("IDs with no nodes, created and last active more than"), QStringLiteral("noNodesRule"),
                            NoNodesDefaultHours, AgeEdit::Hours, true);
    m_notSeenSince = makeAgeRule(tr("Nodes not seen for more than"), QStringLiteral("notSeenSinceRule"), 1, AgeEdit::Hours);
    // rqlite's leader writes its key every 10 s; one silent this long is gone.
    m_kvNotReportedSince = makeAgeRule(tr("Consul KV keys not written for more than"),
                                       QStringLiteral("kvNotReportedSinceRule"), 1, AgeEdit::Hours);
    auto *rulesLayout = new QGridLayout;
    rulesLayout->setColumnStretch(3, 1);
    layout->addLayout(rulesLayout);
    for (const auto &[rule, after] : {std::pair{&m_createdBefore, tr("ago")}, std::pair{&m_noNodes, tr("ago")},
                                      std::pair{&m_notSeenSince, QString()},
                                      std::pair{&m_kvNotReportedSince, QString()}}) {
        const int row = rulesLayout->rowCount();
        rulesLayout->addWidget(rule->enabled, row, 0);
        rulesLayout->addWidget(rule->age, row, 1);
        if (!after.isEmpty())
            rulesLayout->addWidget(new QLabel(after), row, 2);
    }

    m_summary = makeTableTitle(QStringLiteral("pruneSummary"));
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);
    m_unlisted = new QLabel;
    m_unlisted->setObjectName(QStringLiteral("pruneUnlisted"));
    m_unlisted->setWordWrap(true);
    m_unlisted->hide();
    layout->addWidget(m_unlisted);
    m_table = new PrunePreviewModel(this);
    m_table->setTimeZone(zone);
    QTableView *view = makeTable(m_table, QStringLiteral("pruneTable"));
    // Set widths, not fitted to the rows: fitting reads every row, and there may be thousands.
    const QFontMetrics metrics = view->fontMetrics();
    for (const auto &[column, sample] : {std::pair{PrunePreviewModel::RemoveColumn, tr("Remove")},
                                        std::pair{PrunePreviewModel::KindColumn, tr("Consul KV key")},
                                        std::pair{PrunePreviewModel::NameColumn, QString(36, u'0')},
                                        std::pair{PrunePreviewModel::LabelColumn, QString(12, u'x')},
                                        std::pair{PrunePreviewModel::CreatedColumn, tr("59 min ago")},
                                        std::pair{PrunePreviewModel::NodesColumn, QStringLiteral("localhost:4002")}})
        view->setColumnWidth(column, metrics.horizontalAdvance(sample) + 24);
    view->horizontalHeader()->setStretchLastSection(true);
    layout->addWidget(view, 1);
    connect(m_table, &PrunePreviewModel::countsChanged, this, &PruneDialog::showCounts);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    m_pruneButton = buttons->addButton(tr("Prune"), QDialogButtonBox::AcceptRole);
    m_pruneButton->setObjectName(QStringLiteral("pruneButton"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    m_delay.setSingleShot(true);
    m_delay.setInterval(PreviewDelayMs);
    connect(&m_delay, &QTimer::timeout, this, &PruneDialog::updatePreview);
    resize(1040, 600);
    updatePreview();
}

PruneDialog::AgeRule PruneDialog::makeAgeRule(const QString &text, const QString &name, int amount,
                                              AgeEdit::Unit unit, bool checked)
{
    AgeRule rule{new QCheckBox(text), new AgeEdit(name, amount, unit)};
    rule.enabled->setObjectName(name);
    rule.enabled->setChecked(checked);
    connect(rule.enabled, &QCheckBox::toggled, this, &PruneDialog::formChanged);
    connect(rule.age, &AgeEdit::changed, this, &PruneDialog::formChanged);
    return rule;
}

std::optional<Timestamp> PruneDialog::cutoff(const AgeRule &rule, Timestamp now) const
{
    if (!rule.enabled->isChecked())
        return std::nullopt;
    return Timestamp::fromMicroseconds(now.microseconds() - rule.age->seconds() * 1000000);
}

PrunePreviewModel::Reasons PruneDialog::reasons() const
{
    return {tr("created more than %1 ago").arg(m_createdBefore.age->text()),
            QString(), // no such rule here
            tr("no nodes; created and last active more than %1 ago").arg(m_noNodes.age->text()),
            tr("not seen for more than %1").arg(m_notSeenSince.age->text()),
            tr("not written for more than %1").arg(m_kvNotReportedSince.age->text())};
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
    m_rules.noNodes = m_noNodes.enabled->isChecked();
    m_rules.noNodesInactiveSince = cutoff(m_noNodes, now);
    m_rules.notSeenSince = cutoff(m_notSeenSince, now);
    m_rules.kvNotReportedSince = cutoff(m_kvNotReportedSince, now);
    m_reasons = reasons();
    const int asked = m_previews.ask();
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
    if (!m_previews.take(asked))
        return; // the form changed since: a newer preview is on its way
    m_error = result.ok() ? QString() : result.error();
    m_preview = result.ok() ? result.value() : PruneResult();
    // A bounded page (the store lists at most PruneResult::MaxListed of each kind),
    // however big the store: the counts say the rest.
    const qint64 all = m_preview.idCount + m_preview.singleNodeCount + m_preview.kvKeyCount;
    const qint64 listed = m_preview.ids.size() + m_preview.nodes.size() + m_preview.kvKeys.size();
    m_unlisted->setText(tr("The table lists the first %1 of %2; the other %3 are removed too.")
                            .arg(listed).arg(all).arg(all - listed));
    m_unlisted->setVisible(!m_preview.listsAll());
    m_table->setPreview(m_preview, m_rules, m_reasons, Timestamp::now()); // shows the counts
}

void PruneDialog::showCounts()
{
    m_summary->setText(summary());
    m_pruneButton->setEnabled(m_error.isEmpty() && !isPreviewing() && !m_table->counts().isEmpty());
}

QString PruneDialog::summary() const
{
    if (!m_error.isEmpty())
        return tr("Cannot preview the prune: %1").arg(m_error);
    if (m_rules.isEmpty())
        return tr("Choose at least one rule.");
    if (m_preview.isEmpty())
        return tr("Nothing matches these rules: nothing would be removed.");
    const PruneCounts counts = m_table->counts();
    if (counts.isEmpty())
        return tr("Nothing would be removed: every row is unticked.");
    return tr("Removes %1.").arg(counts.text());
}
