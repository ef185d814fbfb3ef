#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

// The rqlited release a `rqlited -version` names, and the discovery it speaks.
struct RqliteVersion
{
    // How rqlite nodes find each other.
    enum class Discovery {
        DiscoveryId, // rqlite 4 to 6: register under an ID with -disco-url (DiscoDesk's IDs)
        ConsulKv,    // rqlite 7 and later: -disco-mode consul-kv (DiscoDesk's Consul KV API)
        None,        // before 4: other flag names, which DiscoDesk's commands do not use
    };

    int major = 0;
    int minor = 0;
    int patch = 0;
    QString text; // as printed: "v8.36.2", or "6" for a build from source

    Discovery discovery() const;

    // Reads what `rqlited -version` printed (to either channel): "rqlited v6.10.2
    // linux amd64 go1.17 (commit …, branch …, compiler gc)"; from 8 on Go's version is
    // followed by SQLite's, "sqlite3.45.1". A release's version has a "v" (packagers
    // may leave it out); one built from source without the release flags is the bare
    // major version. Nothing when the output is not such a line, e.g. the rqlite shell's.
    static std::optional<RqliteVersion> parse(const QByteArray &output);
};
