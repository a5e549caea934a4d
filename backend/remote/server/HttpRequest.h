#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>

namespace passdeck {

// One HTTP/1.1 request as HttpParser read it: a method and target that passed its checks,
// header names in lower case, the body (at most the parser's limit).
struct HttpRequest
{
    QByteArray method;  // "GET", "POST", …
    QByteArray target;  // the raw request target, "/api/v1/capabilities?iommu_group=3"
    QString path;       // the target's path, percent-decoded
    QUrlQuery query;    // the target's query
    QByteArray version; // "HTTP/1.1" or "HTTP/1.0"
    QList<QPair<QByteArray, QByteArray>> headers; // (lower-case name, value without surrounding blanks)
    QByteArray body;

    // The first header of that (lower-case) name; "" when there is none.
    QByteArray header(const QByteArray &lowerName) const
    {
        for (const auto &h : headers)
            if (h.first == lowerName)
                return h.second;
        return {};
    }
    bool hasHeader(const QByteArray &lowerName) const
    {
        for (const auto &h : headers)
            if (h.first == lowerName)
                return true;
        return false;
    }
};

} // namespace passdeck
