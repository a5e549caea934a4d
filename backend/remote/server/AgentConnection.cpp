#include "remote/server/AgentConnection.h"

#include "remote/server/AgentServer.h"

#include <QSslSocket>

namespace passdeck {

namespace {
// How long a finished answer may take to drain to a peer that does not read it.
constexpr int kDrainMs = 10000;
} // namespace

AgentConnection::AgentConnection(QSslSocket *socket, AgentServer *server)
    : QObject(server), m_socket(socket), m_server(server), m_parser(server->m_options.limits)
{
    m_socket->setParent(this);
    m_peer = m_socket->peerAddress().toString();
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &AgentConnection::onTimeout);
    m_timer.start(server->m_options.headTimeoutMs);
    connect(m_socket, &QSslSocket::readyRead, this, &AgentConnection::onReadyRead);
    connect(m_socket, &QSslSocket::disconnected, this, &AgentConnection::finish);
    // A reset or a TLS error mid-request: the connection is gone (a read running for it is
    // discarded with it; a job it submitted goes on — jobs never depend on their client).
    connect(m_socket, &QSslSocket::errorOccurred, this, [this](QAbstractSocket::SocketError error) {
        if (error != QAbstractSocket::RemoteHostClosedError || m_socket->state() != QAbstractSocket::ConnectedState)
            finish();
    });
    // Bytes that came with the end of the handshake are already buffered.
    QMetaObject::invokeMethod(this, &AgentConnection::onReadyRead, Qt::QueuedConnection);
}

AgentConnection::~AgentConnection()
{
    if (m_server)
        m_server->connectionClosed();
}

void AgentConnection::finish()
{
    m_timer.stop();
    m_answered = true;
    deleteLater();
}

void AgentConnection::onReadyRead()
{
    const QByteArray bytes = m_socket->readAll();
    // After the request (or its answer): a pipelined request or junk is not read.
    if (m_answered || m_dispatched || !m_server)
        return;
    const HttpParser::State state = m_parser.feed(bytes);
    if (state == HttpParser::State::Failed) {
        respond(HttpResponse::protocolError(m_parser.errorStatus(), QStringLiteral("Reading the request"), m_parser.errorWhy()));
        return;
    }
    if (m_parser.headComplete() && !m_authenticated) {
        TokenAuth &auth = m_server->auth();
        if (!auth.check(m_parser.request().header("authorization"))) {
            const HttpResponse refused = HttpResponse::protocolError(
                401, QStringLiteral("Authenticating the request"),
                QStringLiteral("it carries no valid 'Authorization: Bearer' token"));
            const qint64 delay = auth.recordFailure(m_peer);
            if (delay <= 0) {
                respond(refused);
            } else {
                // Held back, not blocking: the connection waits, everything else goes on.
                m_answered = true;
                m_timer.stop();
                QTimer::singleShot(delay, this, [this, refused] {
                    m_answered = false;
                    respond(refused);
                });
            }
            return;
        }
        m_authenticated = true;
        if (state == HttpParser::State::Body)
            m_timer.start(m_server->m_options.bodyTimeoutMs);
    }
    if (state == HttpParser::State::Done) {
        m_timer.stop();
        m_dispatched = true;
        m_server->dispatch(this, m_parser.request());
    }
}

void AgentConnection::onTimeout()
{
    if (m_answered || m_dispatched)
        return;
    const bool head = !m_parser.headComplete();
    respond(HttpResponse::protocolError(
        408, QStringLiteral("Reading the request"),
        head ? QStringLiteral("the request line and headers did not arrive within %1 s").arg(m_server->m_options.headTimeoutMs / 1000.0)
             : QStringLiteral("the body did not arrive within %1 s").arg(m_server->m_options.bodyTimeoutMs / 1000.0)));
}

void AgentConnection::respond(const HttpResponse &response)
{
    if (m_answered)
        return;
    m_answered = true;
    m_timer.stop();
    if (m_socket->state() != QAbstractSocket::ConnectedState) {
        deleteLater();
        return;
    }
    m_socket->write(response.serialize());
    if (m_server)
        m_server->noteAnswer(response.status, m_peer);
    m_socket->disconnectFromHost();
    // A peer that never reads its answer does not keep the connection.
    m_timer.disconnect();
    connect(&m_timer, &QTimer::timeout, this, [this] {
        m_socket->abort();
        deleteLater();
    });
    m_timer.start(kDrainMs);
}

} // namespace passdeck
