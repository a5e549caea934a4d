#pragma once

#include "core/AgentAddress.h"
#include "core/Error.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

class QSslCertificate;

namespace passdeck {

// How long a request may take before the node counts as unreachable. Hang guards, not budgets:
// a node that answers slowly but within them is fine.
struct AgentTimeouts
{
    int connectMs = 10'000;  // TCP connect + TLS handshake
    int requestMs = 60'000;  // the whole request, answer included
};

// One agent's HTTPS API (docs/agent-api.md), called synchronously from any thread: each request
// runs its own QNetworkAccessManager and QEventLoop on the calling thread, so a worker of a thread
// pool can call it while the GUI thread goes on. Trust is the pinned certificate fingerprint (the
// agent's certificate is self-signed) and the bearer token.
//
// Failures come back as Errors the service shows as they are: "node-unreachable" (refused, not
// found, reset, timed out), "certificate-mismatch" (another certificate than the pinned one),
// "unauthorized" (401), the agent's own Error from an {"error":…} body (same code as a local
// node's), "agent-protocol" (an answer that is not the API).
class AgentClient
{
public:
    struct Reply
    {
        int status = 0;          // the HTTP status (2xx only: other statuses are Errors)
        QJsonObject body;        // the JSON object answered
    };

    AgentClient(AgentAddress address, QString token, QString fingerprint, AgentTimeouts timeouts = {});

    const AgentAddress &address() const { return m_address; }
    const AgentTimeouts &timeouts() const { return m_timeouts; }
    void setTimeouts(const AgentTimeouts &timeouts) { m_timeouts = timeouts; }
    // What "node-unreachable" tells the administrator to do ("" = check passdeckd and the
    // firewall on the node); the local agent of the real host says how to start it.
    void setUnreachableHint(const QString &hint) { m_unreachableHint = hint; }

    // pathAndQuery starts with "/api/v1/". A 2xx answer with a JSON object body is the Reply.
    Result<Reply> get(const QString &pathAndQuery) const;
    Result<Reply> post(const QString &path, const QJsonObject &body) const;

    // "SHA256:<64 lower-case hex>" of the certificate's DER encoding (what passdeckd prints).
    static QString fingerprintOf(const QSslCertificate &certificate);

private:
    Result<Reply> send(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body) const;
    Error unreachable(const QString &why) const;

    AgentAddress m_address;
    QString m_token;
    QString m_fingerprint;
    AgentTimeouts m_timeouts;
    QString m_unreachableHint;
};

} // namespace passdeck
