#include "ExportDialog.h"

#include "Plural.h"

#include <QButtonGroup>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

ExportDialog::ExportDialog(int allCount, int selectedCount, const QString &folder, ExportFormat format,
                           QWidget *parent)
    : QDialog(parent)
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
    connect(m_path, &QLineEdit::textChanged, this,
            [this](const QString &text) { m_exportButton->setEnabled(!text.trimmed().isEmpty()); });

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
    resize(520, sizeHint().height());
}

ExportRequest ExportDialog::request() const
{
    return {m_path->text().trimmed(), m_csv->isChecked() ? ExportFormat::Csv : ExportFormat::Json,
            m_selected->isChecked()};
}

void ExportDialog::setPath(const QString &path)
{
    m_path->setText(path);
}

void ExportDialog::formatChanged()
{
    // Keep the file's extension in step with the format.
    const QFileInfo info(m_path->text());
    const QString suffix = m_csv->isChecked() ? QStringLiteral("csv") : QStringLiteral("json");
    if (!m_path->text().isEmpty())
        m_path->setText(info.dir().filePath(info.completeBaseName() + u'.' + suffix));
}

void ExportDialog::browse()
{
    const QString filter = m_csv->isChecked() ? tr("CSV files (*.csv)") : tr("JSON files (*.json)");
    const QString path = QFileDialog::getSaveFileName(this, tr("Export to"), m_path->text(), filter);
    if (!path.isEmpty())
        m_path->setText(path);
}
