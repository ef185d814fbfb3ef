// Where Export and Import start, and what the Export dialog checks before it closes:
// the real FileChoices and dialogs (offscreen), a temporary home folder (QStandardPaths
// in test mode) and a temporary settings file.

#include "ExportDialog.h"
#include "FileChoices.h"
#include "UserPrompts.h"

#include <QApplication>
#include <QDir>
#include <QFileDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

namespace {

// Answers the modal window of type Window once it is the one on top, from the event
// loop of the exec() that shows it: looked for on every pass of that loop, so nothing
// depends on how long anything takes. owner ends the looking; the flag says whether
// it was answered.
template <class Window>
std::shared_ptr<bool> whenShown(QObject *owner, std::function<void(Window *)> answer)
{
    auto answered = std::make_shared<bool>(false);
    auto *timer = new QTimer(owner);
    QObject::connect(timer, &QTimer::timeout, timer, [timer, answered, answer = std::move(answer)] {
        auto *window = qobject_cast<Window *>(QApplication::activeModalWidget());
        if (!window)
            return;
        timer->stop();
        *answered = true;
        answer(window);
    });
    timer->start(0);
    return answered;
}

template <class Widget>
Widget *child(QWidget *parent, const char *name)
{
    return parent->findChild<Widget *>(QLatin1String(name));
}

QByteArray contents(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("(unreadable)");
}

} // namespace

class TestFileDialogs : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();

    void withoutDocumentsHomeIsOffered();
    void theLastFolderAndFormatComeBack();
    void aRememberedFolderThatIsGoneFallsBack();
    void exportStartsWhereTheLastOneWent();
    void importOpensInTheFolder();
    void theDialogSaysWhyItCannotWrite_data();
    void theDialogSaysWhyItCannotWrite();
    void anExistingFileIsReplacedOnlyIfTheUserSaysSo();
    void aFileChosenWithBrowseIsNotAskedAboutTwice();
    void browseNeverStartsInAMissingFolder();
    void aFileNameAloneGoesInTheFolderOffered();

private:
    QString home() const { return m_home->path(); }
    QString documents() const { return m_home->filePath(QStringLiteral("Documents")); }
    // A new settings object on the same file, as the next run of the program reads it.
    void reopenSettings();
    // A file of the home folder, with text in it.
    QString makeFile(const QString &name, const QByteArray &text = "old export");
    // The Export dialog, shown but not modal: a click on Export returns once it has
    // decided whether to close.
    std::unique_ptr<ExportDialog> showExportDialog(const QString &folder);

    QByteArray m_realHome;
    std::unique_ptr<QTemporaryDir> m_home;
    std::unique_ptr<QSettings> m_settings;
};

void TestFileDialogs::initTestCase()
{
    // Test mode keeps Qt from reading the real user's folders (user-dirs.dirs).
    QStandardPaths::setTestModeEnabled(true);
    m_realHome = qgetenv("HOME");
}

void TestFileDialogs::init()
{
    m_home = std::make_unique<QTemporaryDir>();
    QVERIFY(m_home->isValid());
    qputenv("HOME", QFile::encodeName(home()));
    QCOMPARE(QDir::homePath(), home());
    QCOMPARE(QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation), documents());
    reopenSettings();
}

void TestFileDialogs::cleanup()
{
    m_settings.reset();
    m_home.reset();
}

void TestFileDialogs::cleanupTestCase()
{
    qputenv("HOME", m_realHome);
}

void TestFileDialogs::reopenSettings()
{
    m_settings.reset();
    m_settings = std::make_unique<QSettings>(m_home->filePath(QStringLiteral("discodesk.ini")), QSettings::IniFormat);
}

QString TestFileDialogs::makeFile(const QString &name, const QByteArray &text)
{
    QFile file(m_home->filePath(name));
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
        qFatal("cannot write %s", qPrintable(file.fileName()));
    return file.fileName();
}

std::unique_ptr<ExportDialog> TestFileDialogs::showExportDialog(const QString &folder)
{
    auto dialog = std::make_unique<ExportDialog>(5, 2, folder, ExportFormat::Json);
    dialog->show();
    return dialog;
}

void TestFileDialogs::withoutDocumentsHomeIsOffered()
{
    const FileChoices choices(*m_settings);
    QVERIFY(!QFileInfo::exists(documents()));
    QCOMPARE(FileChoices::usualFolder(), home());
    QCOMPARE(choices.exportFolder(), home());
    QCOMPARE(choices.importFolder(), home());
    QCOMPARE(choices.exportFormat(), ExportFormat::Json);

    QVERIFY(QDir(home()).mkdir(QStringLiteral("Documents")));
    QCOMPARE(choices.exportFolder(), documents());
    QCOMPARE(choices.importFolder(), documents());
}

