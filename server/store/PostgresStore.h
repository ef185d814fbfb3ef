#pragma once

#include "store/DatabaseLocation.h"
#include "store/Store.h"

#include <QSqlDriver>
#include <QTimer>

#include <chrono>

// A PostgreSQL database that several DiscoDesk servers may share: each write locks
// the rows it changes, and every server hears what the others commit.
class PostgresStore : public Store
{
    Q_OBJECT

public:
    static std::unique_ptr<Store> open(const DatabaseLocation &location, Mode mode, QString *error, QObject *parent);

    bool othersMayWrite() const override { return true; }

    // How the changes of other servers are heard: through PostgreSQL's LISTEN/NOTIFY,
    // each one as it commits; where that is not available (or with polling forced),
    // by looking once per PollInterval and reporting ChangedElsewhere when anything
    // differs.
    static constexpr std::chrono::milliseconds PollInterval{1000};
    // The advisory lock every write transaction takes first, held until it ends: the
    // servers' writes take turns. A batch (group commit) changes many IDs; with one
    // lock taken first, no two batches can each hold a row the other waits for (a
    // deadlock, which PostgreSQL ends by failing one whole batch), and what a batch
    // reads at READ COMMITTED is one moment's, as nobody else commits meanwhile.
    static constexpr qint64 WriteLockKey = 0x4469736b; // "Disk"
    void setPollForChanges(bool poll);
    bool pollsForChanges() const { return m_pollTimer.isActive(); }

protected:
    QString beginOwn(Access access) override;
    QString commitOwn(const StoreChanges &changes) override;
    void rollbackOwn() override;
    void reconnect() override;
    // "Read everything again": what other servers did could not be heard change by change.
    static StoreChange changedElsewhere();
    // A forward-only result is lost when the connection runs another statement
    // before it is read to the end.
    bool forwardOnlyIsSafe(Rows rows) const override { return rows == Rows::Streamed; }
    QString runControl(const QString &sql) override;
    QString applyDurability() override;

private:
    explicit PostgresStore(QObject *parent);
    QString connect(const DatabaseLocation &location, Mode mode);
    QString configureConnection();
    void onNotification(const QString &name, QSqlDriver::NotificationSource source, const QVariant &payload);
    void startPolling();
    void pollForChanges();

    QTimer m_pollTimer;
    QVariantList m_lastFingerprint; // what the last poll saw
};
