#include "node/hypervisor/HypervisorSession.h"

#include "node/hypervisor/HypervisorXml.h"

#include <libvirt/virterror.h>

#include <QCoreApplication>
#include <QDomDocument>

#include <cstdlib>
#include <mutex>

namespace passdeck {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Hypervisor", text);
}

// libvirt prints every error on stderr by default; Passdeck keeps the message for its Error.
void silentErrors(void *, virErrorPtr)
{
}

void initLibvirt()
{
    static std::once_flag once;
    std::call_once(once, [] {
        virInitialize();
        virSetErrorFunc(nullptr, silentErrors);
    });
}

QString defaultUri()
{
    return QStringLiteral("qemu:///system");
}

} // namespace

QString HypervisorSession::lastMessage()
{
    const char *message = virGetLastErrorMessage();
    const QString text = message ? QString::fromUtf8(message).trimmed() : QString();
    return text.isEmpty() ? tr("libvirt gave no reason") : text;
}

Error HypervisorSession::libvirtError(ErrorCode code, const QString &what, const QString &domain) const
{
    Q_UNUSED(domain);
    Error e = Error::make(code, what, tr("libvirt: %1").arg(lastMessage()));
    virResetLastError();
    return e;
}

Result<std::unique_ptr<HypervisorSession>> HypervisorSession::open(const HypervisorTarget &target, const QString &domain)
{
    initLibvirt();
    std::unique_ptr<HypervisorSession> session(new HypervisorSession);
    session->m_target = target;
    QString uri = target.uri.isEmpty() ? defaultUri() : target.uri;
    if (!target.testRoot.isEmpty()) {
        auto file = TestDriverFile::lock(target.testRoot, target.nodeAddress);
        if (!file)
            return file.error();
        session->m_file.emplace(std::move(file.value()));
        uri = session->m_file->uri();
    }
    session->m_conn = virConnectOpen(uri.toUtf8().constData());
    if (!session->m_conn) {
        Error e = noHypervisorError(target.nodeAddress, domain);
        e.why = tr("libvirt cannot connect to %1: %2").arg(target.testRoot.isEmpty() ? uri : TestDriverFile::relativePath(), lastMessage());
        e.hint = target.testRoot.isEmpty() ? tr("Check that libvirtd (or virtqemud) runs on the node and that the URI is right.")
                                           : tr("Repair <root>/%1 or rebuild the simulated node.").arg(TestDriverFile::relativePath());
        virResetLastError();
        return e;
    }
    return session;
}

HypervisorSession::~HypervisorSession()
{
    if (m_conn)
        virConnectClose(m_conn);
}

Result<virDomainPtr> HypervisorSession::lookup(const QString &name, const QString &whatText) const
{
    virDomainPtr domain = virDomainLookupByName(m_conn, name.toUtf8().constData());
    if (domain)
        return domain;
    const virErrorPtr err = virGetLastError();
    if (err && err->code != VIR_ERR_NO_DOMAIN)
        return libvirtError(ErrorCode::DomainFailed, whatText, name);
    virResetLastError();
    return Error::make(ErrorCode::DomainNotFound, whatText,
                       tr("node %1 has no domain named '%2'").arg(m_target.nodeAddress, name),
                       tr("Refresh the node's VMs: the domain was undefined or renamed outside Passdeck."));
}

DomainState domainState(virDomainPtr domain)
{
    int state = VIR_DOMAIN_NOSTATE;
    int reason = 0;
    if (virDomainGetState(domain, &state, &reason, 0) != 0)
        return DomainState::NoState;
    switch (state) {
    case VIR_DOMAIN_RUNNING: return DomainState::Running;
    case VIR_DOMAIN_BLOCKED: return DomainState::Blocked;
    case VIR_DOMAIN_PAUSED: return DomainState::Paused;
    case VIR_DOMAIN_SHUTDOWN: return DomainState::ShuttingDown;
    case VIR_DOMAIN_SHUTOFF: return DomainState::ShutOff;
    case VIR_DOMAIN_CRASHED: return DomainState::Crashed;
    case VIR_DOMAIN_PMSUSPENDED: return DomainState::Suspended;
    default: return DomainState::NoState;
    }
}

QString inactiveXml(virDomainPtr domain)
{
    char *xml = virDomainGetXMLDesc(domain, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
    if (!xml)
        return {};
    const QString out = QString::fromUtf8(xml);
    free(xml);
    return out;
}

Status HypervisorSession::save()
{
    if (!m_file)
        return {};
    virDomainPtr *domains = nullptr;
    const int count = virConnectListAllDomains(m_conn, &domains, 0);
    if (count < 0)
        return libvirtError(ErrorCode::DomainFailed, tr("Saving the simulated hypervisor of node %1").arg(m_target.nodeAddress), {});
    QDomDocument doc;
    QDomElement node = doc.createElement(QStringLiteral("node"));
    // Plain attributes and prefixed names throughout (no QDom namespace processing): what is
    // written is exactly what libvirt gave, plus the test namespace declared once here.
    node.setAttribute(QStringLiteral("xmlns:test"), HypervisorXml::testDriverNamespace());
    doc.appendChild(node);
    Status status;
    for (int i = 0; i < count; ++i) {
        DomainRef ref(domains[i]);
        const bool persistent = virDomainIsPersistent(ref.get()) == 1;
        char *raw = virDomainGetXMLDesc(ref.get(), persistent ? VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE : VIR_DOMAIN_XML_SECURE);
        if (!raw) {
            if (status)
                status = libvirtError(ErrorCode::DomainFailed, tr("Saving the simulated hypervisor of node %1").arg(m_target.nodeAddress), {});
            continue;
        }
        QDomDocument one;
        one.setContent(QString::fromUtf8(raw), false);
        free(raw);
        QDomElement domain = doc.importNode(one.documentElement(), true).toElement();
        // The test driver reads the run state (virDomainState as a number) and transience from
        // its namespace; without <test:runstate> it would start every domain.
        QDomElement runstate = doc.createElement(QStringLiteral("test:runstate"));
        int state = VIR_DOMAIN_SHUTOFF;
        int reason = 0;
        virDomainGetState(ref.get(), &state, &reason, 0);
        runstate.appendChild(doc.createTextNode(QString::number(state)));
        domain.appendChild(runstate);
        if (!persistent)
            domain.appendChild(doc.createElement(QStringLiteral("test:transient")));
        node.appendChild(domain);
    }
    free(domains);
    if (!status)
        return status;
    return m_file->replace(doc.toByteArray(2));
}

} // namespace passdeck
