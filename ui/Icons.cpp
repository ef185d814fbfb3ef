#include "Icons.h"

// The resources live in this static library: make sure they are registered and the
// linker keeps them. At global scope, as Q_INIT_RESOURCE requires.
static void loadResources()
{
    static const bool loaded = [] {
        Q_INIT_RESOURCE(discodesk);
        return true;
    }();
    Q_UNUSED(loaded);
}

namespace Icons {

QIcon application()
{
    loadResources();
    QIcon icon;
    for (int size : {16, 24, 32, 48, 64, 128, 256})
        icon.addFile(QStringLiteral(":/icons/app/discodesk-%1.png").arg(size), QSize(size, size));
    return icon;
}

QIcon themed(const QString &themeName, const QString &fallback)
{
    loadResources();
    return QIcon::fromTheme(themeName, QIcon(QStringLiteral(":/icons/") + fallback));
}

QIcon own(const QString &name)
{
    loadResources();
    return QIcon(QStringLiteral(":/icons/") + name);
}

} // namespace Icons
