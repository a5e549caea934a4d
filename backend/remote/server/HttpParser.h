#pragma once

#include "remote/server/HttpRequest.h"

#include <QByteArray>
#include <QString>

namespace passdeck {

// The contract's limits (a struct of its own: a default argument of the class below).
struct HttpLimits
{
    qsizetype maxHead = 16 * 1024;   // request line + headers
    qsizetype maxBody = 1024 * 1024; // body
};

// HttpParser reads one HTTP/1.1 request from bytes as they arrive (docs/agent-api.md, "Limits"). Pure:
// no socket, no clock — the server feeds it and keeps the timers — so every rule is tested
// with raw bytes. Strict on purpose: whatever the agent does not understand exactly is a
// 400 with the reason, never a guess.
//
//   request line + headers  at most limits.maxHead bytes (16 KiB), CRLF line ends, ASCII only
//   body                    Content-Length only (no chunked: 411), at most limits.maxBody (1 MiB: 413)
//   after the body          bytes that follow are left unread (one request per connection)
class HttpParser
{
public:
    using Limits = HttpLimits;
    enum class State {
        Head,  // the request line and headers are not complete yet
        Body,  // the head is complete (request() has it); body bytes are missing
        Done,  // the whole request is there
        Failed // malformed or too large: errorStatus() and errorWhy() say how
    };

    explicit HttpParser(Limits limits = {}) : m_limits(limits) {}

    // Appends bytes and parses as far as they go. Once Done or Failed, further bytes are ignored.
    State feed(const QByteArray &bytes);
    State state() const { return m_state; }
    bool headComplete() const { return m_state == State::Body || m_state == State::Done; }

    // Valid from Body on (the body only when Done).
    const HttpRequest &request() const { return m_request; }
    // Bytes received after the end of the request (a pipelined request, or junk): not read.
    qsizetype trailingBytes() const { return m_trailing; }

    int errorStatus() const { return m_errorStatus; } // 400, 411 or 413
    QString errorWhy() const { return m_errorWhy; }

private:
    State fail(int status, const QString &why);
    State parseHead(qsizetype headEnd);
    bool parseRequestLine(const QByteArray &line);
    bool parseHeaderLine(const QByteArray &line);
    State takeBody();

    Limits m_limits;
    State m_state = State::Head;
    QByteArray m_buffer;
    HttpRequest m_request;
    qsizetype m_contentLength = 0;
    qsizetype m_trailing = 0;
    int m_errorStatus = 0;
    QString m_errorWhy;
};

} // namespace passdeck
