#include "Validation.h"

#include <QUrl>

#include <algorithm>

namespace {

bool hasControlCharacter(QStringView text)
{
    for (QChar c : text) {
        if (Validation::isControlCharacter(c.unicode()))
            return true;
    }
    return false;
}

// JSON's "\ud800" alone is no character: stored, it would read back as another text
// (a '?' or what SQLite makes of it), which could then no longer be found.
constexpr QLatin1String UnpairedSurrogate(" contains \\u escapes that are not a character (an unpaired surrogate)");

// What addresses and etcd values share: not blank, not too long, no control characters.
QString checkRegisteredText(QStringView text, const QString &what)
{
    if (text.trimmed().isEmpty())
        return what + QStringLiteral(" is empty");
    if (Validation::characterCount(text) > Validation::MaxAddressLength)
        return QStringLiteral("%1 is longer than %2 characters").arg(what).arg(Validation::MaxAddressLength);
    if (hasControlCharacter(text))
        return what + QStringLiteral(" contains a control character");
    if (!text.isValidUtf16())
        return what + UnpairedSurrogate;
    return {};
}

// QChar's isLetter() and isDigit() take any script's; addresses keep to ASCII.
bool isAsciiLetter(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z');
}

bool isAsciiDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}

// "http://", "grpc+tls://": a letter, then letters, digits, '+', '.' or '-', then
// "://". Checked by hand: every registration asks, and a regular expression cost
// more than the rest of the check.
bool startsWithScheme(QStringView text)
{
    if (text.isEmpty() || !isAsciiLetter(text.front()))
        return false;
    qsizetype at = 1;
    while (at < text.size()
           && (isAsciiLetter(text[at]) || isAsciiDigit(text[at]) || text[at] == u'+' || text[at] == u'.'
               || text[at] == u'-'))
        ++at;
    return text.sliced(at).startsWith(u"://");
}

// What a host name starts and ends with; '.' and '-' may come between.
bool isHostNameEnd(QChar c)
{
    return isAsciiLetter(c) || isAsciiDigit(c) || c == u'_';
}

// host:port, where host is a name ("db-1", "node_2.example"), an IPv4 address or a
// bracketed IPv6 one, and port is 1 to 65535. By hand for the same reason.
bool isHostPort(QStringView text)
{
    const qsizetype colon = text.lastIndexOf(u':');
    if (colon < 0)
        return false;
    const QStringView host = text.first(colon);
    const QStringView port = text.sliced(colon + 1);
    if (port.isEmpty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), isAsciiDigit))
        return false;
    if (const int number = port.toInt(); number < 1 || number > 65535)
        return false;
    if (host.startsWith(u'[')) {
        if (host.size() < 3 || !host.endsWith(u']'))
            return false;
        const QStringView inside = host.sliced(1, host.size() - 2);
        return std::all_of(inside.begin(), inside.end(), [](QChar c) {
            return isAsciiDigit(c) || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F') || c == u':' || c == u'.';
        });
    }
    return !host.isEmpty() && isHostNameEnd(host.front()) && isHostNameEnd(host.back())
           && std::all_of(host.begin(), host.end(), [](QChar c) { return isHostNameEnd(c) || c == u'.' || c == u'-'; });
}

} // namespace

namespace Validation {

qsizetype characterCount(QStringView text)
{
    // A pair of surrogates is one character; a lone one counts as one too.
    qsizetype count = text.size();
    for (qsizetype i = 1; i < text.size(); ++i) {
        if (text[i].isLowSurrogate() && text[i - 1].isHighSurrogate()) {
            --count;
            ++i;
        }
    }
    return count;
}

QStringView firstCharacters(QStringView text, qsizetype count)
{
    qsizetype end = 0;
    for (qsizetype taken = 0; taken < count && end < text.size(); ++taken)
        end += text[end].isHighSurrogate() && end + 1 < text.size() && text[end + 1].isLowSurrogate() ? 2 : 1;
    return text.first(end);
}

QString escapeControlCharacters(const QString &text)
{
    if (!hasControlCharacter(text))
        return text; // nearly always: no copy
    QString escaped;
    escaped.reserve(text.size() + 16);
    for (QChar c : text) {
        if (isControlCharacter(c.unicode()))
            escaped += QStringLiteral("\\x%1").arg(uint(c.unicode()), 2, 16, QLatin1Char('0'));
        else
            escaped += c;
    }
    return escaped;
}

bool isWellFormedId(QStringView text)
{
    if (text.isEmpty() || text.size() > MaxIdLength || text.front() == u'.')
        return false;
    for (QChar c : text) {
        const char16_t u = c.unicode();
        const bool ok = (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z')
            || (u >= u'0' && u <= u'9') || u == u'-' || u == u'_' || u == u'.';
        if (!ok)
            return false;
    }
    return true;
}

bool isReservedId(QStringView text)
{
    return text == u"api" || text == u"healthz" || text == u"new" || text == u"etcd" || text == u"v1";
}

bool isWellFormedEtcdMemberId(QStringView text)
{
    return isWellFormedId(text) && text.front() != u'_';
}

QString checkEtcdValue(QStringView value)
{
    return checkRegisteredText(value, QStringLiteral("value"));
}

QString checkAddress(QStringView address)
{
    if (QString problem = checkRegisteredText(address, QStringLiteral("address")); !problem.isEmpty())
        return problem;

    if (startsWithScheme(address)) {
        const QUrl url(address.toString(), QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty())
            return QStringLiteral("\"%1\" is not a URL with a host").arg(address.left(80));
        return {};
    }
    if (!isHostPort(address))
        return QStringLiteral("\"%1\" is not host:port (such as localhost:4001) or a URL").arg(address.left(80));
    return {};
}

QString checkLabel(QStringView label)
{
    if (characterCount(label) > MaxLabelLength)
        return QStringLiteral("label is longer than %1 characters").arg(MaxLabelLength);
    if (hasControlCharacter(label))
        return QStringLiteral("label contains a control character");
    if (!label.isValidUtf16())
        return QLatin1String("label") + UnpairedSurrogate;
    return {};
}

} // namespace Validation
