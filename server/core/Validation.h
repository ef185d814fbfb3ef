#pragma once

#include <QString>

#include <limits>

// The input rules of the discovery service, in one place so the HTTP APIs, the
// import and the window all accept and refuse the same things.
namespace Validation {

inline constexpr int MaxIdLength = 64;
inline constexpr int MaxAddressLength = 1024;
inline constexpr int MaxLabelLength = 200;

// Whether text could be a discovery ID at all: 1 to 64 of [A-Za-z0-9._-], not
// starting with a dot. Anything else is answered "does not exist" without a query.
bool isWellFormedId(QStringView text);

// Names the HTTP server uses for itself at the root, so no ID may take them.
bool isReservedId(QStringView text);

// An etcd member's key under its token: like an ID, but not starting with "_"
// ("_config" holds the token's size).
bool isWellFormedEtcdMemberId(QStringView text);

inline constexpr int MaxExpectedSize = 1000;

// Consul KV: a key's characters, and a value's bytes (Consul's kv_max_value_size).
inline constexpr int MaxKvKeyLength = 1024;
inline constexpr int MaxKvValueBytes = 512 * 1024;

// The largest etcd index, a token's or a member's: a token counts one up for each
// member it creates, so none gets near half the 64-bit range, and counting on from
// there never overflows.
inline constexpr qint64 MaxEtcdIndex = std::numeric_limits<qint64>::max() / 2;

// Length limits count characters (Unicode code points), not UTF-16 units: an emoji
// is one character, as a user counts it.
qsizetype characterCount(QStringView text);
// The first count characters of text, never half of one.
QStringView firstCharacters(QStringView text, qsizetype count);

// C0 controls, DEL and C1 controls (U+0080 to U+009F): refused in what clients
// register, and written as \xNN where a log shows what they sent.
constexpr bool isControlCharacter(char32_t c)
{
    return c < 0x20 || (c >= 0x7f && c <= 0x9f);
}
// text with each control character written as \xNN: what a log line or the
// window shows of text a client sent (an ESC or CR must not reach a terminal).
QString escapeControlCharacters(const QString &text);

// Each returns an empty string when the value is acceptable, else why it is not.
// A node's address: "host:port" (a name, an IPv4 address or [an IPv6 address], and a
// port from 1 to 65535) or a URL with a host ("http://host:port/..."), at most
// MaxAddressLength characters, no control characters (C0, DEL or C1).
QString checkAddress(QStringView address);
// An etcd member's registered value ("name=peerURL,..."): length and characters only.
QString checkEtcdValue(QStringView value);
QString checkLabel(QStringView label);

} // namespace Validation
