#include "FileChoices.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>

namespace {

const QString Group = QStringLiteral("files/");
const QString ExportFolderKey = Group + QStringLiteral("exportFolder");
const QString ExportFormatKey = Group + QStringLiteral("exportFormat");
const QString ImportFolderKey = Group + QStringLiteral("importFolder");

bool isFolder(const QString &path)
{
    return !path.isEmpty() && QFileInfo(path).isDir();
}

} // namespace

FileChoices::FileChoices(QSettings &settings) : m_settings(settings) {}

QString FileChoices::usualFolder()
{
    // Documents is named even where it was never made (a server, a fresh account); a
    // file dialog given a missing folder opens its parent with the name as a file.
    const QString documents = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    return isFolder(documents) ? documents : QDir::homePath();
}

QString FileChoices::exportFolder() const
{
    return existingFolder(ExportFolderKey);
}

ExportFormat FileChoices::exportFormat() const
{
    return m_settings.value(ExportFormatKey).toString() == u"csv" ? ExportFormat::Csv : ExportFormat::Json;
}

QString FileChoices::importFolder() const
{
    return existingFolder(ImportFolderKey);
}

void FileChoices::rememberExport(const QString &path, ExportFormat format)
{
    rememberFolder(ExportFolderKey, path);
    m_settings.setValue(ExportFormatKey, format == ExportFormat::Csv ? QStringLiteral("csv") : QStringLiteral("json"));
}

void FileChoices::rememberImport(const QString &path)
{
    rememberFolder(ImportFolderKey, path);
}

QString FileChoices::existingFolder(const QString &key) const
{
    const QString remembered = m_settings.value(key).toString();
    return isFolder(remembered) ? remembered : usualFolder();
}

void FileChoices::rememberFolder(const QString &key, const QString &path)
{
    m_settings.setValue(key, QFileInfo(path).absolutePath());
}
