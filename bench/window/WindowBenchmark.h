#pragma once

#include "StallMeter.h"
#include "StoreTotals.h"
#include "core/StoreChange.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

class AppController;
class MainWindow;

// discodesk-window-bench --benchmark-scroll and --benchmark-stalls SECONDS: measures
// the window as a user feels it, prints the figures to standard output as
// "benchmark: name=value" lines, and quits.
//  - When the window was first painted and when its first rows were, counted from
//    the start of main(), and when the status bar's counts were known.
//  - scroll: scrolls the IDs table to its last row again and again, loading every
//    page as a user dragging the scroll bar to the end would; how long it took and
//    the longest stall meanwhile.
//  - stalls: prints "benchmark: ready", then for that many seconds (while a load
//    test drives the server, say) measures the longest stall of the event loop and
//    how long changes took from the store to the tables; then, once changes have
//    stopped coming, it compares the tables with the store: the live view kept up
//    when they agree.
class WindowBenchmark : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        bool scroll = false;
        int watchSeconds = 0; // 0: do not watch
    };

    // Before the window is shown: it watches for the first paint.
    WindowBenchmark(MainWindow &window, AppController &app, Options options, QElapsedTimer sinceStart,
                    QObject *parent = nullptr);
    // After the window was shown and its server started.
    void start();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void waitForCounts();
    void startScrolling();
    void scrollStep();
    void startWatching();
    void noteShown(const QList<StoreChanges> &transactions);
    void finishWatching();
    void waitForQuiet();
    void checkAgainstStore();
    void compare(const IdPage &stored, const StoreTotals::Counts &counts);
    void quit(int exitCode);
    void print(const QString &line);

    MainWindow &m_window;
    AppController &m_app;
    Options m_options;
    QElapsedTimer m_sinceStart;
    StallMeter m_stalls;
    QTimer m_step;
    bool m_started = false;
    bool m_windowPainted = false;
    bool m_rowsPainted = false;

    QElapsedTimer m_scrollClock;
    int m_insertions = 0;

    QElapsedTimer m_sinceLastChange;
    QElapsedTimer m_settling;
    qint64 m_transactions = 0;
    qint64 m_lagSumUs = 0;
    qint64 m_lagMaxUs = 0;
};
