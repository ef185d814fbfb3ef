#include "JsonOutput.h"

#include <charconv>

namespace {

char hexDigit(unsigned value)
{
    return "0123456789abcdef"[value & 0xf];
}

// Escapes as QJsonDocument does: short forms where JSON has them, else \u00XX.
char *writeEscape(char *out, char16_t c)
{
    *out++ = '\\';
    switch (c) {
    case u'"': *out++ = '"'; break;
    case u'\\': *out++ = '\\'; break;
    case u'\b': *out++ = 'b'; break;
    case u'\f': *out++ = 'f'; break;
    case u'\n': *out++ = 'n'; break;
    case u'\r': *out++ = 'r'; break;
    case u'\t': *out++ = 't'; break;
    default:
        *out++ = 'u';
        for (int shift = 12; shift >= 0; shift -= 4)
            *out++ = hexDigit(c >> shift);
    }
    return out;
}

char *writeUtf8(char *out, char32_t c)
{
    if (c < 0x800) {
        *out++ = char(0xc0 | (c >> 6));
    } else if (c < 0x10000) {
        *out++ = char(0xe0 | (c >> 12));
        *out++ = char(0x80 | ((c >> 6) & 0x3f));
    } else {
        *out++ = char(0xf0 | (c >> 18));
        *out++ = char(0x80 | ((c >> 12) & 0x3f));
        *out++ = char(0x80 | ((c >> 6) & 0x3f));
    }
    *out++ = char(0x80 | (c & 0x3f));
    return out;
}

bool needsEscape(char16_t c)
{
    return c < 0x20 || c == u'"' || c == u'\\';
}

// Room for the worst case first (six bytes per character), written through a
// pointer, then cut to what was written: far cheaper than appending byte by byte.
template <typename Char, typename Write>
void appendQuoted(QByteArray &out, const Char *text, qsizetype size, Write write)
{
    const qsizetype start = out.size();
    out.resize(start + 6 * size + 2);
    char *cursor = out.data() + start;
    *cursor++ = '"';
    cursor = write(cursor, text, text + size);
    *cursor++ = '"';
    out.resize(cursor - out.constData());
}

} // namespace

namespace JsonOutput {

void appendString(QByteArray &out, QStringView text)
{
    appendQuoted(out, text.utf16(), text.size(), [](char *cursor, const char16_t *c, const char16_t *end) {
        while (c != end) {
            const char16_t u = *c++;
            if (u < 0x80) {
                if (needsEscape(u))
                    cursor = writeEscape(cursor, u);
                else
                    *cursor++ = char(u);
            } else if (!QChar::isSurrogate(u)) {
                cursor = writeUtf8(cursor, u);
            } else if (QChar::isHighSurrogate(u) && c != end && QChar::isLowSurrogate(*c)) {
                cursor = writeUtf8(cursor, QChar::surrogateToUcs4(u, *c++));
            } else {
                cursor = writeEscape(cursor, u); // a lone surrogate
            }
        }
        return cursor;
    });
}

void appendString(QByteArray &out, QLatin1StringView text)
{
    appendQuoted(out, text.data(), text.size(), [](char *cursor, const char *c, const char *end) {
        for (; c != end; ++c) {
            const auto u = char16_t(uchar(*c));
            if (u >= 0x80)
                cursor = writeUtf8(cursor, u);
            else if (needsEscape(u))
                cursor = writeEscape(cursor, u);
            else
                *cursor++ = *c;
        }
        return cursor;
    });
}

} // namespace JsonOutput

JsonWriter &JsonWriter::key(QLatin1StringView name)
{
    startElement();
    JsonOutput::appendString(m_out, name);
    m_out += m_layout == Layout::Compact ? ":" : ": ";
    m_afterKey = true;
    return *this;
}

void JsonWriter::value(QStringView text)
{
    beforeValue();
    JsonOutput::appendString(m_out, text);
}

void JsonWriter::value(QLatin1StringView text)
{
    beforeValue();
    JsonOutput::appendString(m_out, text);
}

void JsonWriter::value(qint64 number)
{
    beforeValue();
    char digits[24];
    const auto result = std::to_chars(digits, digits + sizeof digits, number);
    m_out.append(digits, result.ptr - digits);
}

void JsonWriter::value(quint64 number)
{
    beforeValue();
    char digits[24];
    const auto result = std::to_chars(digits, digits + sizeof digits, number);
    m_out.append(digits, result.ptr - digits);
}

void JsonWriter::value(bool truth)
{
    beforeValue();
    m_out += truth ? "true" : "false";
}

void JsonWriter::null()
{
    beforeValue();
    m_out += "null";
}

void JsonWriter::open(char bracket)
{
    beforeValue();
    m_out += bracket;
    if (m_layout == Layout::Indented)
        m_out += '\n';
    m_levelIsEmpty.append(true);
}

// QJsonDocument's layout: a filled container's last member ends its line; an empty
// one is "[", a line break and "]" (Indented).
void JsonWriter::close(char bracket)
{
    const bool empty = m_levelIsEmpty.last();
    m_levelIsEmpty.removeLast();
    if (m_layout == Layout::Indented && !empty)
        m_out += '\n';
    indent();
    m_out += bracket;
    if (m_levelIsEmpty.isEmpty() && m_layout == Layout::Indented)
        m_out += '\n';
}

void JsonWriter::beforeValue()
{
    if (std::exchange(m_afterKey, false))
        return;
    startElement();
}

void JsonWriter::startElement()
{
    if (m_levelIsEmpty.isEmpty())
        return;
    if (!std::exchange(m_levelIsEmpty.last(), false))
        m_out += m_layout == Layout::Compact ? "," : ",\n";
    indent();
}

void JsonWriter::indent()
{
    if (m_layout == Layout::Indented)
        m_out.append(4 * m_levelIsEmpty.size(), ' ');
}
