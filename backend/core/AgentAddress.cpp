#include "core/AgentAddress.h"

#include <QCoreApplication>

namespace passdeck {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("passdeck::AgentAddress", text);
}

Error addressError(const QString &what, const QString &why)
{
    return Error::make(ErrorCode::AgentAddress, what, why,
                       tr("Give the agent as HOST:PORT, for example kvm-07.example.org:7443 or 127.0.0.1:7443 "
                          "(passdeckd prints its address and fingerprint when it starts)."));
}

bool isHex(QStringView s)
{
    for (QChar c : s) {
        if (!((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F')))
            return false;
    }
    return true;
}

bool isDnsName(QStringView host)
{
    if (host.isEmpty() || host.size() > 253 || host.startsWith(u'.') || host.startsWith(u'-'))
        return false;
    for (QChar c : host) {
        if (!(c.isLetterOrNumber() && c.unicode() < 128) && c != u'.' && c != u'-')
            return false;
    }
    return true;
}

// The characters and shape of an IPv6 address (core links no Qt Network; the resolver has the
// last word): hex groups, ':' separators, an optional dotted IPv4 tail.
bool isIpv6Text(QStringView host)
{
    if (host.size() < 2 || host.size() > 45 || !host.contains(u':'))
        return false;
    for (QChar c : host) {
        if (!isHex(QStringView(&c, 1)) && c != u':' && c != u'.')
            return false;
    }
    return true;
}

} // namespace

Result<AgentAddress> AgentAddress::parse(QStringView text)
{
    const QString what = tr("Reading the agent address '%1'").arg(text.left(300).toString());
    const qsizetype colon = text.lastIndexOf(u':');
    if (colon <= 0)
        return addressError(what, tr("it has no ':PORT'"));
    QStringView host = text.left(colon);
    const QStringView portText = text.mid(colon + 1);
    bool ok = false;
    const uint port = portText.toUInt(&ok);
    if (!ok || port == 0 || port > 65535 || !portText.front().isDigit())
        return addressError(what, tr("the port '%1' is not a number from 1 to 65535").arg(portText.left(20).toString()));

    AgentAddress a;
    a.m_port = quint16(port);
    if (host.startsWith(u'[') && host.endsWith(u']')) {
        host = host.mid(1, host.size() - 2);
        if (!isIpv6Text(host))
            return addressError(what, tr("'%1' is not an IPv6 address").arg(host.left(60).toString()));
        a.m_host = host.toString();
        return a;
    }
    if (host.contains(u':'))
        return addressError(what, tr("an IPv6 address must be written in brackets, as [::1]:7443"));
    if (!isDnsName(host))
        return addressError(what, tr("'%1' is not a host name or IPv4 address").arg(host.left(60).toString()));
    a.m_host = host.toString();
    return a;
}

bool AgentAddress::isAgentAddress(QStringView nodeAddress)
{
    return !nodeAddress.isEmpty() && !nodeAddress.startsWith(u'/') && nodeAddress.contains(u':');
}

QString AgentAddress::toString() const
{
    if (m_host.contains(u':'))
        return QStringLiteral("[%1]:%2").arg(m_host).arg(m_port);
    return QStringLiteral("%1:%2").arg(m_host).arg(m_port);
}

Result<QString> AgentAddress::normalizeFingerprint(QStringView text)
{
    const QString what = tr("Reading the agent's certificate fingerprint");
    const QStringView t = text.trimmed();
    if (!t.startsWith(u"SHA256:", Qt::CaseInsensitive))
        return addressError(what, tr("a fingerprint starts with 'SHA256:' followed by 64 hex digits"));
    QString hex = t.mid(7).toString();
    hex.remove(u':');
    if (hex.size() != 64 || !isHex(hex))
        return addressError(what, tr("a fingerprint starts with 'SHA256:' followed by 64 hex digits"));
    return QString(QStringLiteral("SHA256:") + hex.toLower());
}

Result<QString> AgentAddress::normalizeToken(QStringView text)
{
    const QStringView t = text.trimmed();
    if (t.size() != 64 || !isHex(t))
        return Error::make(ErrorCode::AgentAddress, tr("Reading the agent's token"),
                           tr("a token is 64 hex digits (the agent's STATE/token file); this is not one"),
                           tr("Copy the token file from the node (by default /var/lib/passdeckd/token)."));
    return t.toString().toLower();
}

} // namespace passdeck
