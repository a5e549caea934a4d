#include "remote/server/HttpParser.h"

#include <QUrl>

namespace passdeck {

namespace {

// RFC 9110 token characters (method and header names).
bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~':
        return true;
    default:
        return false;
    }
}

bool isToken(const QByteArray &s)
{
    if (s.isEmpty())
        return false;
    for (char c : s)
        if (!isTokenChar(c))
            return false;
    return true;
}

// Printable ASCII and tab: what a header value may hold here (no NUL, no controls, no UTF-8).
bool isFieldValue(const QByteArray &s)
{
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u != '\t' && (u < 0x20 || u > 0x7e))
            return false;
    }
    return true;
}

QString byteName(unsigned char u)
{
    return QStringLiteral("0x%1").arg(u, 2, 16, QLatin1Char('0'));
}

} // namespace

HttpParser::State HttpParser::fail(int status, const QString &why)
{
    m_state = State::Failed;
    m_errorStatus = status;
    m_errorWhy = why;
    m_buffer.clear();
    return m_state;
}

HttpParser::State HttpParser::feed(const QByteArray &bytes)
{
    if (m_state == State::Done) {
        m_trailing += bytes.size();
        return m_state;
    }
    if (m_state == State::Failed)
        return m_state;
    m_buffer += bytes;
    if (m_state == State::Head) {
        const qsizetype end = m_buffer.indexOf("\r\n\r\n");
        if (end < 0) {
            if (m_buffer.size() > m_limits.maxHead)
                return fail(413, QStringLiteral("the request line and headers exceed %1 bytes").arg(m_limits.maxHead));
            return m_state;
        }
        if (end + 4 > m_limits.maxHead)
            return fail(413, QStringLiteral("the request line and headers exceed %1 bytes").arg(m_limits.maxHead));
        if (parseHead(end) == State::Failed)
            return m_state;
        m_buffer.remove(0, end + 4);
        m_state = State::Body;
    }
    return takeBody();
}

HttpParser::State HttpParser::takeBody()
{
    if (m_buffer.size() < m_contentLength)
        return m_state;
    m_request.body = m_buffer.left(m_contentLength);
    m_trailing = m_buffer.size() - m_contentLength;
    m_buffer.clear();
    m_state = State::Done;
    return m_state;
}

HttpParser::State HttpParser::parseHead(qsizetype headEnd)
{
    const QByteArray head = m_buffer.left(headEnd);
    for (qsizetype i = 0; i < head.size(); ++i) {
        const auto u = static_cast<unsigned char>(head.at(i));
        if (u == 0)
            return fail(400, QStringLiteral("the request head holds a NUL byte at offset %1").arg(i));
        if (u > 0x7e)
            return fail(400, QStringLiteral("the request head holds the non-ASCII byte %1 at offset %2").arg(byteName(u)).arg(i));
    }
    const QList<QByteArray> lines = head.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        QByteArray line = lines.at(i);
        // Every line but the last ends in CRLF; the last one's CR went with the terminator.
        if (i + 1 < lines.size()) {
            if (!line.endsWith('\r'))
                return fail(400, QStringLiteral("line %1 of the request head does not end in CRLF").arg(i + 1));
            line.chop(1);
        }
        if (line.contains('\r'))
            return fail(400, QStringLiteral("line %1 of the request head holds a lone CR").arg(i + 1));
        if (i == 0 ? !parseRequestLine(line) : !parseHeaderLine(line))
            return m_state;
    }

    // The body's length: Content-Length only. Transfer-Encoding (chunked or any other) is refused:
    // 411 asks the client to send the length instead.
    if (m_request.hasHeader("transfer-encoding"))
        return fail(411, QStringLiteral("Transfer-Encoding is not accepted; send the body with a Content-Length"));
    int lengths = 0;
    QByteArray length;
    for (const auto &h : m_request.headers)
        if (h.first == "content-length") {
            ++lengths;
            length = h.second;
        }
    if (lengths > 1)
        return fail(400, QStringLiteral("more than one Content-Length header"));
    if (lengths == 0) {
        if (m_request.method == "POST" || m_request.method == "PUT" || m_request.method == "PATCH")
            return fail(411, QStringLiteral("a %1 request needs a Content-Length header").arg(QString::fromLatin1(m_request.method)));
        m_contentLength = 0;
        return m_state;
    }
    if (length.isEmpty() || length.size() > 18)
        return fail(length.isEmpty() ? 400 : 413, QStringLiteral("Content-Length '%1' is not a byte count the agent takes")
                                                      .arg(QString::fromLatin1(length.left(32))));
    for (char c : length)
        if (c < '0' || c > '9')
            return fail(400, QStringLiteral("Content-Length '%1' is not a decimal number").arg(QString::fromLatin1(length.left(32))));
    const qint64 n = length.toLongLong();
    if (n > m_limits.maxBody)
        return fail(413, QStringLiteral("the body of %1 bytes exceeds the limit of %2 bytes").arg(n).arg(m_limits.maxBody));
    m_contentLength = qsizetype(n);
    return m_state;
}

