#pragma once

#include "core/Error.h"

#include <QByteArray>
#include <QSslCertificate>
#include <QSslKey>
#include <QString>

namespace passdeck {

// Who the agent is to its clients (docs/agent.md, "State dir"): an EC P-256 key (STATE/key.pem,
// 0600), a self-signed certificate over it (STATE/cert.pem; 10 years, CN = the host name, SAN
// localhost, the host name, 127.0.0.1 and ::1) and the bearer token (STATE/token, 64 lowercase
// hex + "\n", 0600, or 0640 group passdeck when that group exists).
//
// Made at the first start and reused after. A file that exists but cannot be read or parsed is
// an Error "agent-identity" naming the file — never silently made again: a new key would change
// the fingerprint every desktop pinned, and they would all (rightly) refuse the agent.
class AgentIdentity
{
public:
    // Creates the state dir (0700) and whatever of key, certificate and token is missing.
    // hostName: the certificate's CN and DNS name ("" = this machine's, QSysInfo::machineHostName).
    static Result<AgentIdentity> loadOrCreate(const QString &stateDir, const QString &hostName = {});

    QSslCertificate certificate() const { return m_certificate; }
    QSslKey key() const { return m_key; }
    QByteArray token() const { return m_token; } // the 64 hex characters, no newline
    // "SHA256:<64 lowercase hex>" of the DER certificate, as the client pins it.
    QString fingerprint() const;
    static QString fingerprintOf(const QSslCertificate &certificate);

    QString keyPath() const { return m_stateDir + QStringLiteral("/key.pem"); }
    QString certPath() const { return m_stateDir + QStringLiteral("/cert.pem"); }
    QString tokenPath() const { return m_stateDir + QStringLiteral("/token"); }

private:
    QString m_stateDir;
    QSslCertificate m_certificate;
    QSslKey m_key;
    QByteArray m_token;
};

} // namespace passdeck
