#pragma once

#include <QCommandLineOption>
#include <QList>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>

class AppController;
class MainWindow;
class QCommandLineParser;

// The window program as a user starts it: the application, its command line (the
// server options override the saved settings for this run), the window with its
// saved settings, place and dialogs, and its server. discodesk runs it as it is;
// discodesk-window-bench (bench/window) adds its options and watches the window.
struct WindowProgram
{
    // Starts messages on standard error.
    QString name;
    // --help's first line.
    QString description;
    // More options; readOptions reads them once the command line is parsed and
    // returns what is wrong with their values, or an empty string.
    QList<QCommandLineOption> options;
    std::function<QString(const QCommandLineParser &)> readOptions;
    // Called with the window and its controller before the window is shown; what it
    // returns goes just before the window does.
    std::function<std::unique_ptr<QObject>(MainWindow &, AppController &)> watchWindow;
    // Called once the window is shown and its server has first started, or failed to.
    std::function<void()> started;

    // main()'s work: returns the exit code.
    int run(int argc, char *argv[]) const;
};
