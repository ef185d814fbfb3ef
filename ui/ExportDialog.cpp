#include "ExportDialog.h"

#include "Plural.h"

#include <QButtonGroup>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

ExportDialog::ExportDialog(int allCount, int selectedCount, const QString &folder, ExportFormat format,
                           QWidget *parent)
    : QDialog(parent), m_folder(folder)
{
    setWindowTitle(tr("Export"));
    auto *form = new QFormLayout;

    m_all = new QRadioButton(tr("All %1").arg(countOf(allCount, tr("ID"), tr("IDs"))));
    m_selected = new QRadioButton(tr("Selected %1").arg(countOf(selectedCount, tr("ID"), tr("IDs"))));
    m_selected->setEnabled(selectedCount > 0);
    (selectedCount > 1 ? m_selected : m_all)->setChecked(true);
    auto *scope = new QVBoxLayout;
    scope->addWidget(m_all);
    scope->addWidget(m_selected);
    // Two groups, or all four radio buttons would exclude each other.
    auto *scopes = new QButtonGroup(this);
    scopes->addButton(m_all);
    scopes->addButton(m_selected);
    form->addRow(tr("Export:"), scope);

    m_json = new QRadioButton(tr("JSON (can be imported again)"));
    m_csv = new QRadioButton(tr("CSV (one row per node, for spreadsheets)"));
    m_csv->setObjectName(QStringLiteral("csvFormat"));
    (format == ExportFormat::Csv ? m_csv : m_json)->setChecked(true);
    auto *formats = new QButtonGroup(this);
    formats->addButton(m_json);
    formats->addButton(m_csv);
    auto *formatRows = new QVBoxLayout;
    formatRows->addWidget(m_json);
    formatRows->addWidget(m_csv);
    form->addRow(tr("Format:"), formatRows);

    const QString name = format == ExportFormat::Csv ? QStringLiteral("discodesk-export.csv")
                                                     : QStringLiteral("discodesk-export.json");
    m_path = new QLineEdit(QDir(folder).filePath(name));
    m_path->setObjectName(QStringLiteral("exportPath"));
    auto *browseButton = new QPushButton(tr("Browse\u2026"));
    browseButton->setObjectName(QStringLiteral("browseButton"));
    auto *file = new QHBoxLayout;
    file->addWidget(m_path, 1);
    file->addWidget(browseButton);
    form->addRow(tr("File:"), file);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    m_exportButton = buttons->addButton(tr("Export"), QDialogButtonBox::AcceptRole);
    m_exportButton->setObjectName(QStringLiteral("exportButton"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(browseButton, &QPushButton::clicked, this, &ExportDialog::browse);
    connect(m_csv, &QRadioButton::toggled, this, &ExportDialog::formatChanged);

    m_problem = new QLabel;
    m_problem->setObjectName(QStringLiteral("exportProblem"));
    m_problem->setStyleSheet(QStringLiteral("color: #c62828"));
    m_problem->setWordWrap(true);
    m_problem->hide();
    connect(m_path, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_exportButton->setEnabled(!text.trimmed().isEmpty());
        m_problem->hide(); // it was about the path before this change
    });

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);
    resize(520, sizeHint().height());
}

ExportRequest ExportDialog::request() const
{
    // A name typed alone goes in the folder offered, not in the program's working
    // folder, which the user never sees.
    const QString typed = m_path->text().trimmed();
    return {typed.isEmpty() ? typed : QDir(m_folder).absoluteFilePath(typed),
            m_csv->isChecked() ? ExportFormat::Csv : ExportFormat::Json, m_selected->isChecked()};
}

void ExportDialog::setPath(const QString &path)
{
    m_path->setText(path);
}

void ExportDialog::accept()
{
    // Checked here, while the user's choices are still on screen to be changed.
    const QString path = request().path;
    const QString problem = whyCannotWrite(path);
    if (!problem.isEmpty()) {
        m_problem->setText(problem);
        m_problem->show();
        return;
    }
    if (path != m_browsed && QFileInfo::exists(path) && !askToReplace(path))
        return;
    QDialog::accept();
}

QString ExportDialog::whyCannotWrite(const QString &path)
{
    const QFileInfo file(path);
    const QFileInfo folder(file.absolutePath());
    const QString shownFolder = QDir::toNativeSeparators(folder.filePath());
    if (file.fileName().isEmpty() || file.isDir())
        return tr("%1 is a folder: add the file's name to it.").arg(QDir::toNativeSeparators(path));
    if (folder.exists() && !folder.isDir())
        return tr("%1 is a file, not a folder.").arg(shownFolder);
    if (!folder.exists())
        return tr("The folder %1 does not exist.").arg(shownFolder);
    // The file is written beside its place first, then moved there (QSaveFile).
    if (!folder.isWritable())
        return tr("Cannot write in the folder %1.").arg(shownFolder);
    if (file.exists() && !file.isWritable())
        return tr("Cannot replace %1: it is read-only.").arg(QDir::toNativeSeparators(path));
    return {};
}

bool ExportDialog::askToReplace(const QString &path)
{
    return QMessageBox::question(this, tr("Export"),
                                 tr("Replace %1?\n\nA file of that name exists; the export takes its place.")
                                     .arg(QDir::toNativeSeparators(path)),
                                 QMessageBox::Yes | QMessageBox::No, QMessageBox::No)
        == QMessageBox::Yes;
}

void ExportDialog::formatChanged()
{
    // Keep the file's extension in step with the format, and its folder as typed (or none).
    const QString typed = m_path->text();
    if (typed.isEmpty())
        return;
    const QFileInfo info(typed);
    const QString suffix = m_csv->isChecked() ? QStringLiteral("csv") : QStringLiteral("json");
    m_path->setText(typed.chopped(info.fileName().size()) + info.completeBaseName() + u'.' + suffix);
}

void ExportDialog::browse()
{
    const QString filter = m_csv->isChecked() ? tr("CSV files (*.csv)") : tr("JSON files (*.json)");
    QString start = request().path;
    // Given a missing folder, the file dialog would open its parent with the folder's
    // name as the file's.
    if (!QFileInfo(QFileInfo(start).absolutePath()).isDir())
        start = QDir(m_folder).filePath(QFileInfo(start).fileName());
    const QString path = QFileDialog::getSaveFileName(this, tr("Export to"), start, filter);
    if (path.isEmpty())
        return;
    m_path->setText(path);
    m_browsed = path;
}
