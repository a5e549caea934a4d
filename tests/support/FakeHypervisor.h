#pragma once
// An in-memory hypervisor in front of a real (simulated) node, for the service's VM flows with
// failure injection: every Node call goes to the inner node except the hypervisor's, which
// answer from FakeHypervisor (shared by every Node the factory hands out, as libvirt's state is
// shared by every connection). The domain XML it returns is libvirt's form of what it holds.
#include "core/Node.h"

#include <QMap>
#include <QRegularExpression>
#include <QUuid>

#include <functional>
#include <memory>

namespace passdeck::test {

struct FakeHypervisor
{
    QMap<QString, DomainInfo> domains; // by name
    bool available = true;             // false: every call answers "hypervisor-unavailable"
    bool refuseLive = true;            // attachLive answers "live-attach-refused" (as the test driver does)
    QString failChangeOf;              // changeDomain of this domain fails (the domain stays as it was)
    int lastShutdownTimeout = -1;      // of the last changeDomain
    QStringList calls;                 // "define NAME", "change NAME a,b start", "live NAME a", "undefine NAME"
    std::function<void(const DomainChange &)> duringChange; // called inside changeDomain (as a shutdown waits)

    DomainInfo &add(const QString &name, DomainState state = DomainState::ShutOff, const QList<DomainHostdev> &hostdevs = {})
    {
        DomainInfo d;
        d.name = name;
        d.uuid = QUuid::createUuid().toString(QUuid::WithoutBraces);
        d.state = state;
        d.vcpus = 2;
        d.memoryMiB = 2048;
        d.hostdevs = hostdevs;
        return domains[name] = d;
    }

    QStringList passdeckHostdevs(const QString &name) const
    {
        QStringList out;
        for (const DomainHostdev &h : domains.value(name).hostdevs)
            if (h.passdeck)
                out << h.address;
        return out;
    }

    static QString xml(const DomainInfo &d)
    {
        QString hostdevs;
        QString marks;
        for (const DomainHostdev &h : d.hostdevs) {
            const QStringList p = h.address.split(QRegularExpression(QStringLiteral("[:.]")));
            hostdevs += QStringLiteral("    <hostdev mode='subsystem' type='pci' managed='%5'>\n      <source>\n"
                                       "        <address domain='0x%1' bus='0x%2' slot='0x%3' function='0x%4'/>\n"
                                       "      </source>\n    </hostdev>\n")
                            .arg(p.value(0), p.value(1), p.value(2), p.value(3), h.managed ? QStringLiteral("yes") : QStringLiteral("no"));
            if (h.passdeck)
                marks += QStringLiteral("      <passdeck:hostdev address='%1'/>\n").arg(h.address);
        }
        return QStringLiteral("<domain type='test'>\n  <name>%1</name>\n  <uuid>%2</uuid>\n"
                              "  <metadata>\n    <passdeck:vm xmlns:passdeck='https://passdeck.invalid/xmlns/vm/1'>\n%6"
                              "    </passdeck:vm>\n  </metadata>\n"
                              "  <memory unit='KiB'>%3</memory>\n  <vcpu placement='static'>%4</vcpu>\n"
                              "  <os>\n    <type arch='x86_64'>hvm</type>\n  </os>\n  <devices>\n%5  </devices>\n</domain>\n")
            .arg(d.name, d.uuid).arg(d.memoryMiB * 1024).arg(d.vcpus).arg(hostdevs, marks);
    }
};

class FakeHypervisorNode : public Node
{
public:
    FakeHypervisorNode(std::unique_ptr<Node> inner, std::shared_ptr<FakeHypervisor> hv) : m_inner(std::move(inner)), m_hv(std::move(hv)) {}

    QString address() const override { return m_inner->address(); }
    bool isSimulated() const override { return m_inner->isSimulated(); }
    Result<NodeIdentity> identity() override { return m_inner->identity(); }
    Result<InventorySnapshot> inventory() override { return m_inner->inventory(); }
    Result<HostMounts> hostMounts() override { return m_inner->hostMounts(); }
    Result<NodeCapabilities> capabilities(int g) override { return m_inner->capabilities(g); }
    Result<BindPlan> plan(const QStringList &a, BindTarget t) override { return m_inner->plan(a, t); }
    Result<ApplyResult> apply(const BindPlan &p, const ApplyOptions &o, const NodeProgress &pr = {}) override { return m_inner->apply(p, o, pr); }
    Status restore(const RestoreRequest &r) override { return m_inner->restore(r); }
    Result<QMap<QString, DriverState>> driverStates(const QStringList &a) override { return m_inner->driverStates(a); }
    Result<SriovState> sriovState(const QString &pf) override { return m_inner->sriovState(pf); }
    Result<QList<Finding>> vfCountImpact(const QString &pf, int c) override { return m_inner->vfCountImpact(pf, c); }
    Result<QStringList> setVfCount(const QString &pf, int c, const VfCountOptions &o) override { return m_inner->setVfCount(pf, c, o); }
    Status reboot() override { return m_inner->reboot(); }

