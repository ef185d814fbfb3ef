#include "RqliteVersion.h"

#include <QRegularExpression>

RqliteVersion::Discovery RqliteVersion::discovery() const
{
    if (major >= 7)
        return Discovery::ConsulKv;
    return major >= 4 ? Discovery::DiscoveryId : Discovery::None;
}

std::optional<RqliteVersion> RqliteVersion::parse(const QByteArray &output)
{
    // The program's name, then the version, then the operating system: a line that
    // merely mentions a version is not taken for one.
    static const QRegularExpression line(
        QStringLiteral(R"(^rqlited (v?(\d+)(?:\.(\d+))?(?:\.(\d+))?[0-9A-Za-z.+~-]*) [a-z0-9]+ [a-z0-9_]+ )"),
        QRegularExpression::MultilineOption);
    const QRegularExpressionMatch match = line.match(QString::fromUtf8(output));
    if (!match.hasMatch())
        return std::nullopt;
    RqliteVersion version;
    version.text = match.captured(1);
    version.major = match.captured(2).toInt();
    version.minor = match.captured(3).toInt(); // 0 when absent
    version.patch = match.captured(4).toInt();
    return version;
}
