#include "LogWriter.h"

#include "core/Validation.h"

namespace {

constexpr qsizetype MaxPendingBytes = 64 * 1024; // written at once beyond this

} // namespace

LogWriter::LogWriter(FILE *stream, QObject *parent) : QObject(parent), m_stream(stream)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(FlushDelayMs);
    connect(&m_timer, &QTimer::timeout, this, &LogWriter::flush);
}

LogWriter::~LogWriter()
{
    flush();
}

void LogWriter::writeLine(const QString &line)
{
    // A line stays one line, whatever text it carries (a path, a client's bytes).
    m_pending += Validation::escapeControlCharacters(line).toUtf8();
    m_pending += '\n';
    if (m_pending.size() >= MaxPendingBytes)
        flush();
    else if (!m_timer.isActive())
        m_timer.start();
}

void LogWriter::writeLineNow(const QString &line)
{
    m_pending += Validation::escapeControlCharacters(line).toUtf8();
    m_pending += '\n';
    flush();
}

void LogWriter::flush()
{
    m_timer.stop();
    if (m_pending.isEmpty())
        return;
    std::fwrite(m_pending.constData(), 1, size_t(m_pending.size()), m_stream);
    std::fflush(m_stream);
    m_pending.clear();
}
