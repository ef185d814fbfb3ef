#include "AdminToken.h"

#include <QFile>
#include <QRandomGenerator>
#include <QSaveFile>

namespace AdminToken {

QString defaultPathFor(const QString &databasePath)
{
    return databasePath + QStringLiteral(".admin-token");
}

Loaded loadOrCreate(const QString &path)
{
    // One who may write the token may choose it: writing is as bad as reading.
    constexpr auto OthersMayUse = QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ReadOther
        | QFileDevice::WriteOther;
    QFile file(path);
    if (file.exists()) {
        if (file.permissions() & OthersMayUse)
            return {{}, QStringLiteral("%1 may be read or written by other users: make it private (chmod 600 %1)")
                            .arg(path)};
        if (!file.open(QIODevice::ReadOnly))
            return {{}, QStringLiteral("cannot read %1: %2").arg(path, file.errorString())};
        const QString token = QString::fromLatin1(file.readAll()).trimmed();
        if (token.size() < 32)
            return {{}, QStringLiteral("%1 holds no usable token (32 characters at least); delete it to get a new one")
                            .arg(path)};
        return {token, {}};
    }

    quint32 words[8];
    QRandomGenerator::system()->fillRange(words);
    const QString token = QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(words), sizeof words).toHex());
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly)
        || !out.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)
        || out.write(token.toLatin1() + '\n') < 0 || !out.commit())
        return {{}, QStringLiteral("cannot write %1: %2").arg(path, out.errorString())};
    return {token, {}};
}

bool matchesAuthorization(const QByteArray &authorization, const QString &token)
{
    // "Bearer <token>"; the scheme's case does not matter (RFC 9110, 11.1).
    const qsizetype space = authorization.indexOf(' ');
    if (space < 0 || QByteArrayView(authorization).first(space).compare("Bearer", Qt::CaseInsensitive) != 0)
        return false;
    return matches(authorization.mid(space + 1).trimmed(), token);
}

bool matches(const QByteArray &presented, const QString &token)
{
    const QByteArray expected = token.toLatin1();
    if (presented.size() != expected.size())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < expected.size(); ++i)
        difference |= static_cast<unsigned char>(presented.at(i) ^ expected.at(i));
    return difference == 0;
}

} // namespace AdminToken
