#include "remote/server/AgentServer.h"

#include "remote/server/AgentConnection.h"
#include "remote/server/Routes.h"

#include <QFutureWatcher>
#include <QSslConfiguration>
#include <QSslServer>
#include <QSslSocket>
#include <QtConcurrent/QtConcurrentRun>

namespace passdeck {

namespace {

// QSslServer counting the TCP connections it accepts. A connection whose handshake fails
// (junk instead of TLS, a stalled client) is closed and deleted by QSslServer itself, in Qt 6.4
// without a signal for every case; TCP accepted versus TLS sessions shows them.
class CountingSslServer : public QSslServer
{
public:
    CountingSslServer(quint64 *counter, QObject *parent) : QSslServer(parent), m_counter(counter) {}

protected:
    void incomingConnection(qintptr socket) override
    {
        ++*m_counter;
        QSslServer::incomingConnection(socket);
    }

private:
    quint64 *m_counter;
};

} // namespace

AgentServer::AgentServer(const AgentIdentity &identity, Routes *routes, Options options, QObject *parent)
    : QObject(parent), m_routes(routes), m_options(options), m_auth(identity.token(), options.throttle), m_identity(identity)
{
    // Node reads are blocking file I/O; a few at a time keep a slow one from holding the others.
    m_pool.setMaxThreadCount(qMax(4, QThread::idealThreadCount()));
}

AgentServer::~AgentServer()
{
    close();
}

Status AgentServer::listen()
{
    if (!QSslSocket::supportsSsl())
        return Error::make(ErrorCode::AgentIdentity, QStringLiteral("Starting the agent's HTTPS server"),
                           QStringLiteral("Qt has no TLS backend (%1)").arg(QSslSocket::sslLibraryVersionString()),
                           QStringLiteral("Install the OpenSSL library (libssl3)"));
    QSslConfiguration conf = QSslConfiguration::defaultConfiguration();
    conf.setLocalCertificate(m_identity.certificate());
    conf.setPrivateKey(m_identity.key());
    conf.setProtocol(QSsl::TlsV1_2OrLater);
    conf.setPeerVerifyMode(QSslSocket::VerifyNone); // clients prove themselves with the token
    m_server = new CountingSslServer(&m_counters.tcpConnections, this);
    m_server->setSslConfiguration(conf);
    m_server->setHandshakeTimeout(m_options.handshakeTimeoutMs);
    m_server->setMaxPendingConnections(m_options.maxConnections);
    connect(m_server, &QSslServer::pendingConnectionAvailable, this, &AgentServer::takeConnections);
    if (!m_server->listen(m_options.address, m_options.port)) {
        const QString why = m_server->errorString();
        delete m_server;
        m_server = nullptr;
        return Error::make(ErrorCode::Errno,
                           QStringLiteral("Listening on %1:%2").arg(m_options.address.toString()).arg(m_options.port), why,
                           QStringLiteral("Choose another address or port with --listen ADDR:PORT, or stop what uses it"));
    }
    return {};
}

QHostAddress AgentServer::serverAddress() const
{
    return m_server ? m_server->serverAddress() : QHostAddress();
}

quint16 AgentServer::serverPort() const
{
    return m_server ? m_server->serverPort() : 0;
}

void AgentServer::close()
{
    if (m_server)
        m_server->close();
    m_pool.waitForDone();
}

void AgentServer::takeConnections()
{
    while (m_server && m_server->hasPendingConnections()) {
        auto *socket = qobject_cast<QSslSocket *>(m_server->nextPendingConnection());
        if (!socket)
            continue;
        ++m_counters.connections;
        ++m_open;
        auto *connection = new AgentConnection(socket, this);
        if (m_open > m_options.maxConnections)
            connection->respond(HttpResponse::protocolError(503, QStringLiteral("Accepting the connection"),
                                                            QStringLiteral("the agent has %1 connections open").arg(m_open - 1)));
    }
}

void AgentServer::dispatch(AgentConnection *connection, const HttpRequest &request)
{
    if (Routes::isJobRequest(request)) {
        connection->respond(m_routes->handle(request));
        return;
    }
    auto *watcher = new QFutureWatcher<HttpResponse>(connection);
    connect(watcher, &QFutureWatcher<HttpResponse>::finished, connection, [watcher, connection] {
        connection->respond(watcher->result());
        watcher->deleteLater();
    });
    Routes *routes = m_routes;
    watcher->setFuture(QtConcurrent::run(&m_pool, [routes, request] { return routes->handle(request); }));
}

void AgentServer::noteAnswer(int status, const QString &peer)
{
    ++m_counters.answers[status];
    Q_EMIT answered(status, peer);
}

void AgentServer::connectionClosed()
{
    --m_open;
}

} // namespace passdeck
