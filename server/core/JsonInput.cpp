#include "JsonInput.h"

#include <QJsonArray>
#include <QSet>

#include <optional>
#include <vector>

namespace {

// A key as the parser reads it: "dry_r\u0075n" is "dry_run". Escaped keys are rare,
// so only they pay for a second parse, by the same parser that reads the document.
QString unescapedKey(QByteArrayView written)
{
    if (!written.contains('\\'))
        return QString::fromUtf8(written);
    const QByteArray quoted = "[\"" + written.toByteArray() + "\"]";
    return QJsonDocument::fromJson(quoted).array().at(0).toString();
}

} // namespace

namespace JsonInput {

std::optional<QString> duplicateKey(const QByteArray &json)
{
    // One entry per open container: the keys seen so far for an object, none for an array.
    std::vector<std::optional<QSet<QString>>> open;
    bool expectingKey = false;
    const qsizetype size = json.size();
    for (qsizetype i = 0; i < size; ++i) {
        const char c = json.at(i);
        if (c == '"') {
            const qsizetype start = i + 1;
            for (i = start; i < size && json.at(i) != '"'; ++i) {
                if (json.at(i) == '\\')
                    ++i; // the escaped character, a quote perhaps
            }
            if (expectingKey && !open.empty() && open.back()) {
                // As written, escapes and all: viewed, not copied.
                const QString key = unescapedKey(QByteArrayView(json).sliced(start, std::min(i, size) - start));
                if (open.back()->contains(key))
                    return key;
                open.back()->insert(key);
                expectingKey = false;
            }
        } else if (c == '{') {
            open.emplace_back(QSet<QString>());
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
    return std::nullopt;
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
    if (const auto key = duplicateKey(json)) {
        *error = QStringLiteral("the key \"%1\" appears twice in one object").arg(key->left(40));
        if (offset)
            *offset = -1;
        return {};
    }
    return document;
}

} // namespace JsonInput
