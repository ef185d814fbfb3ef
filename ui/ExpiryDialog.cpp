#include "ExpiryDialog.h"

#include "PruneCounts.h"
#include "TableViews.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QGridLayout>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

ExpiryDialog::ExpiryDialog(const ExpiryState &state, ExpiryPreview preview, TimeZoneChoice zone, QWidget *parent)
    : QDialog(parent), m_runPreview(std::move(preview))
{
    setWindowTitle(tr("Automatic Expiry"));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("Remove what is no longer in use, on a schedule, without being asked each time. "
                                "The rules are kept in the database: a headless server on it, and every server "
                                "sharing a PostgreSQL database, applies them too (one of them per sweep). "
                                "With no rule ticked, nothing is ever removed on its own."));
    intro->setWordWrap(true);
    layout->addWidget(intro);

    const ExpiryRules &rules = state.rules;
    m_idsInactive = makeRule(tr("IDs with no activity for more than"), QStringLiteral("idsInactiveRule"),
                             rules.idsInactiveFor, 30, AgeEdit::Days);
    m_emptyIds = makeRule(tr("IDs with no nodes, created and last active more than"), QStringLiteral("emptyIdsRule"),
                          rules.emptyIdsAfter, 1, AgeEdit::Days);
    m_nodesNotSeen = makeRule(tr("Nodes not registered again for more than"), QStringLiteral("nodesNotSeenRule"),
                              rules.nodesNotSeenFor, 7, AgeEdit::Days);
    m_kvNotReported = makeRule(tr("Consul KV keys not written for more than"), QStringLiteral("kvNotReportedRule"),
                               rules.kvNotReportedFor, 1, AgeEdit::Days);
    auto *grid = new QGridLayout;
    grid->setColumnStretch(3, 1);
    for (const auto &[rule, after] : {std::pair{&m_idsInactive, QString()}, std::pair{&m_emptyIds, tr("ago")},
                                      std::pair{&m_nodesNotSeen, QString()}, std::pair{&m_kvNotReported, QString()}}) {
        const int row = grid->rowCount();
        grid->addWidget(rule->enabled, row, 0);
        grid->addWidget(rule->age, row, 1);
        if (!after.isEmpty())
            grid->addWidget(new QLabel(after), row, 2);
    }
    // rqlite 6 nodes and etcd members register once: an age is then an age since start.
    auto *nodesNote = new QLabel(tr("rqlite 6 nodes and etcd members register once, when they start: this rule "
                                    "removes a node that long after its start, running or not. rqlite 7 and later "
                                    "clusters report through their Consul KV key instead."));
    nodesNote->setWordWrap(true);
    nodesNote->setEnabled(false); // greyed: a hint
    grid->addWidget(nodesNote, grid->rowCount(), 0, 1, 4);
    m_every = new AgeEdit(QStringLiteral("sweepEvery"), 1, AgeEdit::Hours);
    m_every->setMinimum(1);
    m_every->setSeconds(rules.interval.count());
    connect(m_every, &AgeEdit::changed, this, &ExpiryDialog::formChanged);
    const int everyRow = grid->rowCount();
    grid->addWidget(new QLabel(tr("Sweep every")), everyRow, 0, Qt::AlignRight);
    grid->addWidget(m_every, everyRow, 1);
    layout->addLayout(grid);

    auto *lastSweep = new QLabel(sweepText(state, Timestamp::now(), zone));
    lastSweep->setObjectName(QStringLiteral("lastSweep"));
    lastSweep->setWordWrap(true);
    layout->addWidget(lastSweep);
    m_problem = new QLabel;
    m_problem->setObjectName(QStringLiteral("expiryProblem"));
    m_problem->setStyleSheet(QStringLiteral("color: #c62828"));
    m_problem->setWordWrap(true);
    m_problem->hide();
    layout->addWidget(m_problem);

    m_summary = makeTableTitle(QStringLiteral("expirySummary"));
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);
    m_table = new PrunePreviewModel(this);
    m_table->setTimeZone(zone);
    QTableView *view = makeTable(m_table, QStringLiteral("expiryTable"));
    view->hideColumn(PrunePreviewModel::RemoveColumn); // a view of what goes: nothing to untick
    layout->addWidget(view, 1);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    m_okButton = buttons->button(QDialogButtonBox::Ok);
    m_okButton->setText(tr("Save Rules"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    m_delay.setSingleShot(true);
    m_delay.setInterval(PreviewDelayMs);
    connect(&m_delay, &QTimer::timeout, this, &ExpiryDialog::updatePreview);
    resize(820, 560);
    updatePreview();
}

ExpiryDialog::Rule ExpiryDialog::makeRule(const QString &text, const QString &name,
                                          const std::optional<ExpiryRules::Age> &current, int amount,
                                          AgeEdit::Unit unit)
{
    Rule rule{new QCheckBox(text), new AgeEdit(name, amount, unit)};
    rule.enabled->setObjectName(name);
    rule.enabled->setChecked(current.has_value());
    rule.age->setMinimum(1);
    if (current)
        rule.age->setSeconds(current->count());
    connect(rule.enabled, &QCheckBox::toggled, this, &ExpiryDialog::formChanged);
    connect(rule.age, &AgeEdit::changed, this, &ExpiryDialog::formChanged);
    return rule;
}

std::optional<ExpiryRules::Age> ExpiryDialog::ageOf(const Rule &rule) const
{
    if (!rule.enabled->isChecked())
        return std::nullopt;
    return ExpiryRules::Age(rule.age->seconds());
}

ExpiryRules ExpiryDialog::rules() const
{
    ExpiryRules rules;
    rules.idsInactiveFor = ageOf(m_idsInactive);
    rules.emptyIdsAfter = ageOf(m_emptyIds);
    rules.nodesNotSeenFor = ageOf(m_nodesNotSeen);
    rules.kvNotReportedFor = ageOf(m_kvNotReported);
    rules.interval = ExpiryRules::Age(m_every->seconds());
    return rules;
}

void ExpiryDialog::formChanged()
{
    m_delay.start();
    m_okButton->setEnabled(false); // until the preview of what is shown arrives
}

void ExpiryDialog::updatePreview()
{
    m_delay.stop();
    // The server's own check of the rules, so the form cannot save what it refuses.
    QString problem;
    const ExpiryRules shown = rules();
    if (!ExpiryRules::fromJson(shown.toJson(), &problem))
        problem = tr("Cannot save these rules: %1").arg(problem);
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    if (!problem.isEmpty()) {
        m_okButton->setEnabled(false);
        return;
    }
    const int asked = m_previews.ask();
    m_previewed = shown;
    m_okButton->setEnabled(false);
    QPointer<ExpiryDialog> self(this);
    m_runPreview(shown, [self, asked](const StoreResult<PruneResult> &result) {
        if (self)
            self->showPreview(asked, result);
    });
}

void ExpiryDialog::showPreview(int asked, const StoreResult<PruneResult> &result)
{
    if (!m_previews.take(asked))
        return; // the form changed since: a newer preview is on its way
    m_error = result.ok() ? QString() : result.error();
    m_preview = result.ok() ? result.value() : PruneResult();
    const Timestamp now = Timestamp::now();
    const auto rule = [](const std::optional<ExpiryRules::Age> &age) {
        return age ? ExpiryRules::ageText(*age) : QString();
    };
    const PrunePreviewModel::Reasons reasons{
        QString(),
        tr("no activity for more than %1").arg(rule(m_previewed.idsInactiveFor)),
        tr("no nodes; created and last active more than %1 ago").arg(rule(m_previewed.emptyIdsAfter)),
        tr("not registered again for more than %1").arg(rule(m_previewed.nodesNotSeenFor)),
        tr("not written for more than %1").arg(rule(m_previewed.kvNotReportedFor))};
    m_table->setPreview(m_preview, m_previewed.pruneRules(now), reasons, now);
    m_summary->setText(summary());
    m_okButton->setEnabled(m_error.isEmpty());
}

QString ExpiryDialog::summary() const
{
    if (!m_error.isEmpty())
        return tr("Cannot preview a sweep: %1").arg(m_error);
    if (m_previewed.isOff())
        return tr("Expiry is off: no rule is ticked, and nothing will be removed on its own.");
    const PruneCounts counts = PruneCounts::of(m_preview);
    if (counts.isEmpty())
        return tr("A sweep now would remove nothing.");
    const QString text = tr("A sweep now would remove %1.").arg(counts.text());
    if (m_preview.listsAll())
        return text;
    return text + u' ' + tr("The table lists the first of them.");
}

QString ExpiryDialog::sweepText(const ExpiryState &state, Timestamp now, TimeZoneChoice zone)
{
    QString last = tr("No sweep has run yet.");
    if (state.lastSweep) {
        const ExpirySweep &sweep = *state.lastSweep;
        const PruneCounts counts = PruneCounts::of(sweep);
        last = tr("Last sweep %1 (%2): %3.")
                   .arg(TimeText::relative(sweep.at, now), TimeText::absolute(sweep.at, zone),
                        counts.isEmpty() ? tr("removed nothing") : tr("removed %1").arg(counts.text()));
    }
    const auto dueAt = state.rules.nextSweepDue(state.lastSweep, now);
    if (!dueAt)
        return state.lastSweep ? last + u' ' + tr("Expiry is off now.") : tr("Expiry is off.");
    const Timestamp due = *dueAt;
    const QString next = due <= now ? tr("The next sweep is due now (within a minute).")
                                    : tr("The next is due %1 (%2).").arg(TimeText::relative(due, now),
                                                                          TimeText::absolute(due, zone));
    return last + u' ' + next;
}
