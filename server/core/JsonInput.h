#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QString>

#include <optional>

// Reading JSON that clients send. QJsonDocument keeps the last of duplicate keys
// without a word; an input that says two things at once is refused instead.
namespace JsonInput {

// The first key that appears twice in one object, compared as the parser reads
// them (after escapes), or nothing. Expects text that QJsonDocument already parsed.
std::optional<QString> duplicateKey(const QByteArray &json);

// Parses json; on failure returns a null document and sets *error to why:
// the parser's message (with *offset) or a duplicate key.
QJsonDocument parse(const QByteArray &json, QString *error, int *offset = nullptr);

} // namespace JsonInput
