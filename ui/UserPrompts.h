#pragma once

#include "AppSettings.h"
#include "ExpiryDialog.h"
#include "ExportDialog.h"
#include "FileChoices.h"
#include "NewEtcdTokenDialog.h"
#include "PruneDialog.h"
#include "SettingsDialog.h"

#include <optional>

class QSettings;
class QWidget;

// Everything the window asks the user, in one interface: the program shows real
// dialogs (DialogPrompts), tests answer from a script without modal dialogs.
// Every ask returns nothing (or false) when the user cancelled.
class UserPrompts
{
public:
    virtual ~UserPrompts() = default;

    virtual std::optional<QString> askLabel(QWidget *parent, const QString &title, const QString &current) = 0;
    virtual std::optional<EtcdTokenRequest> askEtcdToken(QWidget *parent) = 0;
    virtual bool confirm(QWidget *parent, const QString &title, const QString &question) = 0;
    virtual std::optional<PruneRules> askPruneRules(QWidget *parent, const PrunePreview &preview,
                                                    TimeZoneChoice zone) = 0;
    virtual std::optional<ExpiryRules> askExpiryRules(QWidget *parent, const ExpiryState &state,
                                                      const ExpiryPreview &preview, TimeZoneChoice zone) = 0;
    virtual std::optional<ExportRequest> askExport(QWidget *parent, int allCount, int selectedCount) = 0;
    virtual QString askImportFile(QWidget *parent) = 0;
    // current: the settings in use; commandLine: the options of this run that differ
    // from the saved settings.
    virtual std::optional<AppSettings> askSettings(QWidget *parent, const AppSettings &current,
                                                   bool trayAvailable, const AdminTokenInfo &adminToken,
                                                   const QStringList &commandLine) = 0;

    virtual void inform(QWidget *parent, const QString &title, const QString &text) = 0;
    virtual void showError(QWidget *parent, const QString &title, const QString &text) = 0;
    virtual void showAbout(QWidget *parent, const QString &text) = 0;
};

// The real, modal dialogs.
class DialogPrompts final : public UserPrompts
{
public:
    // settings keeps where Export and Import were last used (FileChoices).
    explicit DialogPrompts(QSettings &settings);

    std::optional<QString> askLabel(QWidget *parent, const QString &title, const QString &current) override;
    std::optional<EtcdTokenRequest> askEtcdToken(QWidget *parent) override;
    bool confirm(QWidget *parent, const QString &title, const QString &question) override;
    std::optional<PruneRules> askPruneRules(QWidget *parent, const PrunePreview &preview,
                                            TimeZoneChoice zone) override;
    std::optional<ExpiryRules> askExpiryRules(QWidget *parent, const ExpiryState &state, const ExpiryPreview &preview,
                                              TimeZoneChoice zone) override;
    std::optional<ExportRequest> askExport(QWidget *parent, int allCount, int selectedCount) override;
    QString askImportFile(QWidget *parent) override;
    std::optional<AppSettings> askSettings(QWidget *parent, const AppSettings &current, bool trayAvailable,
                                           const AdminTokenInfo &adminToken, const QStringList &commandLine) override;
    void inform(QWidget *parent, const QString &title, const QString &text) override;
    void showError(QWidget *parent, const QString &title, const QString &text) override;
    void showAbout(QWidget *parent, const QString &text) override;

private:
    FileChoices m_files;
};
