#pragma once
// A raw HTTPS client for the agent tests: sends exactly the bytes it is given over TLS (or plain
// TCP) and collects what comes back until the agent closes. Event-loop driven, so the agent may
// run in the same thread (tests/agent/tst_agent_http.cpp).

#include <QByteArray>
#include <QDeadlineTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>

#include <functional>
#include <memory>

namespace passdeck::test {

struct RawAnswer
{
    bool connected = false; // TCP (and TLS) came up
    bool closed = false;    // the agent closed the connection
    QByteArray raw;

    int status() const
    {
        if (!raw.startsWith("HTTP/1.1 "))
            return 0;
        return raw.mid(9, 3).toInt();
    }
    QByteArray body() const
    {
        const qsizetype i = raw.indexOf("\r\n\r\n");
        return i < 0 ? QByteArray() : raw.mid(i + 4);
    }
    QJsonObject json() const { return QJsonDocument::fromJson(body()).object(); }
    QString errorCode() const
    {
        return json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString();
    }
    QByteArray header(const QByteArray &name) const
    {
        const qsizetype end = raw.indexOf("\r\n\r\n");
        for (const QByteArray &line : raw.left(end).split('\n'))
            if (line.toLower().startsWith(QByteArray(name.toLower() + ':')))
                return line.mid(name.size() + 1).trimmed();
        return {};
    }
};

// One connection: `parts` are written one after the other, `gapMs` apart; then it waits for the
// agent to answer and close, at most waitMs.
class RawClient
{
public:
    RawClient(QString host, quint16 port) : m_host(std::move(host)), m_port(port) {}

    RawAnswer send(const QList<QByteArray> &parts, int gapMs = 0, int waitMs = 120000, bool tls = true)
    {
        RawAnswer answer;
        std::unique_ptr<QTcpSocket> socket;
        if (tls) {
            auto *ssl = new QSslSocket;
            QSslConfiguration conf = ssl->sslConfiguration();
            conf.setPeerVerifyMode(QSslSocket::VerifyNone); // the tests of pinning are the client's
            ssl->setSslConfiguration(conf);
            socket.reset(ssl);
        } else {
            socket = std::make_unique<QTcpSocket>();
        }
        QEventLoop loop;
        QDeadlineTimer deadline(waitMs);
        QTimer guard;
        guard.setSingleShot(true);
        QObject::connect(&guard, &QTimer::timeout, &loop, &QEventLoop::quit);
        QObject::connect(socket.get(), &QTcpSocket::readyRead, &loop, [&] { answer.raw += socket->readAll(); });
        QObject::connect(socket.get(), &QTcpSocket::disconnected, &loop, [&] {
            answer.raw += socket->readAll();
            answer.closed = true;
            loop.quit();
        });
        QObject::connect(socket.get(), &QTcpSocket::errorOccurred, &loop, [&](QAbstractSocket::SocketError) {
            if (socket->state() == QAbstractSocket::UnconnectedState) {
                answer.closed = true;
                loop.quit();
            }
        });
        int next = 0;
        QTimer pacer;
        pacer.setSingleShot(true);
        std::function<void()> writeNext = [&] {
            if (next >= parts.size() || answer.closed)
                return;
            socket->write(parts.at(next++));
            if (next < parts.size())
                pacer.start(gapMs);
        };
        QObject::connect(&pacer, &QTimer::timeout, &loop, [&] { writeNext(); });
        if (tls) {
            auto *ssl = static_cast<QSslSocket *>(socket.get());
            QObject::connect(ssl, &QSslSocket::encrypted, &loop, [&] {
                answer.connected = true;
                writeNext();
            });
            QObject::connect(ssl, &QSslSocket::sslErrors, ssl, [ssl] { ssl->ignoreSslErrors(); });
            ssl->connectToHostEncrypted(m_host, m_port);
        } else {
            QObject::connect(socket.get(), &QTcpSocket::connected, &loop, [&] {
                answer.connected = true;
                writeNext();
            });
            socket->connectToHost(m_host, m_port);
        }
        guard.start(qMax<qint64>(1, deadline.remainingTime()));
        if (!answer.closed)
            loop.exec();
        answer.raw += socket->readAll();
        socket->abort();
        return answer;
    }

    RawAnswer request(const QByteArray &bytes, int waitMs = 120000) { return send({bytes}, 0, waitMs); }

private:
    QString m_host;
    quint16 m_port;
};

inline QByteArray getRequest(const QByteArray &path, const QByteArray &token)
{
    QByteArray r = "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n";
    if (!token.isNull())
        r += "Authorization: Bearer " + token + "\r\n";
    return r + "\r\n";
}

inline QByteArray postRequest(const QByteArray &path, const QByteArray &token, const QByteArray &body)
{
    QByteArray r = "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
        + QByteArray::number(body.size()) + "\r\n";
    if (!token.isNull())
        r += "Authorization: Bearer " + token + "\r\n";
    return r + "\r\n" + body;
}

} // namespace passdeck::test
