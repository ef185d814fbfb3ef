#pragma once

#include "core/Timestamp.h"

#include <QString>

// How the window shows times: local time or UTC, chosen in the settings.
enum class TimeZoneChoice { Local, Utc };

namespace TimeText {

// "just now", "12 s ago", "5 min ago", "3 h ago", "2 d ago"; "in 5 min" for a time
// after now (an import from a machine whose clock runs ahead).
QString relative(Timestamp time, Timestamp now);

// "2026-11-23 21:04:05 UTC" or "2026-11-23 22:04:05 local time": the tooltip.
QString absolute(Timestamp time, TimeZoneChoice zone);

// "21:04:05.123": the request log, where the date is always today's.
QString clock(Timestamp time, TimeZoneChoice zone);

} // namespace TimeText
