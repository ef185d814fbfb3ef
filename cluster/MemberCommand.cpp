#include "MemberCommand.h"

#include <QRegularExpression>

QString shellWord(const QString &word)
{
    static const QRegularExpression plain(QStringLiteral("^(~/)?[A-Za-z0-9._/:-]+$"));
    if (plain.match(word).hasMatch())
        return word;
    QString quoted = word;
    quoted.replace(u'\'', QStringLiteral("'\\''"));
    return u'\'' + quoted + u'\'';
}

QString MemberCommand::shellLine() const
{
    QStringList words{shellWord(program)};
    for (const QString &argument : arguments)
        words << shellWord(argument);
    return words.join(u' ');
}
