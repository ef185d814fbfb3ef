#pragma once

#include "AppSettings.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QWidget;

// The running server's admin API token and the file it is kept in; empty while the
// server is not running.
struct AdminTokenInfo
{
    QString token;
    QString path;
};

// Edits AppSettings, starting from those in use. Changing the address, port or
// database moves the server once the dialog is accepted. commandLine: the options
// this run was started with that differ from the saved settings ("--db demo.sqlite"),
// said above the form. Also where rqlited is, for local rqlite clusters, and the
// admin API token, read-only.
class SettingsDialog : public QDialog
{
    Q_OBJECT

public:
    SettingsDialog(const AppSettings &settings, bool trayAvailable, const AdminTokenInfo &adminToken = {},
                   const QStringList &commandLine = {}, QWidget *parent = nullptr);

    AppSettings settings() const;

private:
    void validate();
    void browseDatabase();
    void browseRqlited();
    QWidget *createAdminTokenBox(const AdminTokenInfo &adminToken);

    QLineEdit *m_bind;
    QSpinBox *m_port;
    QLineEdit *m_database;
    QComboBox *m_timeZone;
    QCheckBox *m_closeToTray;
    QLineEdit *m_rqlited;
    QLabel *m_problem;
    QPushButton *m_okButton;
};
