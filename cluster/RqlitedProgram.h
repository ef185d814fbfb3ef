#pragma once

#include "RqliteVersion.h"

#include <QObject>
#include <QString>

#include <chrono>
#include <functional>
#include <optional>

// Where rqlited is, and which release it is (read without blocking). rqlited is not
// in Debian: users unpack it from rqlite's releases and put it on PATH, or choose it
// in Settings.
namespace RqlitedProgram {

// Where users get it.
inline constexpr char ReleasesUrl[] = "https://github.com/rqlite/rqlite/releases";

// The program chosen in Settings when there is one, else rqlited on PATH; empty
// when there is neither.
QString find(const QString &chosen);

struct Found
{
    QString path;
    std::optional<RqliteVersion> version; // nothing: see problem
    QString problem;                      // why there is no version
};

// Runs `path -version` and calls done with what it says, on context's thread, once;
// gives up after timeout. Never called when context is gone first.
void readVersion(const QString &path, QObject *context, std::function<void(const Found &)> done,
                 std::chrono::milliseconds timeout = std::chrono::seconds(10));

} // namespace RqlitedProgram
