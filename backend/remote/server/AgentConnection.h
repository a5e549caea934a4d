#pragma once

#include "remote/server/HttpParser.h"
#include "remote/server/HttpResponse.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

class QSslSocket;

namespace passdeck {

class AgentServer;

// One TLS connection of the agent, from the end of the handshake to the close: feeds the
// parser, keeps the head and body timers, checks the token as soon as the head is complete
// (before any body is buffered), holds a throttled 401 back, hands the request to the server
// and writes the one answer. Deletes itself when the socket is gone.
class AgentConnection : public QObject
{
    Q_OBJECT
public:
    AgentConnection(QSslSocket *socket, AgentServer *server);
    ~AgentConnection() override;

    QString peer() const { return m_peer; }
    // Writes the answer and closes (only the first answer counts).
    void respond(const HttpResponse &response);

private:
    void onReadyRead();
    void onTimeout();
    void finish();

    QSslSocket *m_socket;
    QPointer<AgentServer> m_server;
    HttpParser m_parser;
    QTimer m_timer;
    QString m_peer;
    bool m_authenticated = false;
    bool m_answered = false;  // an answer is written or scheduled: input is ignored from then on
    bool m_dispatched = false;
};

} // namespace passdeck
