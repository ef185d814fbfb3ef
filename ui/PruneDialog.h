#pragma once

#include "AgeEdit.h"
#include "LatestAnswer.h"
#include "PruneCounts.h"
#include "PrunePreviewModel.h"
#include "TimeText.h"
#include "core/Records.h"
#include "core/StoreResult.h"

#include <QDialog>
#include <QTimer>

#include <functional>

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;

// Asks what the prune of the given rules would remove now, and calls done with it
// later (on the dialog's thread): a read, so nothing waits for it.
using PrunePreviewDone = std::function<void(const StoreResult<PruneResult> &)>;
using PrunePreview = std::function<void(const PruneRules &rules, PrunePreviewDone done)>;

// Chooses the prune rules and shows, before anything happens, exactly what they
// remove: a table of it, with counts, where unticking a row keeps it. Accepting
// means "prune with rules()". The preview is asked for once the form has been still
// for PreviewDelayMs, not at every keystroke, and the Prune button waits for it.
class PruneDialog : public QDialog
{
    Q_OBJECT

public:
    PruneDialog(PrunePreview preview, TimeZoneChoice zone, QWidget *parent = nullptr);

    // The rules the shown preview was made with, keeping the unticked rows: what the
    // prune will use.
    PruneRules rules() const { return m_table->keeping(m_rules); }
    const PruneResult &preview() const { return m_preview; }
    PrunePreviewModel *table() const { return m_table; }
    // "Removes 2 IDs (with 3 nodes) and 1 node of 1 other ID.", or why nothing.
    QString summary() const;

    static constexpr int PreviewDelayMs = 250;
    // The age "IDs with no nodes" starts with: nothing made or active in the last hour
    // goes, as rqlite's nodes register seconds after their ID is made, and a
    // restarting cluster has no nodes for a moment.
    static constexpr int NoNodesDefaultHours = 1;
    // A preview has been asked for and not answered yet (or is about to be asked).
    bool isPreviewing() const { return m_delay.isActive() || m_previews.isWaiting(); }

public slots:
    // Makes the rules from the form as of now and asks for their preview.
    void updatePreview();

private:
    struct AgeRule
    {
        QCheckBox *enabled;
        AgeEdit *age;
    };
    AgeRule makeAgeRule(const QString &text, const QString &name, int amount, AgeEdit::Unit unit,
                        bool checked = false);
    std::optional<Timestamp> cutoff(const AgeRule &rule, Timestamp now) const;
    PrunePreviewModel::Reasons reasons() const;
    void formChanged();
    void showPreview(int asked, const StoreResult<PruneResult> &result);
    void showCounts();

    PrunePreview m_runPreview;
    AgeRule m_createdBefore;
    AgeRule m_noNodes;
    AgeRule m_notSeenSince;
    AgeRule m_kvNotReportedSince;
    QLabel *m_summary;
    QLabel *m_unlisted;
    PrunePreviewModel *m_table;
    QPushButton *m_pruneButton;

    QTimer m_delay; // the form changed: preview once it is still
    LatestAnswer m_previews; // an answer to an older preview is dropped
    PruneRules m_rules;
    PrunePreviewModel::Reasons m_reasons; // the rules' words, with them
    PruneResult m_preview;
    QString m_error;
};
