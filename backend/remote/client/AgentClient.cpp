#include "remote/client/AgentClient.h"

#include "core/NodeCodec.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QEventLoop>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslError>
#include <QTimer>
#include <QUrl>

namespace passdeck {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("AgentClient", text);
}

// What the agent answered, cut for an error message (it may be anything, of any length).
QString excerpt(const QByteArray &data)
{
    QString text = QString::fromUtf8(data.left(200)).simplified();
    if (data.size() > 200)
        text += QStringLiteral("…");
    return text.isEmpty() ? tr("an empty body") : QStringLiteral("'%1'").arg(text);
}

// Why a request that got no HTTP answer failed, in the administrator's words.
QString networkWhy(QNetworkReply::NetworkError error, const QString &qtText)
{
    switch (error) {
    case QNetworkReply::ConnectionRefusedError:
        return tr("the connection was refused (nothing listens on that port)");
    case QNetworkReply::HostNotFoundError:
        return tr("the host name was not found");
    case QNetworkReply::RemoteHostClosedError:
        return tr("the agent closed the connection before it answered");
    case QNetworkReply::TimeoutError:
        return tr("the connection timed out");
    default:
        return qtText;
    }
}

} // namespace

AgentClient::AgentClient(AgentAddress address, QString token, QString fingerprint, AgentTimeouts timeouts)
    : m_address(std::move(address))
    , m_token(std::move(token))
    , m_fingerprint(std::move(fingerprint))
    , m_timeouts(timeouts)
{
    if (auto normal = AgentAddress::normalizeFingerprint(m_fingerprint))
        m_fingerprint = *normal;
}

QString AgentClient::fingerprintOf(const QSslCertificate &certificate)
{
    return QStringLiteral("SHA256:") + QString::fromLatin1(certificate.digest(QCryptographicHash::Sha256).toHex());
}

Result<AgentClient::Reply> AgentClient::get(const QString &pathAndQuery) const
{
    return send(QByteArrayLiteral("GET"), pathAndQuery, {});
}

