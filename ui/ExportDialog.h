#pragma once

#include "service/ExportFiles.h"

#include <QDialog>

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
// starting with a file in folder, in format.
class ExportDialog : public QDialog
{
    Q_OBJECT

public:
    ExportDialog(int allCount, int selectedCount, const QString &folder, ExportFormat format,
                 QWidget *parent = nullptr);

    ExportRequest request() const;
    void setPath(const QString &path);

private:
    void browse();
    void formatChanged();

    QRadioButton *m_all;
    QRadioButton *m_selected;
    QRadioButton *m_json;
    QRadioButton *m_csv;
    QLineEdit *m_path;
    QPushButton *m_exportButton;
};
