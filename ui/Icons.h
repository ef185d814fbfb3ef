#pragma once

#include <QIcon>

// Icons from the desktop's theme where there is one (Linux), else DiscoDesk's own
// (Windows, macOS, bare desktops), so the toolbar never shows blank buttons.
namespace Icons {

QIcon application();
// themeName: a freedesktop icon name; fallback: a file name under :/icons/.
QIcon themed(const QString &themeName, const QString &fallback);
// DiscoDesk's own icon whatever the theme, for marks whose colour carries meaning
// (full.svg, warning.svg).
QIcon own(const QString &name);

} // namespace Icons