bool HttpParser::parseRequestLine(const QByteArray &line)
{
    const QList<QByteArray> parts = line.split(' ');
    if (parts.size() != 3) {
        fail(400, QStringLiteral("the request line is not 'METHOD TARGET HTTP/1.1'"));
        return false;
    }
    const QByteArray &method = parts.at(0);
    const QByteArray &target = parts.at(1);
    const QByteArray &version = parts.at(2);
    if (!isToken(method) || method.size() > 16) {
        fail(400, QStringLiteral("the method is not an HTTP method"));
        return false;
    }
    if (version != "HTTP/1.1" && version != "HTTP/1.0") {
        fail(400, QStringLiteral("the protocol version is not HTTP/1.1"));
        return false;
    }
    if (!target.startsWith('/') || target.startsWith("//")) {
        fail(400, QStringLiteral("the request target is not an absolute path"));
        return false;
    }
    for (char c : target)
        if (c <= 0x20 || c > 0x7e || c == '#') {
            fail(400, QStringLiteral("the request target holds a character that is not allowed"));
            return false;
        }
    const qsizetype q = target.indexOf('?');
    const QByteArray rawPath = q < 0 ? target : target.left(q);
    const QByteArray decoded = QByteArray::fromPercentEncoding(rawPath);
    for (char c : decoded) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u > 0x7e) {
            fail(400, QStringLiteral("the request path holds an encoded byte that is not printable ASCII"));
            return false;
        }
    }
    m_request.method = method;
    m_request.target = target;
    m_request.version = version;
    m_request.path = QString::fromLatin1(decoded);
    if (q >= 0)
        m_request.query = QUrlQuery(QString::fromLatin1(target.mid(q + 1)));
    return true;
}

bool HttpParser::parseHeaderLine(const QByteArray &line)
{
    if (line.isEmpty()) {
        fail(400, QStringLiteral("an empty header line inside the head"));
        return false;
    }
    if (line.startsWith(' ') || line.startsWith('\t')) {
        fail(400, QStringLiteral("folded header lines are not accepted"));
        return false;
    }
    const qsizetype colon = line.indexOf(':');
    if (colon <= 0 || !isToken(line.left(colon))) {
        fail(400, QStringLiteral("a header line is not 'Name: value'"));
        return false;
    }
    const QByteArray value = line.mid(colon + 1).trimmed();
    if (!isFieldValue(value)) {
        fail(400, QStringLiteral("the value of header '%1' holds a control character").arg(QString::fromLatin1(line.left(colon))));
        return false;
    }
    if (m_request.headers.size() >= 100) {
        fail(400, QStringLiteral("more than 100 header lines"));
        return false;
    }
    m_request.headers.append({line.left(colon).toLower(), value});
    return true;
}

} // namespace passdeck
