// Where Export and Import start, and what the Export dialog checks before it closes:
// the real FileChoices and dialogs (offscreen), a temporary home folder (QStandardPaths
// in test mode) and a temporary settings file.

#include "FileChoices.h"

#include <QDir>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

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

QTEST_MAIN(TestFileDialogs)
#include "tst_filedialogs.moc"
