#pragma once

#include "core/Error.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QPair>

namespace passdeck {

// One answer of the agent: a status, JSON (or no) body, a few headers. Every answer closes the
// connection (docs/agent-api.md: one request per connection).
struct HttpResponse
{
    int status = 200;
    QByteArray body;
    QByteArray contentType = "application/json";
    QList<QPair<QByteArray, QByteArray>> headers; // besides Content-Type, Content-Length, Connection

    static HttpResponse json(int status, const QJsonObject &object);
    // {"error": errorToJson(error)} (core/NodeCodec.h)
    static HttpResponse error(int status, const Error &error);
    // An error of the protocol itself: code "bad-message" for 400/411/413, "unauthorized" for
    // 401, "not-found" for 404/405, "busy" for 408/503 (what the server answers on its own).
    static HttpResponse protocolError(int status, const QString &what, const QString &why);

    // The bytes on the wire: status line, headers, blank line, body.
    QByteArray serialize() const;
    static QByteArray reasonPhrase(int status);
};

} // namespace passdeck
