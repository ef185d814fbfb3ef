#include "RequestFramer.h"

#include <QUrl>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <limits>

namespace {

// RFC 9110's tchar: what a method or a header name is made of.
bool isTokenChar(char c)
{
    static constexpr QByteArrayView others("!#$%&'*+-.^_`|~"); // not strchr: it finds NUL too
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || others.contains(c);
}

bool isToken(QByteArrayView text)
{
    return !text.isEmpty() && std::all_of(text.begin(), text.end(), isTokenChar);
}

bool isWhitespace(char c)
{
    return c == ' ' || c == '\t';
}

QByteArrayView trimmedWhitespace(QByteArrayView text)
{
    while (!text.isEmpty() && isWhitespace(text.front()))
        text = text.sliced(1);
    while (!text.isEmpty() && isWhitespace(text.back()))
        text.chop(1);
    return text;
}

bool isDigits(QByteArrayView text)
{
    return !text.isEmpty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// host [":" port], where host is a name, an IPv4 address or a bracketed IPv6 one.
bool isAuthority(QByteArrayView text)
{
    QByteArrayView host = text;
    QByteArrayView port;
    if (text.startsWith('[')) {
        const qsizetype close = text.indexOf(']');
        if (close < 2)
            return false;
        host = text.sliced(1, close - 1);
        if (!std::all_of(host.begin(), host.end(), [](char c) { return std::isxdigit(uchar(c)) || c == ':' || c == '.'; }))
            return false;
        const QByteArrayView rest = text.sliced(close + 1);
        if (!rest.isEmpty() && (!rest.startsWith(':') || rest.size() == 1))
            return false;
        port = rest.isEmpty() ? rest : rest.sliced(1);
    } else {
        if (const qsizetype colon = text.lastIndexOf(':'); colon >= 0) {
            host = text.first(colon);
            port = text.sliced(colon + 1);
            if (port.isEmpty())
                return false;
        }
        static constexpr QByteArrayView allowed("-._~!$&'()*+,;=%");
        if (host.isEmpty()
            || !std::all_of(host.begin(), host.end(), [](char c) { return std::isalnum(uchar(c)) || allowed.contains(c); }))
            return false;
    }
    return port.isEmpty() || (port.size() <= 5 && isDigits(port));
}

// http[s]://host[:port][/path][?query], as proxies are sent. The host must be one a URL
// parser reads as a host: where it is not, Qt still finds a path in the rest, so the
// request would run at a target that was never framed.
bool isAbsoluteTarget(QByteArrayView target)
{
    const qsizetype schemeEnd = target.indexOf("://");
    if (schemeEnd < 0)
        return false;
    const QByteArrayView rest = target.sliced(schemeEnd + 3);
    const auto end = std::find_if(rest.begin(), rest.end(), [](char c) { return c == '/' || c == '?'; });
    const QByteArrayView authority = rest.first(end - rest.begin());
    if (!isAuthority(authority) || authority.contains('%'))
        return false;
    const QUrl url = QUrl::fromEncoded(target.toByteArray());
    return url.isValid() && !url.host().isEmpty();
}

RequestFramer::Refusal badRequest(const QString &message)
{
    return {400, message};
}

} // namespace

qsizetype RequestFramer::feed(QByteArrayView data)
{
    qsizetype i = 0;
    while (i < data.size()) {
        switch (m_state) {
        case State::Whole:
        case State::Refused:
            return i;
        case State::BetweenRequests:
            // Blank lines before a request are ignored (RFC 9112, 2.2), but not for ever.
            if (data[i] == '\r' || data[i] == '\n') {
                ++i;
                if (++m_headBytes > m_limits.maxHeaderBytes) {
                    refuse(badRequest(QStringLiteral("blank lines where a request should be")));
                    return i;
                }
                continue;
            }
            m_state = State::Head;
            continue;
        case State::Head: {
            // A line at a time (or what there is of it), not a byte at a time.
            const auto *newline = static_cast<const char *>(std::memchr(data.data() + i, '\n', size_t(data.size() - i)));
            const qsizetype end = newline ? newline - data.data() + 1 : data.size();
            m_headBytes += end - i;
            if (m_headBytes > m_limits.maxHeaderBytes) {
                refuse({431, QStringLiteral("the request line and headers are larger than %1 bytes")
                                 .arg(m_limits.maxHeaderBytes)});
                return end;
            }
            const QByteArrayView piece(data.data() + i, newline ? end - i - 1 : end - i);
            i = end;
            if (!newline) {
                m_line.append(piece);
                continue;
            }
            // A line that came whole is read where it is; only one split between
            // reads is put together first.
            if (!m_line.isEmpty())
                m_line.append(piece);
            QByteArrayView line = m_line.isEmpty() ? piece : QByteArrayView(m_line);
            if (line.endsWith('\r'))
                line.chop(1);
            const std::optional<Refusal> refusal = lineEnded(line);
            m_line.clear();
            if (refusal) {
                refuse(*refusal);
                return i;
            }
            continue;
        }
        case State::Body: {
            const qsizetype take = qsizetype(qMin<qint64>(m_bodyLeft, data.size() - i));
            m_request.forServer.append(data.data() + i, take);
            m_bodyLeft -= take;
            i += take;
            if (m_bodyLeft == 0)
                m_state = State::Whole;
            continue;
        }
        }
    }
    return i;
}

std::optional<RequestFramer::Request> RequestFramer::takeRequest()
{
    if (m_state != State::Whole)
        return std::nullopt;
    Request request = std::exchange(m_request, {});
    m_state = State::BetweenRequests;
    m_headBytes = 0;
    m_fields = 0;
    m_contentLength.reset();
    m_http10 = m_hasHost = m_hasAuthorization = m_hasConsulToken = m_keepAlive = m_expectContinue = false;
    return request;
}

bool RequestFramer::takeContinue()
{
    if (m_state != State::Body || !m_expectContinue)
        return false;
    m_expectContinue = false;
    return true;
}

void RequestFramer::refuse(Refusal refusal)
{
    m_refusal = std::move(refusal);
    m_state = State::Refused;
    m_line.clear();
    m_request = {};
}

std::optional<RequestFramer::Refusal> RequestFramer::lineEnded(QByteArrayView line)
{
    const bool first = m_request.requestLine.isEmpty();
    if (first) {
        m_requestLine = line.toByteArray(); // for the log, whatever it is
        m_request.requestLine = m_requestLine;
    }
    if (line.contains('\r'))
        return badRequest(QStringLiteral("a CR that does not end a line"));
    if (first)
        return readRequestLine(line);
    if (line.isEmpty())
        return headComplete();
    return readHeaderLine(line);
}

std::optional<RequestFramer::Refusal> RequestFramer::readRequestLine(QByteArrayView line)
{
    // method SP request-target SP HTTP-version, with exactly one space between.
    const qsizetype firstSpace = line.indexOf(' ');
    const qsizetype secondSpace = firstSpace < 0 ? -1 : line.indexOf(' ', firstSpace + 1);
    if (secondSpace < 0)
        return badRequest(QStringLiteral("malformed request line"));
    const QByteArrayView method = line.first(firstSpace);
    const QByteArrayView target = line.sliced(firstSpace + 1, secondSpace - firstSpace - 1);
    const QByteArrayView version = line.sliced(secondSpace + 1);
    if (!isToken(method) || target.isEmpty()
        || !std::all_of(target.begin(), target.end(), [](char c) { return c > ' ' && c < 0x7f; }))
        return badRequest(QStringLiteral("malformed request line"));
    // origin-form (/path?query), or absolute-form (http://host/path?query) as sent to
    // proxies; the authority and asterisk forms mean nothing here.
    const bool absoluteForm = target.startsWith("http://") || target.startsWith("https://");
    if (!target.startsWith('/') && !absoluteForm)
        return badRequest(QStringLiteral("the request target is not a path"));
    // "//a/b" is a path to RFC 9112, but URL parsers (Qt's too) read "a" as a host and
    // "/b" as the path: the request would run at a target that was never framed.
    // rqlited sends "POST //<id>" when -disco-url ends with a slash; creating an ID
    // there instead would make every node a lonely leader.
    if (target.startsWith("//")) {
        return badRequest(QStringLiteral("the request target starts with \"//\", which reads as a host name; "
                                         "for rqlited, remove the trailing slash from the discovery URL (-disco-url)"));
    }
    if (absoluteForm && !isAbsoluteTarget(target))
        return badRequest(QStringLiteral("the request target's host is not a host name or address"));
    if (version != "HTTP/1.1" && version != "HTTP/1.0") {
        const bool wellFormed = version.size() == 8 && version.startsWith("HTTP/") && std::isdigit(uchar(version[5]))
                                && version[6] == '.' && std::isdigit(uchar(version[7]));
        if (wellFormed)
            return Refusal{505, QStringLiteral("only HTTP/1.1 and HTTP/1.0 are served")};
        return badRequest(QStringLiteral("malformed HTTP version"));
    }
    m_http10 = version == "HTTP/1.0";
    m_request.forServer.reserve(ExpectedForServerBytes); // in one allocation, usually
    m_request.forServer.append(line.data(), line.size());
    m_request.forServer.append("\r\n");
    return std::nullopt;
}

std::optional<RequestFramer::Refusal> RequestFramer::readHeaderLine(QByteArrayView line)
{
    if (isWhitespace(line.front()))
        return badRequest(QStringLiteral("a folded header line (obs-fold)"));
    if (line.size() > MaxHeaderLineBytes || ++m_fields > MaxHeaderFields) {
        return Refusal{431, QStringLiteral("more than %1 header fields, or one longer than %2 bytes")
                                .arg(MaxHeaderFields).arg(MaxHeaderLineBytes)};
    }
    const qsizetype colon = line.indexOf(':');
    if (colon <= 0)
        return badRequest(QStringLiteral("a header line without a name and a colon"));
    const QByteArrayView name = line.first(colon);
    if (isWhitespace(name.back()))
        return badRequest(QStringLiteral("whitespace between a header name and its colon"));
    if (!isToken(name))
        return badRequest(QStringLiteral("a header name with a character that is not allowed"));
    const QByteArrayView value = trimmedWhitespace(line.sliced(colon + 1));
    const bool clean = std::all_of(value.begin(), value.end(), [](char c) {
        return c == '\t' || (uchar(c) >= 0x20 && uchar(c) != 0x7f);
    });
    if (!clean)
        return badRequest(QStringLiteral("a control character in a header value"));

    // Lengths first: most names are compared with none of these letter by letter.
    const auto is = [&name](QByteArrayView field) {
        return name.size() == field.size() && name.compare(field, Qt::CaseInsensitive) == 0;
    };
    if (is("content-length")) {
        if (m_contentLength)
            return badRequest(QStringLiteral("more than one Content-Length"));
        if (!isDigits(value))
            return badRequest(QStringLiteral("Content-Length is not a number"));
        m_contentLength = value.size() > 15 ? std::numeric_limits<qint64>::max() : value.toLongLong();
    } else if (is("transfer-encoding")) {
        return Refusal{411, QStringLiteral("send the body with a Content-Length, not a Transfer-Encoding")};
    } else if (is("host")) {
        if (m_hasHost)
            return badRequest(QStringLiteral("more than one Host"));
        m_hasHost = true;
        if (!value.isEmpty() && !isAuthority(value))
            return badRequest(QStringLiteral("Host is not a host name or address with an optional port"));
        m_request.fields.host = value.toByteArray();
    } else if (is("authorization")) {
        if (m_hasAuthorization)
            return badRequest(QStringLiteral("more than one Authorization"));
        m_hasAuthorization = true;
        m_request.fields.authorization = value.toByteArray();
    } else if (is("x-consul-token")) {
        if (m_hasConsulToken)
            return badRequest(QStringLiteral("more than one X-Consul-Token"));
        m_hasConsulToken = true;
        m_request.fields.consulToken = value.toByteArray();
    } else if (is("connection")) {
        for (const QByteArray &option : value.toByteArray().split(',')) {
            const QByteArrayView token = trimmedWhitespace(option);
            if (token.compare("close", Qt::CaseInsensitive) == 0)
                m_request.closeAfter = true;
            else if (token.compare("keep-alive", Qt::CaseInsensitive) == 0)
                m_keepAlive = true;
        }
    } else if (is("expect")) {
        if (value.compare("100-continue", Qt::CaseInsensitive) != 0)
            return Refusal{417, QStringLiteral("only Expect: 100-continue is understood")};
        m_expectContinue = true;
    }
    // Any other field (Upgrade included: no protocol upgrades here) means nothing to
    // the APIs and is left out.
    return std::nullopt;
}

std::optional<RequestFramer::Refusal> RequestFramer::headComplete()
{
    const qint64 length = m_contentLength.value_or(0);
    if (length > m_limits.maxBodyBytes)
        return Refusal{413, QStringLiteral("the request body is larger than %1 bytes").arg(m_limits.maxBodyBytes)};
    if (length > 0) {
        m_request.forServer.append("Content-Length: ");
        m_request.forServer.append(QByteArray::number(length));
        m_request.forServer.append("\r\n");
    }
    m_request.forServer.append("\r\n");
    if (m_http10 && !m_keepAlive)
        m_request.closeAfter = true;
    if (length == 0) {
        m_state = State::Whole;
        m_expectContinue = false;
        return std::nullopt;
    }
    m_request.forServer.reserve(m_request.forServer.size() + length);
    m_bodyLeft = length;
    m_state = State::Body;
    return std::nullopt;
}
