#pragma once

#include "AppSettings.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

// Edits AppSettings. Changing the address, port or database restarts the server in
// place once the dialog is accepted.
class SettingsDialog : public QDialog
{
    Q_OBJECT

public:
    SettingsDialog(const AppSettings &settings, bool trayAvailable, QWidget *parent = nullptr);

    AppSettings settings() const;

private:
    void validate();
    void browseDatabase();

    QLineEdit *m_bind;
    QSpinBox *m_port;
    QLineEdit *m_database;
    QComboBox *m_timeZone;
    QCheckBox *m_closeToTray;
    QLabel *m_problem;
    QPushButton *m_okButton;
};
