#include "JsonInput.h"

#include <QSet>

#include <optional>
#include <vector>

namespace JsonInput {

QString duplicateKey(const QByteArray &json)
{
    // One entry per open container: the keys seen so far for an object, none for an array.
    std::vector<std::optional<QSet<QByteArray>>> open;
    bool expectingKey = false;
    for (qsizetype i = 0; i < json.size(); ++i) {
        const char c = json.at(i);
        if (c == '"') {
            QByteArray text; // escapes are compared as written
            for (++i; i < json.size() && json.at(i) != '"'; ++i) {
                text.append(json.at(i));
                if (json.at(i) == '\\' && i + 1 < json.size()) {
                    ++i;
                    text.append(json.at(i));
                }
            }
            if (expectingKey && !open.empty() && open.back()) {
                if (open.back()->contains(text))
                    return QString::fromUtf8(text);
                open.back()->insert(text);
                expectingKey = false;
            }
        } else if (c == '{') {
            open.emplace_back(QSet<QByteArray>());
            expectingKey = true;
        } else if (c == '[') {
            open.emplace_back(std::nullopt);
        } else if (c == '}' || c == ']') {
            if (!open.empty())
                open.pop_back();
        } else if (c == ',') {
            expectingKey = !open.empty() && open.back().has_value();
        }
    }
    return {};
}

QJsonDocument parse(const QByteArray &json, QString *error, int *offset)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = parseError.errorString();
        if (offset)
            *offset = parseError.offset;
        return {};
    }
    if (const QString key = duplicateKey(json); !key.isEmpty()) {
        *error = QStringLiteral("the key \"%1\" appears twice in one object").arg(key.left(40));
        if (offset)
            *offset = -1;
        return {};
    }
    return document;
}

} // namespace JsonInput
