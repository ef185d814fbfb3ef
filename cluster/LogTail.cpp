#include "LogTail.h"

namespace {

// Enough bytes for MaxLineLength characters of UTF-8.
constexpr qsizetype MaxLineBytes = 4 * LogTail::MaxLineLength;

} // namespace

QStringList LogTail::append(const QByteArray &bytes)
{
    QStringList added;
    qsizetype start = 0;
    while (start < bytes.size()) {
        const qsizetype newline = bytes.indexOf('\n', start);
        const qsizetype end = newline < 0 ? bytes.size() : newline;
        if (!m_cut) {
            m_partial += bytes.mid(start, std::min(end - start, MaxLineBytes + 1 - m_partial.size()));
            m_cut = m_partial.size() > MaxLineBytes;
        }
        if (newline < 0)
            break;
        add(std::exchange(m_partial, {}), added);
        m_cut = false;
        start = newline + 1;
    }
    return added;
}

QStringList LogTail::finish()
{
    QStringList added;
    if (!m_partial.isEmpty())
        add(std::exchange(m_partial, {}), added);
    m_cut = false;
    return added;
}

void LogTail::add(const QByteArray &line, QStringList &added)
{
    QString text = QString::fromUtf8(line);
    if (text.endsWith(u'\r'))
        text.chop(1);
    if (text.size() > MaxLineLength || m_cut)
        text = text.left(MaxLineLength - 1) + u'\u2026';
    m_lines.push_back(text);
    if (m_lines.size() > MaxLines)
        m_lines.pop_front();
    ++m_total;
    added << text;
}

QStringList LogTail::lines() const
{
    return QStringList(m_lines.cbegin(), m_lines.cend());
}

QString LogTail::lastLines(int count) const
{
    const auto first = m_lines.cend() - std::min<qsizetype>(count, qsizetype(m_lines.size()));
    return QStringList(first, m_lines.cend()).join(u'\n');
}

QStringList LogTail::linesAfter(qint64 seen) const
{
    const qint64 missing = std::clamp<qint64>(m_total - seen, 0, qint64(m_lines.size()));
    return QStringList(m_lines.cend() - missing, m_lines.cend());
}
