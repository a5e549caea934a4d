#include "node/hypervisor/Hypervisor.h"

#include "core/PciAddress.h"
#include "node/hypervisor/HypervisorSession.h"
#include "node/hypervisor/HypervisorXml.h"

#include <libvirt/virterror.h>

#include <QCoreApplication>

#include <algorithm>
#include <cstdlib>
#include <optional>

namespace passdeck {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Hypervisor", text);
}

Error invalidName(const QString &name)
{
    return Error::make(ErrorCode::BadName, tr("VM name '%1'").arg(name),
                       tr("a domain name has 1 to 64 characters, no '/' and no control characters"));
}

} // namespace

Hypervisor::Hypervisor(HypervisorTarget target)
    : m_target(std::move(target))
{
}

Result<std::unique_ptr<HypervisorSession>> Hypervisor::open(const QString &domain)
{
    return HypervisorSession::open(m_target, domain);
}

QString Hypervisor::domainType() const
{
    // The test driver accepts only type='test'; anything else is a KVM host.
    return !m_target.testRoot.isEmpty() || m_target.uri.startsWith(QLatin1String("test")) ? QStringLiteral("test")
                                                                                             : QStringLiteral("kvm");
}

Result<DomainInfo> describeDomain(const HypervisorSession &session, virDomainPtr domain)
{
    DomainInfo info;
    const char *name = virDomainGetName(domain);
    info.name = name ? QString::fromUtf8(name) : QString();
    char uuid[VIR_UUID_STRING_BUFLEN] = {};
    if (virDomainGetUUIDString(domain, uuid) == 0)
        info.uuid = QString::fromLatin1(uuid);
    info.state = domainState(domain);
    info.persistent = virDomainIsPersistent(domain) == 1;
    virDomainInfo raw {};
    if (virDomainGetInfo(domain, &raw) != 0)
        return session.libvirtError(ErrorCode::DomainFailed, tr("Reading VM '%1'").arg(info.name), info.name);
    info.vcpus = int(raw.nrVirtCpu);
    info.memoryMiB = qint64(raw.maxMem / 1024);
    const QString xml = info.persistent ? inactiveXml(domain) : QString();
    if (info.persistent) {
        if (xml.isEmpty())
            return session.libvirtError(ErrorCode::DomainFailed, tr("Reading VM '%1'").arg(info.name), info.name);
        auto hostdevs = HypervisorXml::hostdevs(xml);
        if (!hostdevs) {
            Error e = hostdevs.error();
            e.what = tr("Reading VM '%1'").arg(info.name);
            return e;
        }
        info.hostdevs = hostdevs.value();
    }
    return info;
}

Result<QList<DomainInfo>> Hypervisor::domains()
{
    auto session = open({});
    if (!session)
        return session.error();
    virDomainPtr *list = nullptr;
    const int count = virConnectListAllDomains((*session)->connection(), &list, 0);
    if (count < 0)
        return (*session)->libvirtError(ErrorCode::DomainFailed, tr("Reading the VMs of node %1").arg(m_target.nodeAddress), {});
    QList<DomainInfo> out;
    std::optional<Error> failure;
    for (int i = 0; i < count; ++i) {
        DomainRef ref(list[i]);
        auto info = describeDomain(**session, ref.get());
        if (!info) {
            // A domain undefined between the listing and the read is simply gone.
            if (virDomainIsPersistent(ref.get()) < 0)
                continue;
            if (!failure)
                failure = info.error();
            continue;
        }
        out.append(info.value());
    }
    free(list);
    if (failure)
        return *failure;
    std::sort(out.begin(), out.end(), [](const DomainInfo &a, const DomainInfo &b) { return a.name < b.name; });
    return out;
}

Result<DomainInfo> Hypervisor::domain(const QString &name)
{
    auto session = open(name);
    if (!session)
        return session.error();
    auto found = (*session)->lookup(name, tr("Reading VM '%1'").arg(name));
    if (!found)
        return found.error();
    DomainRef ref(found.value());
    return describeDomain(**session, ref.get());
}

Result<QString> Hypervisor::domainXml(const QString &name)
{
    if (!HypervisorXml::isValidDomainName(name))
        return invalidName(name);
    auto session = open(name);
    if (!session)
        return session.error();
    const QString what = tr("Reading the definition of VM '%1'").arg(name);
    auto found = (*session)->lookup(name, what);
    if (!found)
        return found.error();
    DomainRef ref(found.value());
    const QString xml = inactiveXml(ref.get());
    if (xml.isEmpty())
        return (*session)->libvirtError(ErrorCode::DomainFailed, what, name);
    return xml;
}

