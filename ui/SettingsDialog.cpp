#include "SettingsDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

SettingsDialog::SettingsDialog(const AppSettings &settings, bool trayAvailable, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Settings"));
    auto *form = new QFormLayout;

    m_bind = new QLineEdit(settings.bindAddress);
    m_bind->setObjectName(QStringLiteral("bindAddress"));
    m_bind->setToolTip(tr("127.0.0.1 accepts this machine only; anything else lets other machines register."));
    form->addRow(tr("Listen on address:"), m_bind);

    m_port = new QSpinBox;
    m_port->setObjectName(QStringLiteral("port"));
    m_port->setRange(0, 65535);
    m_port->setValue(settings.port);
    m_port->setSpecialValueText(tr("any free port"));
    form->addRow(tr("Port:"), m_port);

    m_database = new QLineEdit(settings.databasePath);
    m_database->setObjectName(QStringLiteral("databasePath"));
    m_database->setPlaceholderText(ServerConfig::defaultDatabasePath());
    auto *browse = new QPushButton(tr("Browse\u2026"));
    auto *databaseRow = new QHBoxLayout;
    databaseRow->addWidget(m_database, 1);
    databaseRow->addWidget(browse);
    form->addRow(tr("Database file:"), databaseRow);

    m_timeZone = new QComboBox;
    m_timeZone->setObjectName(QStringLiteral("timeZone"));
    m_timeZone->addItems({tr("Local time"), tr("UTC")});
    m_timeZone->setCurrentIndex(settings.timeZone == TimeZoneChoice::Utc ? 1 : 0);
    form->addRow(tr("Show times in:"), m_timeZone);

    m_closeToTray = new QCheckBox(tr("Closing the window keeps the server running in the tray"));
    m_closeToTray->setObjectName(QStringLiteral("closeToTray"));
    m_closeToTray->setChecked(settings.closeToTray);
    m_closeToTray->setEnabled(trayAvailable);
    if (!trayAvailable)
        m_closeToTray->setToolTip(tr("This desktop has no system tray."));
    form->addRow(QString(), m_closeToTray);

    m_problem = new QLabel;
    m_problem->setStyleSheet(QStringLiteral("color: #c62828"));
    m_problem->setWordWrap(true);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    m_okButton = buttons->button(QDialogButtonBox::Ok);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(browse, &QPushButton::clicked, this, &SettingsDialog::browseDatabase);
    connect(m_bind, &QLineEdit::textChanged, this, &SettingsDialog::validate);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);
    validate();
    resize(560, sizeHint().height());
}

AppSettings SettingsDialog::settings() const
{
    AppSettings result;
    result.bindAddress = m_bind->text().trimmed();
    result.port = quint16(m_port->value());
    result.databasePath = m_database->text().trimmed();
    result.timeZone = m_timeZone->currentIndex() == 1 ? TimeZoneChoice::Utc : TimeZoneChoice::Local;
    result.closeToTray = m_closeToTray->isChecked();
    return result;
}

void SettingsDialog::validate()
{
    const QString problem = settings().checkBindAddress();
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    m_okButton->setEnabled(problem.isEmpty());
}

void SettingsDialog::browseDatabase()
{
    const QString current = m_database->text().isEmpty() ? ServerConfig::defaultDatabasePath() : m_database->text();
    const QString path = QFileDialog::getSaveFileName(this, tr("Database file"), current,
                                                      tr("SQLite databases (*.sqlite *.db);;All files (*)"),
                                                      nullptr, QFileDialog::DontConfirmOverwrite);
    if (!path.isEmpty())
        m_database->setText(path);
}
