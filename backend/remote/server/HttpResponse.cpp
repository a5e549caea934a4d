#include "remote/server/HttpResponse.h"

#include "core/NodeCodec.h"

#include <QJsonDocument>

namespace passdeck {

HttpResponse HttpResponse::json(int status, const QJsonObject &object)
{
    HttpResponse r;
    r.status = status;
    r.body = QJsonDocument(object).toJson(QJsonDocument::Compact);
    return r;
}

HttpResponse HttpResponse::error(int status, const Error &error)
{
    return json(status, QJsonObject{{QStringLiteral("error"), nodecodec::toJson(error)}});
}

HttpResponse HttpResponse::protocolError(int status, const QString &what, const QString &why)
{
    ErrorCode code = ErrorCode::BadMessage;
    QString hint;
    switch (status) {
    case 401:
        code = ErrorCode::AgentUnauthorized;
        hint = QStringLiteral("Send 'Authorization: Bearer <token>' with the token of the agent's state directory (STATE/token)");
        break;
    case 404:
    case 405:
        code = ErrorCode::NotFound;
        hint = QStringLiteral("See docs/agent-api.md for the endpoints of API v1");
        break;
    case 408:
    case 503:
        code = ErrorCode::Busy;
        break;
    default:
        break;
    }
    return error(status, Error::make(code, what, why, hint));
}

QByteArray HttpResponse::reasonPhrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 202: return "Accepted";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 422: return "Unprocessable Content";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}

QByteArray HttpResponse::serialize() const
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    if (!body.isEmpty() || !contentType.isEmpty())
        out += "Content-Type: " + contentType + "\r\n";
    out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    out += "Connection: close\r\nCache-Control: no-store\r\n";
    for (const auto &h : headers)
        out += h.first + ": " + h.second + "\r\n";
    out += "\r\n";
    out += body;
    return out;
}

} // namespace passdeck
