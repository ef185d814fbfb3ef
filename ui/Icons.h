#pragma once

#include <QIcon>

// Icons from the desktop's theme where there is one (Linux), else DiscoDesk's own
// (Windows, macOS, bare desktops), so the toolbar never shows blank buttons.
namespace Icons {

QIcon application();
// themeName: a freedesktop icon name; fallback: a file name under :/icons/.
QIcon themed(const QString &themeName, const QString &fallback);

} // namespace Icons
