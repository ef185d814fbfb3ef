// Where Export and Import start, and what the Export dialog checks before it closes:
// the real FileChoices and dialogs (offscreen), a temporary home folder (QStandardPaths
// in test mode) and a temporary settings file.

#include "ExportDialog.h"
#include "FileChoices.h"
#include "UserPrompts.h"

#include <QApplication>
#include <QDir>
#include <QFileDialog>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
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

private:
    QString home() const { return m_home->path(); }
    QString documents() const { return m_home->filePath(QStringLiteral("Documents")); }
    // A new settings object on the same file, as the next run of the program reads it.
    void reopenSettings();

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

QTEST_MAIN(TestFileDialogs)
#include "tst_filedialogs.moc"
