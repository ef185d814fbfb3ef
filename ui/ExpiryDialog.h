#pragma once

#include "AgeEdit.h"
#include "LatestAnswer.h"
#include "PrunePreviewModel.h"
#include "TimeText.h"
#include "core/ExpiryRules.h"
#include "core/StoreResult.h"

#include <QDialog>
#include <QTimer>

#include <functional>

class QCheckBox;
class QLabel;
class QPushButton;

// The expiry rules as the database holds them, and the last sweep by any server.
struct ExpiryState
{
    ExpiryRules rules;
    std::optional<ExpirySweep> lastSweep;
};

// Asks what a sweep by the given rules would remove now (the Prune engine's dry run),
// and calls done with it later, on the dialog's thread.
using ExpiryPreviewDone = std::function<void(const StoreResult<PruneResult> &)>;
using ExpiryPreview = std::function<void(const ExpiryRules &rules, ExpiryPreviewDone done)>;

// Sets the automatic expiry rules: which, how old, how often. Shows the last sweep and
// when the next is due, and, as the rules are edited, what a sweep by them would
// remove now. Accepting means "store rules()".
class ExpiryDialog : public QDialog
{
    Q_OBJECT

public:
    ExpiryDialog(const ExpiryState &state, ExpiryPreview preview, TimeZoneChoice zone, QWidget *parent = nullptr);

    ExpiryRules rules() const;
    PrunePreviewModel *table() const { return m_table; }
    // "Would remove 2 IDs (with 3 nodes) now.", or why nothing.
    QString summary() const;
    bool isPreviewing() const { return m_delay.isActive() || m_previews.isWaiting(); }

    static constexpr int PreviewDelayMs = 250;
    // "Last sweep 2 hours ago (14:00:10): removed 3 IDs (7 nodes). Next sweep due in
    // 58 minutes.", or that expiry is off, or that no sweep has run.
    static QString sweepText(const ExpiryState &state, Timestamp now, TimeZoneChoice zone);

public slots:
    void updatePreview();

private:
    struct Rule
    {
        QCheckBox *enabled;
        AgeEdit *age;
    };
    Rule makeRule(const QString &text, const QString &name, const std::optional<ExpiryRules::Age> &current,
                  int amount, AgeEdit::Unit unit);
    std::optional<ExpiryRules::Age> ageOf(const Rule &rule) const;
    void formChanged();
    void showPreview(int asked, const StoreResult<PruneResult> &result);

    ExpiryPreview m_runPreview;
    Rule m_idsInactive;
    Rule m_emptyIds;
    Rule m_nodesNotSeen;
    Rule m_kvNotReported;
    AgeEdit *m_every;
    QLabel *m_problem;
    QLabel *m_summary;
    PrunePreviewModel *m_table;
    QPushButton *m_okButton;
    QTimer m_delay;
    LatestAnswer m_previews; // an answer to an older preview is dropped
    ExpiryRules m_previewed;
    PruneResult m_preview;
    QString m_error;
};
