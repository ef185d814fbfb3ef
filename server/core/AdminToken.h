#pragma once

#include <QString>

// The secret that opens the admin API when the server listens beyond loopback.
// Made on first run from the system's secure random source and kept in a file
// only its owner may read, beside the database unless told otherwise.
namespace AdminToken {

// "<database>.admin-token"
QString defaultPathFor(const QString &databasePath);

struct Loaded
{
    QString token; // empty when error is set
    QString error;
};

// Reads the token at path, or makes one there (mode 0600). Refuses a token file
// that other users may read or write (any group or other permission but execute).
Loaded loadOrCreate(const QString &path);

// Compares without leaking, through timing, how much of a guess was right.
bool matches(const QByteArray &presented, const QString &token);
// Whether an Authorization header is "Bearer <token>" with this token.
bool matchesAuthorization(const QByteArray &authorization, const QString &token);

} // namespace AdminToken
