#pragma once

#include "core/StoreChange.h"

#include <QByteArray>

#include <optional>

// A committed change as a PostgreSQL notification payload, so that every DiscoDesk on
// the same database hears what the others changed (LISTEN/NOTIFY). Compact JSON,
// well under PostgreSQL's 8000-byte limit for any value the rules accept.
namespace ChangeMessage {

inline constexpr const char *Channel = "discodesk_changes";

QByteArray encode(const StoreChange &change);
// nullopt for a payload this program does not understand (another version's).
std::optional<StoreChange> decode(const QByteArray &payload);

} // namespace ChangeMessage
