#include "WindowBenchmark.h"

#include "AppController.h"
#include "ChangeBatcher.h"
#include "IdTableModel.h"
#include "MainWindow.h"

#include <QCoreApplication>
#include <QEvent>
#include <QFile>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QTableView>

#include <cstdio>

namespace {

constexpr int StepMs = 16; // one frame
// The live view is compared with the store once no change has come for this long
// (requests still in flight when the load stops are answered meanwhile), or after
// SettleLimitMs at most.
constexpr int QuietMs = 500;
constexpr int SettleLimitMs = 10000;

// The process's peak resident memory (VmHWM), in MiB; -1 where there is no /proc.
double peakMemoryMiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').value(0).toDouble() / 1024;
    }
    return -1;
}

} // namespace

WindowBenchmark::WindowBenchmark(MainWindow &window, AppController &app, Options options, QElapsedTimer sinceStart,
                                 QObject *parent)
    : QObject(parent), m_window(window), m_app(app), m_options(options), m_sinceStart(sinceStart)
{
    m_window.installEventFilter(this);
    m_window.idView()->viewport()->installEventFilter(this);
    m_step.setInterval(StepMs);
}

void WindowBenchmark::start()
{
    if (!m_app.server().isRunning()) {
        print(QStringLiteral("error=%1").arg(m_app.serverError()));
        return quit(1);
    }
    m_started = true;
    print(QStringLiteral("ids_loaded_at_start=%1").arg(m_window.idModel()->rowCount()));
}

bool WindowBenchmark::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::Paint) {
        const qint64 ms = m_sinceStart.elapsed();
        if (watched == &m_window && !m_windowPainted) {
            m_windowPainted = true;
            print(QStringLiteral("window_shown_ms=%1").arg(ms));
            // An empty store paints no rows: go on from here.
            if (m_started && m_window.idProxy()->rowCount() == 0)
                QTimer::singleShot(0, this, &WindowBenchmark::waitForCounts);
        } else if (watched == m_window.idView()->viewport() && !m_rowsPainted
                   && m_window.idProxy()->rowCount() > 0) {
            m_rowsPainted = true;
            print(QStringLiteral("first_rows_ms=%1").arg(ms));
            // Painted after this filter returns: go on once the frame is done.
            if (m_started)
                QTimer::singleShot(0, this, &WindowBenchmark::waitForCounts);
        }
    }
    return QObject::eventFilter(watched, event);
}

void WindowBenchmark::waitForCounts()
{
    const StoreTotals &totals = m_window.totals();
    if (!totals.ids() || !totals.nodes()) {
        connect(&totals, &StoreTotals::changed, this, &WindowBenchmark::waitForCounts, Qt::SingleShotConnection);
        return;
    }
    print(QStringLiteral("counts_ms=%1 ids=%2 nodes=%3")
              .arg(m_sinceStart.elapsed()).arg(*totals.ids()).arg(*totals.nodes()));
    if (m_options.scroll)
        startScrolling();
    else
        startWatching();
}

void WindowBenchmark::startScrolling()
{
    m_stalls.start();
    m_scrollClock.start();
    connect(m_window.idModel(), &QAbstractItemModel::rowsInserted, this, [this] { ++m_insertions; });
    connect(&m_step, &QTimer::timeout, this, &WindowBenchmark::scrollStep);
    m_step.start();
}

void WindowBenchmark::scrollStep()
{
    // To the end, as far as it is loaded; reaching it makes the view fetch more.
    QTableView *view = m_window.idView();
    const IdTableModel *model = m_window.idModel();
    const bool atEnd = view->verticalScrollBar()->value() == view->verticalScrollBar()->maximum();
    if (atEnd && model->hasAllRows() && !model->isLoading()) {
        m_step.stop();
        disconnect(&m_step, nullptr, this, nullptr);
        disconnect(model, &QAbstractItemModel::rowsInserted, this, nullptr);
        print(QStringLiteral("scroll_ms=%1 rows=%2 insertions=%3 scroll_longest_stall_ms=%4 "
                             "scroll_longest_stall_busy_ms=%5 scroll_stalls_over_50ms=%6")
                  .arg(m_scrollClock.elapsed()).arg(model->rowCount()).arg(m_insertions)
                  .arg(m_stalls.longestMs(), 0, 'f', 1).arg(m_stalls.longestBusyMs(), 0, 'f', 1)
                  .arg(m_stalls.stallsOver(50)));
        return m_options.watchSeconds > 0 ? startWatching() : quit(0);
    }
    view->scrollToBottom();
}

void WindowBenchmark::startWatching()
{
    if (m_options.watchSeconds <= 0)
        return quit(0);
    connect(&m_window, &MainWindow::changesShown, this, &WindowBenchmark::noteShown);
    m_stalls.start();
    print(QStringLiteral("ready"));
    QTimer::singleShot(m_options.watchSeconds * 1000, this, &WindowBenchmark::finishWatching);
}