void TestFileDialogs::theLastFolderAndFormatComeBack()
{
    QVERIFY(QDir(home()).mkpath(QStringLiteral("exports")));
    QVERIFY(QDir(home()).mkpath(QStringLiteral("backups")));
    FileChoices(*m_settings).rememberExport(m_home->filePath(QStringLiteral("exports/ids.csv")), ExportFormat::Csv);
    FileChoices(*m_settings).rememberImport(m_home->filePath(QStringLiteral("backups/old.json")));

    reopenSettings();
    const FileChoices choices(*m_settings);
    QCOMPARE(choices.exportFolder(), m_home->filePath(QStringLiteral("exports")));
    QCOMPARE(choices.exportFormat(), ExportFormat::Csv);
    QCOMPARE(choices.importFolder(), m_home->filePath(QStringLiteral("backups")));
    QCOMPARE(m_settings->childGroups(), QStringList{QStringLiteral("files")});
}

void TestFileDialogs::aRememberedFolderThatIsGoneFallsBack()
{
    QVERIFY(QDir(home()).mkpath(QStringLiteral("Documents")));
    QVERIFY(QDir(home()).mkpath(QStringLiteral("usb")));
    FileChoices choices(*m_settings);
    choices.rememberExport(m_home->filePath(QStringLiteral("usb/ids.csv")), ExportFormat::Csv);
    choices.rememberImport(m_home->filePath(QStringLiteral("usb/ids.json")));
    QCOMPARE(choices.exportFolder(), m_home->filePath(QStringLiteral("usb")));

    QVERIFY(QDir(m_home->filePath(QStringLiteral("usb"))).removeRecursively());
    QCOMPARE(choices.exportFolder(), documents());
    QCOMPARE(choices.importFolder(), documents());
    QCOMPARE(choices.exportFormat(), ExportFormat::Csv); // the format still holds

    // A file where the folder was is no folder either.
    QFile file(m_home->filePath(QStringLiteral("usb")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    QCOMPARE(choices.exportFolder(), documents());
}

void TestFileDialogs::exportStartsWhereTheLastOneWent()
{
    QVERIFY(QDir(home()).mkpath(QStringLiteral("exports")));
    const QString chosen = m_home->filePath(QStringLiteral("exports/ids.csv"));
    QString offered;
    bool json = false;
    {
        DialogPrompts prompts(*m_settings);
        QObject scope;
        whenShown<ExportDialog>(&scope, [&](ExportDialog *dialog) {
            offered = dialog->request().path;
            json = dialog->request().format == ExportFormat::Json;
            child<QRadioButton>(dialog, "csvFormat")->setChecked(true);
            child<QLineEdit>(dialog, "exportPath")->setText(chosen);
            child<QPushButton>(dialog, "exportButton")->click();
        });
        const auto request = prompts.askExport(nullptr, 3, 0);
        QVERIFY(request);
        QCOMPARE(request->path, chosen);
    }
    // No Documents: the home folder, never a folder that is not there.
    QCOMPARE(offered, m_home->filePath(QStringLiteral("discodesk-export.json")));
    QVERIFY(json);

    // The next run starts where this one went, in the format it chose.
    reopenSettings();
    DialogPrompts prompts(*m_settings);
    QObject scope;
    whenShown<ExportDialog>(&scope, [&](ExportDialog *dialog) {
        offered = dialog->request().path;
        json = dialog->request().format == ExportFormat::Json;
        dialog->reject();
    });
    QVERIFY(!prompts.askExport(nullptr, 3, 0));
    QCOMPARE(offered, m_home->filePath(QStringLiteral("exports/discodesk-export.csv")));
    QVERIFY(!json);
}

void TestFileDialogs::importOpensInTheFolder()
{
    QVERIFY(QDir(home()).mkpath(QStringLiteral("backups")));
    const QString file = m_home->filePath(QStringLiteral("backups/ids.json"));
    QFile created(file);
    QVERIFY(created.open(QIODevice::WriteOnly));
    created.close();

    DialogPrompts prompts(*m_settings);
    QString folder;
    QString typedName = QStringLiteral("(no name box)");
    const auto look = [&](QFileDialog *dialog) {
        folder = dialog->directory().absolutePath();
        if (const auto *name = child<QLineEdit>(dialog, "fileNameEdit"))
            typedName = name->text();
    };
    {
        QObject scope;
        whenShown<QFileDialog>(&scope, [&](QFileDialog *dialog) {
            look(dialog);
            dialog->selectFile(file);
            static_cast<QDialog *>(dialog)->accept(); // QFileDialog's, which checks the file
        });
        QCOMPARE(prompts.askImportFile(nullptr), file);
    }
    // No Documents: in the home folder, with no file name typed for the user.
    QCOMPARE(folder, home());
    QCOMPARE(typedName, QString());

    QObject scope;
    whenShown<QFileDialog>(&scope, [&](QFileDialog *dialog) {
        look(dialog);
        dialog->reject();
    });
    QCOMPARE(prompts.askImportFile(nullptr), QString());
    QCOMPARE(folder, m_home->filePath(QStringLiteral("backups")));
    QCOMPARE(typedName, QString());
}

void TestFileDialogs::theDialogSaysWhyItCannotWrite_data()
{
    QTest::addColumn<QString>("typed"); // under the home folder
    QTest::addColumn<QString>("problem");
    // Each works as root too: no file permission is involved.
    QTest::newRow("a missing folder") << "missing/ids.json" << "The folder <home>/missing does not exist.";
    QTest::newRow("a file for a folder") << "plain/ids.json" << "<home>/plain is a file, not a folder.";
    QTest::newRow("in a file") << "plain/sub/ids.json" << "The folder <home>/plain/sub does not exist.";
    QTest::newRow("a folder for a file") << "exports" << "<home>/exports is a folder: add the file's name to it.";
    QTest::newRow("no file name") << "exports/" << "<home>/exports/ is a folder: add the file's name to it.";
}

void TestFileDialogs::theDialogSaysWhyItCannotWrite()
{
    QFETCH(QString, typed);
    QFETCH(QString, problem);
    makeFile(QStringLiteral("plain"));
    QVERIFY(QDir(home()).mkpath(QStringLiteral("exports")));
    const auto dialog = showExportDialog(home());
    QSignalSpy finished(dialog.get(), &QDialog::finished);
    const QString path = m_home->filePath(typed);
    child<QRadioButton>(dialog.get(), "csvFormat")->setChecked(true); // the user's choices...
    child<QLineEdit>(dialog.get(), "exportPath")->setText(path);
    {
        QObject scope; // nothing to replace: a question would be wrong
        const auto asked = whenShown<QMessageBox>(&scope, [](QMessageBox *box) { box->reject(); });
        child<QPushButton>(dialog.get(), "exportButton")->click();
        QVERIFY(!*asked);
    }

    QVERIFY(dialog->isVisible());
    QCOMPARE(finished.size(), 0);
    const QLabel *shown = child<QLabel>(dialog.get(), "exportProblem");
    QVERIFY(shown->isVisible());
    QCOMPARE(shown->text(), problem.replace(QStringLiteral("<home>"), home()));
    // ...are as they were, to be changed.
    QCOMPARE(child<QLineEdit>(dialog.get(), "exportPath")->text(), path);
    QCOMPARE(dialog->request().format, ExportFormat::Csv);
    QVERIFY(dialog->request().selectedOnly);

    // A new path puts the message away; one that can be written closes the dialog.
    child<QLineEdit>(dialog.get(), "exportPath")->setText(m_home->filePath(QStringLiteral("ids.csv")));
    QVERIFY(!shown->isVisible());
    child<QPushButton>(dialog.get(), "exportButton")->click();
    QCOMPARE(finished.size(), 1);
    QCOMPARE(dialog->result(), int(QDialog::Accepted));
}

void TestFileDialogs::anExistingFileIsReplacedOnlyIfTheUserSaysSo()
{
    const QString path = makeFile(QStringLiteral("ids.json"));
    const auto dialog = showExportDialog(home());
    child<QLineEdit>(dialog.get(), "exportPath")->setText(path);
    QString question;
    bool noByDefault = false;
    const auto answer = [&](QMessageBox::StandardButton button) {
        return [&question, &noByDefault, button](QMessageBox *box) {
            question = box->text();
            noByDefault = box->defaultButton() == box->button(QMessageBox::No);
            box->button(button)->click();
        };
    };
    {
        QObject scope;
        const auto asked = whenShown<QMessageBox>(&scope, answer(QMessageBox::No));
        child<QPushButton>(dialog.get(), "exportButton")->click();
        QVERIFY(*asked);
    }
    QCOMPARE(question, QStringLiteral("Replace %1?\n\nA file of that name exists; the export takes its place.").arg(path));
    QVERIFY(noByDefault);
    QVERIFY(dialog->isVisible());
    QVERIFY(!child<QLabel>(dialog.get(), "exportProblem")->isVisible());
    QCOMPARE(contents(path), QByteArray("old export"));

    QObject scope;
    const auto asked = whenShown<QMessageBox>(&scope, answer(QMessageBox::Yes));
    child<QPushButton>(dialog.get(), "exportButton")->click();
    QVERIFY(*asked);
    QVERIFY(!dialog->isVisible());
    QCOMPARE(dialog->result(), int(QDialog::Accepted));
    QCOMPARE(dialog->request().path, path);
    QCOMPARE(contents(path), QByteArray("old export")); // the dialog writes nothing itself
}

void TestFileDialogs::aFileChosenWithBrowseIsNotAskedAboutTwice()
{
    QVERIFY(QDir(home()).mkpath(QStringLiteral("exports")));
    const QString path = makeFile(QStringLiteral("exports/ids.json"));
    const auto dialog = showExportDialog(home());
    {
        // The file dialog asks about replacing the file itself.
        QObject scope;
        const auto chosen = whenShown<QFileDialog>(&scope, [&](QFileDialog *files) {
            files->selectFile(path);
            static_cast<QDialog *>(files)->accept();
        });
        const auto asked = whenShown<QMessageBox>(&scope, [](QMessageBox *box) {
            box->button(QMessageBox::Yes)->click();
        });
        child<QPushButton>(dialog.get(), "browseButton")->click();
        QVERIFY(*chosen);
        QVERIFY(*asked);
    }
    QCOMPARE(child<QLineEdit>(dialog.get(), "exportPath")->text(), path);

    QObject scope;
    const auto askedAgain = whenShown<QMessageBox>(&scope, [](QMessageBox *box) {
        box->button(QMessageBox::No)->click();
    });
    child<QPushButton>(dialog.get(), "exportButton")->click();
    QVERIFY(!*askedAgain);
    QCOMPARE(dialog->result(), int(QDialog::Accepted));
    QCOMPARE(dialog->request().path, path);
}

void TestFileDialogs::browseNeverStartsInAMissingFolder()
{
    const auto dialog = showExportDialog(home());
    child<QLineEdit>(dialog.get(), "exportPath")->setText(m_home->filePath(QStringLiteral("missing/ids.json")));
    QString folder;
    QString typedName;
    QObject scope;
    const auto shown = whenShown<QFileDialog>(&scope, [&](QFileDialog *files) {
        folder = files->directory().absolutePath();
        typedName = child<QLineEdit>(files, "fileNameEdit")->text();
        files->reject();
    });
    child<QPushButton>(dialog.get(), "browseButton")->click();
    QVERIFY(*shown);
    QCOMPARE(folder, home()); // the folder offered
    QCOMPARE(typedName, QStringLiteral("ids.json"));
    QCOMPARE(child<QLineEdit>(dialog.get(), "exportPath")->text(), m_home->filePath(QStringLiteral("missing/ids.json")));
}

void TestFileDialogs::aFileNameAloneGoesInTheFolderOffered()
{
    QVERIFY(QDir(home()).mkpath(QStringLiteral("exports")));
    const QString existing = makeFile(QStringLiteral("exports/ids.csv"));
    const auto dialog = showExportDialog(m_home->filePath(QStringLiteral("exports")));
    child<QLineEdit>(dialog.get(), "exportPath")->setText(QStringLiteral("ids.json"));
    QCOMPARE(dialog->request().path, m_home->filePath(QStringLiteral("exports/ids.json")));
    child<QRadioButton>(dialog.get(), "csvFormat")->setChecked(true);
    QCOMPARE(child<QLineEdit>(dialog.get(), "exportPath")->text(), QStringLiteral("ids.csv"));
    QCOMPARE(dialog->request().path, existing);

    // The file of that name there is the one asked about.
    QString question;
    QObject scope;
    const auto asked = whenShown<QMessageBox>(&scope, [&](QMessageBox *box) {
        question = box->text();
        box->button(QMessageBox::Yes)->click();
    });
    child<QPushButton>(dialog.get(), "exportButton")->click();
    QVERIFY(*asked);
    QVERIFY(question.startsWith(QStringLiteral("Replace %1?").arg(existing)));
    QCOMPARE(dialog->result(), int(QDialog::Accepted));
}

QTEST_MAIN(TestFileDialogs)
#include "tst_filedialogs.moc"
