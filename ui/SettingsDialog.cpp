#include "SettingsDialog.h"

#include "RqlitedProgram.h"

#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

SettingsDialog::SettingsDialog(const AppSettings &settings, bool trayAvailable, const AdminTokenInfo &adminToken,
                               const QStringList &commandLine, QWidget *parent)
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
    m_database->setToolTip(tr("A SQLite file of this computer, or a PostgreSQL database shared with other "
                              "DiscoDesk servers: postgresql://user@host:port/dbname"));
    auto *browse = new QPushButton(tr("Browse\u2026"));
    auto *databaseRow = new QHBoxLayout;
    databaseRow->addWidget(m_database, 1);
    databaseRow->addWidget(browse);
    form->addRow(tr("Database:"), databaseRow);
    auto *databaseHint = new QLabel(tr("A file, or postgresql://user@host:port/dbname"));
    databaseHint->setEnabled(false); // greyed: a hint, not a setting
    form->addRow(QString(), databaseHint);

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

    // rqlited is not in Debian: a user may have it anywhere.
    m_rqlited = new QLineEdit(settings.rqlitedPath);
    m_rqlited->setObjectName(QStringLiteral("rqlitedPath"));
    const QString onPath = RqlitedProgram::find({});
    m_rqlited->setPlaceholderText(onPath.isEmpty() ? tr("none on PATH") : tr("on PATH: %1").arg(onPath));
    m_rqlited->setToolTip(tr("The rqlited that local rqlite clusters run; empty: the first on PATH"));
    auto *browseRqlited = new QPushButton(tr("Browse\u2026"));
    auto *rqlitedRow = new QHBoxLayout;
    rqlitedRow->addWidget(m_rqlited, 1);
    rqlitedRow->addWidget(browseRqlited);
    form->addRow(tr("rqlited program:"), rqlitedRow);
    auto *rqlitedHint = new QLabel(tr("For Start Local Cluster on rqlite IDs and Consul KV keys; releases at %1")
                                       .arg(QLatin1String(RqlitedProgram::ReleasesUrl)));
    rqlitedHint->setEnabled(false); // greyed: a hint, not a setting
    rqlitedHint->setWordWrap(true);
    form->addRow(QString(), rqlitedHint);

    m_problem = new QLabel;
    m_problem->setStyleSheet(QStringLiteral("color: #c62828"));
    m_problem->setWordWrap(true);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    m_okButton = buttons->button(QDialogButtonBox::Ok);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(browse, &QPushButton::clicked, this, &SettingsDialog::browseDatabase);
    connect(browseRqlited, &QPushButton::clicked, this, &SettingsDialog::browseRqlited);
    connect(m_bind, &QLineEdit::textChanged, this, &SettingsDialog::validate);

    auto *layout = new QVBoxLayout(this);
    if (!commandLine.isEmpty()) {
        auto *note = new QLabel(tr("This run was started with %1: shown below. What you change here is saved "
                                   "for later runs too; what you leave stays this run's only.")
                                    .arg(commandLine.join(QStringLiteral(", "))));
        note->setObjectName(QStringLiteral("commandLineNote"));
        note->setTextFormat(Qt::PlainText);
        note->setWordWrap(true);
        layout->addWidget(note);
    }
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addWidget(createAdminTokenBox(adminToken));
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
    result.rqlitedPath = m_rqlited->text().trimmed();
    return result;
}

QWidget *SettingsDialog::createAdminTokenBox(const AdminTokenInfo &adminToken)
{
    auto *box = new QGroupBox(tr("Admin API token"));
    const bool known = !adminToken.token.isEmpty();

    auto *token = new QLineEdit(adminToken.token);
    token->setObjectName(QStringLiteral("adminToken"));
    token->setReadOnly(true);
    token->setEchoMode(QLineEdit::Password); // a secret: hidden until asked for
    token->setPlaceholderText(tr("shown while the server is running"));
    token->setCursorPosition(0); // shown from its start
    auto *show = new QPushButton(tr("Show"));
    show->setObjectName(QStringLiteral("showAdminToken"));
    show->setCheckable(true);
    show->setEnabled(known);
    connect(show, &QPushButton::toggled, token, [token, show](bool visible) {
        token->setEchoMode(visible ? QLineEdit::Normal : QLineEdit::Password);
        show->setText(visible ? tr("Hide") : tr("Show"));
    });
    auto *copy = new QPushButton(tr("Copy"));
    copy->setObjectName(QStringLiteral("copyAdminToken"));
    copy->setEnabled(known);
    connect(copy, &QPushButton::clicked, copy, [copy, value = adminToken.token] {
        QGuiApplication::clipboard()->setText(value);
        copy->setText(tr("Copied"));
    });
    auto *tokenRow = new QHBoxLayout;
    tokenRow->addWidget(token, 1);
    tokenRow->addWidget(show);
    tokenRow->addWidget(copy);

    auto *path = new QLabel(known ? tr("Kept in %1 (readable by you only).").arg(adminToken.path) : QString());
    path->setObjectName(QStringLiteral("adminTokenPath"));
    path->setTextFormat(Qt::PlainText);
    path->setTextInteractionFlags(Qt::TextSelectableByMouse);
    path->setWordWrap(true);
    auto *why = new QLabel(tr("Needed only when the server listens beyond loopback (an address other than "
                              "127.0.0.1 or ::1): the admin API (/api/v1) then asks for the header "
                              "\"Authorization: Bearer <token>\". rqlite and etcd nodes never need it."));
    why->setTextFormat(Qt::PlainText);
    why->setWordWrap(true);

    auto *layout = new QVBoxLayout(box);
    layout->addLayout(tokenRow);
    layout->addWidget(path);
    layout->addWidget(why);
    return box;
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

void SettingsDialog::browseRqlited()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("rqlited program"), m_rqlited->text());
    if (!path.isEmpty())
        m_rqlited->setText(path);
}
