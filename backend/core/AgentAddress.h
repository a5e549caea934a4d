#pragma once

#include "core/Error.h"

#include <QString>

namespace passdeck {

// How a node behind an agent is reached and trusted (docs/agent-api.md): HOST:PORT, the SHA-256
// fingerprint of the agent's certificate pinned when the node was added, and its bearer token.
// A node's stored address is either a host root path (starts with '/') or an agent's HOST:PORT.
// Parsed here, in core, so that the service, the CLI and the forms validate the same way without
// linking the network client.
class AgentAddress
{
public:
    AgentAddress() = default;

    // "HOST:PORT": HOST a DNS name ([A-Za-z0-9.-], at most 253 characters), an IPv4 address or
    // "[IPv6]"; PORT 1..65535. Anything else is an Error "agent-address" that says which part.
    static Result<AgentAddress> parse(QStringView text);
    // True when a stored node address names an agent rather than a host root path.
    static bool isAgentAddress(QStringView nodeAddress);

    QString host() const { return m_host; }       // without the IPv6 brackets
    quint16 port() const { return m_port; }
    QString toString() const;                     // HOST:PORT, brackets around IPv6

    // "SHA256:<64 hex>" (upper or lower case, ':' between byte pairs allowed, as openssl prints
    // them) → "SHA256:<64 lower-case hex>"; anything else an Error "agent-address".
    static Result<QString> normalizeFingerprint(QStringView text);
    // A bearer token as the agent writes it: 64 hex characters (256 bits), surrounding white
    // space (a trailing newline in the token file) dropped; anything else an Error
    // "agent-address" that never repeats the token.
    static Result<QString> normalizeToken(QStringView text);

    friend bool operator==(const AgentAddress &, const AgentAddress &) = default;

private:
    QString m_host;
    quint16 m_port = 0;
};

} // namespace passdeck
