// Hypervisor::changeDomain and the recovery that puts a definition back (docs/libvirt.md,
// "What a change does").
#include "node/hypervisor/Hypervisor.h"

#include "core/PciAddress.h"
#include "node/hypervisor/HypervisorSession.h"
#include "node/hypervisor/HypervisorXml.h"

#include <libvirt/virterror.h>

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QThread>

namespace passdeck {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Hypervisor", text);
}

// Test hook (test driver only): PASSDECK_TEST_HYPERVISOR_FAIL_AT=after-define|after-shutdown
// makes the change fail at that step, so the rollback runs on a simulated node.
bool failAt(const HypervisorSession &session, const char *step)
{
    return session.isTestDriver() && qgetenv("PASSDECK_TEST_HYPERVISOR_FAIL_AT") == step;
}

bool defineXml(virConnectPtr conn, const QString &xml)
{
    virDomainPtr d = virDomainDefineXML(conn, xml.toUtf8().constData());
    if (!d)
        return false;
    virDomainFree(d);
    return true;
}

// ACPI shutdown, then virDomainDestroy once timeoutSec have passed. true when shut off.
bool shutDown(virDomainPtr domain, int timeoutSec)
{
    if (!domainStateIsActive(domainState(domain)))
        return true;
    // A guest without ACPI refuses the request; the destroy below still ends it.
    if (virDomainShutdown(domain) != 0)
        virResetLastError();
    const QDeadlineTimer deadline(qint64(qMax(0, timeoutSec)) * 1000);
    while (domainStateIsActive(domainState(domain)) && !deadline.hasExpired())
        QThread::msleep(100);
    if (!domainStateIsActive(domainState(domain)))
        return true;
    return virDomainDestroy(domain) == 0 || !domainStateIsActive(domainState(domain));
}

} // namespace

Result<DomainInfo> Hypervisor::changeDomain(const DomainChange &change)
{
    const QString what = tr("Changing VM '%1' on node %2").arg(change.name, m_target.nodeAddress);
    if (!HypervisorXml::isValidDomainName(change.name))
        return Error::make(ErrorCode::BadName, what, tr("'%1' is not a domain name").arg(change.name));
    QList<PciAddress> addresses;
    if (!change.hostdevs.isEmpty()) {
        auto parsed = PciAddress::parseList(change.hostdevs);
        if (!parsed) {
            Error e = parsed.error();
            e.what = what;
            return e;
        }
        addresses = parsed.value();
    }
    auto opened = open(change.name);
    if (!opened)
        return opened.error();
    HypervisorSession &session = **opened;
    auto found = session.lookup(change.name, what);
    if (!found)
        return found.error();
    DomainRef ref(found.value());

    // 1. What to go back to.
    const QString previousXml = inactiveXml(ref.get());
    if (previousXml.isEmpty())
        return session.libvirtError(ErrorCode::DomainFailed, what, change.name);
    const bool wasActive = domainStateIsActive(domainState(ref.get()));
    auto nextXml = HypervisorXml::withPassdeckHostdevs(previousXml, addresses);
    if (!nextXml) {
        Error e = nextXml.error();
        e.what = what;
        return e;
    }

    // Every failure from here on puts the previous definition and run state back.
    auto rollBack = [&](Error e) -> Error {
        virResetLastError();
        if (!defineXml(session.connection(), previousXml)) {
            e.why += tr("; putting the previous definition back failed too: %1").arg(HypervisorSession::lastMessage());
            e.hint = tr("Check the domain with 'virsh dumpxml %1' before starting it.").arg(change.name);
        }
        virResetLastError();
        const bool active = domainStateIsActive(domainState(ref.get()));
        if (wasActive && !active && virDomainCreate(ref.get()) != 0)
            e.why += tr("; starting it again failed: %1").arg(HypervisorSession::lastMessage());
        else if (!wasActive && active)
            virDomainDestroy(ref.get());
        virResetLastError();
        // The test driver file is written only when the whole change went through: left as it
        // was, it still holds the previous definition and state.
        return e;
    };

    // 2. The new definition (libvirt checks it; a refusal changes nothing).
    if (!defineXml(session.connection(), nextXml.value())) {
        Error e = session.libvirtError(ErrorCode::DomainFailed, what, change.name);
        e.step = QStringLiteral("define");
        if (addresses.size() == 1)
            e.device = addresses.first().toString();
        return e;
    }
    if (failAt(session, "after-define"))
        return rollBack(Error::make(ErrorCode::DomainFailed, what, tr("a test fault after the new definition")));

    // 3. Shut down (ACPI, then destroy after the timeout).
    if (!shutDown(ref.get(), change.shutdownTimeoutSec)) {
        Error e = session.libvirtError(ErrorCode::DomainFailed, tr("Shutting down VM '%1'").arg(change.name), change.name);
        e.step = QStringLiteral("shutdown");
        return rollBack(e);
    }
    if (failAt(session, "after-shutdown"))
        return rollBack(Error::make(ErrorCode::DomainFailed, what, tr("a test fault after the shutdown")));

    // 4. Start on the new definition.
    if (change.start && virDomainCreate(ref.get()) != 0) {
        Error e = session.libvirtError(ErrorCode::DomainFailed, tr("Starting VM '%1'").arg(change.name), change.name);
        e.step = QStringLiteral("start");
        e.hint = tr("The previous definition is back; check the devices' IOMMU groups and vfio-pci binding.");
        return rollBack(e);
    }
    auto info = describeDomain(session, ref.get());
    if (!info)
        return rollBack(info.error());
    if (Status saved = session.save(); !saved)
        return rollBack(saved.error());
    return info;
}

Status Hypervisor::restoreDefinition(const QString &name, const QString &xml, bool running)
{
    const QString what = tr("Putting back the definition of VM '%1' on node %2").arg(name, m_target.nodeAddress);
    auto opened = open(name);
    if (!opened)
        return opened.error();
    HypervisorSession &session = **opened;
    if (!defineXml(session.connection(), xml))
        return session.libvirtError(ErrorCode::DomainFailed, what, name);
    auto found = session.lookup(name, what);
    if (!found)
        return found.error();
    DomainRef ref(found.value());
    const bool active = domainStateIsActive(domainState(ref.get()));
    if (running && !active && virDomainCreate(ref.get()) != 0)
        return session.libvirtError(ErrorCode::DomainFailed, what, name);
    return session.save();
}

} // namespace passdeck