    Result<QList<DomainInfo>> domains() override
    {
        if (!m_hv->available)
            return noHypervisor();
        return m_hv->domains.values();
    }
    Result<QString> domainXml(const QString &name) override
    {
        if (!m_hv->available)
            return noHypervisor(name);
        if (!m_hv->domains.contains(name))
            return missing(name);
        return FakeHypervisor::xml(m_hv->domains.value(name));
    }
    Result<DomainInfo> defineDomain(const DomainDefinition &def) override
    {
        if (!m_hv->available)
            return noHypervisor(def.name);
        if (m_hv->domains.contains(def.name))
            return Error::make(ErrorCode::DomainExists, QStringLiteral("Defining domain '%1'").arg(def.name),
                               QStringLiteral("domain '%1' already exists").arg(def.name));
        m_hv->calls << QStringLiteral("define %1").arg(def.name);
        DomainInfo &d = m_hv->add(def.name);
        d.vcpus = def.vcpus;
        d.memoryMiB = def.memoryMiB;
        return d;
    }
    Result<DomainInfo> changeDomain(const DomainChange &c) override
    {
        if (!m_hv->available)
            return noHypervisor(c.name);
        if (!m_hv->domains.contains(c.name))
            return missing(c.name);
        m_hv->lastShutdownTimeout = c.shutdownTimeoutSec;
        if (m_hv->duringChange)
            m_hv->duringChange(c);
        m_hv->calls << QStringLiteral("change %1 %2 %3").arg(c.name, c.hostdevs.join(u','), c.start ? QStringLiteral("start") : QStringLiteral("stop"));
        if (m_hv->failChangeOf == c.name)
            return Error::make(ErrorCode::DomainFailed, QStringLiteral("Starting domain '%1'").arg(c.name),
                               QStringLiteral("Requested operation is not valid: PCI device %1 is in use by driver QEMU")
                                   .arg(c.hostdevs.value(0)));
        DomainInfo &d = m_hv->domains[c.name];
        QList<DomainHostdev> kept;
        for (const DomainHostdev &h : d.hostdevs)
            if (!h.passdeck)
                kept << h;
        for (const QString &a : c.hostdevs)
            kept << DomainHostdev{a, true, false};
        d.hostdevs = kept;
        d.state = c.start ? DomainState::Running : DomainState::ShutOff;
        return d;
    }
    Result<DomainInfo> attachLive(const QString &name, const QStringList &addresses) override
    {
        if (!m_hv->available)
            return noHypervisor(name);
        if (!m_hv->domains.contains(name))
            return missing(name);
        m_hv->calls << QStringLiteral("live %1 %2").arg(name, addresses.join(u','));
        if (m_hv->refuseLive)
            return Error::make(ErrorCode::LiveAttachRefused, QStringLiteral("Attaching to domain '%1'").arg(name),
                               QStringLiteral("this function is not supported by the connection driver: virDomainAttachDeviceFlags"));
        DomainInfo &d = m_hv->domains[name];
        for (const QString &a : addresses)
            d.hostdevs << DomainHostdev{a, true, false};
        return d;
    }
    Status undefineDomain(const QString &name) override
    {
        if (!m_hv->available)
            return noHypervisor(name);
        m_hv->calls << QStringLiteral("undefine %1").arg(name);
        if (m_hv->domains.remove(name) == 0)
            return missing(name);
        return {};
    }

private:
    static Error missing(const QString &name)
    {
        return Error::make(ErrorCode::DomainNotFound, QStringLiteral("Looking up domain '%1'").arg(name),
                           QStringLiteral("Domain not found: no domain with matching name '%1'").arg(name));
    }

    std::unique_ptr<Node> m_inner;
    std::shared_ptr<FakeHypervisor> m_hv;
};

// The factory's nodes, each behind hv.
inline NodeFactory withFakeHypervisor(NodeFactory inner, std::shared_ptr<FakeHypervisor> hv)
{
    return [inner, hv](const NodeInfo &info) -> Result<std::unique_ptr<Node>> {
        auto n = inner(info);
        if (!n)
            return n.error();
        return std::unique_ptr<Node>(std::make_unique<FakeHypervisorNode>(std::move(n.value()), hv));
    };
}

} // namespace passdeck::test
