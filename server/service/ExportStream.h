#pragma once

#include "core/Timestamp.h"

#include <QByteArray>
#include <QObject>
#include <QString>

#include <memory>

class QThread;

// The export of every ID as one JSON document (ExchangeFormat), made while it is
// sent: threads of its own read the store through a read-only connection of their
// own (one moment's data) and write the text, handed on in pieces as they are taken.
// They stop when MaxQueuedBytes wait untaken, so its memory is a few pieces whatever
// the store's size, and the thread that takes them goes on with other work meanwhile.
// Deleting it stops them and waits for them.
class ExportStream : public QObject
{
    Q_OBJECT

public:
    static constexpr qsizetype PieceBytes = 64 * 1024;
    static constexpr qsizetype MaxQueuedBytes = 4 * PieceBytes;

    // location: the database, as Store::open takes it (a file path, or a postgresql://
    // URL with its password).
    ExportStream(const QString &location, Timestamp exportedAt, QObject *parent = nullptr);
    ~ExportStream() override;

    // The next piece of the document, or empty when none is ready (yet).
    QByteArray take();
    // Every piece is taken, the document's last included.
    bool atEnd() const;
    // Why the export stopped before the end of the document; empty while all is well.
    QString error() const;
    // The reader has made as much as may wait untaken and waits for take().
    bool isWaitingForTaker() const;
    // Bytes made and not yet taken.
    qsizetype queuedBytes() const;

signals:
    // A piece is ready, or the export ended (atEnd() or error()).
    void readable();

private:
    struct Shared;
    std::shared_ptr<Shared> m_shared;
    QThread *m_reader;
    QThread *m_writer;
};
