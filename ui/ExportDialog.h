#pragma once

#include "service/ExportFiles.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;

struct ExportRequest
{
    QString path;
    ExportFormat format = ExportFormat::Json;
    bool selectedOnly = false; // only the IDs selected in the window
};

// Chooses what to export (all IDs or the selected ones), the format and the file,
// starting with a file in folder, in format. It closes only on a file it can write:
// otherwise it says why and keeps the user's choices; replacing a file is asked first.
class ExportDialog : public QDialog
{
    Q_OBJECT

public:
    ExportDialog(int allCount, int selectedCount, const QString &folder, ExportFormat format,
                 QWidget *parent = nullptr);

    // The path is absolute: a file name typed without a folder is in the folder offered.
    ExportRequest request() const;
    void setPath(const QString &path);

    void accept() override;

private:
    void browse();
    void formatChanged();
    // Empty if the export can be written to path; else what to change, for the user.
    static QString whyCannotWrite(const QString &path);
    bool askToReplace(const QString &path);

    QString m_folder;
    QString m_browsed; // the file Browse... chose: its file dialog asked before replacing it

    QRadioButton *m_all;
    QRadioButton *m_selected;
    QRadioButton *m_json;
    QRadioButton *m_csv;
    QLineEdit *m_path;
    QPushButton *m_exportButton;
    QLabel *m_problem;
};