Result<DomainInfo> Hypervisor::defineDomain(const DomainDefinition &definition)
{
    const QString what = tr("Defining VM '%1' on node %2").arg(definition.name, m_target.nodeAddress);
    if (!HypervisorXml::isValidDomainName(definition.name))
        return invalidName(definition.name);
    if (definition.vcpus < 1 || definition.vcpus > 4096 || definition.memoryMiB < 1 || definition.memoryMiB > 16 * 1024 * 1024)
        return Error::make(ErrorCode::BadCount, what, tr("%1 vCPUs and %2 MiB are out of range (1-4096 vCPUs, 1 MiB-16 TiB)")
                                                                 .arg(definition.vcpus).arg(definition.memoryMiB));
    auto session = open(definition.name);
    if (!session)
        return session.error();
    if (virDomainPtr existing = virDomainLookupByName((*session)->connection(), definition.name.toUtf8().constData())) {
        virDomainFree(existing);
        return Error::make(ErrorCode::DomainExists, what, tr("node %1 already has a domain named '%2'").arg(m_target.nodeAddress, definition.name),
                           tr("Adopt the existing domain instead, or choose another name."));
    }
    virResetLastError();
    const QString xml = HypervisorXml::minimalDomain(definition, domainType());
    virDomainPtr defined = virDomainDefineXML((*session)->connection(), xml.toUtf8().constData());
    if (!defined)
        return (*session)->libvirtError(ErrorCode::DomainFailed, what, definition.name);
    DomainRef ref(defined);
    auto info = describeDomain(**session, ref.get());
    if (!info)
        return info.error();
    if (Status saved = (*session)->save(); !saved)
        return saved.error();
    return info;
}

Result<DomainInfo> Hypervisor::attachLive(const QString &name, const QStringList &addresses)
{
    const QString what = tr("Attaching devices to VM '%1' now").arg(name);
    if (!HypervisorXml::isValidDomainName(name))
        return invalidName(name);
    auto parsed = PciAddress::parseList(addresses);
    if (!parsed)
        return parsed.error();
    auto session = open(name);
    if (!session)
        return session.error();
    auto found = (*session)->lookup(name, what);
    if (!found)
        return found.error();
    DomainRef ref(found.value());
    const unsigned flags = VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG;
    QList<PciAddress> attached;
    for (const PciAddress &a : parsed.value()) {
        const QByteArray xml = HypervisorXml::hostdevXml(a).toUtf8();
        if (virDomainAttachDeviceFlags(ref.get(), xml.constData(), flags) == 0) {
            attached.append(a);
            continue;
        }
        Error e = (*session)->libvirtError(ErrorCode::LiveAttachRefused, tr("Attaching %1 to VM '%2' now").arg(a.toString(), name), name);
        e.device = a.toString();
        e.hint = tr("Restart the VM instead: the device is assigned while it is shut down.");
        // All or nothing: the devices attached before this one come out again.
        for (const PciAddress &back : attached)
            virDomainDetachDeviceFlags(ref.get(), HypervisorXml::hostdevXml(back).toUtf8().constData(), flags);
        virResetLastError();
        return e;
    }
    // The attached hostdevs are Passdeck's: listed in its metadata like a Restart's.
    auto withMeta = HypervisorXml::withPassdeckMetadata(inactiveXml(ref.get()), attached);
    if (!withMeta)
        return withMeta.error();
    if (virDomainPtr redefined = virDomainDefineXML((*session)->connection(), withMeta->toUtf8().constData()))
        virDomainFree(redefined);
    else
        return (*session)->libvirtError(ErrorCode::DomainFailed, what, name);
    auto info = describeDomain(**session, ref.get());
    if (!info)
        return info.error();
    if (Status saved = (*session)->save(); !saved)
        return saved.error();
    return info;
}

Status Hypervisor::undefineDomain(const QString &name)
{
    const QString what = tr("Removing VM '%1' from node %2").arg(name, m_target.nodeAddress);
    if (!HypervisorXml::isValidDomainName(name))
        return invalidName(name);
    auto session = open(name);
    if (!session)
        return session.error();
    auto found = (*session)->lookup(name, what);
    if (!found)
        return found.error();
    DomainRef ref(found.value());
    if (domainStateIsActive(domainState(ref.get())))
        return Error::make(ErrorCode::DomainFailed, what, tr("the domain is running"), tr("Power the VM off first."));
    // KEEP_NVRAM: a UEFI domain's variables stay on disk (libvirt refuses the plain undefine).
    // The test driver knows no NVRAM and refuses the flag.
    const unsigned flags = domainType() == QLatin1String("test")
        ? unsigned(VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)
        : unsigned(VIR_DOMAIN_UNDEFINE_KEEP_NVRAM | VIR_DOMAIN_UNDEFINE_MANAGED_SAVE);
    if (virDomainUndefineFlags(ref.get(), flags) != 0)
        return (*session)->libvirtError(ErrorCode::DomainFailed, what, name);
    return (*session)->save();
}

} // namespace passdeck
