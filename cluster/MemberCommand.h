#pragma once

#include <QString>
#include <QStringList>

// A program and its arguments: what a local member runs, and, written as one line a
// shell reads the same way, what the copy-ready commands show. Both come from the
// same MemberCommand, so what the window starts is what the user would paste.
struct MemberCommand
{
    QString program;
    QStringList arguments;

    // The command as a POSIX shell line: plain words bare, the rest in single quotes;
    // a path starting "~/" stays bare so that the shell puts the user's home there.
    QString shellLine() const;

    bool operator==(const MemberCommand &) const = default;
};

// One word as a POSIX shell passes it on unchanged (see MemberCommand::shellLine).
QString shellWord(const QString &word);
