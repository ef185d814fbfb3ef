#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <deque>

// The last lines a program wrote, as the window shows them: at most MaxLines, each
// cut at MaxLineLength characters, so a member that logs for days keeps its memory
// flat. Bytes arrive in pieces; a line counts once its newline has come.
class LogTail
{
public:
    static constexpr int MaxLines = 500;
    static constexpr int MaxLineLength = 2000;

    // Adds output as it came and returns the lines it completed.
    QStringList append(const QByteArray &bytes);
    // The program ended: a last line without its newline counts too. Returns it, if any.
    QStringList finish();

    // The kept lines, oldest first.
    QStringList lines() const;
    // The last count lines, joined with newlines.
    QString lastLines(int count) const;
    // How many lines have ever come, kept or not: lines after the first `seen` of them
    // are linesAfter(seen) (as many as are still kept).
    qint64 total() const { return m_total; }
    QStringList linesAfter(qint64 seen) const;

private:
    void add(const QByteArray &line, QStringList &added);

    std::deque<QString> m_lines;
    QByteArray m_partial;    // the line still coming
    bool m_cut = false;      // it was too long: its rest is dropped until the newline
    qint64 m_total = 0;
};