Result<AgentClient::Reply> AgentClient::post(const QString &path, const QJsonObject &body) const
{
    return send(QByteArrayLiteral("POST"), path, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

Error AgentClient::unreachable(const QString &why) const
{
    if (!m_unreachableHint.isEmpty())
        return Error::make(ErrorCode::NodeUnreachable, tr("Reaching the node agent at %1").arg(m_address.toString()), why, m_unreachableHint);
    return Error::make(ErrorCode::NodeUnreachable, tr("Reaching the node agent at %1").arg(m_address.toString()), why,
                       tr("Check that passdeckd runs on the node (systemctl status passdeckd), that its port is open "
                          "in the node's firewall and that the network between the two works."));
}

Result<AgentClient::Reply> AgentClient::send(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body) const
{
    // What the handlers below learn; declared before the manager so that it outlives the reply.
    enum class Timeout { None, Connect, Request };
    Timeout timedOut = Timeout::None;
    bool mismatch = false;
    QString presented;

    QNetworkAccessManager manager;
    // A node agent is reached directly: a proxy from the environment would see the token.
    manager.setProxy(QNetworkProxy::NoProxy);
    manager.setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    manager.setAutoDeleteReplies(false);

    QUrl url;
    url.setScheme(QStringLiteral("https"));
    url.setHost(m_address.host());
    url.setPort(m_address.port());
    const qsizetype query = pathAndQuery.indexOf(u'?');
    url.setPath(pathAndQuery.left(query));
    if (query >= 0)
        url.setQuery(pathAndQuery.mid(query + 1));

    QNetworkRequest request(url);
    request.setRawHeader(QByteArrayLiteral("Authorization"), QByteArrayLiteral("Bearer ") + m_token.toLatin1());
    request.setRawHeader(QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json"));
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.setProtocol(QSsl::TlsV1_2OrLater);
    // Trust is the pin alone: no certificate authority can vouch for an agent (and the system's
    // list is not loaded for every request).
    ssl.setCaCertificates({});
    request.setSslConfiguration(ssl);

    QNetworkReply *reply = manager.sendCustomRequest(request, method, body);
    QEventLoop loop;
    QTimer connectTimer;
    QTimer requestTimer;
    connectTimer.setSingleShot(true);
    requestTimer.setSingleShot(true);

    // The pin: the agent's certificate is self-signed, so verification reports errors; they are
    // ignored only for the certificate whose SHA-256 is the pinned one, and only those errors.
    QObject::connect(reply, &QNetworkReply::sslErrors, reply, [&](const QList<QSslError> &errors) {
        QSslCertificate peer = reply->sslConfiguration().peerCertificate();
        for (qsizetype i = 0; peer.isNull() && i < errors.size(); ++i)
            peer = errors.at(i).certificate();
        presented = peer.isNull() ? QString() : fingerprintOf(peer);
        if (peer.isNull() || presented != m_fingerprint) {
            mismatch = true; // not ignored: the handshake fails
            return;
        }
        QList<QSslError> forPeer;
        for (const QSslError &e : errors) {
            if (e.certificate() == peer)
                forPeer.append(e);
        }
        reply->ignoreSslErrors(forPeer);
    });
    // A certificate the system trusts raises no error: the pin is checked once more here.
    QObject::connect(reply, &QNetworkReply::encrypted, reply, [&] {
        connectTimer.stop();
        const QString peer = fingerprintOf(reply->sslConfiguration().peerCertificate());
        if (peer != m_fingerprint) {
            mismatch = true;
            presented = peer;
            reply->abort();
        }
    });
    QObject::connect(&connectTimer, &QTimer::timeout, reply, [&] {
        timedOut = Timeout::Connect;
        reply->abort();
    });
    QObject::connect(&requestTimer, &QTimer::timeout, reply, [&] {
        timedOut = Timeout::Request;
        reply->abort();
    });
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    connectTimer.start(m_timeouts.connectMs);
    requestTimer.start(m_timeouts.requestMs);
    if (!reply->isFinished())
        loop.exec(QEventLoop::ExcludeUserInputEvents);
    connectTimer.stop();
    requestTimer.stop();

    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray data = reply->isOpen() ? reply->readAll() : QByteArray();
    const QNetworkReply::NetworkError netError = reply->error();
    const QString netText = reply->errorString();
    reply->disconnect();
    delete reply;

    const QString what = tr("Asking the node agent at %1 (%2 %3)")
                             .arg(m_address.toString(), QString::fromLatin1(method), url.path());
    if (mismatch) {
        // As ssh says it: what changed, and that it may be an attack.
        return Error::make(ErrorCode::CertificateMismatch, tr("Connecting to the node agent at %1").arg(m_address.toString()),
                           tr("the agent's certificate has changed: the node was added with %1, the agent presented %2. "
                              "Someone may be intercepting the connection, or the agent's key was made anew")
                               .arg(m_fingerprint, presented.isEmpty() ? tr("no certificate") : presented),
                           tr("If the change is expected (the agent's state directory was recreated), remove the node and add "
                              "it again with the new fingerprint passdeckd prints when it starts "
                              "(passdeck-cli node add NAME --agent %1 --token-file FILE --fingerprint SHA256:…).")
                               .arg(m_address.toString()));
    }
    if (timedOut == Timeout::Connect)
        return unreachable(tr("no TLS connection within %1 s").arg(m_timeouts.connectMs / 1000.0));
    if (timedOut == Timeout::Request)
        return unreachable(tr("no answer to %1 %2 within %3 s").arg(QString::fromLatin1(method), url.path()).arg(m_timeouts.requestMs / 1000.0));
    if (status == 0) {
        if (netError == QNetworkReply::SslHandshakeFailedError)
            return Error::make(ErrorCode::AgentProtocol, what, tr("the TLS handshake failed: %1").arg(netText),
                               tr("Check that %1 is the address passdeckd printed when it started.").arg(m_address.toString()));
        return unreachable(networkWhy(netError, netText));
    }
    if (status == 401) {
        return Error::make(ErrorCode::AgentUnauthorized, what, tr("the agent refused the node's token (HTTP 401)"),
                           tr("The token is in the agent's state directory on the node (/var/lib/passdeckd/token by default). "
                              "Remove the node and add it again with that token (--token-file)."));
    }

    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(data, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return Error::make(ErrorCode::AgentProtocol, what,
                           tr("the agent answered HTTP %1 with something that is not a JSON object: %2").arg(status).arg(excerpt(data)),
                           tr("Check that %1 is a passdeckd of this Passdeck version.").arg(m_address.toString()));
    const QJsonObject object = doc.object();
    if (status >= 200 && status < 300)
        return Reply{status, object};
    if (object.contains(QStringLiteral("error"))) {
        Error peer;
        if (Status decoded = nodecodec::errorFromJson(object.value(QStringLiteral("error")), &peer); decoded)
            return peer;
        else
            return Error::make(ErrorCode::AgentProtocol, what,
                               tr("the agent answered HTTP %1 with an error that cannot be read: %2").arg(status).arg(decoded.error().why));
    }
    return Error::make(ErrorCode::AgentProtocol, what, tr("the agent answered HTTP %1 without an error: %2").arg(status).arg(excerpt(data)));
}

} // namespace passdeck
