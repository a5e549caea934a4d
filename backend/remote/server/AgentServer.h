#pragma once

#include "core/Error.h"
#include "remote/server/AgentIdentity.h"
#include "remote/server/HttpParser.h"
#include "remote/server/HttpResponse.h"
#include "remote/server/TokenAuth.h"

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QThreadPool>

#include <functional>
#include <memory>

class QSslServer;

namespace passdeck {

class AgentConnection;
class Routes;

// The agent's HTTPS server (docs/agent-api.md): TLS 1.2+ with the agent's identity, one request
// per connection, the token checked before anything else, the limits of the contract enforced
// per connection (handshake, headers within 10 s, body within 30 s, 16 KiB head, 1 MiB body).
// It never dies on input: a failing handshake, junk or a peer that stalls costs one connection.
// Reads run on a thread pool (the node calls are blocking file I/O); job requests run on the
// server's thread, where the JobManager lives.
class AgentServer : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QHostAddress address = QHostAddress::Any;
        quint16 port = 7443;
        int handshakeTimeoutMs = 10000;
        int headTimeoutMs = 10000;  // request line + headers complete within
        int bodyTimeoutMs = 30000;  // the body complete within (from the end of the head)
        int maxConnections = 256;   // beyond: 503 and close
        HttpParser::Limits limits;
        TokenAuth::ThrottleOptions throttle;
    };
    // What happened so far (the log and the tests read it).
    struct Counters
    {
        quint64 tcpConnections = 0; // TCP connections accepted
        quint64 connections = 0;    // of them, TLS sessions established (the rest: junk, stalls)
        QHash<int, quint64> answers;   // HTTP status → answers sent
    };

    AgentServer(const AgentIdentity &identity, Routes *routes, Options options, QObject *parent = nullptr);
    ~AgentServer() override;

    // Starts listening; an Error naming the address when that fails (in use, not local…).
    Status listen();
    QHostAddress serverAddress() const;
    quint16 serverPort() const;
    // Stops accepting, waits for running reads.
    void close();

    TokenAuth &auth() { return m_auth; }
    Counters counters() const { return m_counters; }
    int openConnections() const { return m_open; }

Q_SIGNALS:
    // After an answer was queued to the peer (status code, the peer's address).
    void answered(int status, const QString &peer);

private:
    friend class AgentConnection;
    void takeConnections();
    // Answers a complete, authenticated request: on the pool (reads) or here (jobs).
    void dispatch(AgentConnection *connection, const HttpRequest &request);
    void noteAnswer(int status, const QString &peer);
    void connectionClosed();

    Routes *m_routes;
    Options m_options;
    TokenAuth m_auth;
    AgentIdentity m_identity;
    QSslServer *m_server = nullptr;
    QThreadPool m_pool;
    Counters m_counters;
    int m_open = 0;
};

} // namespace passdeck
