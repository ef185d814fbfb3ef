#pragma once

#include "UserPrompts.h"

#include <functional>

// Answers the window's questions from a test, and records what it told the user (for
// the suites that link the window, discodesk_ui).
class ScriptedPrompts final : public UserPrompts
{
public:
    QStringList labels;                 // answers to askLabel, in order
    QList<EtcdTokenRequest> etcdTokens; // answers to askEtcdToken, in order
    bool confirmAnswer = true;
    QStringList questions;              // what confirm() asked
    std::function<std::optional<PruneRules>(QWidget *, const PrunePreview &)> pruneAnswer;
    std::function<std::optional<ExpiryRules>(QWidget *, const ExpiryState &, const ExpiryPreview &)> expiryAnswer;
    std::optional<ExportRequest> exportAnswer;
    QString importPath;
    std::optional<AppSettings> settingsAnswer;
    // When set, answers askSettings instead of settingsAnswer (to look at the real dialog).
    std::function<std::optional<AppSettings>(QWidget *, const AppSettings &, const AdminTokenInfo &,
                                             const QStringList &)>
        settingsDialog;
    QStringList errors;
    QStringList infos;
    QString about;

    std::optional<QString> askLabel(QWidget *, const QString &, const QString &) override
    {
        if (labels.isEmpty())
            return std::nullopt;
        return labels.takeFirst();
    }
    std::optional<EtcdTokenRequest> askEtcdToken(QWidget *) override
    {
        if (etcdTokens.isEmpty())
            return std::nullopt;
        return etcdTokens.takeFirst();
    }
    bool confirm(QWidget *, const QString &, const QString &question) override
    {
        questions << question;
        return confirmAnswer;
    }
    std::optional<PruneRules> askPruneRules(QWidget *parent, const PrunePreview &preview, TimeZoneChoice) override
    {
        return pruneAnswer ? pruneAnswer(parent, preview) : std::nullopt;
    }
    std::optional<ExpiryRules> askExpiryRules(QWidget *parent, const ExpiryState &state, const ExpiryPreview &preview,
                                              TimeZoneChoice) override
    {
        return expiryAnswer ? expiryAnswer(parent, state, preview) : std::nullopt;
    }
    std::optional<ExportRequest> askExport(QWidget *, int, int) override { return exportAnswer; }
    QString askImportFile(QWidget *) override { return importPath; }
    std::optional<AppSettings> askSettings(QWidget *parent, const AppSettings &current, bool,
                                           const AdminTokenInfo &adminToken, const QStringList &commandLine) override
    {
        return settingsDialog ? settingsDialog(parent, current, adminToken, commandLine) : settingsAnswer;
    }
    void inform(QWidget *, const QString &, const QString &text) override { infos << text; }
    void showError(QWidget *, const QString &, const QString &text) override { errors << text; }
    void showAbout(QWidget *, const QString &text) override { about = text; }
};
