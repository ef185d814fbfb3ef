#pragma once

#include "TimeText.h"
#include "core/Records.h"
#include "store/Store.h"

#include <QDialog>

#include <functional>

class QCheckBox;
class QComboBox;
class QLabel;
class QListWidget;
class QPushButton;
class QSpinBox;

// Runs a dry run of the prune for the given rules: exactly what it would remove now.
using PrunePreview = std::function<StoreResult<PruneResult>(const PruneRules &)>;

// Chooses the prune rules and shows, before anything happens, exactly what they
// remove, with counts. Accepting means "prune with rules()".
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

public slots:
    // Makes the rules from the form as of now and runs the dry run again.
    void updatePreview();

private:
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
    QLabel *m_summary;
    QListWidget *m_list;
    QPushButton *m_pruneButton;

    PruneRules m_rules;
    PruneResult m_preview;
    QString m_error;
};
