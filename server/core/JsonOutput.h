#pragma once

#include <QByteArray>
#include <QLatin1StringView>
#include <QStringView>
#include <QVarLengthArray>

// Writing JSON by hand, byte for byte as QJsonDocument writes it, for documents too
// big or too frequent to build as a QJsonObject first (an export of every ID, a
// registration's reply).
namespace JsonOutput {

// text as a quoted JSON string: quotes, backslashes and control characters escaped,
// the rest as UTF-8 (a lone surrogate, which has no UTF-8, as \uXXXX).
void appendString(QByteArray &out, QStringView text);
void appendString(QByteArray &out, QLatin1StringView text);

} // namespace JsonOutput

// Writes one JSON document into out as it goes, in QJsonDocument's Indented layout
// (four spaces a level, "key": value) or its Compact one. Members come in the order
// they are written: QJsonObject's documents have their keys sorted, so write them
// sorted to match.
class JsonWriter
{
public:
    enum class Layout { Indented, Compact };

    explicit JsonWriter(QByteArray &out, Layout layout = Layout::Indented) : m_out(out), m_layout(layout) {}

    void beginObject() { open('{'); }
    void endObject() { close('}'); }
    void beginArray() { open('['); }
    void endArray() { close(']'); }
    // An object's member: its name, then one value or container.
    JsonWriter &key(QLatin1StringView name);

    void value(QStringView text);
    void value(QLatin1StringView text);
    void value(qint64 number);
    void value(int number) { value(qint64(number)); }
    void value(quint64 number);
    void value(bool truth);
    void null();

private:
    void open(char bracket);
    void close(char bracket);
    void beforeValue();
    void startElement(); // a new member or element: the comma and the indentation
    void indent();

    QByteArray &m_out;
    Layout m_layout;
    QVarLengthArray<bool, 8> m_levelIsEmpty; // one per open container, innermost last
    bool m_afterKey = false;
};
