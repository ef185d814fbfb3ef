#pragma once

#include "TimeText.h"
#include "core/Records.h"
#include "core/StoreResult.h"

#include <QDialog>
#include <QTimer>

#include <functional>

class QCheckBox;
class QComboBox;
class QLabel;
class QListWidget;
class QPushButton;
class QSpinBox;

// Asks what the prune of the given rules would remove now, and calls done with it
// later (on the dialog's thread): a read, so nothing waits for it.
using PrunePreviewDone = std::function<void(const StoreResult<PruneResult> &)>;
using PrunePreview = std::function<void(const PruneRules &rules, PrunePreviewDone done)>;

// Chooses the prune rules and shows, before anything happens, exactly what they
// remove, with counts. Accepting means "prune with rules()". The preview is asked
// for once the form has been still for PreviewDelayMs, not at every keystroke, and
// the Prune button waits for it.
class PruneDialog : public QDialog
{
    Q_OBJECT

public:
    PruneDialog(PrunePreview preview, TimeZoneChoice zone, QWidget *parent = nullptr);

    // The rules the shown preview was made with: what the prune will use.
    const PruneRules &rules() const { return m_rules; }
    const PruneResult &preview() const { return m_preview; }
    // "Removes 2 IDs (with 3 nodes) and 1 node of other IDs", or why nothing.
    QString summary() const;

    static constexpr int PreviewDelayMs = 250;
    // A preview has been asked for and not answered yet (or is about to be asked).
    bool isPreviewing() const { return m_delay.isActive() || m_asked != m_answered; }

public slots:
    // Makes the rules from the form as of now and asks for their preview.
    void updatePreview();

private:
    void formChanged();
    void showPreview(int asked, const StoreResult<PruneResult> &result);
    struct AgeRule
    {
        QCheckBox *enabled;
        QSpinBox *amount;
        QComboBox *unit;
    };
    AgeRule makeAgeRule(const QString &text, const QString &name, int amount, int unitIndex);
    std::optional<Timestamp> cutoff(const AgeRule &rule, Timestamp now) const;

    PrunePreview m_runPreview;
    TimeZoneChoice m_zone;
    AgeRule m_createdBefore;
    QCheckBox *m_noNodes;
    AgeRule m_notSeenSince;
    AgeRule m_kvNotReportedSince;
    QLabel *m_summary;
    QListWidget *m_list;
    QPushButton *m_pruneButton;

    QTimer m_delay; // the form changed: preview once it is still
    int m_asked = 0;    // previews asked for; an answer to an older one is dropped
    int m_answered = 0;
    PruneRules m_rules;
    PruneResult m_preview;
    QString m_error;
};
