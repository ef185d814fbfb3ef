#include "DatabaseLocation.h"

#include <QUrl>
#include <QUrlQuery>

std::optional<DatabaseLocation> DatabaseLocation::parse(const QString &text, QString *error)
{
    DatabaseLocation location;
    if (!text.startsWith(u"postgresql://") && !text.startsWith(u"postgres://")) {
        location.filePath = text;
        return location;
    }
    const QUrl url(text, QUrl::StrictMode);
    const QString database = url.path().mid(1);
    if (!url.isValid() || url.host().isEmpty() || database.isEmpty() || database.contains(u'/')) {
        *error = QStringLiteral("%1 is not a PostgreSQL URL of the form postgresql://user@host:port/dbname")
                     .arg(QUrl(text).toString(QUrl::RemovePassword));
        return std::nullopt;
    }
    location.kind = Kind::PostgreSql;
    location.host = url.host();
    location.port = url.port(5432);
    location.user = url.userName();
    location.password = url.password();
    location.database = database;
    QStringList options;
    const auto items = QUrlQuery(url).queryItems(QUrl::FullyDecoded);
    for (const auto &[key, value] : items)
        options << key + u'=' + value;
    location.options = options.join(u';');
    return location;
}

QString DatabaseLocation::displayName() const
{
    if (kind == Kind::SqliteFile)
        return filePath;
    QUrl url;
    url.setScheme(QStringLiteral("postgresql"));
    url.setUserName(user);
    url.setHost(host);
    url.setPort(port);
    url.setPath(u'/' + database);
    return url.toString();
}