void WindowBenchmark::noteShown(const QList<StoreChanges> &transactions)
{
    m_sinceLastChange.start();
    // From the moment the server stamped a change to the moment the tables show it.
    const qint64 now = Timestamp::now().microseconds();
    for (const StoreChanges &transaction : transactions) {
        if (transaction.isEmpty())
            continue;
        const qint64 lag = now - transaction.constFirst().at.microseconds();
        ++m_transactions;
        m_lagSumUs += lag;
        m_lagMaxUs = std::max(m_lagMaxUs, lag);
    }
}

void WindowBenchmark::finishWatching()
{
    m_stalls.stop();
    print(QStringLiteral("watched_s=%1 longest_stall_ms=%2 longest_stall_busy_ms=%3 stalls_over_50ms=%4 "
                         "timer_interval_ms=%5")
              .arg(m_options.watchSeconds).arg(m_stalls.longestMs(), 0, 'f', 1)
              .arg(m_stalls.longestBusyMs(), 0, 'f', 1).arg(m_stalls.stallsOver(50)).arg(StallMeter::IntervalMs));
    print(QStringLiteral("changes_shown=%1 lag_mean_ms=%2 lag_max_ms=%3")
              .arg(m_transactions)
              .arg(m_transactions ? double(m_lagSumUs) / double(m_transactions) / 1000 : 0.0, 0, 'f', 1)
              .arg(double(m_lagMaxUs) / 1000, 0, 'f', 1));
    m_settling.start();
    if (!m_sinceLastChange.isValid())
        m_sinceLastChange.start();
    waitForQuiet();
}

void WindowBenchmark::waitForQuiet()
{
    if (m_sinceLastChange.elapsed() < QuietMs && m_settling.elapsed() < SettleLimitMs) {
        QTimer::singleShot(QuietMs / 5, this, &WindowBenchmark::waitForQuiet);
        return;
    }
    print(QStringLiteral("settled_ms=%1").arg(m_settling.elapsed()));
    checkAgainstStore();
}

void WindowBenchmark::checkAgainstStore()
{
    // Read like the window reads: the answer comes after every change it includes,
    // which the window applies within one batching interval.
    const IdTableModel &model = *m_window.idModel();
    IdListQuery query = model.firstPageQuery();
    query.limit = std::max(1, model.rowCount());
    using Answer = std::pair<IdPage, StoreTotals::Counts>;
    m_app.client().ask(
        [query](DiscoveryService &service) {
            const auto page = service.listIds(query);
            const auto counts = service.countIdsAndNodes();
            if (!page.ok() || !counts.ok())
                return StoreResult<Answer>::failure(page.ok() ? counts.error() : page.error());
            return StoreResult<Answer>(Answer(page.value(), counts.value()));
        },
        [this](const StoreResult<Answer> &answer) {
            if (!answer.ok()) {
                print(QStringLiteral("kept_up=unknown error=%1").arg(answer.error()));
                return quit(1);
            }
            QTimer::singleShot(2 * ChangeBatcher::IntervalMs, this,
                               [this, page = answer->first, counts = answer->second] {
                                   compare(page, counts);
                                   quit(0);
                               });
        });
}

void WindowBenchmark::compare(const IdPage &stored, const StoreTotals::Counts &counts)
{
    // What the window shows against the store: the loaded rows one by one, and the
    // counts in the status bar.
    const IdTableModel &model = *m_window.idModel();
    int checked = 0;
    int behind = 0;
    for (const DiscoveryId &id : stored.ids) {
        const int row = model.rowOf(id.id);
        if (row < 0)
            continue;
        ++checked;
        const DiscoveryId &shown = model.idAt(row);
        if (shown.nodeCount != id.nodeCount || shown.lastActivity != id.lastActivity)
            ++behind;
    }
    const StoreTotals &totals = m_window.totals();
    const bool countsAgree = totals.ids() == counts.ids && totals.nodes() == counts.nodes;
    print(QStringLiteral("kept_up=%1 rows_checked=%2 rows_behind=%3 ids_shown=%4 ids_store=%5 nodes_shown=%6 "
                         "nodes_store=%7")
              .arg(behind == 0 && countsAgree ? QStringLiteral("yes") : QStringLiteral("no"))
              .arg(checked).arg(behind).arg(totals.ids().value_or(-1)).arg(counts.ids)
              .arg(totals.nodes().value_or(-1)).arg(counts.nodes));
}

void WindowBenchmark::quit(int exitCode)
{
    print(QStringLiteral("peak_memory_mib=%1").arg(peakMemoryMiB(), 0, 'f', 1));
    QMetaObject::invokeMethod(qApp, [exitCode] { QCoreApplication::exit(exitCode); }, Qt::QueuedConnection);
}

void WindowBenchmark::print(const QString &line)
{
    std::printf("benchmark: %s\n", qPrintable(line));
    std::fflush(stdout);
}
