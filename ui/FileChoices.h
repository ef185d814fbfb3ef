#pragma once

#include "service/ExportFiles.h"

#include <QString>

class QSettings;

// Where Export and Import start: the folder (and, for Export, the format) last used,
// kept in QSettings (group "files"). A folder that is gone is never offered: they
// start in the usual folder instead.
class FileChoices
{
public:
    explicit FileChoices(QSettings &settings);

    // Documents if it exists, else the home folder.
    static QString usualFolder();

    QString exportFolder() const;
    ExportFormat exportFormat() const;
    QString importFolder() const;

    // path: the file chosen; its folder is what the next time starts in.
    void rememberExport(const QString &path, ExportFormat format);
    void rememberImport(const QString &path);

private:
    QString existingFolder(const QString &key) const;
    void rememberFolder(const QString &key, const QString &path);

    QSettings &m_settings;
};
