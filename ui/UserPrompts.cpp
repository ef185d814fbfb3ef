#include "UserPrompts.h"

#include "core/Validation.h"

#include <QFileDialog>
#include <QInputDialog>
#include <QMessageBox>

DialogPrompts::DialogPrompts(QSettings &settings) : m_files(settings) {}

std::optional<QString> DialogPrompts::askLabel(QWidget *parent, const QString &title, const QString &current)
{
    QInputDialog dialog(parent);
    dialog.setWindowTitle(title);
    dialog.setLabelText(QObject::tr("Label (your own note, such as the cluster's name; may be empty):"));
    dialog.setTextValue(current);
    dialog.resize(420, dialog.sizeHint().height());
    if (dialog.exec() != QDialog::Accepted)
        return std::nullopt;
    return Validation::firstCharacters(dialog.textValue().trimmed(), Validation::MaxLabelLength).toString();
}

std::optional<EtcdTokenRequest> DialogPrompts::askEtcdToken(QWidget *parent)
{
    NewEtcdTokenDialog dialog(parent);
    if (dialog.exec() != QDialog::Accepted)
        return std::nullopt;
    return dialog.request();
}

bool DialogPrompts::confirm(QWidget *parent, const QString &title, const QString &question)
{
    return QMessageBox::question(parent, title, question, QMessageBox::Yes | QMessageBox::Cancel,
                                 QMessageBox::Cancel)
        == QMessageBox::Yes;
}

std::optional<PruneRules> DialogPrompts::askPruneRules(QWidget *parent, const PrunePreview &preview,
                                                       TimeZoneChoice zone)
{
    PruneDialog dialog(preview, zone, parent);
    if (dialog.exec() != QDialog::Accepted)
        return std::nullopt;
    return dialog.rules();
}

std::optional<ExpiryRules> DialogPrompts::askExpiryRules(QWidget *parent, const ExpiryState &state,
                                                         const ExpiryPreview &preview, TimeZoneChoice zone)
{
    ExpiryDialog dialog(state, preview, zone, parent);
    if (dialog.exec() != QDialog::Accepted)
        return std::nullopt;
    return dialog.rules();
}

std::optional<ExportRequest> DialogPrompts::askExport(QWidget *parent, int allCount, int selectedCount)
{
    ExportDialog dialog(allCount, selectedCount, m_files.exportFolder(), m_files.exportFormat(), parent);
    if (dialog.exec() != QDialog::Accepted)
        return std::nullopt;
    const ExportRequest request = dialog.request();
    // Kept now, not once written: if the write fails, the next Export starts here again.
    m_files.rememberExport(request.path, request.format);
    return request;
}

QString DialogPrompts::askImportFile(QWidget *parent)
{
    // An existing folder: given a missing one, the file dialog opens its parent with
    // the folder's name as the file's.
    const QString path = QFileDialog::getOpenFileName(parent, QObject::tr("Import"), m_files.importFolder(),
                                                      QObject::tr("DiscoDesk exports (*.json);;All files (*)"));
    if (!path.isEmpty())
        m_files.rememberImport(path);
    return path;
}

std::optional<AppSettings> DialogPrompts::askSettings(QWidget *parent, const AppSettings &current,
                                                      bool trayAvailable, const AdminTokenInfo &adminToken,
                                                      const QStringList &commandLine)
{
    SettingsDialog dialog(current, trayAvailable, adminToken, commandLine, parent);
    if (dialog.exec() != QDialog::Accepted)
        return std::nullopt;
    return dialog.settings();
}

void DialogPrompts::inform(QWidget *parent, const QString &title, const QString &text)
{
    QMessageBox::information(parent, title, text);
}

void DialogPrompts::showError(QWidget *parent, const QString &title, const QString &text)
{
    QMessageBox::warning(parent, title, text);
}

void DialogPrompts::showAbout(QWidget *parent, const QString &text)
{
    QMessageBox::about(parent, QObject::tr("About DiscoDesk"), text);
}
